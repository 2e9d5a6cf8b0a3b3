"""Helpers for the Small Language Models course: what the notebooks import.

Start a notebook with ``PROFILE, DEVICE, metrics = setup("NN_name", PROFILE, SEED)`` and end it with
``finish(metrics)`` (both in :mod:`helpers.notebook`). This file imports nothing heavy, so that
``python3 -m helpers`` works before anything is installed.
"""
from __future__ import annotations

import logging as _logging

# bitsandbytes logs a notice about an optional CPU kernel package at import time (peft, transformers and
# sentence-transformers import it): students read it as an error, and stderr zeroes an nbgrader test cell.
_logging.getLogger("bitsandbytes").setLevel(_logging.ERROR)


def setup(notebook: str, profile: str = "auto", seed: int = 0):
    """See :func:`helpers.notebook.setup`."""
    from helpers.notebook import setup as _setup

    return _setup(notebook, profile, seed)


def finish(metrics) -> None:
    """See :func:`helpers.notebook.finish`."""
    from helpers.notebook import finish as _finish

    _finish(metrics)
