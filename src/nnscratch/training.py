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
        When a cost is not finite: the weights have diverged.
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
    with blas, np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _train(problem, live, params, optimizer, blas, max_iter=max_iter,
                      batch_size=batch_size, shuffle=shuffle, rng=rng, schedule=schedule,
                      learning_rate_init=learning_rate_init, events=events,
                      first_iteration=first_iteration, algorithm=algorithm,
                      fixed_weights=fixed_weights)


def _diverged(epoch: int, what: str, optimizer: Optimizer) -> NonFiniteWeightsError:
    return NonFiniteWeightsError(
        f"training diverged at iteration {epoch}{what}. Lower learning_rate (now "
        f"{optimizer.learning_rate:g}) or scale the input features (divide pixel values "
        "by 255, standardise tabular data)."
    )


def _refuse_overflowing_weights(epoch, first, batch, params, acts, problem, optimizer,
                                workspace) -> None:
    """After examples' outputs overflowed at an epoch's end (the validation set, or a
    callback scoring the model): raise the divergence if the weights overflow the last
    mini-batch's outputs too (the learning rate's doing, not the examples')."""
    with np.errstate(all="ignore"):
        _, caches = _engine.forward(first.forward(batch), params, acts, problem.output,
                                    None, None, workspace)
        ZL = caches[-1][1].Z
    if not np.isfinite(ZL).all():
        raise _diverged(epoch, ": the weights grew until the network's outputs "
                              "overflow float64", optimizer) from None


def _first_rows(batch: slice | np.ndarray, n: int = 8) -> slice | np.ndarray:
    """The first ``n`` examples of a mini-batch (a slice, or sorted indices)."""
    if isinstance(batch, slice):
        start = batch.start or 0
        return slice(start, start + n if batch.stop is None else min(batch.stop, start + n))
    return batch[:n]


def _train(problem, live, params, optimizer, blas, *, max_iter, batch_size, shuffle, rng,
           schedule, learning_rate_init, events, first_iteration, algorithm,
           fixed_weights) -> TrainingResult:
    Y, w, acts = problem.Y, problem.sample_weight, problem.activations
    m = problem.n_samples
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
                    split = halves.step(batch, Y_b, w_b, problem.alpha, scale)
                if split is not None:
                    cost, m_b, grads = split
                else:
                    m_b = Y_b.shape[1] if w_b is None else float(np.sum(w_b))
                    AL, caches = _engine.forward(first.forward(batch), params, acts,
                                                 problem.output, problem.keep_probs, rng,
                                                 workspace)
                    cost = _engine.cost(caches[-1][1].Z, Y_b, problem.output, params,
                                        problem.alpha, w_b, first.sq_norm)
                if not np.isfinite(cost):
                    raise _diverged(epoch, f" (cost {cost}): the weights are no longer finite",
                                   optimizer)
                if split is not None:
                    optimizer.update(rest, grads, scaled=scaled)
                    first.apply(grads["dW1"])  # the same step
                else:
                    grads = _engine.backward(AL, Y_b, caches, acts, problem.alpha, w_b, scale,
                                             workspace)
                    optimizer.update(rest, grads, scaled=scaled)
                    first.step(grads["dZ1"], batch, problem.alpha, m_b, scale)  # same step
                live.changed()
                total += cost * m_b
                weight_total += m_b
            logs = {"cost": total / weight_total, "learning_rate": optimizer.learning_rate}
            if problem.X_val is not None:
                try:
                    ZL = _engine.forward_logits(problem.X_val, params, acts,
                                                W1X=None if val_W1X is None else val_W1X(),
                                                name="X_val")
                except OutputOverflowError:
                    _refuse_overflowing_weights(epoch, first, batch, params, acts, problem,
                                                optimizer, workspace)
                    raise  # the weights are fine: X_val's own values overflow
                logs["val_loss"] = _engine.cost(ZL, problem.Y_val, problem.output, params, 0.0,
                                                problem.val_weight, first.sq_norm)
                logs["val_score"] = _accuracy(ZL, problem.Y_val, problem.val_weight)
            n_iter += 1
            try:
                stop = events.on_iteration_end(epoch, logs)
            except OutputOverflowError:  # a callback scoring the weights (ScoringMonitor)
                _refuse_overflowing_weights(epoch, first, batch, params, acts, problem,
                                            optimizer, workspace)
                raise
            if stop:
                stopped_early = True
                break
        if n_iter:
            # the cost is checked before each step: the last step's weights are checked
            # here (a last step to infinity, or to weights whose outputs overflow, left a
            # model whose every prediction failed, blaming the data), on a few of the
            # last batch's examples: the whole batch again cost a partial_fit 10 %
            _refuse_overflowing_weights(epoch, first, _first_rows(batch), params, acts,
                                        problem, optimizer, None)
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
