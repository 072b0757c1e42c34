"""One-line refusals, in the course's notation, of the arguments a learner most often
gets wrong: a 1-D or transposed ``Y``, a ``w`` that is not a column, an iteration count
that is not a whole number. Private to :mod:`nnscratch.course`."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import numpy as np

#: Whether the reference's printing is off in this thread (:func:`unprinted`).
_quiet = threading.local()


@contextlib.contextmanager
def unprinted() -> Iterator[None]:
    """The course's printed lines (``deep.predict``'s accuracy) left out in this thread
    while the block runs: the checker compares what the reference returns, and nothing
    it runs may reach stdout (``check --json`` prints JSON alone). Per thread, not by
    swapping the process's ``sys.stdout``, which lost other threads' prints and, with
    checks in two threads, stayed swapped for good."""
    before = getattr(_quiet, "on", False)
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = before


def printing() -> bool:
    """Whether the course's functions print in this thread (see :func:`unprinted`)."""
    return not getattr(_quiet, "on", False)


def labels(Y, m: int) -> np.ndarray:
    """``Y`` as a float ``(n_y, m)`` array: one label per column, as ``X`` has one
    example per column."""
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2 or Y.shape[1] != m:
        raise ValueError(
            f"Y has shape {Y.shape} for m = {m} examples: it must be (1, m) = (1, {m}), one "
            "label per column like X's examples (Y.reshape(1, -1) turns m labels into a row)."
        )
    return Y


def examples(X, name: str = "X") -> np.ndarray:
    """``X`` as a 2-D float array ``(n_x, m)``."""
    X = np.asarray(X, dtype=float)
    if X.ndim == 2 and X.shape[1] == 0:
        raise ValueError(f"{name} has shape {X.shape}: there are no examples (m = 0).")
    if X.ndim != 2:
        raise ValueError(
            f"{name} has shape {X.shape}: it must be (n_x, m), one example per column "
            "(X.reshape(1, -1) for m numbers of one feature)."
        )
    return X


def iterations(num_iterations) -> int:
    if isinstance(num_iterations, bool) or not isinstance(num_iterations, (int, np.integer)) \
            or num_iterations < 0:
        raise ValueError(
            f"num_iterations must be a whole number of steps, 0 or more; got {num_iterations!r}."
        )
    return int(num_iterations)


def cost(compute_cost, AL: np.ndarray, ZL: np.ndarray, Y: np.ndarray) -> float:
    """The training loop's cost: the course's ``compute_cost(AL, Y)`` (its published
    digits), or from the logits ``ZL`` where an ``AL`` of exactly 0 or 1 on the wrong
    label makes that infinite (the rounded probability holds no more)."""
    from .. import network

    value = compute_cost(AL, Y)
    return value if np.isfinite(value) else finite(network.compute_cost(ZL, Y))


def finite(cost: float) -> float:
    """``cost``, refused when not finite: the weights overflowed (the loops went on with
    NaN weights, and the costs they returned were NaN)."""
    if not np.isfinite(cost):
        from ..exceptions import NonFiniteWeightsError

        raise NonFiniteWeightsError(
            f"the cost J is {cost}: the weights are no longer finite (the training "
            "diverged, or w X + b overflows float64); lower the learning rate, or scale X "
            "(divide the pixels by 255)")
    return cost
