"""The one table of hyper-parameters: each one's type and range, declared once.

Modelled on scikit-learn's ``_parameter_constraints``: :data:`PARAMETERS` maps every
hyper-parameter of the estimators to a :class:`Param` that says what it accepts, and
:func:`check` is the only place that tests a value against it. Everything that takes a
hyper-parameter reads this table:

- the estimators (:meth:`_BaseNetwork._validate_hyperparameters` checks every one of
  their parameters here before training, and again when a model file is read);
- the optimizers and schedules (their constructor arguments are the estimators'
  ``momentum``, ``beta_1``, ``beta_2``, ``epsilon``, ``learning_rate``,
  ``decay_rate``, ``decay_interval`` under their own names);
- the command line (each ``nnscratch train`` option that maps to a parameter takes its
  name, help text, choices and range from here, through :class:`ParamType`-s in
  :mod:`nnscratch.cli` that call :func:`check`);
- the model files (:mod:`nnscratch.persistence` stores the parameters marked
  ``stored``, and a file's values go through the same checks when it is read).

A value that fails raises :class:`~nnscratch.exceptions.InvalidParameterError`, a
``ValueError`` (and, like scikit-learn's error of that name, a ``TypeError`` too, so
that code catching either keeps working). NaN and infinity never pass where a number
is required.

Examples
--------
>>> check("learning_rate", 0.01)
0.01
>>> check("momentum", 1.0)
Traceback (most recent call last):
...
nnscratch.exceptions.InvalidParameterError: momentum=1.0 is not valid: it must be in [0, 1).
>>> check("momentum", 1.0, owner="Momentum", shown="beta")
Traceback (most recent call last):
...
nnscratch.exceptions.InvalidParameterError: Momentum: beta must be in [0, 1), got 1.0
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .exceptions import InvalidParameterError

# This module imports neither NumPy nor the tables it names (activations, initializers,
# callbacks): the command line builds its options and its --help from it without them.

__all__ = ["BUILTIN_CHOICES", "ESTIMATOR_DEFAULTS", "PARAMETERS", "InvalidParameterError", "Param", "check", "choices", "register_choices",
           "requirement"]


@dataclass(frozen=True)
class Param:
    """What one hyper-parameter accepts.

    Parameters
    ----------
    kind : {"real", "int", "choice", "bool", "class_weight", "callbacks", "random_state"}
        ``"real"``: a finite real number (never NaN or infinity); ``"int"``: an integer
        (not a bool); ``"choice"``: one of the names ``options()`` gives;
        ``"bool"``: True or False; the three others are checked by their own rule.
    low, high : float, optional
        Bounds of a ``"real"`` or ``"int"``; ``low_open`` / ``high_open`` exclude them.
    options : callable, optional
        Returns the valid names of a ``"choice"``, read from the library's own tables
        (:data:`nnscratch.activations.ACTIVATIONS`, the initializers, and the solvers
        and schedules that :mod:`nnscratch.optimizers` registers).
    none : bool
        None is accepted too (e.g. ``batch_size=None``: full batch).
    per_layer : bool
        The estimators take one value per layer (a tuple; for all but
        ``hidden_layer_sizes`` one value stands for all); :func:`check` checks one.
    stored : bool
        Saved in model files (False for objects such as callbacks).
    help : str
        One line for ``--help`` and the docs.
    """

    kind: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    options: Callable[[], Sequence[str]] | None = None
    none: bool = False
    per_layer: bool = False
    stored: bool = True
    help: str = ""


#: The names of the choices that other modules own, registered by them
#: (:func:`register_choices`): ``"solver"`` and ``"learning_rate_schedule"`` by
#: :mod:`nnscratch.optimizers`, so that this table never imports the modules that read it.
_REGISTERED: dict[str, tuple[str, ...]] = {}


def register_choices(name: str, names: Sequence[str]) -> None:
    """Declare the valid names of the choice ``name`` (called by the module that owns them)."""
    _REGISTERED[name] = tuple(names)


def _registered(name: str) -> Callable[[], tuple[str, ...]]:
    def names() -> tuple[str, ...]:
        if name not in _REGISTERED:  # their module registers them when it is imported
            from . import optimizers  # noqa: F401 - the owner of both registered choices
        return _REGISTERED.get(name, ())

    return names


def _activations() -> tuple[str, ...]:
    from .activations import ACTIVATIONS

    return tuple(ACTIVATIONS)


def _inits() -> tuple[str, ...]:
    from .initializers import INITIALIZERS

    return tuple(INITIALIZERS)


def _algorithms() -> tuple[str, ...]:
    from ._engine import ALGORITHMS  # the engine knows the first layer's forms

    return ALGORITHMS


_UNIT = {"low": 0.0, "high": 1.0, "high_open": True}  # [0, 1)

#: Every hyper-parameter of the estimators, by name.
PARAMETERS: dict[str, Param] = {
    "hidden_layer_sizes": Param(
        "int", low=1, per_layer=True, help="Units in each hidden layer, e.g. 20,7,5."),
    "activation": Param(
        "choice", options=_activations, per_layer=True,
        help="Hidden-layer activation."),
    "leaky_relu_slope": Param("real", help="The negative slope of leaky_relu."),
    "init": Param(
        "choice", options=_inits, per_layer=True,
        help="Weight initialisation: small = N(0,1)*0.01, lecun = N(0,1)/sqrt(fan_in), "
             "he = N(0,1)*sqrt(2/fan_in), glorot, zeros."),
    "dropout": Param(
        "real", **_UNIT, per_layer=True,
        help="Fraction of the hidden units dropped during training, in [0, 1)."),
    "solver": Param(
        "choice", options=_registered("solver"), help="Update rule; gd is the seeds' gradient descent."),
    "learning_rate": Param(
        "real", low=0.0, low_open=True, help="Gradient-descent step size, > 0."),
    "learning_rate_schedule": Param(
        "choice", options=_registered("learning_rate_schedule"), help="How the learning rate decays with the epoch."),
    "decay_rate": Param("real", low=0.0, help="Decay of the learning-rate schedule, >= 0."),
    "decay_interval": Param(
        "int", low=1, help="Epochs between two drops of the 'step' schedule, >= 1."),
    "momentum": Param("real", **_UNIT, help="beta of the momentum solver, in [0, 1)."),
    "beta_1": Param("real", **_UNIT, help="Adam's first-moment decay, in [0, 1)."),
    "beta_2": Param(
        "real", **_UNIT, help="Adam's and RMSProp's second-moment decay, in [0, 1)."),
    "epsilon": Param(
        "real", low=0.0, low_open=True, help="Adam's and RMSProp's epsilon, > 0."),
    "batch_size": Param(
        "int", low=1, none=True,
        help="Mini-batches of N examples (default: full batch, as in the seeds)."),
    "shuffle": Param("bool", help="Reshuffle the mini-batches every epoch."),
    "alpha": Param("real", low=0.0, help="L2 regularisation strength, >= 0."),
    "max_iter": Param("int", low=1, help="Gradient-descent iterations (epochs), >= 1."),
    "early_stopping": Param(
        "bool",
        help="Hold out 10 % of the training data, stop when its accuracy stops "
             "improving, keep the best weights."),
    "validation_fraction": Param(
        "real", low=0.0, high=1.0, low_open=True, high_open=True,
        help="Fraction held out by early stopping, in (0, 1)."),
    "n_iter_no_change": Param(
        "int", low=1, help="Epochs without improvement before early stopping, >= 1."),
    "tol": Param("real", low=0.0, help="Smallest improvement early stopping counts, >= 0."),
    "class_weight": Param(
        "class_weight", none=True, help="Weigh the classes inversely to their frequencies."),
    "warm_start": Param("bool", help="fit continues from the current weights."),
    "random_state": Param(
        "random_state", low=0, high=2**32 - 1, none=True,
        help="Random seed of the initial weights, drawn as after np.random.seed(SEED)."),
    "cost_every": Param(
        "int", low=1, help="Record the cost every N iterations."),
    "verbose": Param("bool", help="A progress bar on stderr."),
    "callbacks": Param("callbacks", none=True, stored=False,
                       help="Objects called on the training loop's events."),
    "algorithm": Param(
        "choice", options=_algorithms,
        help="How the first layer is computed (auto: an exact faster form where one applies)."),
}


def choices(name: str, *, table: dict[str, Param] | None = None) -> tuple[str, ...]:
    """The valid names of the ``"choice"`` parameter ``name`` (of ``table``, by default
    :data:`PARAMETERS`)."""
    options = (PARAMETERS if table is None else table)[name].options
    return tuple(options()) if options is not None else ()


#: The names of each choice that the library ships, for the command line: its options
#: and ``--help`` are built without importing NumPy and the tables (which
#: :func:`choices` reads); ``tests/test_params.py`` checks that they are the tables'.
BUILTIN_CHOICES: dict[str, tuple[str, ...]] = {
    "activation": ("relu", "leaky_relu", "tanh", "sigmoid"),
    "init": ("zeros", "small", "lecun", "he", "glorot"),
    "solver": ("gd", "momentum", "rmsprop", "adam"),
    "learning_rate_schedule": ("constant", "inverse_time", "step"),
    "algorithm": ("auto", "plain", "rowspace"),
}

#: The estimators' defaults, by class name, for the command line's help (which does
#: not import the estimators); ``tests/test_params.py`` checks them against their
#: signatures.
ESTIMATOR_DEFAULTS: dict[str, dict[str, Any]] = {
    "LogisticRegression": {
        "solver": "gd", "learning_rate": 0.005, "learning_rate_schedule": "constant",
        "decay_rate": 1.0, "decay_interval": 1000, "momentum": 0.9, "beta_1": 0.9,
        "beta_2": 0.999, "epsilon": 1e-08, "batch_size": None, "shuffle": True,
        "alpha": 0.0, "max_iter": 2000, "early_stopping": False,
        "validation_fraction": 0.1, "n_iter_no_change": 10, "tol": 0.0001,
        "class_weight": None, "warm_start": False, "random_state": None,
        "cost_every": 100, "verbose": False, "callbacks": None, "algorithm": "auto",
    },
    "NeuralNetworkClassifier": {
        "hidden_layer_sizes": (100,), "activation": "relu", "leaky_relu_slope": 0.01,
        "init": "he", "dropout": 0.0, "solver": "gd", "learning_rate": 0.0075,
        "learning_rate_schedule": "constant", "decay_rate": 1.0, "decay_interval": 1000,
        "momentum": 0.9, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-08,
        "batch_size": None, "shuffle": True, "alpha": 0.0, "max_iter": 2500,
        "early_stopping": False, "validation_fraction": 0.1, "n_iter_no_change": 10,
        "tol": 0.0001, "class_weight": None, "warm_start": False, "random_state": None,
        "cost_every": 100, "verbose": False, "callbacks": None, "algorithm": "auto",
    },
}


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def requirement(name: str, kind_only: bool = False, *,
                table: dict[str, Param] | None = None) -> str:
    """What ``name`` accepts, in words (``"a positive finite number"``, ``"in [0, 1)"``).

    With ``kind_only``, only the type (``"a number"``, ``"an integer"``). ``table``: another
    table of :class:`Param`-s (the text vectorizer's settings), by default :data:`PARAMETERS`.
    """
    p = (PARAMETERS if table is None else table)[name]
    if p.kind == "choice":
        return "one of " + ", ".join(map(repr, choices(name, table=table)))
    if p.kind == "bool":
        return "True or False"
    if p.kind == "class_weight":
        return 'None, "balanced" or a dict'
    if p.kind == "callbacks":
        return "a list of nnscratch.callbacks.Callback objects"
    if p.kind == "random_state":
        return (f"None, an integer from {_fmt(p.low)} to {_fmt(p.high)}, "
                "a numpy RandomState or a Generator")
    real = p.kind == "real"
    if kind_only:
        return "a number" if real else "an integer"
    noun = "finite number" if real else "integer"
    if p.low is not None and p.high is not None:
        return (f"in {'(' if p.low_open else '['}{_fmt(p.low)}, {_fmt(p.high)}"
                f"{')' if p.high_open else ']'}")
    if p.low == 0 and p.high is None:
        return f"a {'positive' if p.low_open else 'non-negative'} {noun}"
    if p.low == 1 and not real and not p.low_open:
        return "a positive integer"
    if p.low is not None:
        return f"a{'n' if not real else ''} {noun} {'>' if p.low_open else '>='} {_fmt(p.low)}"
    return f"a {noun}"


def short_repr(value: Any) -> str:
    """``repr(value)`` on one line of at most 80 characters (an array's or a DataFrame's
    repr spans lines)."""
    text = " ".join(repr(value).split())
    return text if len(text) <= 80 else text[:77] + "..."


def escaped(text: Any) -> str:
    """``text`` with its control characters shown escaped (``\\n``, ``\\x1b``), not
    obeyed: a file's column or class names, printed in a line or a table."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def _fail(name: str, value: Any, need: str, owner: str | None, shown: str | None):
    if owner is None:
        raise InvalidParameterError(
            f"{shown or name}={short_repr(value)} is not valid: it must be {need}.")
    raise InvalidParameterError(f"{owner}: {shown or name} must be {need}, got "
                                f"{short_repr(value)}")


def check(name: str, value: Any, *, owner: str | None = None, shown: str | None = None,
          table: dict[str, Param] | None = None) -> Any:
    """Check one value of the hyper-parameter ``name`` against :data:`PARAMETERS`.

    Parameters
    ----------
    name : str
        A key of :data:`PARAMETERS`.
    value
        The value (one layer's value of a ``per_layer`` parameter).
    owner : str, optional
        The class that takes it under its own name (``"Momentum"``); changes only the
        message's form: ``"Momentum: beta must be in [0, 1), got 1.0"`` instead of
        ``"momentum=1.0 is not valid: it must be in [0, 1)."``.
    shown : str, optional
        The name to show (the owner's argument name, e.g. ``"beta"``).
    table : dict, optional
        Another table of :class:`Param`-s with the same kinds (the text vectorizer's
        settings, :data:`nnscratch.text.TEXT_SETTINGS`); by default :data:`PARAMETERS`.

    Returns
    -------
    value
        A real as ``float``, an integer as ``int``, anything else unchanged.

    Raises
    ------
    InvalidParameterError
        A ``ValueError`` (and ``TypeError``) naming the parameter and what it accepts.
    """
    import numpy as np  # here, not at the top: the command line's --help needs no NumPy

    p = (PARAMETERS if table is None else table)[name]
    if value is None and p.none:
        return None
    if p.kind in ("real", "int"):
        integral = isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
        if p.kind == "int" and not integral:
            _fail(name, value, requirement(name, kind_only=True, table=table), owner, shown)
        if p.kind == "real" and (isinstance(value, (bool, np.bool_))
                                 or not isinstance(value, numbers.Real)):
            _fail(name, value, requirement(name, kind_only=True, table=table), owner, shown)
        try:
            number = int(value) if p.kind == "int" else float(value)
        except OverflowError:  # an integer beyond float range (10**400): not finite
            _fail(name, value, requirement(name, table=table), owner, shown)
        ok = p.kind == "int" or math.isfinite(number)
        if ok and p.low is not None:
            ok = number > p.low if p.low_open else number >= p.low
        if ok and p.high is not None:
            ok = number < p.high if p.high_open else number <= p.high
        if not ok:
            _fail(name, value, requirement(name, table=table), owner, shown)
        return number
    if p.kind == "choice":
        if not isinstance(value, str) or value not in choices(name, table=table):
            _fail(name, value, requirement(name, table=table), owner, shown)
        return value
    if p.kind == "bool":
        if not isinstance(value, (bool, np.bool_)):
            _fail(name, value, requirement(name, table=table), owner, shown)
        return value
    if p.kind == "class_weight":
        if not (value == "balanced" if isinstance(value, str) else isinstance(value, dict)):
            _fail(name, value, requirement(name, table=table), owner, shown)
        return value
    if p.kind == "callbacks":
        from .callbacks import Callback

        if isinstance(value, (str, bytes)) or not all(
                isinstance(c, Callback) for c in _iterable(value)):
            _fail(name, value, requirement(name, table=table), owner, shown)
        return value
    if p.kind == "random_state":
        from .initializers import check_random_state

        try:
            check_random_state(value)
        except ValueError as exc:  # its own clear message, as the others' class
            raise InvalidParameterError(str(exc)) from None
        return value
    raise AssertionError(f"unknown kind {p.kind!r} of {name!r}")  # pragma: no cover


def _iterable(value: Any) -> list:
    try:
        return list(value)
    except TypeError:
        return [object()]  # not a list: fails the isinstance test above
