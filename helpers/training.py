"""A plain, visible training loop for the notebooks that fine-tune or train small models.

It does what every notebook's training needs and nothing clever: AdamW on the trainable parameters, a
linear warm-up then cosine decay, gradient clipping, a progress bar, and the loss history. Each notebook passes
its own ``loss_fn`` when the lesson *is* the loss (distillation's soft targets, MoE's balancing term).

Used in: 06 Matryoshka (adapter training), 07 pruning (recovery fine-tune), 08 distillation, 09 LoRA/QLoRA,
10 Mixture-of-Experts.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import torch
from tqdm.auto import tqdm


def causal_lm_loss(model: torch.nn.Module, batch: torch.Tensor) -> torch.Tensor:
    """Next-token cross-entropy of a Hugging Face causal LM on a (batch, seq) LongTensor."""
    return model(input_ids=batch, labels=batch).loss


def train(model: torch.nn.Module, batches: Iterable[torch.Tensor], steps: int, *, lr: float = 1e-3,
          loss_fn: Callable[[torch.nn.Module, torch.Tensor], torch.Tensor] = causal_lm_loss,
          warmup: int | None = None, weight_decay: float = 0.0, clip: float = 1.0, seed: int = 0,
          progress: bool = True, desc: str = "training") -> list[float]:
    """Train ``model`` for ``steps`` batches; returns the loss of every step.

    Only parameters with ``requires_grad=True`` are optimised (freeze what should stay fixed first).

    >>> net = torch.nn.Linear(4, 1)
    >>> data = [torch.randn(8, 4) for _ in range(20)]
    >>> losses = train(net, data, 20, lr=0.05, loss_fn=lambda m, x: (m(x) - x.sum(1, keepdim=True)).pow(2).mean(),
    ...                progress=False)
    >>> losses[-1] < losses[0]
    True
    """
    torch.manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("no trainable parameters: every parameter has requires_grad=False")
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    warmup = max(1, steps // 10) if warmup is None else warmup

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    model.train()
    losses: list[float] = []
    bar = tqdm(total=steps, desc=desc, disable=not progress, leave=False)
    for step, batch in zip(range(steps), batches):
        loss = loss_fn(model, batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if clip:
            torch.nn.utils.clip_grad_norm_(params, clip)
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
        bar.update(1)
        bar.set_postfix(loss=f"{losses[-1]:.3f}")
    bar.close()
    model.eval()
    return losses
