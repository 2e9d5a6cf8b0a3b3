"""The first and the last call of every notebook.

``setup`` replaces the lines every notebook used to repeat: it resolves the profile, seeds every generator,
applies the one thread rule, quiets library noise a student would read as an error, and opens the metrics log.
``finish`` prints what the notebook measured, which of its claims held, and the visible-test score table.

Used in: every notebook (first code cell after the parameters, and the last cell).
"""
from __future__ import annotations

import logging
import os
import random
import warnings

from helpers.metrics import MetricsLog
from helpers.profiles import device, resolve_profile


def _quiet_libraries() -> None:
    """Silence import-time messages that are not errors (printed to stderr, where they alarm students and zero
    nbgrader test cells): bitsandbytes' optional CPU kernel notice, transformers' and datasets' advice."""
    for name in ("bitsandbytes", "bitsandbytes.cextension", "transformers", "sentence_transformers",
                 "datasets", "huggingface_hub", "optimum.quanto", "torchao"):
        logging.getLogger(name).setLevel(logging.ERROR)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", message=".*TypedStorage is deprecated.*")


def threads_for(profile: str) -> int | None:
    """The course's one thread rule: one torch thread in the ``local`` profile, the library default otherwise.

    The local models are tiny: on a small CPU one thread beats two that wait for each other, and CI runs two
    notebooks side by side on two cores. On a GPU or a big machine (``hub``) torch's default is right.

    >>> threads_for("local"), threads_for("hub")
    (1, None)
    """
    return 1 if profile == "local" else None


def seed_everything(seed: int) -> None:
    """Seed Python's ``random``, NumPy and torch (CPU and CUDA) with ``seed``."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # seeds CUDA too


def setup(notebook: str, profile: str = "auto", seed: int = 0) -> tuple[str, str, MetricsLog]:
    """Start a notebook: ``PROFILE, DEVICE, metrics = setup("03_linear_quantization", PROFILE, SEED)``.

    Resolves ``profile`` (``auto``/``local``/``hub``), seeds everything with ``seed``, applies the thread rule
    (:func:`threads_for`), quiets library noise, and returns the profile, the device the models go to
    (``"cuda"`` in the hub profile on a GPU, else ``"cpu"``) and the notebook's :class:`MetricsLog`.
    Prints one line saying what it chose.
    """
    import torch

    _quiet_libraries()
    profile = resolve_profile(profile)
    seed_everything(seed)
    threads = threads_for(profile)
    if threads is not None:
        torch.set_num_threads(threads)
    dev = device(profile)
    metrics = MetricsLog(notebook, profile=profile)
    where = "offline models shipped with the course" if profile == "local" else "models from the Hugging Face Hub"
    print(f"profile: {profile} ({where}) · device: {dev} · seed: {seed} · torch threads: {torch.get_num_threads()}")
    return profile, dev, metrics


def finish(metrics: MetricsLog) -> None:
    """End a notebook: the recorded metrics, the verdict of every claim, then ``selfcheck()``'s score table."""
    from helpers.selfcheck import selfcheck

    print(metrics.table())
    if metrics.claims:
        held = sum(c["holds"] for c in metrics.claims)
        print(f"\nclaims checked in this run: {held} of {len(metrics.claims)} hold")
        for c in metrics.claims:
            print(f"  {'✓' if c['holds'] else '✗'} {c['text']}")
    print()
    selfcheck()
