"""The training loop: epochs of (mini-)batch steps that fire events.

One *iteration* of ``max_iter`` is one epoch: one pass over the training set, made
of one step (full-batch gradient descent, the seeds' algorithm) or of one step per
mini-batch. Each step is the seeds' cycle::

    AL, caches = L_model_forward(X_batch, params, ...)     # forward propagation
    cost = compute_cost(Z_L, Y_batch, ...)                  # from the logits
    grads = L_model_backward(AL, Y_batch, caches, ...)      # backward propagation
    optimizer.update(params, grads)                         # gradient descent & co.

Everything else — the cost history, progress, early stopping, user code — listens
to the events fired by :func:`train` (see :mod:`nnscratch.callbacks`).

When there are fewer examples than features and the update is linear in the
gradient (gradient descent, momentum), the first layer can be trained in its exact
row-space form (:mod:`nnscratch._rowspace`): ``W1 = s·W1_0 + C·Xᵀ``, so that an
iteration costs ``O(n_1 m²)`` for that layer instead of ``O(n_1 n_x m)``. The steps
are the same; only how ``W1 X`` and the update of ``W1`` are computed changes, and
``W1`` is recovered when training ends.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ._rowspace import RowSpaceLinear
from .activations import Activation
from .callbacks import CallbackList
from .exceptions import NonFiniteWeightsError
from .network import (
    L_model_backward,
    L_model_forward,
    Workspace,
    compute_cost,
    forward_logits,
)
from .optimizers import Momentum, Optimizer

__all__ = ["Problem", "TrainingResult", "minibatches", "train"]

#: The smallest batch (its width times the widest layer, in values) for which the
#: training loop reuses its arrays (a :class:`~nnscratch.network.Workspace`): that
#: saves allocating and touching fresh memory every step, but for small arrays (the
#: cat model's 20 x 209) allocating is cheaper than the bookkeeping.
WORKSPACE_MIN_SIZE = 16384


@dataclass
class Problem:
    """What is being fitted: the data in the seeds' layout and the network's shape.

    Attributes
    ----------
    X : ndarray of shape (n_x, m_X)
        Inputs, one column per example (usually a transposed view).
    Y : ndarray of shape (n_L, m)
        Targets of the m training examples: 0/1 for a sigmoid output, one-hot
        columns for softmax.
    sample_weight : ndarray of shape (m,) or None
    activations : list of Activation
        The hidden layers' activations.
    output : {"sigmoid", "softmax"}
    alpha : float
        L2 strength.
    keep_probs : list of float or None
        Dropout keep probabilities of the hidden layers.
    X_val, Y_val : ndarray or None
        A validation set in the same layout, for ``val_loss`` and ``val_score``.
    rows : ndarray of int of shape (m,) or None
        The columns of ``X`` that are the training examples, in the order of ``Y``
        (early stopping holds the others out), so that the data need not be copied;
        None when they are all of ``X``'s columns.
    """

    X: np.ndarray
    Y: np.ndarray
    sample_weight: np.ndarray | None
    activations: Sequence[Activation]
    output: str = "sigmoid"
    alpha: float = 0.0
    keep_probs: Sequence[float] | None = None
    X_val: np.ndarray | None = None
    Y_val: np.ndarray | None = None
    rows: np.ndarray | None = None

    @property
    def n_samples(self) -> int:
        """m, the number of training examples."""
        return self.Y.shape[1]


@dataclass
class TrainingResult:
    """How a call of :func:`train` ended."""

    n_iter: int
    stopped_early: bool
    interrupted: bool


def minibatches(m: int, batch_size: int | None, shuffle: bool, rng) -> Iterator[slice | np.ndarray]:
    """The index sets of one epoch's mini-batches.

    Parameters
    ----------
    m : int
        The number of examples.
    batch_size : int or None
        None (or ``>= m``) gives one full batch, the seeds' gradient descent.
    shuffle : bool
        Draw a fresh permutation of the examples (from ``rng``) for the epoch, as the
        course's ``random_mini_batches`` does; the last batch may be smaller.
    rng : RandomState or Generator

    Yields
    ------
    slice or ndarray of int
        Slices (views, no copy) when not shuffling.
    """
    if batch_size is None or batch_size >= m:
        yield slice(None)
        return
    order = rng.permutation(m) if shuffle else None
    for start in range(0, m, batch_size):
        stop = min(start + batch_size, m)
        yield slice(start, stop) if order is None else np.sort(order[start:stop])


def _columns(
    X: np.ndarray, batch: slice | np.ndarray, workspace: Workspace | None
) -> np.ndarray:
    """``X[:, batch]``, the batch's examples, gathered into a reused array.

    When ``X`` is the transposed view of row-major ``(m, n_x)`` data (what the
    estimators pass), the examples are rows of that array: ``np.take`` copies them
    into the workspace's Fortran-ordered ``(n_x, m_B)`` array, whose columns are
    exactly those rows. (``mode="clip"`` skips the bounds check, which would make
    ``np.take`` buffer its output; the indices come from a permutation.)
    """
    rows = X.T
    if isinstance(batch, slice) or workspace is None or not rows.flags.c_contiguous:
        return X[:, batch]
    out = workspace("X", (X.shape[0], len(batch)), X.dtype)
    np.take(rows, batch, axis=0, out=out.T, mode="clip")
    return out


def _accuracy(ZL: np.ndarray, Y: np.ndarray) -> float:
    if ZL.shape[0] == 1:
        return float(np.mean((ZL[0] > 0) == (Y[0] > 0.5)))
    return float(np.mean(ZL.argmax(axis=0) == Y.argmax(axis=0)))


def train(
    estimator,
    problem: Problem,
    params: dict[str, np.ndarray],
    optimizer: Optimizer,
    *,
    max_iter: int,
    batch_size: int | None,
    shuffle: bool,
    rng,
    schedule: Callable[[float, int], float],
    learning_rate_init: float,
    callbacks: CallbackList,
    first_iteration: int = 0,
    rowspace: bool = False,
) -> TrainingResult:
    """Run ``max_iter`` epochs, updating ``params`` in place and firing the events.

    Parameters
    ----------
    estimator : object
        Passed to the callbacks; its ``params_`` must be ``params`` (the live
        weights), so that callbacks can read and restore them.
    problem : Problem
    params : dict
        ``"W1"``, ``"b1"``, ... updated in place.
    optimizer : Optimizer
        Applies the gradients; its ``learning_rate`` is set every epoch from
        ``schedule(learning_rate_init, epoch)``.
    max_iter : int
        Epochs to run (fewer if a callback stops training).
    batch_size, shuffle, rng
        See :func:`minibatches`; ``rng`` also draws the dropout masks.
    schedule : callable
    learning_rate_init : float
    callbacks : CallbackList
    first_iteration : int, default=0
        The number of epochs already run (``warm_start``, ``partial_fit``): it
        numbers the iterations given to the callbacks and to the schedule.
    rowspace : bool, default=False
        Train the first layer in row-space form (gradient descent or momentum
        only). ``params["W1"]`` is then brought up to date when training ends, and
        before an iteration's callbacks when one of them needs the weights
        (:meth:`~nnscratch.callbacks.Callback.needs_weights`); what a callback writes
        into it is not seen by the training.

    Returns
    -------
    TrainingResult

    Raises
    ------
    NonFiniteWeightsError
        When a cost is not finite: the weights have diverged.
    """
    X, Y, w, rows = problem.X, problem.Y, problem.sample_weight, problem.rows
    m = problem.n_samples
    if rows is not None and (rowspace or batch_size is None or batch_size >= m):
        X, rows = X[:, rows], None  # every step reads all of them: gather them once
    first = RowSpaceLinear(params["W1"], X) if rowspace else None
    val_W1X = None if first is None or problem.X_val is None else first.product(problem.X_val)
    updated = params if first is None else {k: v for k, v in params.items() if k != "W1"}
    # Gradient descent's step is linear in the gradient: the backward pass then
    # returns lr*dW (one multiplication of dZ_L) and the step is W -= lr*dW in one pass.
    scaled = first is None
    widest = max(params[f"b{l}"].shape[0] for l in range(1, len(params) // 2 + 1))
    width = m if batch_size is None else min(batch_size, m)
    workspace = Workspace() if widest * width >= WORKSPACE_MIN_SIZE else None
    callbacks.on_train_begin(estimator, {"max_iter": max_iter, "n_samples": m})
    n_iter, stopped_early, interrupted = 0, False, False
    try:
        for epoch in range(first_iteration, first_iteration + max_iter):
            optimizer.learning_rate = schedule(learning_rate_init, epoch)
            total, weight_total = 0.0, 0.0
            for batch in minibatches(m, batch_size, shuffle, rng):
                w_b = None if w is None else w[batch]
                Y_b = Y[:, batch]
                m_b = Y_b.shape[1] if w_b is None else float(np.sum(w_b))
                if first is None:
                    AL, caches = L_model_forward(
                        _columns(X, batch if rows is None else rows[batch], workspace),
                        params, problem.activations,
                        problem.output, problem.keep_probs, rng, workspace=workspace,
                    )
                else:
                    full = isinstance(batch, slice) and batch == slice(None)
                    part = None if full else batch
                    AL, caches = L_model_forward(
                        None, params, problem.activations, problem.output, problem.keep_probs,
                        rng, W1X=first.forward(part), workspace=workspace,
                    )
                cost = compute_cost(
                    caches[-1][1].Z, Y_b, problem.output, updated, problem.alpha, w_b
                )
                if first is not None and problem.alpha:
                    cost += problem.alpha / (2.0 * m_b) * first.sq_norm()
                if not np.isfinite(cost):
                    raise NonFiniteWeightsError(
                        f"training diverged at iteration {epoch} (cost {cost}): the weights "
                        f"are no longer finite. Lower learning_rate (now "
                        f"{optimizer.learning_rate:g}) or scale the input features (divide "
                        "pixel values by 255, standardise tabular data)."
                    )
                grads = L_model_backward(
                    AL, Y_b, caches, problem.activations, problem.alpha, w_b,
                    dW1=first is None, scale=optimizer.gradient_scale if scaled else 1.0,
                    workspace=workspace,
                )
                if first is not None:
                    beta = optimizer.beta if isinstance(optimizer, Momentum) else 0.0
                    first.step(grads.pop("dZ1"), optimizer.learning_rate, part,  # dZ1 is ∂J/∂Z1
                               weight_decay=problem.alpha / m_b, momentum=beta,
                               dampening=beta, m=1.0)
                optimizer.update(updated, grads, scaled=scaled)
                total += cost * m_b
                weight_total += m_b
            logs = {"cost": total / weight_total, "learning_rate": optimizer.learning_rate}
            if problem.X_val is not None:
                ZL = forward_logits(problem.X_val, params, problem.activations,
                                    W1X=None if val_W1X is None else val_W1X())
                logs["val_loss"] = compute_cost(ZL, problem.Y_val, problem.output)
                logs["val_score"] = _accuracy(ZL, problem.Y_val)
            n_iter += 1
            if first is not None and callbacks.needs_weights(epoch, logs):
                np.copyto(params["W1"], first.weights())  # W1 = s·W1_0 + C·Xᵀ, for them
            if callbacks.on_iteration_end(estimator, epoch, logs):
                stopped_early = True
                break
    except KeyboardInterrupt:
        interrupted = True
        warnings.warn(
            f"training interrupted after {n_iter} iterations; keeping the weights so far.",
            UserWarning,
            stacklevel=3,
        )
    finally:
        if first is not None:  # W1 = s·W1_0 + C·Xᵀ, into the caller's array
            np.copyto(params["W1"], first.weights())
            if isinstance(optimizer, Momentum):
                optimizer.v["dW1"] = first.velocity()
        callbacks.on_train_end(
            estimator,
            {"n_iter": n_iter, "stopped_early": stopped_early, "interrupted": interrupted},
        )
    return TrainingResult(n_iter, stopped_early, interrupted)
