"""Bookkeeping for pruning: which layers to prune, how sparse a model is, calibration activation norms.

Nothing here prunes anything: choosing *which* weights go (magnitude, Wanda, 2:4, structured) is what the
notebooks teach. These helpers only find the layers, count zeros and record the input statistics that a
score needs.

Used in: 07 pruning.
"""
from __future__ import annotations

from collections.abc import Iterable

import torch


def block_linears(model: torch.nn.Module) -> dict[str, torch.nn.Linear]:
    """The ``nn.Linear`` layers inside a model's transformer blocks, by qualified name.

    Embeddings and the (often tied) output head are left out, as pruning papers do.

    Used in: 07 pruning.
    >>> net = torch.nn.Sequential(torch.nn.Embedding(10, 4), torch.nn.Linear(4, 4))
    >>> list(block_linears(net))
    ['1']
    """
    out: dict[str, torch.nn.Linear] = {}
    for qualified_name, sub in model.named_modules():
        if isinstance(sub, torch.nn.Linear) and not qualified_name.endswith("lm_head"):
            out[qualified_name] = sub
    return out


def weight_sparsity(model_or_layers: torch.nn.Module | dict[str, torch.nn.Linear]) -> float:
    """Fraction of exactly-zero weights over the block linears of a model (or a dict of linear layers).

    Reads ``module.weight`` (so a layer under ``torch.nn.utils.prune`` is counted with its mask applied).

    Used in: 07 pruning.
    >>> lin = torch.nn.Linear(2, 2)
    >>> with torch.no_grad():
    ...     _ = lin.weight.copy_(torch.tensor([[0.0, 1.0], [0.0, 2.0]]))
    >>> weight_sparsity({"lin": lin})
    0.5
    """
    layers = model_or_layers if isinstance(model_or_layers, dict) else block_linears(model_or_layers)
    zeros = sum(int((m.weight == 0).sum()) for m in layers.values())
    total = sum(m.weight.numel() for m in layers.values())
    return zeros / total if total else 0.0


def layer_sparsities(model: torch.nn.Module) -> dict[str, float]:
    """Fraction of zero weights in each block linear of ``model`` (a layer-wise view of ``weight_sparsity``).

    Used in: 07 pruning.
    >>> layer_sparsities(torch.nn.Sequential(torch.nn.Linear(3, 3)))["0"] < 1.0
    True
    """
    return {name: float((m.weight == 0).float().mean()) for name, m in block_linears(model).items()}


@torch.no_grad()
def input_channel_norms(model: torch.nn.Module, batches: Iterable[torch.Tensor],
                        layers: dict[str, torch.nn.Linear] | None = None) -> dict[str, torch.Tensor]:
    """L2 norm of each input channel of each linear layer over calibration batches: ``||X[:, j]||_2``.

    Forward hooks see every token that enters each layer (all batches, all positions); the result for a layer
    with ``in_features`` inputs is a float32 vector of that length. ``batches`` are token-id tensors fed as
    ``model(input_ids=batch)``.

    Used in: 07 pruning (Wanda scores, FFN neuron importance).
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 2))
    >>> class Wrap(torch.nn.Module):
    ...     def __init__(self): super().__init__(); self.net = net
    ...     def forward(self, input_ids): return self.net(input_ids)
    >>> norms = input_channel_norms(Wrap(), [torch.tensor([[3.0, 0.0], [4.0, 1.0]])])
    >>> [round(v, 3) for v in norms["net.0"].tolist()]
    [5.0, 1.0]
    """
    layers = block_linears(model) if layers is None else layers
    sums = {name: torch.zeros(m.in_features, dtype=torch.float64) for name, m in layers.items()}
    handles = []
    for name, module in layers.items():
        def hook(mod, inputs, output, name=name):
            x = inputs[0].detach().reshape(-1, inputs[0].shape[-1]).double()
            sums[name] += (x * x).sum(0).cpu()
        handles.append(module.register_forward_hook(hook))
    was_training = model.training
    model.eval()
    where = next(iter(model.parameters())).device
    try:
        for batch in batches:
            model(input_ids=batch.to(where))   # the hooks record each linear layer's inputs
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return {name: s.sqrt().float() for name, s in sums.items()}


def outlier_ratio(input_norm: torch.Tensor) -> float:
    """How strong a layer's outlier features are: max / median of its input-channel norms.

    About 1-2 when every channel carries similar energy; tens when a few channels dominate (the "outlier features"
    of large pretrained transformers, which make Wanda's ``|W| * ||X||`` differ from plain magnitude).

    Used in: 07 pruning (course LM vs all-MiniLM-L6-v2).
    >>> outlier_ratio(torch.tensor([1.0, 2.0, 2.0, 3.0, 40.0]))
    20.0
    """
    v = input_norm.detach().float().cpu()
    return float(v.max() / v.median().clamp_min(1e-12))
