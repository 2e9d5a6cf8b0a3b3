"""Train one of the course's small causal LMs (BLOOM architecture) on the course story corpus.

    python datasets/models/train_lm.py --size small     # ~2 min on 2 idle CPU cores -> datasets/models/bloom-small
    python datasets/models/train_lm.py --size large     # ~6 min on 2 idle CPU cores -> datasets/models/bloom-large
    python datasets/models/train_lm.py --size tiny --max-steps 3 --out /tmp/x   # smoke test

Needs the corpus and tokenizer first (python datasets/make_corpus.py). Seeded and single-process
(torch.set_num_threads(2)), so a rerun on the same machine and library versions gives the same weights.

Recipe (both sizes: the same 300 steps over the same batches, so the only difference is the model and its peak
learning rate): AdamW (betas 0.9/0.95, weight decay 0.1), linear warmup then cosine decay
to 10 % of the peak learning rate, gradient clipping at 1.0, random windows of SEQ_LEN tokens from the
concatenated training stories (each story followed by </s>), float32. After training it writes the model with
save_pretrained (safetensors, config.json, generation_config.json), a copy of the tokenizer, metrics.json and
the model card README.md. Validation perplexity is helpers.lm.perplexity on the first EVAL_TOKENS tokens of the
validation split (seq_len 128), the same number tests/test_lm.py recomputes.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))

from helpers.lm import TOKENIZER_DIR, generate_text, lm_batches, perplexity  # noqa: E402

EVAL_TOKENS = 20_000
EVAL_SEQ_LEN = 128
PROMPTS = ["Once upon a time, there was a little girl named Lily.",
           "One day, Tom went to the park with his dog.",
           '"Where is my ball?" asked Ben.']

# name: model shape + optimisation. vocab_size is padded from the tokenizer's length to a multiple of 64.
SIZES = {
    "tiny": dict(hidden_size=32, n_layer=1, n_head=2, lr=3e-3, steps=3, batch_size=4, seq_len=32, warmup=1),
    "small": dict(hidden_size=128, n_layer=6, n_head=4, lr=3e-3, steps=300, batch_size=16, seq_len=128, warmup=30),
    "large": dict(hidden_size=320, n_layer=8, n_head=8, lr=2e-3, steps=300, batch_size=16, seq_len=128, warmup=30),
}


def lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("--max-steps", type=int, default=None, help="optimizer steps (default: the size's recipe)")
    ap.add_argument("--out", type=Path, default=None, help="output folder (default datasets/models/bloom-<size>)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--eval-tokens", type=int, default=EVAL_TOKENS)
    args = ap.parse_args(argv)

    from transformers import AutoTokenizer, BloomConfig, BloomForCausalLM, GenerationConfig

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    hp = dict(SIZES[args.size])
    steps = args.max_steps if args.max_steps is not None else hp["steps"]
    out = args.out or HERE / f"bloom-{args.size}"

    tok = AutoTokenizer.from_pretrained(TOKENIZER_DIR)
    vocab = (len(tok) + 63) // 64 * 64
    config = BloomConfig(vocab_size=vocab, hidden_size=hp["hidden_size"], n_layer=hp["n_layer"], n_head=hp["n_head"],
                         bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id,
                         hidden_dropout=0.0, attention_dropout=0.0, initializer_range=0.02,
                         tie_word_embeddings=True)
    model = BloomForCausalLM(config)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"bloom-{args.size}: {n_params:,} parameters, {steps} steps of {hp['batch_size']}x{hp['seq_len']} tokens",
          flush=True)

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=hp["lr"], betas=(0.9, 0.95))
    model.train()
    t0, c0 = time.time(), time.process_time()
    tokens_seen = 0
    loss_log = []
    batches = lm_batches(tok, "train", seq_len=hp["seq_len"], batch_size=hp["batch_size"], n_batches=steps,
                         seed=args.seed)
    for step, x in enumerate(batches):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, hp["lr"], min(hp["warmup"], max(1, steps // 10)))
        loss = model(input_ids=x, labels=x).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        tokens_seen += x.numel()
        loss_log.append(loss.item())
        if step % 25 == 0 or step == steps - 1:
            print(f"step {step:4d}  loss {loss.item():.3f}  lr {opt.param_groups[0]['lr']:.2e}  "
                  f"{time.time() - t0:6.1f}s", flush=True)
    train_seconds = time.time() - t0
    train_cpu_seconds = time.process_time() - c0  # robust to other jobs sharing the machine

    model.eval()
    ppl = perplexity(model, tok, max_tokens=args.eval_tokens, seq_len=EVAL_SEQ_LEN)
    samples = [generate_text(model, tok, p, max_new_tokens=40) for p in PROMPTS]
    print(f"validation perplexity {ppl:.3f}; trained in {train_seconds:.0f}s", flush=True)

    out.mkdir(parents=True, exist_ok=True)
    model.generation_config = GenerationConfig(bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                                               pad_token_id=tok.pad_token_id, max_new_tokens=64, do_sample=False)
    model.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    cfg_path = out / "tokenizer_config.json"  # keep the generic class name, loadable by transformers 4.x and 5.x
    tok_cfg = json.loads(cfg_path.read_text())
    tok_cfg["tokenizer_class"] = "PreTrainedTokenizerFast"
    cfg_path.write_text(json.dumps(tok_cfg, indent=2) + "\n")

    metrics = {
        "name": f"bloom-{args.size}", "params": n_params, "val_perplexity": round(ppl, 4),
        "val_slice": {"split": "valid", "first_tokens": args.eval_tokens, "seq_len": EVAL_SEQ_LEN},
        "train_seconds": round(train_seconds, 1),
        "train_cpu_seconds": round(train_cpu_seconds, 1), "tokens_seen": tokens_seen, "steps": steps,
        "final_train_loss": round(sum(loss_log[-20:]) / len(loss_log[-20:]), 4),
        "hyperparameters": {**hp, "steps": steps, "seed": args.seed, "optimizer": "AdamW(0.9, 0.95), wd 0.1",
                            "schedule": "linear warmup, cosine to 10%", "grad_clip": 1.0, "vocab_size": vocab},
        "machine": f"{platform.machine()}, torch {torch.__version__}, {args.threads} threads",
        "dtype": "float32",
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (out / "README.md").write_text(card(args.size, config, metrics, samples, len(tok)))
    print(f"saved to {out}", flush=True)
    return 0


def card(size: str, config, m: dict, samples: list[str], n_tokens: int) -> str:
    hp = m["hyperparameters"]
    sample_md = "\n".join(f"{i + 1}. {s!r}" for i, s in enumerate(samples))
    return f"""# bloom-{size}: a course-trained BLOOM causal LM

A {m['params']:,}-parameter causal language model with the BLOOM architecture (`BloomForCausalLM`, the same code
path as `bigscience/bloom-560m`), trained from scratch by the course on its own story corpus
(`datasets/stories`, MIT, generated by `datasets/make_corpus.py`), with the course tokenizer
(`datasets/tokenizer`, byte-level BPE, {n_tokens:,} tokens). Licence: MIT.
It is the local-profile stand-in for the hub models (`bigscience/bloom-560m` / `bigscience/bloom-1b1`).

Load it with `helpers.lm.load_course_lm("{size}", profile="local")` or
`BloomForCausalLM.from_pretrained("datasets/models/bloom-{size}")`.

## Architecture
hidden_size {config.hidden_size}, {config.n_layer} layers, {config.n_head} heads, vocab {config.vocab_size}
(padded to a multiple of 64), ALiBi positions, tied input/output embeddings. Weights stored in float32 (safetensors).

## Training
`python datasets/models/train_lm.py --size {size}` (seed {hp['seed']}, `torch.set_num_threads(2)`).

| | |
|---|---|
| steps | {m['steps']} |
| batch | {hp['batch_size']} windows x {hp['seq_len']} tokens |
| tokens seen | {m['tokens_seen']:,} |
| optimizer | {hp['optimizer']}, peak lr {hp['lr']}, {hp['schedule']} ({hp['warmup']} warmup steps), grad clip {hp['grad_clip']} |
| wall time | {m['train_seconds']:.0f} s on {m['machine']} (CPU time {m.get('train_cpu_seconds', 0):.0f} s; the wall time grows when other jobs share the 2 cores) |
| final train loss | {m['final_train_loss']} (mean of the last 20 steps) |

## Evaluation
Validation perplexity **{m['val_perplexity']:.3f}**: `helpers.lm.perplexity(model, tokenizer)` = the first
{m['val_slice']['first_tokens']:,} tokens of the validation split (stories joined with `</s>`), non-overlapping windows of
{m['val_slice']['seq_len']} tokens, token-weighted. Machine-readable copy: `metrics.json`.

Greedy samples (`helpers.lm.generate_text`, 40 new tokens):

{sample_md}

## Limits
Trained for minutes on a synthetic corpus of simple template stories: it knows that register and little else.
Use it to measure techniques (perplexity before/after quantization, pruning, distillation...), not as a model of
English.
"""


if __name__ == "__main__":
    sys.exit(main())
