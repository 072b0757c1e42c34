"""Callbacks: what happens around the training loop, as small objects.

The training loop only fires three events; the history of the cost, the progress bar,
early stopping and user code are callbacks listening to them:

``on_train_begin(estimator, logs)``
    Once, before the first iteration. ``logs``: ``"max_iter"``, ``"n_samples"``,
    ``"full_batch"`` (True where each iteration is one step on all the examples).
``on_iteration_end(estimator, iteration, logs) -> bool | None``
    After every iteration (``iteration`` is 0-based), once the parameters are updated.
    ``logs``: ``"cost"`` (the training cost of that iteration, computed on its forward
    pass before the update, L2 penalty included), ``"learning_rate"``, and, when a
    validation set is used, ``"val_loss"`` and ``"val_score"`` (accuracy). Returning
    True asks the loop to stop after this iteration; None or False lets it go on
    (anything but these and integers, an array, is refused with a TypeError).
``on_train_end(estimator, logs)``
    Once, after the last iteration, also when training was interrupted (the loop calls
    it from a ``finally`` block). ``logs``: ``"n_iter"``, ``"stopped_early"``,
    ``"interrupted"``.

A training loop drives them like this (``callbacks`` is a :class:`CallbackList`)::

    callbacks.on_train_begin(est, {"max_iter": max_iter, "n_samples": m, "full_batch": True})
    n_iter, stopped_early, interrupted = 0, False, False
    try:
        for i in range(max_iter):
            ...                                    # forward, cost, backward, update
            n_iter = i + 1
            if callbacks.on_iteration_end(est, i, {"cost": cost, "learning_rate": lr}):
                stopped_early = True
                break
    except KeyboardInterrupt:
        interrupted = True
    finally:
        callbacks.on_train_end(est, {"n_iter": n_iter, "stopped_early": stopped_early,
                                     "interrupted": interrupted})

The estimators' training loop (:func:`nnscratch.training.train`) needs no estimator: it
fires the events on ``callbacks.bind(estimator)`` (a :class:`BoundCallbacks`), which
passes the estimator on. Its ``params_`` is then a view of the live weights that
computes any weight kept in another form (a faster form of the first layer) when it is read,
so a callback that never reads the weights costs nothing; the estimator pickled or
deep-copied meanwhile (a checkpoint) holds them as a plain dict. Its ``n_iter_`` and
curves (``loss_curve_``, ``costs_``, ``validation_scores_``, ``validation_losses_``)
already count the iteration that ``on_iteration_end`` reports.

Callbacks survive ``copy.deepcopy`` (hence ``sklearn.base.clone`` of an estimator that
holds them in a parameter) and ``pickle``; each resets its state at ``on_train_begin``.
"""

from __future__ import annotations

import contextlib
import inspect
import math
import numbers
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, TextIO

import numpy as np
from tqdm import tqdm

from ._params import short_repr

__all__ = [
    "BoundCallbacks",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "ProgressBar",
]

Logs = dict[str, Any]


class Callback:
    """Base class of the callbacks: three events, each a no-op here.

    Subclasses override the events they need. Constructor arguments are stored under
    their own names (the ``repr`` shows them); state learned during training ends in
    ``_`` and is reset by ``on_train_begin``.
    """

    def on_train_begin(self, estimator: Any, logs: Logs) -> None:
        """Called once before the first iteration.

        Parameters
        ----------
        estimator : object
            The estimator being fitted; its ``params_`` mapping holds the weights.
        logs : dict
            ``"max_iter"`` (int), ``"n_samples"`` (int) and ``"full_batch"`` (bool:
            each iteration is one step on all the examples; a loop of its own may
            leave it out).
        """

    def on_iteration_end(self, estimator: Any, iteration: int, logs: Logs) -> bool | None:
        """Called after every iteration, once the parameters are updated.

        Parameters
        ----------
        estimator : object
            The estimator being fitted.
        iteration : int
            0-based index of the iteration that just ended.
        logs : dict
            ``"cost"``, ``"learning_rate"`` and, with a validation set, ``"val_loss"``
            and ``"val_score"`` (floats).

        Returns
        -------
        bool or None
            True asks the loop to stop after this iteration; None or False lets it
            go on (an integer is read as true or false; anything else, an array, is
            refused with a TypeError naming the callback).
        """
        return None

    def on_train_end(self, estimator: Any, logs: Logs) -> None:
        """Called once after the last iteration, also after an interruption.

        Parameters
        ----------
        estimator : object
            The estimator being fitted.
        logs : dict
            ``"n_iter"`` (int), ``"stopped_early"`` and ``"interrupted"`` (bool).
        """

    def __repr__(self) -> str:
        # Like scikit-learn: the constructor's arguments, read back from the attributes
        # of the same names (a subclass that stores them elsewhere just shows fewer).
        params = list(inspect.signature(type(self).__init__).parameters.values())[1:]
        args = ", ".join(
            f"{p.name}={getattr(self, p.name)!r}"
            for p in params
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and hasattr(self, p.name)
        )
        return f"{type(self).__name__}({args})"


class CallbackList(Callback):
    """Several callbacks acting as one, called in order.

    Parameters
    ----------
    callbacks : iterable of Callback, a Callback, or None
        ``None`` gives an empty list.

    Raises
    ------
    TypeError
        If an item is not a :class:`Callback` (a plain function must be wrapped in
        :class:`LambdaCallback`).
    """

    def __init__(self, callbacks: Iterable[Callback] | Callback | None = None) -> None:
        if callbacks is None:
            callbacks = []
        elif isinstance(callbacks, Callback):
            callbacks = [callbacks]
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    f"callbacks must be Callback instances, got {short_repr(cb)}; wrap a function "
                    "in LambdaCallback(on_iteration_end=...)"
                )

    def on_train_begin(self, estimator: Any, logs: Logs) -> None:
        """Call every callback in order. If one raises (a Ctrl-C included), those
        before it, which began, end (``on_train_end``, as after an interrupted run:
        a progress bar closes) before the error goes on."""
        for k, cb in enumerate(self.callbacks):
            try:
                cb.on_train_begin(estimator, logs)
            except BaseException as exc:
                end = {"n_iter": 0, "stopped_early": False,
                       "interrupted": isinstance(exc, KeyboardInterrupt)}
                for begun in self.callbacks[:k]:
                    with contextlib.suppress(Exception):  # the first error is the one said
                        begun.on_train_end(estimator, end)
                raise

    def on_iteration_end(self, estimator: Any, iteration: int, logs: Logs) -> bool:
        """Call every callback (even after one asked to stop); True if any asked to.

        Raises
        ------
        TypeError
            A callback returned something that is not None, True/False or an integer
            (an array: ``predict(X) == y``), whose truth NumPy refused, naming nothing.
        """
        stop = False
        for cb in self.callbacks:
            answer = cb.on_iteration_end(estimator, iteration, logs)
            if answer is None:
                continue
            if not isinstance(answer, (bool, np.bool_, numbers.Integral)):
                raise TypeError(
                    f"{_callback_name(cb, 'on_iteration_end')}.on_iteration_end returned "
                    f"{_answer_in_words(answer)}; return True to stop training, or None or "
                    "False to go on")
            if answer:
                stop = True
        return stop

    def on_train_end(self, estimator: Any, logs: Logs) -> None:
        """Call every callback, even if one raises; the first error is re-raised after."""
        error: BaseException | None = None
        for cb in self.callbacks:
            try:
                cb.on_train_end(estimator, logs)
            except BaseException as exc:  # noqa: BLE001 - re-raised below
                error = error or exc
        if error is not None:
            raise error

    def __len__(self) -> int:
        return len(self.callbacks)

    def __iter__(self):
        return iter(self.callbacks)

    def bind(self, estimator: Any) -> BoundCallbacks:
        """These callbacks with the estimator they receive: what a training loop fires.

        The loop then needs no estimator: it calls ``on_train_begin(logs)``,
        ``on_iteration_end(iteration, logs)`` and ``on_train_end(logs)``.
        """
        return BoundCallbacks(self, estimator)


class BoundCallbacks:
    """A :class:`CallbackList` bound to the estimator it passes to each callback.

    Parameters
    ----------
    callbacks : CallbackList or None
        None: no callbacks (every event does nothing).
    estimator : object
        Passed first to every callback (its ``params_`` holds the live weights).
    """

    def __init__(self, callbacks: CallbackList | None, estimator: Any) -> None:
        self.callbacks = callbacks if callbacks is not None else CallbackList()
        self.estimator = estimator

    def on_train_begin(self, logs: Logs) -> None:
        self.callbacks.on_train_begin(self.estimator, logs)

    def on_iteration_end(self, iteration: int, logs: Logs) -> bool:
        """True if a callback asked to stop."""
        return self.callbacks.on_iteration_end(self.estimator, iteration, logs)

    def on_train_end(self, logs: Logs) -> None:
        self.callbacks.on_train_end(self.estimator, logs)


class History(Callback):
    """Record the cost and the validation metrics of the iterations.

    Parameters
    ----------
    cost_every : int, default 100
        ``costs`` keeps the cost of iterations 0, ``cost_every``, ``2*cost_every``, ...
        (the course's convention: the first entry is iteration 0's cost).

    Attributes
    ----------
    loss_curve : list of float
        The cost of every iteration (the estimator's ``loss_curve_``).
    costs : list of float
        The cost every ``cost_every`` iterations, from iteration 0 (``costs_``).
    validation_scores, validation_losses : list of float
        ``"val_score"`` and ``"val_loss"`` of every iteration that logged them
        (``validation_scores_``, ``validation_losses_``); empty without a validation set.
    learning_rates : list of float
        The learning rate of every iteration.
    """

    def __init__(self, cost_every: int = 100) -> None:
        if isinstance(cost_every, bool) or not isinstance(cost_every, (int, np.integer)):
            raise TypeError(f"History: cost_every must be an integer, got {short_repr(cost_every)}")
        if cost_every < 1:
            raise ValueError(f"History: cost_every must be >= 1, got {short_repr(cost_every)}")
        self.cost_every = int(cost_every)
        self._clear()

    def _clear(self) -> None:
        self.loss_curve: list[float] = []
        self.costs: list[float] = []
        self.validation_scores: list[float] = []
        self.validation_losses: list[float] = []
        self.learning_rates: list[float] = []

    def on_train_begin(self, estimator: Any, logs: Logs) -> None:
        self._clear()

    def on_iteration_end(self, estimator: Any, iteration: int, logs: Logs) -> None:
        cost = float(logs["cost"])
        self.loss_curve.append(cost)
        if iteration % self.cost_every == 0:
            self.costs.append(cost)
        if "learning_rate" in logs:
            self.learning_rates.append(float(logs["learning_rate"]))
        if "val_score" in logs:
            self.validation_scores.append(float(logs["val_score"]))
        if "val_loss" in logs:
            self.validation_losses.append(float(logs["val_loss"]))


class ProgressBar(Callback):
    """A tqdm progress bar: iteration/total, the current cost, the time left.

    The bar writes to ``stream`` (default ``sys.stderr``) and is off when that stream is
    not a terminal (tqdm's ``disable=None``), unless ``force=True``. tqdm redraws at
    most every ``mininterval`` seconds, so an iteration costs about a microsecond (a
    counter and a short string). The bar is closed at ``on_train_end``, which the loop also calls after
    an interruption.

    Parameters
    ----------
    stream : file-like, optional
        Where to draw; ``None`` means ``sys.stderr`` at the time training starts.
    force : bool, default False
        Draw even when ``stream`` is not a terminal (log files, notebooks, tests).
    mininterval : float, default 0.1
        Minimum seconds between two redraws.

    Notes
    -----
    A copy (``copy.deepcopy``, hence ``sklearn.base.clone``) shares the stream, which
    cannot be copied; ``pickle`` drops it (an unpickled bar writes to ``sys.stderr``).
    Neither copies a live bar.
    """

    def __init__(
        self, stream: TextIO | None = None, force: bool = False, mininterval: float = 0.1
    ) -> None:
        if stream is not None and not callable(getattr(stream, "write", None)):
            raise TypeError(f"ProgressBar: stream must be a file-like object with write() "
                            f"(e.g. sys.stderr) or None, got {stream!r}")
        if not isinstance(force, (bool, np.bool_)):
            raise TypeError(f"ProgressBar: force must be True or False, got {short_repr(force)}")
        if (isinstance(mininterval, bool)
                or not isinstance(mininterval, (int, float, np.integer, np.floating))
                or not 0 <= mininterval < math.inf):
            raise ValueError(f"ProgressBar: mininterval must be a number of seconds >= 0, "
                             f"got {mininterval!r}")
        self.stream = stream
        self.force = force
        self.mininterval = mininterval
        self._bar = None

    def on_train_begin(self, estimator: Any, logs: Logs) -> None:
        self._close()
        self._bar = tqdm(
            total=logs.get("max_iter"),
            desc=type(estimator).__name__,
            unit="it",
            file=self.stream if self.stream is not None else sys.stderr,
            disable=False if self.force else None,
            mininterval=self.mininterval,
            dynamic_ncols=True,
        )

    def on_iteration_end(self, estimator: Any, iteration: int, logs: Logs) -> None:
        bar = self._bar
        if bar is None or bar.disable:
            return
        postfix = f"cost={logs['cost']:.4g}"
        if "val_score" in logs:
            postfix += f", val_score={logs['val_score']:.4g}"
        bar.set_postfix_str(postfix, refresh=False)  # shown at tqdm's next redraw
        bar.update(1)

    def on_train_end(self, estimator: Any, logs: Logs) -> None:
        self._close()

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_bar"] = None
        state["stream"] = None
        return state

    def __deepcopy__(self, memo: dict) -> ProgressBar:
        return type(self)(stream=self.stream, force=self.force, mininterval=self.mininterval)


class EarlyStopping(Callback):
    """Stop when a monitored quantity stops improving; keep the best weights.

    An iteration improves when its value beats the last improvement by more than
    ``tol`` (``value > last + tol`` in "max" mode, ``value < last - tol`` in "min"
    mode). Training stops after ``n_iter_no_change`` iterations in a row without
    improvement. The best iteration is the one of the best value seen, also where it
    beat the value before it by less than ``tol``: its weights are the ones kept.

    Parameters
    ----------
    monitor : str, default "val_score"
        Key of the iteration logs: ``"val_score"`` (higher is better), ``"val_loss"``
        or ``"cost"`` (lower is better). The first two need a validation set.
    n_iter_no_change : int, default 10
        Iterations without improvement before stopping (>= 1).
    tol : float, default 1e-4
        Minimum change that counts as an improvement (>= 0).
    restore_best_weights : bool, default True
        At ``on_train_end``, copy the weights of the best iteration back into
        ``estimator.params_`` (into the existing arrays, in place, so references to
        them and their dtype stay valid). This happens whether training stopped
        early, ran to ``max_iter`` or was interrupted. The optimizer's state is not
        restored. The weights are those the best value was computed with: the
        validation values are computed after the iteration's update; the training
        ``"cost"`` before it, so where each iteration is one step on all the examples
        (``logs["full_batch"]`` at the start) the weights kept for ``"cost"`` are the
        ones the best iteration started from, and otherwise (mini-batches, streams,
        whose cost is the mean over the epoch's steps) the ones it ended with.
    mode : {"min", "max"}, optional
        Overrides the direction inferred from ``monitor``; required for other keys.

    Attributes
    ----------
    best_score_ : float
        Best value seen (``-inf``/``inf`` before the first iteration).
    best_iteration_ : int or None
        0-based iteration of ``best_score_``.
    stopped_iteration_ : int or None
        Iteration at which it asked to stop, None if it did not.
    best_params_ : dict of str to ndarray or None
        Copy of ``estimator.params_`` at ``best_iteration_`` (if
        ``restore_best_weights``).
    """

    #: The direction of improvement of the keys the training loop logs.
    MODES: ClassVar[dict[str, str]] = {"val_score": "max", "val_loss": "min", "cost": "min"}
    #: Every key the training loop logs each epoch (``val_loss`` and ``val_score`` only
    #: with a validation set).
    LOGGED: ClassVar[tuple[str, ...]] = ("cost", "learning_rate", "val_loss", "val_score")

    def __init__(
        self,
        monitor: str = "val_score",
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        restore_best_weights: bool = True,
        mode: str | None = None,
    ) -> None:
        if not isinstance(monitor, str):
            raise TypeError(f"EarlyStopping: monitor must be the name of a logged value "
                            f"({', '.join(self.MODES)}, ...), got {monitor!r}")
        if mode is None and monitor not in self.MODES:
            # a logged key without a direction (learning_rate) wants a mode, not a fix
            close = "" if monitor in self.LOGGED else _did_you_mean(monitor, self.LOGGED)
            if close:  # a typo of a logged key: the fix is its name, not a mode
                raise ValueError(
                    f"EarlyStopping: monitor={monitor!r} is not a value the training loop "
                    f"logs ({', '.join(self.LOGGED)}){close} (to monitor a value that a "
                    "callback of your own logs, pass mode='min' or mode='max' too)"
                )
            raise ValueError(
                f"EarlyStopping: cannot tell whether higher or lower is better for "
                f"monitor={monitor!r}; pass mode='min' or mode='max' (known monitors: "
                f"{', '.join(self.MODES)})"
            )
        if mode not in (None, "min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'min', 'max' or None, got "
                             f"{short_repr(mode)}")
        if isinstance(n_iter_no_change, bool) or not isinstance(
            n_iter_no_change, (int, np.integer)
        ):
            raise TypeError(
                "EarlyStopping: n_iter_no_change must be an integer, got "
                f"{short_repr(n_iter_no_change)}"
            )
        if n_iter_no_change < 1:
            raise ValueError(
                f"EarlyStopping: n_iter_no_change must be >= 1, got {short_repr(n_iter_no_change)}"
            )
        if isinstance(tol, bool) or not isinstance(tol, (int, float, np.integer, np.floating)):
            raise TypeError(f"EarlyStopping: tol must be a number, got {short_repr(tol)}")
        if not 0 <= tol < math.inf:  # an infinite tol: no iteration could ever improve
            raise ValueError("EarlyStopping: tol must be a number >= 0 and finite, got "
                             f"{short_repr(tol)}")
        if not isinstance(restore_best_weights, (bool, np.bool_)):
            raise TypeError(f"EarlyStopping: restore_best_weights must be True or False, "
                            f"got {restore_best_weights!r}")
        self.monitor = monitor
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.restore_best_weights = restore_best_weights
        self.mode = mode
        self._clear()

    @property
    def mode_(self) -> str:
        """The direction used: ``mode``, or the one inferred from ``monitor``."""
        return self.mode or self.MODES[self.monitor]

    def _clear(self) -> None:
        self.best_score_ = -math.inf if self.mode_ == "max" else math.inf
        self.best_iteration_: int | None = None
        self.stopped_iteration_: int | None = None
        self.best_params_: dict[str, np.ndarray] | None = None
        self._wait = 0
        self._last = self.best_score_  # the value of the last improvement (by > tol)
        self._before: dict[str, np.ndarray] | None = None  # the weights an iteration began with
        self._rolling = False  # keeping them (on_train_begin says)

    def on_train_begin(self, estimator: Any, logs: Logs) -> None:
        self._clear()
        # a full-batch iteration's cost is that of the weights it began with
        self._rolling = bool(self.restore_best_weights and self.monitor == "cost"
                             and logs.get("full_batch", False))
        if self._rolling:
            self._before = _copied_into(None, estimator.params_)

    def _beats(self, value: float, other: float, tol: float) -> bool:
        if self.mode_ == "max":
            return value > other + tol
        return value < other - tol

    def on_iteration_end(self, estimator: Any, iteration: int, logs: Logs) -> bool:
        if self.monitor not in logs:
            hint = (
                "; it needs a validation set (early_stopping=True or validation data)"
                if self.monitor.startswith("val_") and "val_loss" not in logs
                else _did_you_mean(self.monitor, logs)
            )
            raise ValueError(
                f"EarlyStopping monitors {self.monitor!r} but the training loop did not log "
                f"it (logged: {', '.join(sorted(logs))}){hint}"
            )
        value = float(logs[self.monitor])
        if self._beats(value, self.best_score_, 0.0):  # NaN never improves
            self.best_score_ = value
            self.best_iteration_ = iteration
            if self._rolling:  # the weights this iteration began with
                self.best_params_, self._before = self._before, self.best_params_
            elif self.restore_best_weights:
                self.best_params_ = _copied_into(self.best_params_, estimator.params_)
        if self._rolling:  # the next iteration begins with these
            self._before = _copied_into(self._before, estimator.params_)
        if self._beats(value, self._last, self.tol):
            self._last = value
            self._wait = 0
            return False
        self._wait += 1
        if self._wait >= self.n_iter_no_change:
            self.stopped_iteration_ = iteration
            return True
        return False

    def on_train_end(self, estimator: Any, logs: Logs) -> None:
        if not self.restore_best_weights or self.best_params_ is None:
            return
        params = estimator.params_
        for k, v in self.best_params_.items():
            if k in params and params[k].shape == v.shape and params[k].dtype == v.dtype:
                np.copyto(params[k], v)
            else:
                params[k] = v.copy()


def _copied_into(target: dict[str, np.ndarray] | None,
                 params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """A copy of ``params``, written into ``target``'s arrays where they fit."""
    if (
        target is None
        or target.keys() != params.keys()
        or any(target[k].shape != v.shape or target[k].dtype != v.dtype
               for k, v in params.items())
    ):
        return {k: np.array(v, copy=True) for k, v in params.items()}
    for k, v in params.items():
        np.copyto(target[k], v)
    return target


def _did_you_mean(key: str, known: Iterable[str]) -> str:
    """"; did you mean 'val_score'?" where one of ``known`` is close to ``key``."""
    import difflib

    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else ""


def _callback_name(cb: Callback, event: str) -> str:
    """The callback in an error message: its class, and a LambdaCallback's function."""
    if isinstance(cb, LambdaCallback):
        fn = cb.functions.get(event)
        name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
        return f"LambdaCallback({event}={name or short_repr(fn)})"
    return type(cb).__name__


def _answer_in_words(value: Any) -> str:
    """What a callback returned, in a few words: ``an array of shape (50,)``."""
    shape = getattr(value, "shape", None)
    if isinstance(value, np.ndarray):
        return f"an array of shape {shape}"
    if isinstance(shape, tuple):  # a pandas Series, a sparse matrix...
        return f"a {type(value).__name__} of shape {shape}"
    return f"a {type(value).__name__} ({short_repr(value)})"


class LambdaCallback(Callback):
    """A callback made of plain functions, for quick user code.

    Parameters
    ----------
    on_train_begin : callable, optional
        ``f(estimator, logs)``.
    on_iteration_end : callable, optional
        ``f(estimator, iteration, logs)``; a true return value asks the loop to stop.
    on_train_end : callable, optional
        ``f(estimator, logs)``.

    Notes
    -----
    ``pickle`` needs module-level functions (not lambdas); ``copy.deepcopy`` and
    ``clone`` keep the same function objects.

    Examples
    --------
    >>> seen = []
    >>> cb = LambdaCallback(on_iteration_end=lambda est, i, logs: seen.append(logs["cost"]))
    >>> cb.on_iteration_end(None, 0, {"cost": 0.69})
    >>> seen
    [0.69]
    """

    def __init__(
        self,
        on_train_begin: Callable[[Any, Logs], Any] | None = None,
        on_iteration_end: Callable[[Any, int, Logs], Any] | None = None,
        on_train_end: Callable[[Any, Logs], Any] | None = None,
    ) -> None:
        functions = {
            "on_train_begin": on_train_begin,
            "on_iteration_end": on_iteration_end,
            "on_train_end": on_train_end,
        }
        for name, fn in functions.items():
            if fn is not None and not callable(fn):
                raise TypeError(f"LambdaCallback: {name} must be callable or None, got "
                                f"{short_repr(fn)}")
        self.functions = functions

    def on_train_begin(self, estimator: Any, logs: Logs) -> None:
        fn = self.functions["on_train_begin"]
        if fn is not None:
            fn(estimator, logs)

    def on_iteration_end(self, estimator: Any, iteration: int, logs: Logs) -> Any:
        fn = self.functions["on_iteration_end"]
        return None if fn is None else fn(estimator, iteration, logs)

    def on_train_end(self, estimator: Any, logs: Logs) -> None:
        fn = self.functions["on_train_end"]
        if fn is not None:
            fn(estimator, logs)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.functions.items() if v is not None)
        return f"LambdaCallback({args})"
