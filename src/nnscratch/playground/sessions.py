"""Training sessions: one background thread per browser tab, on the library's estimator.

A :class:`Run` is one training: a ``NeuralNetworkClassifier`` whose single ``fit`` is
driven by a callback (:class:`_Driver`). After every iteration the callback records the
cost, publishes a frame when one is due and, while the run is paused, blocks on a
condition variable: a paused run uses no CPU, and the run paused after ``N`` iterations
is exactly ``NeuralNetworkClassifier(..., max_iter=N).fit(X, y)`` (the callback only
reads the weights; ``algorithm="plain"`` makes the first layer the seeds' ``W1 @ X``
whatever ``max_iter``). Work that needs the weights in a consistent state (a model file,
a trace) is handed to the training thread and done between two iterations.

Frames are pulled by the page's event stream: while a stream is attached, the run waits
until the previous frame was taken before it computes the next (at most
:data:`MAX_FPS` a second), so a slow page slows the training instead of piling up
frames. A :class:`Session` holds the runs of one tab; :class:`Sessions` caps their
number and closes those whose stream has been gone for a while.
"""

from __future__ import annotations

import base64
import copy
import secrets
import threading
import time
from array import array
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.special import expit, softmax

from ..callbacks import Callback
from ..exceptions import NonFiniteWeightsError, OutputOverflowError
from ..losses import (
    binary_cross_entropy_from_logits,
    categorical_cross_entropy_from_logits,
    l2_penalty,
)
from .config import LIMITS, estimator_params
from .data import PlaygroundData

if TYPE_CHECKING:
    from ..estimators import NeuralNetworkClassifier

__all__ = ["MAX_FPS", "ConflictError", "Run", "Session", "Sessions", "TooManySessions"]

#: Frames a second, at most, while playing.
MAX_FPS = 60
#: Side of the decision-boundary grid, and of the hidden units' pictures.
GRID = 100
UNIT_GRID = 50
#: Hidden units drawn per layer (pictures and links).
MAX_DRAWN_UNITS = 16
#: Largest weight matrix sent whole with every frame (otherwise its row norms).
MAX_SENT_WEIGHTS = 4096
#: Most mislabeled test pictures listed in a frame.
MAX_MISLABELED = 48
#: Metric points kept per run (older ones are thinned out).
MAX_METRICS = 4000
#: Seconds the server, stopping, waits silently for the runs to end (a paused run ends
#: at once) before it says what it waits for.
STOP_NOTICE = 0.2


class TooManySessions(RuntimeError):
    """The server holds as many sessions as it allows."""


class ConflictError(RuntimeError):
    """The request cannot be served in the run's current state."""


_CLOSED = "this session was closed (its tab gone, or the server stopping); reload the page"


def _b64(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype=np.uint8).tobytes()).decode()


def _activate(Z: np.ndarray, name: str, slope: float = 0.01) -> np.ndarray:
    if name == "relu":
        return np.maximum(Z, 0.0)
    if name == "leaky_relu":
        return np.where(Z > 0, Z, slope * Z)
    if name == "tanh":
        return np.tanh(Z)
    return expit(Z)


def forward(params: dict, activations: list[str], X: np.ndarray) -> tuple[list, np.ndarray]:
    """The hidden layers' activations and the output logits, for drawing.

    Parameters
    ----------
    params : dict
        ``W1``, ``b1``, ... in the seeds' shapes.
    activations : list of str
        The hidden layers' activations.
    X : ndarray of shape (n_x, m)
        Examples as columns (the seeds' layout).

    Returns
    -------
    hidden : list of ndarray of shape (n_l, m)
    ZL : ndarray of shape (n_L, m)
    """
    A, hidden = X, []
    L = len(params) // 2
    with np.errstate(all="ignore"):
        for l in range(1, L):
            A = _activate(params[f"W{l}"] @ A + params[f"b{l}"], activations[l - 1])
            hidden.append(A)
        return hidden, params[f"W{L}"] @ A + params[f"b{L}"]


def _scores(ZL: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray]:
    """(accuracy, cross-entropy, predicted codes) from the logits ``(n_L, m)``."""
    with np.errstate(all="ignore"):
        if ZL.shape[0] == 1:
            pred = (ZL[0] > 0).astype(np.int64)
            cost = binary_cross_entropy_from_logits(ZL, y)
        else:
            pred = ZL.argmax(axis=0)
            Y = np.zeros(ZL.shape)
            Y[y, np.arange(len(y))] = 1.0
            cost = categorical_cross_entropy_from_logits(ZL, Y)
    return float(np.mean(pred == y)), float(cost), pred


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None


def _sent(values: np.ndarray) -> list:
    """Weights (or their norms) as the frame's JSON holds them: 4 decimals, every value
    finite. Rounded first: rounding multiplies by 1e4, so a weight of 1e305 (or an
    overflowing norm made finite) came out infinite again, and the stream could not send
    the frame; NaN is sent as 0 and an infinity as the largest float."""
    with np.errstate(all="ignore"):
        return np.nan_to_num(np.round(values, 4)).tolist()


class _Driver(Callback):
    """The callback that hands every iteration's end to its :class:`Run`."""

    def __init__(self, run: Run) -> None:
        self.run = run

    def on_train_begin(self, estimator, logs) -> None:
        self.run._boundary(begin=True)

    def on_iteration_end(self, estimator, iteration, logs) -> bool:
        self.run.costs.append(float(logs["cost"]))
        return self.run._boundary()

    def __deepcopy__(self, memo):  # clone() of the estimator: not the live run
        return _Driver(self.run)


class Run:
    """One training of one network on one data set, in its own thread.

    Parameters
    ----------
    config : dict
        Checked settings (:func:`~nnscratch.playground.config.check_config`).
    data : PlaygroundData
    generation : int
        Numbers the runs of a session, so that the page can drop stale messages.
    wake : callable
        Called (from any thread) when a frame is ready for the stream.
    max_iterations : int
        The run stops (paused for good) after this many iterations.
    """

    def __init__(self, config: dict, data: PlaygroundData, generation: int,
                 wake: Callable[[], None], max_iterations: int = LIMITS["max_iterations"]):
        self.config = config
        self.data = data
        self.generation = generation
        self.max_iterations = max_iterations
        self._wake = wake
        self._cond = threading.Condition()
        self.mode = "paused"          # "paused" | "playing" | "stepping"
        self.steps = 0
        self.control_seq = 0          # numbers the control requests (frames carry it)
        self.iterations_per_frame = 10
        self.closed = False
        self.finished = False
        self.error: str | None = None
        self.message: str | None = None
        self.costs = array("d")
        self.metrics: list[list[float | None]] = []
        self.frame: dict | None = None
        self.frame_seq = 0
        self.frame_iteration = -1
        self.consumed = True
        self.listening = False
        self._last_publish = 0.0
        self._jobs: list = []
        self.activations = [layer["activation"] for layer in config["hidden"]]
        self.source: dict = {"kind": "builtin"}  # where the data come from, for the snippet
        # imported here, not with this module: the server prints its URL without waiting
        # for scikit-learn's import (seconds), which serve() starts in a thread meanwhile
        from ..estimators import NeuralNetworkClassifier

        self.estimator = NeuralNetworkClassifier(
            **estimator_params(config), max_iter=max_iterations, callbacks=[_Driver(self)])
        self._grid = self._make_grid() if data.plane else None
        self._thread = threading.Thread(target=self._train, name=f"playground-run-{generation}",
                                        daemon=True)
        self._thread.start()

    # ------------------------------------------------------------ the training thread

    @property
    def iteration(self) -> int:
        """Iterations done so far."""
        return len(self.costs)

    def _train(self) -> None:
        try:
            with np.errstate(all="ignore"):  # a diverging run ends in one message below
                self.estimator.fit(self.data.X_train, self.data.y_train)
        except NonFiniteWeightsError as error:
            self._fail(str(error))
        except MemoryError:
            self._fail("out of memory: use fewer units or less data")
        except Exception as error:  # noqa: BLE001 - shown on the page, in one line
            self._fail(f"training failed ({type(error).__name__}: {' '.join(str(error).split())})")
        finally:
            with self._cond:
                self.finished = True
                self.mode = "paused"
                jobs, self._jobs = self._jobs, []
                self._cond.notify_all()
            for job in jobs:
                job()

    def _fail(self, message: str) -> None:
        with self._cond:
            self.error = message
            self.mode, self.steps = "paused", 0
            self.frame = {"iteration": self.iteration, "state": "paused", "error": message}
            self.frame_seq += 1
            # the paused run's frame: the training thread, paused, publishes no other
            self.frame_iteration = self.iteration
            self._cond.notify_all()
        self._wake()

    def fail(self, message: str) -> None:
        """End the run with ``message``, from any thread: paused for good, its frame the
        message (a frame the stream cannot send, a value that is not finite, is a run
        that diverged). A run that already failed keeps its first message."""
        with self._cond:  # reentrant: _fail takes it again
            if self.error is None:
                self._fail(message)

    def _serve_jobs(self) -> None:
        with self._cond:
            jobs, self._jobs = self._jobs, []
        for job in jobs:
            job()

    def _boundary(self, begin: bool = False) -> bool:
        """Between two iterations: publish, pause, serve jobs. True stops training.

        ``begin``: before the first iteration (no step is used up there).
        """
        if self._jobs:
            self._serve_jobs()
        n = self.iteration
        if begin:
            if self.mode != "paused":
                self._publish()
        elif self.mode == "stepping":
            with self._cond:
                self.steps -= 1
                if self.steps <= 0:
                    self.mode = "paused"
        elif self.mode == "playing" and n % self.iterations_per_frame == 0:
            self._publish_paced()
        if n >= self.max_iterations:
            with self._cond:
                self.mode = "paused"
                self.message = (f"the playground stops at {self.max_iterations:,} iterations; "
                                "press reset to train again")
            self._publish()
            return True
        while self.mode == "paused" and not self.closed:
            if not self._paused_frame_shown():
                self._publish()
            with self._cond:
                while self.mode == "paused" and not self.closed and not self._jobs:
                    self._cond.wait()
            self._serve_jobs()
        return self.closed

    def _paused_frame_shown(self) -> bool:
        """Whether the last frame shows this iteration, paused."""
        frame = self.frame
        return (frame is not None and self.frame_iteration == self.iteration
                and frame.get("state") == "paused")

    def _publish_paced(self) -> None:
        """While playing: wait for the page to take the last frame, then publish."""
        with self._cond:
            while not self.closed and self.mode == "playing":
                now = time.monotonic()
                due = self._last_publish + 1.0 / MAX_FPS
                if self._jobs:
                    self._cond.release()
                    try:
                        self._serve_jobs()
                    finally:
                        self._cond.acquire()
                    continue
                if not (self.consumed or not self.listening):
                    self._cond.wait(1.0)
                elif now < due:
                    self._cond.wait(due - now)
                else:
                    break
        if not self.closed and self.mode == "playing":
            self._publish()

    def _publish(self) -> None:
        if self.error is not None:  # failed (fail()): its frame says why, and stays
            return
        frame = self._compute_frame()
        with self._cond:
            self.frame = frame
            self.frame_seq += 1
            self.frame_iteration = frame["iteration"]
            self.consumed = False
            self._last_publish = time.monotonic()
            self.metrics.append([frame["iteration"], frame["train_accuracy"],
                                 frame["test_accuracy"], frame["test_cost"]])
            if len(self.metrics) > MAX_METRICS:
                self.metrics = self.metrics[::2]
            self._cond.notify_all()
        self._wake()

    # -------------------------------------------------------------------- frames

    def _make_grid(self) -> dict:
        raw = np.concatenate([self.data.raw_train, self.data.raw_test])
        low, high = raw.min(axis=0), raw.max(axis=0)
        pad = np.maximum((high - low) * 0.08, 1e-3)
        low, high = low - pad, high + pad
        xs = np.linspace(low[0], high[0], GRID)
        ys = np.linspace(high[1], low[1], GRID)  # row 0 at the top
        gx, gy = np.meshgrid(xs, ys)
        points = np.column_stack([gx.ravel(), gy.ravel()])
        X = np.ascontiguousarray(self.data.transform(points).T)  # (n_x, GRID²)
        units = (np.arange(UNIT_GRID) * (GRID - 1) / (UNIT_GRID - 1)).round().astype(int)
        pick = (units[:, None] * GRID + units[None, :]).ravel()
        return {"X": X, "extent": [float(low[0]), float(high[0]), float(low[1]),
                                   float(high[1])], "unit_pick": pick}

    def _compute_frame(self) -> dict:
        est, data = self.estimator, self.data
        params = est.params_
        n = self.iteration
        _, ZL_train = forward(params, self.activations, data.X_train.T)
        _, ZL_test = forward(params, self.activations, data.X_test.T)
        train_acc, train_cost, _ = _scores(ZL_train, data.y_train)
        test_acc, test_cost, test_pred = _scores(ZL_test, data.y_test)
        # The train cost of the weights shown, as the test cost is, from iteration 0 on:
        # the course's cost with its L2 term (what costs[n] will be, without dropout or
        # mini-batches; the curve's last point is the cost before the last step).
        with np.errstate(all="ignore"):
            train_cost += l2_penalty(params, self.config["alpha"], len(data.y_train))
        frame: dict[str, Any] = {
            "iteration": n,
            "state": self.mode,
            "control": self.control_seq,
            "train_cost": _finite(train_cost),
            "train_accuracy": train_acc,
            "test_accuracy": test_acc,
            "test_cost": _finite(test_cost),
            "message": self.message,
        }
        if self._grid is not None:
            hidden, ZL = forward(params, self.activations, self._grid["X"])
            with np.errstate(all="ignore"):
                if ZL.shape[0] == 1:
                    P = expit(ZL)
                    frame["boundary"] = {"p": _b64(np.round(P[0] * 255))}
                else:
                    P = softmax(ZL, axis=0)
                    frame["boundary"] = {"class": _b64(P.argmax(axis=0)),
                                         "confidence": _b64(np.round(P.max(axis=0) * 255))}
                # the output units' pictures, as the hidden units' (the probability of
                # class 1 for a sigmoid output, of each class for softmax), 0 to 255
                frame["outputs"] = [
                    _b64(np.round(np.nan_to_num(row) * 255))
                    for row in P[:MAX_DRAWN_UNITS, self._grid["unit_pick"]]]
                units = []
                for A in hidden:
                    layer = []
                    for row in A[:MAX_DRAWN_UNITS, self._grid["unit_pick"]]:
                        scale = float(np.max(np.abs(row)))
                        scaled = row / scale if scale > 0 and np.isfinite(scale) else row * 0
                        layer.append(_b64(np.round((np.nan_to_num(scaled) + 1.0) * 127.5)))
                    units.append(layer)
            frame["units"] = units
        if data.raw_test.ndim == 4:  # pictures
            wrong = np.flatnonzero(test_pred != data.y_test)
            frame["mislabeled"] = [[int(i), int(test_pred[i])] for i in wrong[:MAX_MISLABELED]]
            frame["n_mislabeled"] = len(wrong)
        weights = []
        for l in range(1, len(params) // 2 + 1):
            W = params[f"W{l}"][:MAX_DRAWN_UNITS]
            if W.shape[1] <= MAX_DRAWN_UNITS and W.size <= MAX_SENT_WEIGHTS:
                weights.append({"W": _sent(W)})
            else:
                with np.errstate(all="ignore"):  # rows of entries near 1e160 overflow
                    weights.append({"norms": _sent(np.linalg.norm(W, axis=1))})
        frame["weights"] = weights
        return frame

    # ---------------------------------------------------------- the server's side

    def control(self, action: str | None, iterations_per_frame: int | None) -> None:
        """Play, pause or step once; change the iterations per frame."""
        with self._cond:
            self.control_seq += 1
            if iterations_per_frame is not None:
                self.iterations_per_frame = iterations_per_frame
            if action in ("play", "step"):
                if self.closed:
                    raise ConflictError("this run was replaced by newer settings (or reset) "
                                        "while the request was on its way; send it again")
                if self.error is not None:
                    raise ConflictError(self.failure("change a setting or press reset"))
                if self.finished or self.iteration >= self.max_iterations:
                    done = self.iteration
                    raise ConflictError(f"the run is over ({done:,} iteration"
                                        f"{'' if done == 1 else 's'}); press reset to train "
                                        "again")
            if action == "play":
                self.mode = "playing"
            elif action == "pause":
                self.mode = "paused"
            elif action == "step":
                self.steps = (self.steps if self.mode == "stepping" else 0) + 1
                self.mode = "stepping"
            self._cond.notify_all()

    def failure(self, then: str) -> str:
        """'this run failed: <why>; <then>' (the error's own full stop dropped)."""
        return f"this run failed: {(self.error or '').rstrip('. ')}; {then}"

    def settled(self) -> bool:
        """Whether the run is paused (after a step, its frame published) or over."""
        with self._cond:
            return (self.finished or self.closed or self.error is not None
                    or (self.mode == "paused" and self._paused_frame_shown()))

    def wait_paused(self, timeout: float = 30.0) -> bool:
        """Block until the run is paused (after a step) or over; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self.settled():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    def submit(self, fn: Callable[[], Any],
               done: Callable[[Any, BaseException | None], None]) -> bool:
        """Have the training thread run ``fn()`` between two iterations, then call
        ``done(value, None)``, or ``done(None, error)``, there.

        Returns False, doing nothing, when the run is over: no thread is left to run it
        (its weights no longer change: the caller may run ``fn`` itself).
        """
        def job():
            try:
                value = fn()
            except BaseException as error:  # noqa: BLE001 - handed to the caller
                done(None, error)
            else:
                done(value, None)

        with self._cond:
            if self.finished:
                return False
            self._jobs.append(job)
            self._cond.notify_all()
        return True

    def call(self, fn: Callable[[], Any], timeout: float = 60.0) -> Any:
        """Run ``fn()`` in the training thread between two iterations; return its value."""
        answered = threading.Event()
        box: dict[str, Any] = {}

        def done(value, error):
            box["value"], box["error"] = value, error
            answered.set()

        if not self.submit(fn, done):
            return fn()
        if not answered.wait(timeout):
            raise ConflictError("the training thread did not answer in time; try again")
        if box["error"] is not None:
            raise box["error"]
        return box["value"]

    def snapshot(self) -> NeuralNetworkClassifier:
        """A fitted copy of the network as it is now, without the playground's callback.

        It is what ``NeuralNetworkClassifier(**params, max_iter=n).fit(X_train, y_train)``
        returns, ``n`` being the iterations done (the tests check it).
        """
        return self.call(self.copy_fitted)

    def copy_fitted(self) -> NeuralNetworkClassifier:
        """:meth:`snapshot`'s copy, made in the calling thread: the training thread's
        (through :meth:`call` or :meth:`submit`), or any once the run is over.

        Raises
        ------
        ConflictError
            No iteration done yet, the run failed, or its last step diverged.
        """
        est = self.estimator
        n = self.iteration
        if n == 0:
            raise ConflictError("train at least one iteration first")
        if self.error is not None:
            raise ConflictError(self.failure("change a setting or press reset"))
        from ..estimators import NeuralNetworkClassifier

        snap = NeuralNetworkClassifier(**estimator_params(self.config), max_iter=n)
        snap.params_ = {k: v.copy(order="K") for k, v in est.params_.items()}
        snap.optimizer_ = copy.deepcopy(est.optimizer_)
        snap.classes_ = est.classes_.copy()
        snap.n_features_in_ = est.n_features_in_
        snap.n_iter_ = n
        snap.loss_curve_ = self.costs.tolist()
        snap.costs_ = snap.loss_curve_[::snap.cost_every]
        snap.validation_scores_, snap.validation_losses_ = [], []
        snap.best_validation_score_ = None
        # the step just taken is checked by the next one's cost: a run paused after a
        # step to weights whose outputs overflow offered a model no data could use
        try:
            with np.errstate(all="ignore"):
                finite = all(np.isfinite(v).all() for v in snap.params_.values())
                if finite:
                    snap.decision_function(self.data.X_train)
        except OutputOverflowError:
            finite = False
        if not finite:
            raise ConflictError(f"the training diverged by iteration {n} (the weights' "
                                "outputs overflow): lower the learning rate and press "
                                "reset")
        return snap

    def take(self, since_cost: int, since_frame: int) -> tuple[dict, int, int]:
        """What a stream has not sent yet: costs after ``since_cost``, the newest frame."""
        with self._cond:
            costs = self.costs[since_cost:].tolist()
            message: dict[str, Any] = {"run": self.generation, "costs_from": since_cost,
                                       "costs": costs}
            if self.frame_seq > since_frame and self.frame is not None:
                message["frame"] = self.frame
            self.consumed = True
            self._cond.notify_all()
            return message, since_cost + len(costs), self.frame_seq

    def set_listening(self, listening: bool) -> None:
        with self._cond:
            self.listening = listening
            self._cond.notify_all()

    def close(self, wait: float = 5.0) -> None:
        """Stop the training thread (it ends after the current iteration); wait up to
        ``wait`` seconds for it (0: tell it only)."""
        with self._cond:
            self.closed = True
            self._cond.notify_all()
        if wait > 0 and threading.current_thread() is not self._thread:
            self._thread.join(wait)

    @property
    def alive(self) -> bool:
        """Whether the training thread still runs (closed, it ends after its iteration)."""
        return self._thread.is_alive()

    def join(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the training thread to end."""
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)


class Session:
    """One browser tab: its runs one after the other, its upload, its stream.

    Attributes
    ----------
    id : str
        An unguessable token naming the session in URLs.
    run : Run or None
    upload : Dataset or None
        The CSV file uploaded in this tab.
    """

    def __init__(self) -> None:
        self.id = secrets.token_urlsafe(12)
        self.run: Run | None = None
        self.upload = None
        self.upload_name: str | None = None
        self.generation = 0
        self.last_seen = time.monotonic()
        self._listener = None
        self._lock = threading.Lock()
        #: held while new settings are checked, their data made and their run started:
        #: two requests at once are taken one after the other, each answered with its own
        #: run, the last taken the one that trains (and the newest generation)
        self.starting = threading.Lock()
        self.closed = False

    # -- the stream
    def attach(self, listener) -> None:
        """Make ``listener`` (an object with ``wake()``) this session's one stream."""
        with self._lock:
            old, self._listener = self._listener, listener
            run = self.run
        if old is not None:
            old.stale = True
            old.wake()
        if run is not None:
            run.set_listening(True)
        listener.wake()

    def detach(self, listener) -> None:
        with self._lock:
            if self._listener is not listener:
                return
            self._listener = None
            self.last_seen = time.monotonic()
            run = self.run
        if run is not None:
            run.set_listening(False)

    @property
    def streaming(self) -> bool:
        return self._listener is not None

    def _wake(self) -> None:
        listener = self._listener
        if listener is not None:
            listener.wake()

    # -- runs
    def start(self, config: dict, data: PlaygroundData, **kwargs) -> Run:
        """Stop the current run and start a new one with ``config``.

        Raises
        ------
        ConflictError
            The session was closed (its tab gone, or the server stopping), also while
            the new run was being made: that run is stopped, never left waiting.
        """
        with self._lock:
            closed, old = self.closed, self.run
        if closed:
            raise ConflictError(_CLOSED)
        if old is not None:
            old.close()
        with self._lock:
            self.generation += 1
            generation = self.generation
        run = Run(config, data, generation, self._wake, **kwargs)
        with self._lock:
            closed, replaced = self.closed, self.run
            if not closed:
                self.run = run
                listening = self._listener is not None
        if closed:  # close() ran meanwhile and could not see this run
            run.close()
            raise ConflictError(_CLOSED)
        if replaced is not None and replaced is not old:
            # another start() of this session (two requests at once) installed its run
            # meanwhile: stopped here, never left paused for ever in its thread
            replaced.close()
        run.set_listening(listening)
        self._wake()
        return run

    def close(self, wait: float = 5.0) -> None:
        """End the stream and stop the run, for good: a later :meth:`start` is refused.
        ``wait``: seconds to wait for the run's thread (0: tell it only)."""
        with self._lock:
            self.closed = True
            listener, self._listener = self._listener, None
            run = self.run
        if listener is not None:
            listener.stale = True
            listener.wake()
        if run is not None:
            run.close(wait)


class Sessions:
    """All the sessions of a server, at most ``max_sessions`` of them.

    Parameters
    ----------
    max_sessions : int
    grace : float
        Seconds a session may live without a stream (a closed tab) before it is closed.
    """

    def __init__(self, max_sessions: int = 8, grace: float = 10.0) -> None:
        self.max_sessions = max_sessions
        self.grace = grace
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._stopping = False  # close_all ran: the server is stopping
        self._hurry = threading.Event()  # hurry(): close_all waits no more

    def __len__(self) -> int:
        return len(self._sessions)

    def new(self) -> Session:
        with self._lock:
            if self._stopping:
                raise ConflictError("the playground is stopping; start it again and reload "
                                    "the page")
            if len(self._sessions) >= self.max_sessions:
                raise TooManySessions(
                    f"the playground already runs {self.max_sessions} sessions (one per tab); "
                    f"close a playground tab, and a closed one is freed within "
                    f"{self.grace:g} s")
            session = Session()
            self._sessions[session.id] = session
            return session

    def get(self, session_id: str) -> Session | None:
        return self._sessions.get(session_id)

    def close(self, session_id: str) -> bool:
        with self._lock:
            session = self._sessions.pop(session_id, None)
        if session is None:
            return False
        session.close()
        return True

    def reap(self) -> list[str]:
        """Close the sessions whose stream has been gone for more than ``grace`` s."""
        now = time.monotonic()
        stale = [s.id for s in list(self._sessions.values())
                 if not s.streaming and now - s.last_seen > self.grace]
        for session_id in stale:
            self.close(session_id)
        return stale

    def end_streams(self) -> None:
        """End every event stream now (the server is stopping: let its responses finish)."""
        for session in list(self._sessions.values()):
            listener = session._listener
            if listener is not None:
                listener.stale = True
                listener.wake()

    def close_all(self, wait: float = 5.0,
                  waiting: Callable[[int], None] | None = None) -> None:
        """Close every session, and refuse new ones from now on (the server stops).

        Every run is told to stop first, then their threads are waited for together, up
        to ``wait`` seconds in all, or until :meth:`hurry`: each closed after the other,
        waiting up to 5 s each, 8 runs in long iterations took 23 s to stop. A run
        still in its iteration after a moment is counted to ``waiting`` (the command
        says what it waits for).
        """
        with self._lock:
            self._stopping = True
            closing = list(self._sessions.values())
            self._sessions.clear()
        runs = []
        for session in closing:
            session.close(wait=0)
            if session.run is not None:
                runs.append(session.run)
        deadline = time.monotonic() + wait
        told = waiting is None
        for run in runs:
            while run.alive and not self._hurry.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    return  # the threads are daemons: they end with the process
                if not told and wait - left >= STOP_NOTICE:
                    told = True
                    busy = sum(r.alive for r in runs)
                    if busy:
                        waiting(busy)
                run.join(min(left, 0.05))

    def hurry(self) -> None:
        """Make :meth:`close_all` return now, without waiting for the runs' threads."""
        self._hurry.set()
