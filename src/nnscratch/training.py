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

The loop runs these steps through :mod:`nnscratch._engine`, the same computations
made fast (reused arrays, activations in place, the learning rate folded into
``dZ_L``), and the first layer through a :class:`~nnscratch._engine.FirstLayer`, whose
form (``W1`` as an array, or a faster exact form) the engine picks. The weights
callbacks read are a :class:`LiveWeights` view, which computes ``W1`` from that form
only when it is read.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import re
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np

from . import _engine, _halves, _threads
from .activations import Activation
from .callbacks import BoundCallbacks
from .exceptions import NonFiniteWeightsError, OutputOverflowError
from .optimizers import Optimizer

#: True where Ctrl-C must end more than the fit it interrupts (set by
#: :func:`nnscratch.search.run_search`): the fit then passes the KeyboardInterrupt on,
#: instead of keeping its weights so far and returning, which a search would score as a
#: finished fit before going on to the next.
INTERRUPT_ENDS_ALL: ContextVar[bool] = ContextVar("nnscratch_interrupt_ends_all",
                                                   default=False)
#: True where the caller says a Ctrl-C itself (set by
#: :func:`nnscratch.streaming.fit_streaming`, which warns once for the stream): the fit
#: keeps its weights so far and returns, as always, without a warning of its own. (A
#: warnings filter would do it for every thread of the process, and its end would undo
#: the filters other threads set meanwhile.)
INTERRUPT_SAID_BY_CALLER: ContextVar[bool] = ContextVar("nnscratch_interrupt_said_by_caller",
                                                         default=False)

__all__ = ["LiveWeights", "Problem", "TrainingResult", "minibatches", "train"]

#: The modules whose warnings :func:`library_warnings_ignored` ignores: nnscratch's,
#: the libraries it calls, and joblib's, whose line a fit's warning names inside
#: joblib's workers (the first line outside nnscratch and scikit-learn: _user_stacklevel).
LIBRARY_MODULES = r"(nnscratch|sklearn|joblib|numpy|scipy|pandas)(\.|$)"
_IGNORED = ("ignore", None, Warning, re.compile(LIBRARY_MODULES), 0)  # filterwarnings' entry
_ignoring = 0  # the blocks under way, in every thread
_IGNORING_LOCK = threading.Lock()


@contextlib.contextmanager
def library_warnings_ignored():
    """Ignore the warnings of the libraries' own code (:data:`LIBRARY_MODULES`) while the
    block runs: a search's fits say their failures in one line of their own.

    One entry of ``warnings.filters``, added at its front and removed again when the
    last such block ends, not ``warnings.catch_warnings()`` with an "ignore" for all:
    the filters are the process's, so that ignored the warnings of every thread, the
    user's own too, and its end put back the list it had found, dropping the filters
    other threads had added meanwhile. While the block runs the entry is in the list
    that scikit-learn's ``Parallel`` copies into its workers, so their fits ignore the
    same warnings.
    """
    global _ignoring
    with _IGNORING_LOCK:
        if not _ignoring:
            warnings.filterwarnings("ignore", module=LIBRARY_MODULES)
        _ignoring += 1
    try:
        yield
    finally:
        with _IGNORING_LOCK:
            _ignoring -= 1
            if not _ignoring:
                # only this entry, wherever the filters added since put it; an "ignore"
                # leaves nothing in the warnings' registries to forget
                with contextlib.suppress(ValueError):
                    warnings.filters.remove(_IGNORED)
                changed = getattr(warnings, "_filters_mutated", None)
                if changed is not None:
                    changed()


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
    val_weight : ndarray of shape (m_val,) or None
        The validation examples' weights in ``val_loss`` and ``val_score`` (the rows
        early stopping holds out keep theirs); None weighs them all alike.
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
    val_weight: np.ndarray | None = None

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


def vanishing_rate(schedule: Callable[[float, int], float], learning_rate: float,
                   first: int, n: int) -> int | None:
    """The first of the iterations ``first .. first + n - 1`` at which ``schedule``
    takes ``learning_rate`` down to 0 (float64 underflow), or None where it stays
    positive throughout.

    The caller refuses such a run before training: the optimizer refuses a learning
    rate of 0, and the run failed there, thousands of iterations in, naming an internal
    object (``learning_rate=1e-320`` with ``"inverse_time"`` reached 0 at iteration
    4047). The built-in schedules never raise the rate: the last iteration is asked,
    then a bisection finds the first at 0.
    """
    last = first + n - 1
    if n < 1 or schedule(learning_rate, last) > 0:
        return None
    low, high = first, last
    while low < high:
        middle = (low + high) // 2
        if schedule(learning_rate, middle) > 0:
            low = middle + 1
        else:
            high = middle
    return low


def _accuracy(ZL: np.ndarray, Y: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The share of right predictions, weighted by ``weights`` where given."""
    if ZL.shape[0] == 1:
        right = (ZL[0] > 0) == (Y[0] > 0.5)
    else:
        right = ZL.argmax(axis=0) == Y.argmax(axis=0)
    return float(np.mean(right) if weights is None else np.average(right, weights=weights))


class LiveWeights(MutableMapping):
    """The network's parameters while it trains, as callbacks see them.

    A mapping over a plain ``params`` dict (``"W1"``, ``"b1"``, ...; the same
    arrays). While a first layer that does not hold ``W1`` as an array is training
    (:mod:`nnscratch._engine`'s :class:`~nnscratch._engine.FirstLayer`), reading
    ``"W1"`` computes it into ``params["W1"]`` first, once per step at most: only the
    callbacks that read the weights pay for them. What is written into ``W1`` during
    training is not seen by such a first layer (the estimators do not use one when
    user callbacks are given).

    Parameters
    ----------
    params : dict
    """

    def __init__(self, params: dict[str, np.ndarray]) -> None:
        self.params = params
        self._first: _engine.FirstLayer | None = None
        self._stale = False

    def track(self, first: _engine.FirstLayer | None) -> None:
        """Read ``W1`` from ``first`` from now on (None: stop)."""
        self._first, self._stale = first, False

    def changed(self) -> None:
        """The first layer took a step: ``W1`` is computed again when next read."""
        self._stale = self._first is not None

    def __getitem__(self, key: str) -> np.ndarray:
        if self._stale and key == "W1":
            W1 = self._first.weights()
            if W1 is not self.params["W1"]:
                np.copyto(self.params["W1"], W1)
            self._stale = False
        return self.params[key]

    def __setitem__(self, key: str, value: np.ndarray) -> None:
        self.params[key] = value

    def __delitem__(self, key: str) -> None:
        del self.params[key]

    def __iter__(self):
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)

    def copy(self) -> dict[str, np.ndarray]:
        """A plain dict of the same arrays (``W1`` up to date)."""
        return dict(self.items())

    def __reduce__(self):
        # pickled (a checkpoint of the estimator from a callback) and deep-copied as
        # the plain dict of the weights: the first layer it reads W1 from holds the
        # training data (a 16 MB X made a 35 MB checkpoint of a 13 kB model)
        return dict, (self.copy(),)


def _user_stacklevel() -> int:
    """``warnings.warn``'s ``stacklevel``, for the function that calls this one, that
    names the first frame outside nnscratch, scikit-learn (whose callback support
    wraps ``fit``) and NumPy (``np.errstate`` as a decorator): the user's line."""
    inside = tuple(os.path.dirname(m.__file__) + os.sep for m in
                   (sys.modules[__package__], sys.modules.get("sklearn"), np)
                   if m is not None)
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(inside):
        frame, level = frame.f_back, level + 1
    return level


class _UserEvents:
    """The events of a training run, fired as user code: under the caller's NumPy
    error handling (``np.seterr``; the loop's own computations ignore overflow, which
    its cost check reports) and marked as user code for the BLAS threads of any run
    they start (:func:`nnscratch._threads.user_code`)."""

    def __init__(self, events: BoundCallbacks, errors: dict[str, str]) -> None:
        self.events, self.errors = events, errors

    def on_train_begin(self, logs) -> None:
        with np.errstate(**self.errors), _threads.user_code():
            self.events.on_train_begin(logs)

    def on_iteration_end(self, iteration: int, logs) -> bool:
        with np.errstate(**self.errors), _threads.user_code():
            return self.events.on_iteration_end(iteration, logs)

    def on_train_end(self, logs) -> None:
        with np.errstate(**self.errors), _threads.user_code():
            self.events.on_train_end(logs)


def train(
    problem: Problem,
    params: dict[str, np.ndarray] | LiveWeights,
    optimizer: Optimizer,
    *,
    max_iter: int,
    batch_size: int | None,
    shuffle: bool,
    rng,
    schedule: Callable[[float, int], float],
    learning_rate_init: float,
    callbacks: BoundCallbacks | None = None,
    first_iteration: int = 0,
    algorithm: str = "plain",
    fixed_weights: bool = True,
) -> TrainingResult:
    """Run ``max_iter`` epochs, updating ``params`` in place and firing the events.

    Parameters
    ----------
    problem : Problem
    params : dict or LiveWeights
        ``"W1"``, ``"b1"``, ... updated in place. Give a :class:`LiveWeights` view
        that the callbacks also read (the estimators' ``params_``) to have ``W1``
        computed for them when they read it.
    optimizer : Optimizer
        Applies the gradients; its ``learning_rate`` is set every epoch from
        ``schedule(learning_rate_init, epoch)``.
    max_iter : int
        Epochs to run (fewer if a callback stops training).
    batch_size, shuffle, rng
        See :func:`minibatches`; ``rng`` also draws the dropout masks.
    schedule : callable
    learning_rate_init : float
    callbacks : BoundCallbacks, optional
        The events' listeners (:meth:`nnscratch.callbacks.CallbackList.bind`).
    first_iteration : int, default=0
        The number of epochs already run (``warm_start``, ``partial_fit``): it
        numbers the iterations given to the callbacks and to the schedule.
    algorithm : str, default="plain"
        The estimators' ``algorithm``: which form of the first layer to train, as
        :func:`nnscratch._engine.first_layer` picks it.
    fixed_weights : bool, default=True
        False when callbacks may change the weights (then no form that keeps ``W1``
        elsewhere is picked by "auto").

    Returns
    -------
    TrainingResult

    Raises
    ------
    NonFiniteWeightsError
        When a cost is not finite, or beyond the largest a model file holds (1e300), or
        when RMSProp's or Adam's running average of the squared gradients overflows
        (checked at each epoch's end): the weights have diverged.
    OutputOverflowError
        When the first mini-batch's cost is not finite with the weights a fresh fit
        begins with (the data's values overflow the network's dtype).
    ValueError
        When ``algorithm`` cannot be used here (before anything is trained).
    """
    live = params if isinstance(params, LiveWeights) else LiveWeights(params)
    params = live.params
    m = problem.n_samples
    events = _UserEvents(callbacks if callbacks is not None else BoundCallbacks(None, None),
                       np.geterr())
    # The run's BLAS threads, from its shapes and the machine's load (nnscratch._threads);
    # the user's numbers are restored when the run ends. Overflow on the way to
    # divergence is reported once, by the cost check that raises NonFiniteWeightsError,
    # not as RuntimeWarnings before it.
    blas = _threads.for_network(params, m if batch_size is None else min(batch_size, m))
    # The largest cost a model file holds: beyond it a fit is a divergence (a fit that
    # only warned made a model that could not be saved). Loaded here, not with this
    # module: the file format's modules are not needed to train.
    from .persistence import _MAX_COST

    with blas, np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _train(problem, live, params, optimizer, blas, max_iter=max_iter,
                      batch_size=batch_size, shuffle=shuffle, rng=rng, schedule=schedule,
                      learning_rate_init=learning_rate_init, events=events,
                      first_iteration=first_iteration, algorithm=algorithm,
                      fixed_weights=fixed_weights, max_cost=_MAX_COST)


def _diverged(epoch: int, what: str, optimizer: Optimizer, alpha: float = 0.0,
              decay: float = 0.0, advice: str | None = None) -> NonFiniteWeightsError:
    """The one-line divergence error; ``what`` says what was seen. ``alpha`` (the
    user's L2 strength) is named where it plausibly is the cause: ``decay``, the share
    of each weight that the L2 term alone takes off in a step of gradient descent
    (``learning_rate * alpha / m``), is above 1, so that it overshoots (alpha=1e10
    diverged at learning_rate=0.1, and the error said only to lower the rate, below
    1e-8). ``advice`` replaces the usual advice."""
    if advice is None:
        penalty = f" or alpha (now {alpha:g})" if alpha > 0 and decay > 1 else ""
        advice = (f"Lower learning_rate (now {optimizer.learning_rate:g}){penalty} or scale "
                  "the input features (divide pixel values by 255, standardise tabular data)")
    return NonFiniteWeightsError(f"training diverged at iteration {epoch}{what}. {advice}.")


def _divergence(epoch: int, optimizer: Optimizer, problem: Problem, alpha: float,
                m_b: float) -> Callable[..., NonFiniteWeightsError]:
    """:func:`_diverged` for iteration ``epoch``, as ``diverged(what, advice=None)``;
    ``alpha`` and ``m_b`` (the mini-batch's examples or weight) as the step used them."""
    decay = optimizer.learning_rate * alpha / m_b
    return functools.partial(_diverged, epoch, optimizer=optimizer, alpha=problem.alpha,
                             decay=decay)


def _refuse_overflowing_weights(first, batch, params, acts, problem, workspace,
                                diverged: Callable[[str], NonFiniteWeightsError]) -> None:
    """After examples' outputs overflowed at an epoch's end (the validation set, or a
    callback scoring the model): raise the divergence if the weights overflow the last
    mini-batch's outputs too (the learning rate's doing, not the examples')."""
    with np.errstate(all="ignore"):
        _, caches = _engine.forward(first.forward(batch), params, acts, problem.output,
                                    None, None, workspace)
        ZL = caches[-1][1].Z
    if not np.isfinite(ZL).all():
        raise diverged(": the weights grew until the network's outputs overflow "
                       "float64") from None


def _moments_overflowed(diverged: Callable[..., NonFiniteWeightsError], dtype: np.dtype,
                        optimizer: Optimizer, alpha: float,
                        decay: float) -> NonFiniteWeightsError:
    """The error for RMSProp's or Adam's average of the squared gradients overflowing:
    gradients beyond the square root of the dtype's range (1.8e19 in float32). A float32
    fit is told to pass float64 data; a float64 one's gradients of 1e154 come from the
    weights or an L2 term that have grown too large. ``alpha`` is named where its L2 term
    plausibly is the cause (``decay``, as for :func:`_diverged`)."""
    advice = "Scale the input features (divide pixel values by 255, standardise tabular data)"
    penalty = f"alpha (now {alpha:g})" if alpha > 0 and decay > 1 else ""
    if dtype != np.float64:
        advice += (f", lower {penalty}" if penalty else "") + " or pass float64 data"
    else:
        advice += (f", or lower learning_rate (now {optimizer.learning_rate:g})"
                   + (f" or {penalty}" if penalty else ""))
    rule = type(optimizer).__name__
    return diverged(f": the gradients grew too large for {dtype.name} ({rule}'s average of "
                    "their squares overflows, and the weights stop moving)", advice=advice)


def _refuse_first_cost(cost: float, batch, Y_b, w_b, first, params, problem,
                       max_cost: float) -> None:
    """A fresh fit's first mini-batch cost that is not finite (or beyond ``max_cost``):
    no step has been taken, so neither the weights nor the learning rate are to blame
    (float32 data of 1e37 overflowed the first forward pass, and the error said the
    weights were no longer finite, to lower the learning rate). The data's cost with the
    initial weights, without the L2 term, tells the data's values from ``alpha``."""
    with np.errstate(all="ignore"):
        _, caches = _engine.forward(first.forward(batch), params, problem.activations,
                                    problem.output, None, None, None)
        ZL = caches[-1][1].Z
        data_cost = _engine.cost(ZL, Y_b, problem.output, params, 0.0, w_b, first.sq_norm)
    if -max_cost <= data_cost <= max_cost:
        if problem.alpha > 0:  # the L2 term alone
            raise NonFiniteWeightsError(
                f"the cost is {cost:.4g} with the initial weights, before any step: the L2 "
                f"term of alpha={problem.alpha:g} is too large (a model holds costs up to "
                f"{max_cost:.0e}); lower alpha") from None
        return  # (not seen) the usual divergence error
    dtype = ZL.dtype
    what = (f"its outputs overflow {dtype.name}" if not np.isfinite(ZL).all() else
            f"its cost overflows {dtype.name}" if not math.isfinite(data_cost) else
            f"its cost is {data_cost:.4g}, more than the {max_cost:.0e} a model can hold")
    raise OutputOverflowError(
        f"the training data hold values too large for the network: with its initial "
        f"weights, before any step, {what} (no learning rate can help); scale the features "
        "(standardise them, divide pixel values by 255)"
        + (" or pass float64 data" if dtype != np.float64 else "")) from None


def _weights_in_range(w: np.ndarray | None) -> tuple[np.ndarray | None, float]:
    """The sample weights, and the factor they were multiplied by, made to sum to less
    than 1 where their sum is huge (beyond the square root of their dtype's largest
    value); otherwise ``w`` itself and 1.0.

    The cost is a weighted mean and the gradients are weighted means: multiplying every
    weight (and ``alpha``, whose L2 term is ``alpha / m`` with ``m`` the weights' sum) by
    the same factor changes nothing, but the sums that get there (``Σ w_i L_i``, the
    batch's weight divided by gradient descent's learning rate) overflowed: uniform
    weights of 7e305 (sum 1.8e308, accepted) gave a cost of inf at iteration 0, or
    gradients of 0. The factor is a power of two, so the scaled computations round
    exactly as the others would have where those did not overflow.
    """
    if w is None:
        return None, 1.0
    total = float(np.sum(w, dtype=np.float64))
    if total <= math.sqrt(float(np.finfo(w.dtype).max)):
        return w, 1.0
    factor = 2.0 ** -math.frexp(total)[1]  # the sum to [0.5, 1)
    return w * np.asarray(factor, dtype=w.dtype), factor


def _first_rows(batch: slice | np.ndarray, n: int = 8) -> slice | np.ndarray:
    """The first ``n`` examples of a mini-batch (a slice, or sorted indices)."""
    if isinstance(batch, slice):
        start = batch.start or 0
        return slice(start, start + n if batch.stop is None else min(batch.stop, start + n))
    return batch[:n]


def _train(problem, live, params, optimizer, blas, *, max_iter, batch_size, shuffle, rng,
           schedule, learning_rate_init, events, first_iteration, algorithm,
           fixed_weights, max_cost) -> TrainingResult:
    Y, acts = problem.Y, problem.activations
    m = problem.n_samples
    # huge weights (and alpha with them) scaled so that their sums stay finite
    w, factor = _weights_in_range(problem.sample_weight)
    alpha = problem.alpha * factor
    val_weight = _weights_in_range(problem.val_weight)[0]
    first = halves = None
    began = False  # on_train_begin returned: a Ctrl-C from now on ends an interrupted fit
    n_iter, stopped_early, interrupted = 0, False, False
    try:
        # The set-up (a rowspace first layer's Gram matrix can be most of a fit) is
        # inside the try, so that what it started is ended whatever stops it
        workspace = _engine.make_workspace(params, m, batch_size)
        first = _engine.first_layer(
            params, problem.X, problem.rows, optimizer, algorithm=algorithm,
            n_iter=max_iter, batch_size=batch_size, fixed_weights=fixed_weights,
            workspace=workspace,
        )
        # On a busy machine each batch is split over two threads (nnscratch._halves)
        halves = _halves.two_halves(first, workspace, problem.keep_probs, batch_size, m,
                                    blas.big, params, acts, problem.output)
        val_W1X = None if problem.X_val is None else first.product(problem.X_val)
        rest = {k: v for k, v in params.items() if k != "W1"}  # the optimizer's; W1 first's
        live.track(first)
        events.on_train_begin({"max_iter": max_iter, "n_samples": m,
                               "full_batch": batch_size is None or batch_size >= m})
        began = True
        for epoch in range(first_iteration, first_iteration + max_iter):
            optimizer.learning_rate = schedule(learning_rate_init, epoch)
            # Gradient descent's step is linear in the gradient: the backward pass then
            # returns lr*dW (one multiplication of dZ_L) and the step is W -= lr*dW.
            scaled = first.folds_learning_rate
            total, weight_total = 0.0, 0.0
            for batch in minibatches(m, batch_size, shuffle, rng):
                w_b = None if w is None else w[batch]
                if w_b is not None and not np.any(w_b):
                    # a mini-batch whose examples all weigh zero (sample_weight,
                    # class_weight) has no cost to lower: no step (0/0 was a NaN cost,
                    # reported as divergence)
                    continue
                blas.refresh()
                Y_b = Y[:, batch]
                scale = optimizer.gradient_scale if scaled else 1.0
                split = None
                if halves is not None and blas.two_halves:
                    split = halves.step(batch, Y_b, w_b, alpha, scale)
                if split is not None:
                    cost, m_b, grads = split
                else:
                    m_b = Y_b.shape[1] if w_b is None else float(np.sum(w_b))
                    AL, caches = _engine.forward(first.forward(batch), params, acts,
                                                 problem.output, problem.keep_probs, rng,
                                                 workspace)
                    cost = _engine.cost(caches[-1][1].Z, Y_b, problem.output, params,
                                        alpha, w_b, first.sq_norm)
                if not -max_cost <= cost <= max_cost:  # NaN, infinite, or beyond a model's
                    diverged = _divergence(epoch, optimizer, problem, alpha, m_b)
                    if epoch == first_iteration == 0 and weight_total == 0:  # no step yet
                        _refuse_first_cost(cost, batch, Y_b, w_b, first, params, problem,
                                           max_cost)
                    raise diverged(
                        f" (cost {cost}): the weights are no longer finite"
                        if not math.isfinite(cost) else
                        f" (cost {cost:.4g}, more than the {max_cost:.0e} a model can hold): "
                        "the weights are on their way to overflow")
                if split is not None:
                    optimizer.update(rest, grads, scaled=scaled)
                    first.apply(grads["dW1"])  # the same step
                else:
                    grads = _engine.backward(AL, Y_b, caches, acts, alpha, w_b, scale,
                                             workspace)
                    optimizer.update(rest, grads, scaled=scaled)
                    first.step(grads["dZ1"], batch, alpha, m_b, scale)  # same step
                live.changed()
                total += cost * m_b
                weight_total += m_b
            # Checked once an epoch, not at each step: the sum of the mini-batches' costs
            # (each checked above) overflowing; RMSProp's and Adam's running averages of
            # the squared gradients overflowing (to infinity, which stops the weights:
            # float32 Adam on features of 1e20 learnt nothing more, silently)
            epoch_cost = total / weight_total
            if not epoch_cost <= max_cost:
                raise _divergence(epoch, optimizer, problem, alpha, m_b)(
                    f" (cost {epoch_cost:.4g} over the epoch): the weights are on their way "
                    "to overflow")
            if optimizer.state_overflowed():
                raise _moments_overflowed(_divergence(epoch, optimizer, problem, alpha, m_b),
                                          params["b1"].dtype, optimizer, problem.alpha,
                                          optimizer.learning_rate * alpha / m_b)
            logs = {"cost": epoch_cost, "learning_rate": optimizer.learning_rate}
            if problem.X_val is not None:
                try:
                    ZL = _engine.forward_logits(problem.X_val, params, acts,
                                                W1X=None if val_W1X is None else val_W1X(),
                                                name="X_val")
                except OutputOverflowError:
                    _refuse_overflowing_weights(
                        first, batch, params, acts, problem, workspace,
                        _divergence(epoch, optimizer, problem, alpha, m_b))
                    raise  # the weights are fine: X_val's own values overflow
                logs["val_loss"] = _engine.cost(ZL, problem.Y_val, problem.output, params, 0.0,
                                                val_weight, first.sq_norm)
                logs["val_score"] = _accuracy(ZL, problem.Y_val, val_weight)
            n_iter += 1
            try:
                stop = events.on_iteration_end(epoch, logs)
            except OutputOverflowError:  # a callback scoring the weights (ScoringMonitor)
                _refuse_overflowing_weights(first, batch, params, acts, problem, workspace,
                                            _divergence(epoch, optimizer, problem, alpha, m_b))
                raise
            if stop:
                stopped_early = True
                break
        if n_iter:
            # the cost is checked before each step: the last step's weights are checked
            # here (a last step to infinity, or to weights whose outputs overflow, left a
            # model whose every prediction failed, blaming the data), on a few of the
            # last batch's examples: the whole batch again cost a partial_fit 10 %
            _refuse_overflowing_weights(first, _first_rows(batch), params, acts, problem, None,
                                        _divergence(epoch, optimizer, problem, alpha, m_b))
    except KeyboardInterrupt:
        if not began:
            # before the first epoch (the set-up, a callback's on_train_begin) nothing
            # was trained: the caller puts back the model it had (the estimators' fit
            # leaves itself as it was), instead of random initial weights kept as "the
            # weights so far" of a model that looked fitted
            raise
        interrupted = True
        if INTERRUPT_ENDS_ALL.get():  # a search of many fits: Ctrl-C ends it all
            raise
        if not INTERRUPT_SAID_BY_CALLER.get():
            warnings.warn(
                f"training interrupted after {n_iter} iterations; keeping the weights so "
                "far.",
                UserWarning,
                stacklevel=_user_stacklevel(),
            )
    finally:
        if halves is not None:
            halves.close()
        if first is not None:
            first.finish()  # W1 (and its optimizer state) back in place
        live.track(None)
        if began:  # the callbacks began (one whose on_train_begin failed ends itself)
            events.on_train_end(
                {"n_iter": n_iter, "stopped_early": stopped_early, "interrupted": interrupted}
            )
    return TrainingResult(n_iter, stopped_early, interrupted)
