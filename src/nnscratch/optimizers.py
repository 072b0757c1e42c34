"""Optimizers and learning-rate schedules for the training loop.

An optimizer is a small stateful object: ``opt.update(params, grads)`` takes one step
on every parameter, in place. The update rules are those of the course "Improving Deep
Neural Networks" (course 2, week 2), written out in each class's docstring:

- ``"gd"``, :class:`GradientDescent`: ``W -= lr*dW``
- ``"momentum"``, :class:`Momentum`: ``v = beta*v + (1-beta)*dW;  W -= lr*v``
- ``"rmsprop"``, :class:`RMSProp`: ``s = beta*s + (1-beta)*dW**2;  W -= lr*dW/(sqrt(s)+eps)``
- ``"adam"``, :class:`Adam`: momentum and RMSProp together, with bias correction

The training loop's fast first layer (:mod:`nnscratch._engine`) asks an optimizer what
it needs through :attr:`Optimizer.linear_rule` (is the update linear in the gradient,
with which momentum), :meth:`Optimizer.velocity` / :meth:`Optimizer.set_velocity` (the
state of such a rule) and :meth:`Optimizer.update_more` (a parameter whose gradient
comes after the others').

A schedule is a callable ``schedule(learning_rate_init, epoch) -> float``; the training
loop sets ``opt.learning_rate`` from it at the start of every epoch.

Parameters and gradients use the seeds' names: ``params = {"W1": ..., "b1": ..., ...}``
and ``grads = {"dW1": ..., "db1": ..., ...}``. The optimizer never rebinds an entry of
``params``: the arrays are updated in place (so their dtype, e.g. float32, is kept), and
its state arrays (``v``, ``s``) have the dtype of the parameter they belong to. The
state is keyed like the course's ``v["dW1"]``, by the gradient's name.

Examples
--------
>>> import numpy as np
>>> params = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.0]])}
>>> grads = {"dW1": np.array([[0.5, -1.0]]), "db1": np.array([[2.0]])}
>>> opt = make_optimizer("momentum", learning_rate=0.1, momentum=0.9)
>>> opt.update(params, grads)
>>> params["W1"]
array([[ 0.995, -1.99 ]])
>>> make_schedule("inverse_time", decay_rate=1.0)(0.1, 4)
0.02
"""

from __future__ import annotations

import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ._params import check, register_choices
from .exceptions import InvalidParameterError

__all__ = [
    "OPTIMIZERS",
    "SCHEDULES",
    "Adam",
    "ConstantSchedule",
    "GradientDescent",
    "InverseTimeSchedule",
    "LinearRule",
    "Momentum",
    "Optimizer",
    "RMSProp",
    "Schedule",
    "StepSchedule",
    "make_optimizer",
    "make_schedule",
]


# --------------------------------------------------------------------------- checks
# The constructors' arguments are the estimators' hyper-parameters under their own
# names: their types and ranges come from the one table, nnscratch._params.


def _as_float(name: str, value: Any, owner: str) -> float:
    # any real the estimators' checks take (a Fraction too), as a float
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"{owner}: {name} must be a number, got {value!r}")
    return float(value)


def _as_int(name: str, value: Any, owner: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InvalidParameterError(f"{owner}: {name} must be an integer, got {value!r}")
    return int(value)


def _check_positive(name: str, value: Any, owner: str) -> float:
    value = _as_float(name, value, owner)
    if not (math.isfinite(value) and value > 0):
        raise InvalidParameterError(
            f"{owner}: {name} must be a positive finite number, got {value!r}")
    return value


# ----------------------------------------------------------------------- optimizers


@dataclass(frozen=True)
class LinearRule:
    """An update rule linear in the gradient: ``v = momentum*v + (1-dampening)*dW;
    W -= lr*v`` (``v`` starting at zeros).

    Gradient descent is ``momentum = dampening = 0``; the course's momentum is
    ``momentum = dampening = beta``. A rule of this form keeps every update of a
    layer in the span of its gradients, which the training loop's fastest form of the
    first layer relies on (see :func:`nnscratch._engine.first_layer`).

    Attributes
    ----------
    momentum, dampening : float
    velocity : bool
        Whether the optimizer keeps ``v`` (:meth:`Optimizer.velocity`).
    """

    momentum: float = 0.0
    dampening: float = 0.0
    velocity: bool = False


class Optimizer(ABC):
    """Base class: checks the inputs and walks over the parameters.

    Subclasses implement ``_step(key, W, dW, tmp)``, which updates the array ``W`` in
    place; ``tmp`` is a scratch array of ``W``'s shape and dtype that they may
    overwrite (it spares a temporary array per parameter and step).

    Parameters
    ----------
    learning_rate : float
        Step size ``lr`` (> 0). A mutable attribute: the training loop may set it
        before any step, for example from a schedule.
    """

    #: Maps this class's constructor arguments to the estimator's hyper-parameter names
    #: (used by :func:`make_optimizer`).
    estimator_params: ClassVar[dict[str, str]] = {}

    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = learning_rate
        self.reset()

    @property
    def learning_rate(self) -> float:
        """The step size ``lr`` used by the next :meth:`update` (a positive float)."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self._learning_rate = check("learning_rate", value, owner=type(self).__name__)

    def reset(self) -> None:
        """Drop the state (moving averages, step count): the next step is a first step."""
        self._scratch: dict[str, np.ndarray] = {}

    @property
    def gradient_scale(self) -> float:
        """A factor the gradients may come already multiplied by (see :meth:`update`).

        1.0 here. An optimizer whose step is ``W -= s*dW`` gives ``s``
        (:class:`GradientDescent`: its learning rate), so that a backward pass that
        produces ``s*dW`` directly (``_engine.backward(scale=s)``: one multiplication
        of ``dZ_L``) makes the step a single pass, ``W -= dW``.
        """
        return 1.0

    def update(
        self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray], scaled: bool = False
    ) -> None:
        """Take one optimisation step on every parameter, in place.

        Parameters
        ----------
        params : dict of str to ndarray
            ``{"W1": (n_1, n_0), "b1": (n_1, 1), ...}``; every array is updated in
            place, none is rebound, so their dtypes are kept.
        grads : dict of str to ndarray
            ``{"dW1": ..., "db1": ..., ...}``, one gradient per parameter, of the
            parameter's shape. Not modified; other keys (the course's ``"dA1"``, ...)
            are ignored.
        scaled : bool, default=False
            The gradients are already multiplied by :attr:`gradient_scale`.

        Raises
        ------
        ValueError
            If a gradient is missing or its shape differs from its parameter's, or if
            the state was built for a network of other shapes (call :meth:`reset`).
        """
        pairs = [(name, W, self._grad_for(name, W, grads)) for name, W in params.items()]
        if not (scaled and self.gradient_scale != 1.0):
            self._begin_step()  # only once every gradient is known good: no half step
        self._apply(pairs, scaled)

    def update_more(
        self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray], scaled: bool = False
    ) -> None:
        """More parameters of the step the last :meth:`update` took.

        The same step (Adam's step count ``t`` is not advanced), for a parameter whose
        gradient is known only after the others' were applied: the training loop's
        first layer. Arguments as for :meth:`update`.
        """
        self._apply([(name, W, self._grad_for(name, W, grads)) for name, W in params.items()],
                    scaled)

    def _apply(self, pairs: list[tuple[str, np.ndarray, np.ndarray]], scaled: bool) -> None:
        if scaled and self.gradient_scale != 1.0:  # the step is W -= s*dW, s*dW given
            for _, W, scaled_dW in pairs:
                W -= scaled_dW
            return
        for name, W, dW in pairs:
            tmp = self._scratch.get(name)
            if tmp is None or tmp.shape != W.shape or tmp.dtype != W.dtype:
                tmp = self._scratch[name] = np.empty_like(W)
            self._step("d" + name, W, dW, tmp)

    @property
    def name(self) -> str:
        """The name of this rule in :data:`OPTIMIZERS` (the estimators' ``solver``)."""
        return next((k for k, cls in OPTIMIZERS.items() if type(self) is cls),
                    type(self).__name__)

    @property
    def linear_rule(self) -> LinearRule | None:
        """The update as a :class:`LinearRule`, or None when it is not linear in the
        gradient (RMSProp, Adam: element-wise divisions)."""
        return None

    def velocity(self, name: str) -> np.ndarray | None:
        """The velocity ``v`` of parameter ``name`` (``"W1"``) of a :attr:`linear_rule`
        with momentum, or None (no such state, or no step taken yet)."""
        return None

    def set_velocity(self, name: str, v: np.ndarray) -> None:
        """Set the velocity of parameter ``name`` (a first layer that kept it in
        another form gives it back). Only for rules whose :attr:`linear_rule` keeps
        one."""
        raise ValueError(f"{type(self).__name__} keeps no velocity")

    def _grad_for(self, name: str, W: np.ndarray, grads: dict[str, np.ndarray]) -> np.ndarray:
        dW = grads.get("d" + name)
        if dW is None:
            raise ValueError(
                f"{type(self).__name__}.update: grads has no 'd{name}' for parameter "
                f"'{name}' (grads keys: {sorted(grads)})"
            )
        if dW.shape != W.shape:
            raise ValueError(
                f"{type(self).__name__}.update: 'd{name}' has shape {dW.shape} but "
                f"'{name}' has shape {W.shape}"
            )
        return dW

    def state_overflowed(self) -> bool:
        """Whether a running average of the squared gradients (RMSProp's and Adam's
        ``s``) holds an infinity or NaN: a gradient beyond the square root of the
        weights' dtype's range (1.8e19 in float32) overflows its square, and the steps
        of those weights are 0 from then on. The training loop asks once an epoch (a
        pass over the state, not one per step). False for rules without such state."""
        return False

    def _begin_step(self) -> None:
        """Hook called once per :meth:`update`, before the parameters (Adam's ``t``)."""

    @abstractmethod
    def _step(self, key: str, W: np.ndarray, dW: np.ndarray, tmp: np.ndarray) -> None:
        """Update ``W`` in place from ``dW``; ``key`` (``"dW1"``) names its state."""

    def _state(self, store: dict[str, np.ndarray], key: str, W: np.ndarray) -> np.ndarray:
        """The state array ``store[key]`` (zeros of ``W``'s shape and dtype at first)."""
        arr = store.get(key)
        if arr is None:
            arr = store[key] = np.zeros_like(W)
        elif arr.shape != W.shape or arr.dtype != W.dtype:
            raise ValueError(
                f"{type(self).__name__}: its state for '{key}' has shape {arr.shape} and "
                f"dtype {arr.dtype}, the parameter has {W.shape} and {W.dtype}; call "
                "reset() before training a different network"
            )
        return arr

    def __getstate__(self) -> dict[str, Any]:
        # The scratch arrays hold no information: do not pickle or deep-copy them.
        state = self.__dict__.copy()
        state["_scratch"] = {}
        return state

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._repr_args())
        return f"{type(self).__name__}({args})"

    def _repr_args(self) -> tuple[str, ...]:
        return ("learning_rate",)


def _any_overflowed(state: dict[str, np.ndarray]) -> bool:
    """Whether any of these arrays of squares (>= 0) holds an infinity or NaN: their
    largest is then not finite (one reduction each, no temporary array; the ufunc's
    own, a microsecond, not ``ndarray.max``'s wrapper around it)."""
    return not all(math.isfinite(_largest(s, None)) for s in state.values() if s.size)


_largest = np.maximum.reduce


class GradientDescent(Optimizer):
    """Plain (batch or mini-batch) gradient descent.

    Update rule, for every parameter ``W`` and its gradient ``dW``::

        W = W - lr*dW

    Parameters
    ----------
    learning_rate : float
        Step size ``lr`` (> 0).
    """

    @property
    def gradient_scale(self) -> float:
        return self._learning_rate

    @property
    def linear_rule(self) -> LinearRule:
        return LinearRule()

    def _step(self, key: str, W: np.ndarray, dW: np.ndarray, tmp: np.ndarray) -> None:
        np.multiply(dW, self._learning_rate, out=tmp)
        W -= tmp


class Momentum(Optimizer):
    """Gradient descent with momentum, in the course's form.

    Update rule, for every parameter ``W`` and its gradient ``dW`` (``v`` starts at
    zeros)::

        v = beta*v + (1-beta)*dW
        W = W - lr*v

    ``v`` is an exponentially weighted average of the gradients. This is the course's
    form, not the undamped one of PyTorch (``v = mu*v + dW; W -= lr*v``) or
    scikit-learn (``v = mu*v - lr*dW; W += v``): with a constant learning rate, those
    follow the course's trajectory when given ``mu = beta`` and ``lr*(1-beta)``.

    Parameters
    ----------
    learning_rate : float
        Step size ``lr`` (> 0).
    beta : float, default 0.9
        Momentum, in [0, 1); ``beta=0`` is plain gradient descent.

    Attributes
    ----------
    v : dict of str to ndarray
        The velocity per gradient name (``v["dW1"]``), of the parameter's shape and dtype.
    """

    estimator_params: ClassVar[dict[str, str]] = {"beta": "momentum"}

    def __init__(self, learning_rate: float, beta: float = 0.9) -> None:
        self.beta = check("momentum", beta, owner="Momentum", shown="beta")
        super().__init__(learning_rate)

    def reset(self) -> None:
        super().reset()
        self.v: dict[str, np.ndarray] = {}

    @property
    def linear_rule(self) -> LinearRule:
        return LinearRule(self.beta, self.beta, velocity=True)

    def velocity(self, name: str) -> np.ndarray | None:
        return self.v.get("d" + name)

    def set_velocity(self, name: str, v: np.ndarray) -> None:
        self.v["d" + name] = v

    def _step(self, key: str, W: np.ndarray, dW: np.ndarray, tmp: np.ndarray) -> None:
        v = self._state(self.v, key, W)
        np.multiply(dW, 1.0 - self.beta, out=tmp)
        v *= self.beta
        v += tmp
        np.multiply(v, self._learning_rate, out=tmp)
        W -= tmp

    def _repr_args(self) -> tuple[str, ...]:
        return ("learning_rate", "beta")


class RMSProp(Optimizer):
    """RMSProp: each step divided by a running root mean square of the gradients.

    Update rule, for every parameter ``W`` and its gradient ``dW`` (``s`` starts at
    zeros; the square and the square root are element-wise)::

        s = beta*s + (1-beta)*dW**2
        W = W - lr*dW/(sqrt(s) + eps)

    Parameters
    ----------
    learning_rate : float
        Step size ``lr`` (> 0).
    beta : float, default 0.9
        Decay of the average of the squared gradients, in [0, 1). Built by
        :func:`make_optimizer`, it takes the estimator's ``beta_2``.
    epsilon : float, default 1e-8
        Added to ``sqrt(s)`` (outside the square root), > 0.

    Attributes
    ----------
    s : dict of str to ndarray
        The average squared gradient per gradient name (``s["dW1"]``).
    """

    estimator_params: ClassVar[dict[str, str]] = {"beta": "beta_2", "epsilon": "epsilon"}

    def __init__(self, learning_rate: float, beta: float = 0.9, epsilon: float = 1e-8) -> None:
        self.beta = check("beta_2", beta, owner="RMSProp", shown="beta")
        self.epsilon = check("epsilon", epsilon, owner="RMSProp")
        super().__init__(learning_rate)

    def reset(self) -> None:
        super().reset()
        self.s: dict[str, np.ndarray] = {}

    def _step(self, key: str, W: np.ndarray, dW: np.ndarray, tmp: np.ndarray) -> None:
        s = self._state(self.s, key, W)
        np.square(dW, out=tmp)
        tmp *= 1.0 - self.beta
        s *= self.beta
        s += tmp
        np.sqrt(s, out=tmp)
        tmp += self.epsilon
        np.divide(dW, tmp, out=tmp)
        tmp *= self._learning_rate
        W -= tmp

    def state_overflowed(self) -> bool:
        return _any_overflowed(self.s)

    def _repr_args(self) -> tuple[str, ...]:
        return ("learning_rate", "beta", "epsilon")


class Adam(Optimizer):
    """Adam: momentum and RMSProp together, with bias correction (the course's form).

    Update rule: once per :meth:`update`, ``t = t + 1`` (``t`` starts at 0, so the
    first step has ``t = 1``); then for every parameter ``W`` and its gradient ``dW``
    (``v`` and ``s`` start at zeros; operations are element-wise)::

        v = beta_1*v + (1-beta_1)*dW
        s = beta_2*s + (1-beta_2)*dW**2
        v_hat = v/(1 - beta_1**t)
        s_hat = s/(1 - beta_2**t)
        W = W - lr*v_hat/(sqrt(s_hat) + eps)

    ``eps`` is added outside the square root, as in the course and in
    ``torch.optim.Adam``. The code computes ``lr/(1-beta_1**t)`` once per step, so
    results can differ from the formula above by rounding only.

    Parameters
    ----------
    learning_rate : float
        Step size ``lr`` (> 0).
    beta_1 : float, default 0.9
        Decay of the average of the gradients, in [0, 1).
    beta_2 : float, default 0.999
        Decay of the average of the squared gradients, in [0, 1).
    epsilon : float, default 1e-8
        Added to ``sqrt(s_hat)``, > 0.

    Attributes
    ----------
    t : int
        Number of steps taken (the bias-correction exponent of the last step).
    v, s : dict of str to ndarray
        The first and second moment estimates per gradient name (``v["dW1"]``).
    """

    estimator_params: ClassVar[dict[str, str]] = {
        "beta_1": "beta_1",
        "beta_2": "beta_2",
        "epsilon": "epsilon",
    }

    def __init__(
        self,
        learning_rate: float,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        self.beta_1 = check("beta_1", beta_1, owner="Adam")
        self.beta_2 = check("beta_2", beta_2, owner="Adam")
        self.epsilon = check("epsilon", epsilon, owner="Adam")
        super().__init__(learning_rate)

    def reset(self) -> None:
        super().reset()
        self.t = 0
        self.v: dict[str, np.ndarray] = {}
        self.s: dict[str, np.ndarray] = {}

    def _begin_step(self) -> None:
        self.t += 1
        self._correction_1 = 1.0 - self.beta_1**self.t
        self._correction_2 = 1.0 - self.beta_2**self.t

    def _step(self, key: str, W: np.ndarray, dW: np.ndarray, tmp: np.ndarray) -> None:
        v = self._state(self.v, key, W)
        s = self._state(self.s, key, W)
        np.multiply(dW, 1.0 - self.beta_1, out=tmp)
        v *= self.beta_1
        v += tmp
        np.square(dW, out=tmp)
        tmp *= 1.0 - self.beta_2
        s *= self.beta_2
        s += tmp
        # tmp = sqrt(s_hat) + eps, then lr * v_hat / tmp
        np.divide(s, self._correction_2, out=tmp)
        np.sqrt(tmp, out=tmp)
        tmp += self.epsilon
        np.divide(v, tmp, out=tmp)
        tmp *= self._learning_rate / self._correction_1
        W -= tmp

    def state_overflowed(self) -> bool:
        return _any_overflowed(self.s)

    def _repr_args(self) -> tuple[str, ...]:
        return ("learning_rate", "beta_1", "beta_2", "epsilon")


#: The optimizers by the name the estimators' ``solver`` parameter takes.
OPTIMIZERS: dict[str, type[Optimizer]] = {
    "gd": GradientDescent,
    "momentum": Momentum,
    "rmsprop": RMSProp,
    "adam": Adam,
}
register_choices("solver", OPTIMIZERS)  # the estimators' ``solver``, in the parameter table


def make_optimizer(
    name: str,
    learning_rate: float,
    *,
    momentum: float = 0.9,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-8,
) -> Optimizer:
    """Build an optimizer from the estimators' hyper-parameters.

    Each class takes only the hyper-parameters it uses (its ``estimator_params``):

    - ``"gd"``: ``GradientDescent(learning_rate)``
    - ``"momentum"``: ``Momentum(learning_rate, beta=momentum)``
    - ``"rmsprop"``: ``RMSProp(learning_rate, beta=beta_2, epsilon=epsilon)`` (the
      decay of the squared-gradient average is ``beta_2``, as in Adam)
    - ``"adam"``: ``Adam(learning_rate, beta_1, beta_2, epsilon)``

    Parameters
    ----------
    name : {"gd", "momentum", "rmsprop", "adam"}
        The estimator's ``solver``.
    learning_rate : float
        Initial step size (> 0).
    momentum, beta_1, beta_2, epsilon : float
        The estimator's hyper-parameters of the same names.

    Returns
    -------
    Optimizer

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid ones) or a bad value.
    """
    cls = _lookup(OPTIMIZERS, name, "solver")
    given = {"momentum": momentum, "beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
    kwargs = {arg: given[source] for arg, source in cls.estimator_params.items()}
    return cls(learning_rate, **kwargs)


# ------------------------------------------------------------------------ schedules

#: A learning-rate schedule: ``schedule(learning_rate_init, epoch) -> learning_rate``.
Schedule = Callable[[float, int], float]


def _check_epoch(epoch: Any) -> int:
    epoch = _as_int("epoch", epoch, "schedule")
    if epoch < 0:
        raise InvalidParameterError(
            f"schedule: epoch must be a non-negative integer, got {epoch!r}")
    return epoch


@dataclass(frozen=True)
class ConstantSchedule:
    """The learning rate stays at its initial value: ``lr = lr0``."""

    estimator_params: ClassVar[tuple[str, ...]] = ()

    def __call__(self, learning_rate_init: float, epoch: int) -> float:
        """The learning rate for ``epoch`` (0-based), a float."""
        _check_epoch(epoch)
        return _check_positive("learning_rate_init", learning_rate_init, "schedule")


@dataclass(frozen=True)
class InverseTimeSchedule:
    """Decay in inverse proportion to the epoch (the course's ``update_lr``).

    ``lr = lr0 / (1 + decay_rate*epoch)``, with ``epoch`` 0-based.

    Parameters
    ----------
    decay_rate : float, default 1.0
        Non-negative; 0 keeps the rate constant.
    """

    decay_rate: float = 1.0

    estimator_params: ClassVar[tuple[str, ...]] = ("decay_rate",)

    def __post_init__(self) -> None:
        _check_decay_rate(self.decay_rate)

    def __call__(self, learning_rate_init: float, epoch: int) -> float:
        """The learning rate for ``epoch`` (0-based), a float."""
        lr0 = _check_positive("learning_rate_init", learning_rate_init, "schedule")
        return lr0 / (1.0 + self.decay_rate * _check_epoch(epoch))


@dataclass(frozen=True)
class StepSchedule:
    """Fixed-interval decay (the course's ``schedule_lr_decay``).

    ``lr = lr0 / (1 + decay_rate*floor(epoch/time_interval))``: the rate drops every
    ``time_interval`` epochs and stays put in between.

    Parameters
    ----------
    decay_rate : float, default 1.0
        Non-negative; 0 keeps the rate constant.
    time_interval : int, default 1000
        Number of epochs between two drops (>= 1).
    """

    decay_rate: float = 1.0
    time_interval: int = 1000

    estimator_params: ClassVar[tuple[str, ...]] = ("decay_rate", "time_interval")

    def __post_init__(self) -> None:
        _check_decay_rate(self.decay_rate)
        check("decay_interval", self.time_interval, owner="StepSchedule", shown="time_interval")

    def __call__(self, learning_rate_init: float, epoch: int) -> float:
        """The learning rate for ``epoch`` (0-based), a float."""
        lr0 = _check_positive("learning_rate_init", learning_rate_init, "schedule")
        drops = _check_epoch(epoch) // int(self.time_interval)
        return lr0 / (1.0 + self.decay_rate * drops)


def _check_decay_rate(value: Any) -> None:
    check("decay_rate", value, owner="schedule")


#: The learning-rate schedules by name.
SCHEDULES: dict[str, type] = {
    "constant": ConstantSchedule,
    "inverse_time": InverseTimeSchedule,
    "step": StepSchedule,
}
register_choices("learning_rate_schedule", SCHEDULES)


def make_schedule(name: str, decay_rate: float = 1.0, time_interval: int = 1000) -> Schedule:
    """Build a learning-rate schedule ``schedule(learning_rate_init, epoch) -> float``.

    Parameters
    ----------
    name : {"constant", "inverse_time", "step"}
        ``"constant"``: ``lr0``; ``"inverse_time"``: ``lr0/(1 + decay_rate*epoch)``;
        ``"step"``: ``lr0/(1 + decay_rate*floor(epoch/time_interval))``.
    decay_rate : float, default 1.0
        Used by ``"inverse_time"`` and ``"step"``.
    time_interval : int, default 1000
        Used by ``"step"``.

    Returns
    -------
    callable
        A frozen dataclass instance (picklable, comparable with ``==``).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid ones) or a bad value.
    """
    cls = _lookup(SCHEDULES, name, "learning-rate schedule")
    given = {"decay_rate": decay_rate, "time_interval": time_interval}
    return cls(**{arg: given[arg] for arg in cls.estimator_params})


def _lookup(table: dict[str, Any], name: Any, what: str) -> Any:
    try:
        return table[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in table)
        raise ValueError(f"unknown {what} {name!r}; valid names are {valid}") from None
