"""The playground's settings: what the page may send, checked on the server.

Every value the page sends goes through :func:`check_config` (or :func:`check_control`)
before anything is built: unknown keys, wrong types and values out of range are refused
with a :class:`ConfigError` whose message names the setting and the allowed values. The
limits (:data:`LIMITS`) also bound the memory a session can take.
"""

from __future__ import annotations

import itertools
import math
import numbers
from typing import Any

from .data import DATASETS, DEFAULT_NOISE, FEATURES, MULTICLASS

__all__ = ["ACTIVATIONS", "DEFAULTS", "INITS", "LIMITS", "SOLVERS", "ConfigError", "TooLong",
           "check_config", "check_control", "estimator_params", "iteration_seconds"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu")
INITS = ("zeros", "small", "lecun", "he", "glorot")
SOLVERS = ("gd", "momentum", "rmsprop", "adam")
#: What a control request may ask for.
ACTIONS = ("play", "pause", "step")

#: Bounds of the settings (and so of a session's memory).
LIMITS = {
    "n_samples": (20, 5000),
    "noise": (0.0, 3.0),
    "classes": (2, 6),
    "test_fraction": (0.1, 0.9),
    "seed": (0, 2**31 - 1),
    "hidden_layers": 8,
    "units": (1, 256),
    "parameters": 4_000_000,
    "learning_rate": (1e-6, 100.0),
    "batch_size": (1, 100_000),
    "alpha": (0.0, 100.0),
    "dropout": (0.0, 0.9),
    "iterations_per_frame": (1, 10_000),
    "max_iterations": 500_000,
    # seconds one iteration may take, as :func:`iteration_seconds` estimates it: a
    # step, a pause or new settings wait for the iteration under way to end
    "iteration_seconds": 5.0,
}

#: The estimate of an iteration's seconds (:func:`iteration_seconds`), measured with
#: Adam (the slowest solver; gradient descent takes about half) on a 2-core x86 server
#: with OpenBLAS: per hidden or output layer per mini-batch step (Python's share), per
#: parameter per step (the update and a step's small products), per parameter per
#: example (the products). 4,500 points in batches of 1 through 8 layers of 256 units
#: took 65 s an iteration; the page's defaults a few milliseconds.
SECONDS_PER_LAYER_STEP = 6e-5
SECONDS_PER_PARAMETER_STEP = 2.5e-8
SECONDS_PER_PARAMETER_EXAMPLE = 2.5e-10

#: What a new page starts with: the course's flower with a (4,) tanh network.
DEFAULTS: dict[str, Any] = {
    "dataset": "flower",
    "n_samples": 400,
    "noise": 0.2,
    "classes": 2,
    "test_fraction": 0.5,
    "data_seed": 1,
    "features": ["x1", "x2"],
    "hidden": [{"units": 4, "activation": "tanh"}],
    "init": "lecun",
    "learning_rate": 1.2,
    "solver": "gd",
    "batch_size": None,
    "alpha": 0.0,
    "dropout": 0.0,
    "seed": 1,
}


class ConfigError(ValueError):
    """A setting the page sent is not acceptable; the message says which and why.

    Attributes
    ----------
    field : str or None
        The setting, as the settings name it (``"learning_rate"``,
        ``"hidden[0].units"``), when the error is about one.
    problem : str or None
        The message without the setting's name (``"must be between 1e-06 and 100, got
        -3"``): the page puts its form's label in front.
    problems : list of ConfigError
        Every problem of the settings sent (this error alone when it is one); the
        message names them all.
    """

    def __init__(self, message: str, *, field: str | None = None,
                 problem: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.problem = problem
        self.problems: list[ConfigError] = [self]


def _refuse(key: str, problem: str, field: str) -> ConfigError:
    return ConfigError(f"{key} {problem}", field=field, problem=problem)


class TooLong:
    """A JSON integer of more digits than any setting takes (the server's parser gives
    this instead of converting it: Python refuses to read more than 4300 digits)."""

    def __init__(self, text: str) -> None:
        self.digits = len(text.lstrip("-"))

    def __repr__(self) -> str:
        return f"a number of {self.digits:,} digits"


def _shown(value: Any) -> str:
    """A number as a message shows it: a huge one by its size, never all its digits."""
    if isinstance(value, TooLong):
        return repr(value)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if abs(value) >= 10**15:
            return f"a number of about {int(abs(value)).bit_length() * 0.30103 + 1:.0f} digits"
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(cfg: dict, key: str, low: float, high: float) -> float:
    value = cfg[key]
    if isinstance(value, TooLong):
        raise _refuse(key, f"must be between {low:g} and {high:g}, got {value!r}", key)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _refuse(key, f"must be a number, got {_shown(value)}", key)
    if isinstance(value, numbers.Integral):  # compared exactly: a huge one is no float
        inside = low <= int(value) <= high
    else:
        if not math.isfinite(value):
            raise _refuse(key, f"must be a number, got {value!r}", key)
        inside = low <= value <= high
    if not inside:
        raise _refuse(key, f"must be between {low:g} and {high:g}, got {_shown(value)}", key)
    return float(value)


def _integer(value: Any, key: str, low: int, high: int, field: str | None = None) -> int:
    if isinstance(value, TooLong):
        raise _refuse(key, f"must be between {low:,} and {high:,}, got {value!r}", field or key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise _refuse(key, f"must be a whole number, got {_shown(value)}", field or key)
    if not low <= value <= high:
        raise _refuse(key, f"must be between {low:,} and {high:,}, got {_shown(value)}",
                      field or key)
    return int(value)


def _choice(value: Any, key: str, choices, field: str | None = None) -> str:
    if not isinstance(value, str) or value not in choices:
        raise _refuse(key, f"must be one of {', '.join(choices)}, got {_shown(value)}",
                      field or key)
    return value


def check_config(raw: Any, datasets: dict[str, int],
                 classes: dict[str, int] | None = None,
                 rows: dict[str, tuple[int, bool]] | None = None) -> dict[str, Any]:
    """Check the page's settings and fill in the defaults.

    Every setting is checked, not only up to the first bad one: a link with two bad
    values is refused naming both.

    Parameters
    ----------
    raw : object
        The decoded JSON body.
    datasets : dict
        The data sets this session may use beyond the built-in ones ("file" for
        ``--data``, "upload" once a CSV was uploaded), name -> number of features.
    classes : dict, optional
        The number of classes of those data sets, name -> count: ``classes`` is theirs
        (a number sent must be it).
    rows : dict, optional
        The rows of those data sets, name -> (number of rows, whether ``test_fraction``
        of them is held out: False for a ``--data`` file with its own test file), for
        the estimate of an iteration's time.

    Returns
    -------
    dict
        The settings, every key present, values of the right types.

    Raises
    ------
    ConfigError
        The first problem's ``field`` and ``problem``; with several, ``problems`` holds
        them all and the message names each.
    """
    if not isinstance(raw, dict):
        raise ConfigError("the settings must be a JSON object")
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise ConfigError(f"unknown setting {_shown(unknown[0])}; the settings are "
                          f"{', '.join(DEFAULTS)}")
    cfg = {**DEFAULTS, **raw}
    out: dict[str, Any] = {}
    problems: list[ConfigError] = []

    def check(key: str, fn, *args, **kwargs):
        """``out[key] = fn(...)``, or the problem noted and None."""
        try:
            out[key] = fn(*args, **kwargs)
        except ConfigError as error:
            problems.append(error)
            out[key] = None
        return out[key]

    dataset = check("dataset", _dataset, cfg["dataset"], datasets)
    check("n_samples", _integer, cfg["n_samples"], "n_samples", *LIMITS["n_samples"])
    if raw.get("noise") is None:  # left out or null: the set's own (circles 0.1, blobs 1)
        cfg["noise"] = DEFAULT_NOISE.get(dataset, 0.2)
    check("noise", _number, cfg, "noise", *LIMITS["noise"])
    if dataset is not None:
        check("classes", _classes, cfg["classes"], "classes" in raw, dataset,
              (classes or {}).get(dataset))
    check("test_fraction", _number, cfg, "test_fraction", *LIMITS["test_fraction"])
    check("data_seed", _integer, cfg["data_seed"], "data_seed", *LIMITS["seed"])
    features = check("features", _features, cfg["features"])
    hidden = cfg["hidden"]
    layers = []
    if not isinstance(hidden, list):
        problems.append(_refuse("hidden", "must be a list of layers", "hidden"))
    elif len(hidden) > LIMITS["hidden_layers"]:
        problems.append(_refuse(
            "the number of hidden layers",
            f"must be between 0 and {LIMITS['hidden_layers']}, got {len(hidden):,}", "hidden"))
    else:
        for i, layer in enumerate(hidden):
            try:
                layers.append(_layer(layer, i))
            except ConfigError as error:
                problems.append(error)
                layers.append(None)
    out["hidden"] = layers
    check("init", _choice, cfg["init"], "init", INITS)
    check("learning_rate", _number, cfg, "learning_rate", *LIMITS["learning_rate"])
    check("solver", _choice, cfg["solver"], "solver", SOLVERS)
    if cfg["batch_size"] is None or cfg["batch_size"] == "":
        out["batch_size"] = None
    else:
        check("batch_size", _integer, cfg["batch_size"], "batch_size", *LIMITS["batch_size"])
    check("alpha", _number, cfg, "alpha", *LIMITS["alpha"])
    check("dropout", _number, cfg, "dropout", *LIMITS["dropout"])
    check("seed", _integer, cfg["seed"], "seed", *LIMITS["seed"])
    if problems:
        raise _several(problems)
    if out["dataset"] in DATASETS:
        _check_split(out)
    n_in = datasets.get(out["dataset"]) or len(features)
    n_out = 1 if out["classes"] == 2 else out["classes"]
    sizes = [n_in, *(layer["units"] for layer in layers), n_out]
    n_params = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    if n_params > LIMITS["parameters"]:
        raise _refuse("the hidden layers",
                      f"would give the network {n_params:,} parameters; the playground takes "
                      f"at most {LIMITS['parameters']:,}: use fewer units", "hidden")
    _check_time(out, sizes, n_params, (rows or {}).get(out["dataset"]))
    return out


def _check_split(cfg: dict) -> None:
    """Refuse a built-in set's points too few for its stratified split, naming the
    points: scikit-learn's ``train_test_split`` needs a point of each class in the test
    part (``ceil(n * test_fraction)`` points) and in the training part. The split,
    refusing it after the points were drawn, named no setting."""
    n, k, fraction = cfg["n_samples"], cfg["classes"], cfg["test_fraction"]

    def fits(m: int) -> bool:
        n_test = math.ceil(m * fraction)
        return min(n_test, m - n_test) >= k

    if fits(n):
        return
    high = LIMITS["n_samples"][1]
    need = next((m for m in range(n + 1, high + 1) if fits(m)), high)
    raise _refuse("n_samples", f"must be at least {need:,} to hold out a stratified test "
                               f"fraction of {fraction:g} with {k} classes (each part needs "
                               f"a point of each class), got {n:,}: use more points or "
                               "another test fraction", "n_samples")


def _train_rows(n: int, test_fraction: float) -> int:
    """The training rows of ``n`` with ``test_fraction`` held out (scikit-learn's
    ``train_test_split`` holds out ``ceil(n * test_fraction)``)."""
    return max(1, n - math.ceil(n * test_fraction))


def iteration_seconds(n_train: int, batch_size: int | None, sizes: list[int]) -> float:
    """About how many seconds one iteration (an epoch) of these settings takes.

    Parameters
    ----------
    n_train : int
        Training examples.
    batch_size : int or None
        None: the full batch.
    sizes : list of int
        The layers' sizes, inputs first, outputs last.

    Returns
    -------
    float
        Its mini-batch steps times the layers and the parameters they update, plus the
        examples times the parameters they are multiplied with (the constants above).
    """
    n_params = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    batch = n_train if batch_size is None else min(batch_size, n_train)
    steps = math.ceil(n_train / max(batch, 1))
    return (steps * (len(sizes) - 1) * SECONDS_PER_LAYER_STEP
            + steps * n_params * SECONDS_PER_PARAMETER_STEP
            + n_train * n_params * SECONDS_PER_PARAMETER_EXAMPLE)


def _layers_said(units: list[int]) -> str:
    """'8 layers of 256 units', 'layers of 256, 64 and 4 units', 'no hidden layer'."""
    if not units:
        return "no hidden layer"
    if len(set(units)) == 1:
        n, u = len(units), units[0]
        return f"{n} layer{'' if n == 1 else 's'} of {u} unit{'' if u == 1 else 's'}"
    return f"layers of {', '.join(map(str, units[:-1]))} and {units[-1]} units"


def _check_time(cfg: dict, sizes: list[int], n_params: int,
                rows: tuple[int, bool] | None) -> None:
    """Refuse settings whose iterations take too long for a live page: a step, a pause
    and new settings wait for the iteration under way."""
    builtin = cfg["dataset"] in DATASETS
    if builtin:
        n_rows, split = cfg["n_samples"], True
    elif rows is not None:
        n_rows, split = rows
    else:  # a data set whose rows are not known: nothing to estimate
        return
    n_train = _train_rows(n_rows, cfg["test_fraction"]) if split else n_rows
    seconds = iteration_seconds(n_train, cfg["batch_size"], sizes)
    limit = LIMITS["iteration_seconds"]
    if seconds <= limit:
        return
    batch = cfg["batch_size"]
    shown = f"{seconds:.0f}" if seconds >= 10 else f"{seconds:.1f}"
    what = "points" if builtin else "examples"
    whole = batch is None or batch >= n_train
    how = "all at once" if whole else f"in batches of {batch:,}"
    remedy = "use fewer points or units" if builtin else "use fewer units"
    if not whole:
        remedy += ", or larger batches"
    raise ConfigError(
        f"these settings take about {shown} s per iteration ({n_train:,} {what} {how} "
        f"through {_layers_said(sizes[1:-1])}, {n_params:,} parameters); the playground "
        f"takes at most about {limit:g} s: {remedy}")


def _several(problems: list[ConfigError]) -> ConfigError:
    """One error naming every problem (the first one's field and problem)."""
    if len(problems) == 1:
        return problems[0]
    first = problems[0]
    error = ConfigError("; ".join(str(p) for p in problems), field=first.field,
                        problem=first.problem)
    error.problems = problems
    return error


def _dataset(value: Any, datasets: dict[str, int]) -> str:
    if value in ("file", "upload") and value not in datasets:
        if value == "file":
            problem = ("'file' needs a --data file, and the server was started without one "
                       "(nnscratch playground --data FILE)")
        else:
            # the page shows this problem: its own words, not the API's route
            problem = ("'upload' needs a CSV file uploaded in this session first (on the "
                       "page: Upload a CSV file)")
        raise _refuse("dataset", problem, "dataset")
    return _choice(value, "dataset", [*DATASETS, *datasets])


def _classes(value: Any, given: bool, dataset: str, of_file: int | None) -> int:
    """The number of classes: chosen for blobs and spiral, the data set's own for the
    others (a number sent must be it)."""
    if dataset in MULTICLASS or (of_file is None and dataset not in DATASETS):
        return _integer(value, "classes", *LIMITS["classes"])
    own = 2 if dataset in DATASETS else of_file
    if given and value is not None and (isinstance(value, (bool, TooLong))
                                        or not isinstance(value, numbers.Real)
                                        or value != own):
        low, high = LIMITS["classes"]
        if dataset in DATASETS:
            why = f"{dataset} (only {' and '.join(MULTICLASS)} take {low} to {high} classes)"
        else:
            which = "uploaded file" if dataset == "upload" else "--data file"
            why = f"the {which} (the classes it holds)"
        raise _refuse("classes", f"must be {own:,} for {why}, got {_shown(value)}", "classes")
    return own


def _features(features: Any) -> list[str]:
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise _refuse("features", "must be a list of feature names", "features")
    for name in features:
        _choice(name, "each feature", list(FEATURES), "features")
    if not features:
        raise _refuse("features", "must not be empty: choose at least one", "features")
    twice = sorted({f for f in features if features.count(f) > 1})
    if twice:
        raise _refuse("features", f"must name each feature once, got {_shown(twice[0])} "
                                  "twice", "features")
    return [f for f in FEATURES if f in features]  # the page's column order


def _layer(layer: Any, i: int) -> dict[str, Any]:
    """Hidden layer ``i`` (from 0) checked: ``{"units": n, "activation": name}``."""
    if not isinstance(layer, dict) or set(layer) != {"units", "activation"}:
        raise _refuse(f"hidden layer {i + 1}", "must be an object with units and activation",
                      f"hidden[{i}]")
    return {
        "units": _integer(layer["units"], f"the units of hidden layer {i + 1}",
                          *LIMITS["units"], field=f"hidden[{i}].units"),
        "activation": _choice(layer["activation"], f"the activation of hidden layer {i + 1}",
                              ACTIVATIONS, f"hidden[{i}].activation"),
    }


def check_control(raw: Any) -> dict[str, Any]:
    """Check a control request: ``{"action": ..., "iterations_per_frame": n}``, at least
    one of the two (an empty request would do nothing: it is refused).

    Returns
    -------
    dict
        ``action`` (one of "play", "pause", "step", or None) and
        ``iterations_per_frame`` (int or None).
    """
    if not isinstance(raw, dict):
        raise ConfigError("a control request must be a JSON object")
    unknown = sorted(set(raw) - {"action", "iterations_per_frame"})
    if unknown:
        raise ConfigError(f"unknown control {_shown(unknown[0])}; use action and "
                          "iterations_per_frame")
    action = raw.get("action")
    ipf = raw.get("iterations_per_frame")
    if action is None and ipf is None:
        raise _refuse("action", f"is required: one of {', '.join(ACTIONS)} (or "
                                "iterations_per_frame alone, to change only that)", "action")
    if action is not None:
        _choice(action, "action", ACTIONS)
    if ipf is not None:
        ipf = _integer(ipf, "iterations_per_frame", *LIMITS["iterations_per_frame"])
    return {"action": action, "iterations_per_frame": ipf}


def estimator_params(cfg: dict[str, Any]) -> dict[str, Any]:
    """The ``NeuralNetworkClassifier`` arguments of the settings (without ``max_iter``).

    ``algorithm="plain"`` computes the first layer as the seeds' ``W1 @ X`` in every
    case, so that a run paused at any iteration is exactly a fresh ``fit`` with that
    ``max_iter``.
    """
    hidden = cfg["hidden"]
    activations = [layer["activation"] for layer in hidden]
    activation: Any = "relu"
    if activations:
        activation = activations[0] if len(set(activations)) == 1 else tuple(activations)
    return {
        "hidden_layer_sizes": tuple(layer["units"] for layer in hidden),
        "activation": activation,
        "init": cfg["init"],
        "dropout": cfg["dropout"],
        "solver": cfg["solver"],
        "learning_rate": cfg["learning_rate"],
        "batch_size": cfg["batch_size"],
        "alpha": cfg["alpha"],
        "random_state": cfg["seed"],
        "algorithm": "plain",
    }
