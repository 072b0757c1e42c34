"""Model files: one ``.npz`` archive of arrays plus a JSON settings entry, never pickle.

Layout of a model file (a NumPy ``.npz``, i.e. a zip of ``.npy`` arrays):

- ``W1``, ``b1``, ..., ``WL``, ``bL``: the learned parameters in the seeds' shapes
  (``W_l`` is ``(n_l, n_{l-1})``, ``b_l`` is ``(n_l, 1)``), float32 or float64;
- ``costs``: the cost every ``cost_every`` iterations; ``loss_curve``: the cost of every
  iteration; ``validation_scores``, ``validation_losses``: the validation accuracy and
  loss of every iteration when early stopping held out a validation set (float64, 1-D);
- ``settings``: UTF-8 JSON bytes (uint8, 1-D) holding the format name and version, the
  library version, the estimator's name (one of two, looked up in a fixed table), its
  hyper-parameters (the vocabulary of ``type(est)().get_params()``; only JSON scalars,
  lists and None), the classes, ``n_iter_``, ``n_features_in_``, and optionally the
  preprocessing, the class names, free-form training information, and a dict
  ``class_weight`` as one weight per class (``class_weight_by_class``; JSON keys
  could not hold the classes).

Loading uses ``np.load(..., allow_pickle=False)``, accepts only the keys above, checks
every dtype, shape and value, and rebuilds the estimator through its constructor. Nothing
read from a file is ever turned into an import, a class or a callable. A file that does
not pass raises :class:`ModelFileError` (a ``ValueError``).

Examples
--------
>>> from nnscratch import NeuralNetworkClassifier
>>> from nnscratch.persistence import save, load
>>> clf = NeuralNetworkClassifier(hidden_layer_sizes=(4,)).fit(X, y)   # doctest: +SKIP
>>> save(clf, "model.npz")                                             # doctest: +SKIP
>>> (load("model.npz").predict(X) == clf.predict(X)).all()             # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ._version import __version__
from .datasets import DatasetError, Preprocessor

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "ModelFileError",
    "SavedModel",
    "atomic_write",
    "load",
    "load_bundle",
    "save",
]

FORMAT = "nnscratch-model"
FORMAT_VERSION = 1

_MAX_MEMBERS = 256
_MAX_TOTAL_BYTES = 2 * 1024**3  # uncompressed: refuse zip bombs
_MAX_SETTINGS_BYTES = 16 * 1024**2

_SETTINGS_KEYS = {
    "format", "format_version", "library_version", "estimator", "hyperparameters",
    "classes", "classes_kind", "n_iter", "n_features_in", "n_layers",
    "preprocessing", "class_names", "training", "best_validation_score",
    "class_weight_by_class",
}
_REQUIRED_SETTINGS = _SETTINGS_KEYS - {
    "preprocessing", "class_names", "training", "best_validation_score",
    "class_weight_by_class"}
#: 1-D float64 histories saved beside the parameters: ``<key>_`` on the estimator.
_HISTORY_KEYS = ("costs", "loss_curve", "validation_scores", "validation_losses")


#: Hyper-parameters that hold objects, not settings: never stored.
_NON_DATA_PARAMS = frozenset({"callbacks"})


class ModelFileError(ValueError):
    """A model file is missing, truncated, corrupted, hostile or from an unknown version."""


def _estimator_table() -> dict[str, type]:
    """The only classes a model file can name: a fixed two-entry table."""
    from .estimators import LogisticRegression, NeuralNetworkClassifier

    return {
        "LogisticRegression": LogisticRegression,
        "NeuralNetworkClassifier": NeuralNetworkClassifier,
    }


@dataclass
class SavedModel:
    """Everything a model file holds.

    Attributes
    ----------
    estimator : LogisticRegression or NeuralNetworkClassifier
        Fitted, ready for ``predict``.
    preprocessor : Preprocessor or None
        How raw pictures or CSV rows become features (None when saved without one).
    class_names : list of str or None
        Display name of each entry of ``estimator.classes_``.
    training : dict
        Free-form JSON information about the training run (data, time, accuracies).
    settings : dict
        The whole JSON settings entry, as read.
    """

    estimator: Any
    preprocessor: Preprocessor | None = None
    class_names: list[str] | None = None
    training: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)

    def label_name(self, label: Any) -> str:
        """The display name of one of ``estimator.classes_``."""
        if self.class_names is not None:
            index = {c: i for i, c in enumerate(self.estimator.classes_.tolist())}
            return self.class_names[index[_py(label)]]
        return str(_py(label))


# --------------------------------------------------------------------------- writing


def atomic_write(path: str | os.PathLike, write) -> None:
    """Call ``write(tmp_path)`` on a temporary file in ``path``'s folder, then rename it.

    The target is never seen half-written: on any error the temporary file is removed
    and the target is left as it was.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder for the output file")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _json_value(value: Any) -> tuple[bool, Any]:
    """(storable?, JSON form) of a hyper-parameter value: scalars, lists, None only."""
    if value is None or isinstance(value, (bool, str)):
        return True, value
    if isinstance(value, (int, np.integer)):
        return True, int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return (math.isfinite(v), v)
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            ok, jv = _json_value(v)
            if not ok or isinstance(jv, list):
                return False, None
            out.append(jv)
        return True, out
    return False, None


def _finite_or_none(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _py(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _classes_to_json(classes: np.ndarray) -> tuple[str, list]:
    classes = np.asarray(classes)
    if classes.dtype == bool:
        return "bool", [bool(c) for c in classes]
    if np.issubdtype(classes.dtype, np.integer):
        return "int", [int(c) for c in classes]
    if np.issubdtype(classes.dtype, np.floating):
        return "float", [float(c) for c in classes]
    values = [_py(c) for c in classes.tolist()]
    if all(isinstance(c, str) for c in values):
        return "str", values
    if all(isinstance(c, bool) for c in values):
        return "bool", values
    if all(isinstance(c, int) and not isinstance(c, bool) for c in values):
        return "int", values
    raise ModelFileError(
        f"cannot store classes {values[:5]!r}: labels must be integers, floats, booleans "
        "or strings"
    )


def save(
    estimator: Any,
    path: str | os.PathLike,
    *,
    preprocessor: Preprocessor | dict | None = None,
    class_names: list[str] | None = None,
    training: dict | None = None,
) -> None:
    """Write a fitted estimator to ``path`` (an ``.npz`` archive), atomically.

    Parameters
    ----------
    estimator : LogisticRegression or NeuralNetworkClassifier
        Fitted.
    path : path-like
        The model file; a temporary file in the same folder is renamed onto it.
    preprocessor : Preprocessor or dict, optional
        How raw input becomes features (see :mod:`nnscratch.datasets`).
    class_names : list of str, optional
        A display name for each entry of ``estimator.classes_``.
    training : dict, optional
        JSON-serialisable information about the training run.

    Raises
    ------
    TypeError
        Not one of nnscratch's estimators.
    ValueError
        Not fitted, or arguments that do not fit it.
    """
    table = _estimator_table()
    name = next((n for n, cls in table.items() if type(estimator) is cls), None)
    if name is None:
        raise TypeError(
            f"can only save {' or '.join(table)}, not {type(estimator).__name__}"
        )
    if not hasattr(estimator, "params_"):
        raise ValueError("the estimator is not fitted; call fit(X, y) before save()")
    vocabulary = type(estimator)().get_params(deep=False)
    hyper = {}
    for key, value in estimator.get_params(deep=False).items():
        if key not in vocabulary or key in _NON_DATA_PARAMS:
            continue
        ok, jv = _json_value(value)
        if ok:
            hyper[key] = jv
    classes_kind, classes = _classes_to_json(estimator.classes_)
    n_layers = len(estimator.params_) // 2
    arrays: dict[str, np.ndarray] = {}
    for l in range(1, n_layers + 1):  # in their own memory order (the .npy header
        # records it), so that a loaded model computes exactly the same products
        arrays[f"W{l}"] = np.asarray(estimator.params_[f"W{l}"])
        arrays[f"b{l}"] = np.asarray(estimator.params_[f"b{l}"])
    for key in _HISTORY_KEYS:
        arrays[key] = np.asarray(getattr(estimator, key + "_", []), dtype=np.float64).ravel()
    if isinstance(preprocessor, Preprocessor):
        preprocessor = preprocessor.to_dict()
    if preprocessor is not None:
        Preprocessor.from_dict(preprocessor)  # refuse to write what load() would refuse
    if class_names is not None:
        class_names = [str(c) for c in class_names]
        if len(class_names) != len(classes):
            raise ValueError(
                f"{len(class_names)} class names for {len(classes)} classes"
            )
    settings = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "library_version": __version__,
        "estimator": name,
        "hyperparameters": hyper,
        "classes": classes,
        "classes_kind": classes_kind,
        "n_iter": int(getattr(estimator, "n_iter_", 0)),
        "n_features_in": int(estimator.n_features_in_),
        "n_layers": n_layers,
        "preprocessing": preprocessor,
        "class_names": class_names,
        "training": training or {},
        "best_validation_score": _finite_or_none(getattr(estimator, "best_validation_score_",
                                                         None)),
    }
    by_class = _class_weight_to_json(estimator)
    if by_class is not None:
        settings["class_weight_by_class"] = by_class
    blob = json.dumps(settings, allow_nan=False, sort_keys=True).encode("utf-8")
    arrays["settings"] = np.frombuffer(blob, dtype=np.uint8)
    _check_arrays(arrays, settings)  # the same checks as load()

    def write(tmp: str) -> None:
        with open(tmp, "wb") as f:
            np.savez_compressed(f, **arrays)

    atomic_write(path, write)


# --------------------------------------------------------------------------- reading


def load(path: str | os.PathLike) -> Any:
    """Read a model file written by :func:`save`; returns the fitted estimator.

    Raises
    ------
    ModelFileError
        The file is missing, not a model file, truncated, corrupted, holds pickled
        objects or values outside the format's vocabulary.
    """
    return load_bundle(path).estimator


def load_bundle(path: str | os.PathLike) -> SavedModel:
    """Read a model file with its preprocessing, class names and training information.

    Returns
    -------
    SavedModel

    Raises
    ------
    ModelFileError
    """
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"{path}: no such model file")
    if not path.is_file():
        raise ModelFileError(f"{path}: is not a file")
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if magic != b"PK\x03\x04":
        raise ModelFileError(
            f"{path}: not an nnscratch model file (not an .npz archive); "
            "train one with 'nnscratch train'"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > _MAX_MEMBERS or sum(i.file_size for i in infos) > _MAX_TOTAL_BYTES:
                raise ModelFileError(f"{path}: too large to be an nnscratch model file")
            names = [i.filename for i in infos]
        with np.load(path, allow_pickle=False) as npz:
            keys = list(npz.keys())
            _check_keys(keys, names, path)
            arrays = {k: npz[k] for k in keys}
        for key, value in arrays.items():
            if not isinstance(value, np.ndarray):
                raise ModelFileError(f"{path}: entry '{key}' is not a NumPy array (.npy)")
    except ModelFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever a damaged archive raises
        message = " ".join(str(exc).split()) or type(exc).__name__
        if "pickle" in message.lower():
            message = "it holds pickled Python objects, which are never loaded"
        raise ModelFileError(
            f"{path}: corrupted or not an nnscratch model file ({message})"
        ) from None
    try:
        return _build(arrays, path)
    except ModelFileError:
        raise
    except DatasetError as exc:
        raise ModelFileError(f"{path}: bad preprocessing: {exc}") from None


def _check_keys(keys: list[str], names: list[str], path: Path) -> None:
    if len(set(names)) != len(names) or len(set(keys)) != len(keys):
        raise ModelFileError(f"{path}: the archive names an entry twice")
    if "settings" not in keys:
        raise ModelFileError(f"{path}: not an nnscratch model file (no settings entry)")
    allowed_fixed = {"settings", *_HISTORY_KEYS}
    for k in keys:
        if k in allowed_fixed:
            continue
        if (k[:1] in ("W", "b")) and k[1:].isdigit() and not k[1:].startswith("0"):
            continue
        raise ModelFileError(f"{path}: unknown entry '{k}' in the model file")


def _fail(path: Path, what: str) -> ModelFileError:
    return ModelFileError(f"{path}: invalid model file: {what}")


def _build(arrays: dict[str, np.ndarray], path: Path) -> SavedModel:
    blob = arrays["settings"]
    if blob.dtype != np.uint8 or blob.ndim != 1 or blob.size > _MAX_SETTINGS_BYTES:
        raise _fail(path, "the settings entry must be UTF-8 JSON bytes")
    try:
        settings = json.loads(
            blob.tobytes().decode("utf-8"),
            parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)),
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _fail(path, "the settings entry is not valid JSON") from None
    if not isinstance(settings, dict):
        raise _fail(path, "the settings entry must be a JSON object")
    unknown = set(settings) - _SETTINGS_KEYS
    if unknown:
        raise _fail(path, f"unknown settings {sorted(unknown)}")
    missing = _REQUIRED_SETTINGS - set(settings)
    if missing:
        raise _fail(path, f"missing settings {sorted(missing)}")
    if settings["format"] != FORMAT:
        raise _fail(path, f"format is {settings['format']!r}, expected {FORMAT!r}")
    version = settings["format_version"]
    if not isinstance(version, int) or isinstance(version, bool):
        raise _fail(path, "format_version must be an integer")
    if version > FORMAT_VERSION or version < 1:
        raise ModelFileError(
            f"{path}: model file format version {version} is not supported by this "
            f"nnscratch ({__version__}, format {FORMAT_VERSION}); upgrade nnscratch"
        )
    table = _estimator_table()
    name = settings["estimator"]
    if not isinstance(name, str) or name not in table:
        raise _fail(path, f"unknown estimator {name!r} (expected one of {sorted(table)})")
    cls = table[name]
    _check_arrays(arrays, settings, path)

    vocabulary = cls().get_params(deep=False)
    hyper = settings["hyperparameters"]
    if not isinstance(hyper, dict):
        raise _fail(path, "hyperparameters must be a JSON object")
    kwargs = {}
    for key, value in hyper.items():
        if key not in vocabulary or key in _NON_DATA_PARAMS:
            raise _fail(path, f"unknown hyper-parameter {key!r} for {name}")
        if isinstance(value, dict) or (
            isinstance(value, list) and any(isinstance(v, (list, dict)) for v in value)
        ):
            raise _fail(path, f"hyper-parameter {key!r} must be a scalar or a flat list")
        kwargs[key] = tuple(value) if isinstance(value, list) else value
    try:
        estimator = cls(**kwargs)
        # the estimators' own checks of their hyper-parameters (names from tables only)
        check = getattr(estimator, "_validate_hyperparameters", None)
        if check is not None:
            check()
        validate = getattr(estimator, "_validate_params", None)
        if validate is not None and getattr(cls, "_parameter_constraints", None):
            validate()
    except (TypeError, ValueError) as exc:
        raise _fail(path, f"bad hyper-parameters ({' '.join(str(exc).split())})") from None

    n_layers = settings["n_layers"]
    estimator.params_ = {}
    for l in range(1, n_layers + 1):
        estimator.params_[f"W{l}"] = arrays[f"W{l}"]
        estimator.params_[f"b{l}"] = arrays[f"b{l}"]
    classes = _classes_from_json(settings, path)
    estimator.classes_ = classes
    class_weight = _class_weight_from_json(settings, classes, path)
    if class_weight is not None:
        estimator.set_params(class_weight=class_weight)
    estimator.n_features_in_ = settings["n_features_in"]
    estimator.n_iter_ = settings["n_iter"]
    for key in _HISTORY_KEYS:
        setattr(estimator, key + "_", [float(v) for v in arrays.get(key, np.zeros(0))])
    best = settings.get("best_validation_score")
    if best is not None and not (isinstance(best, (int, float)) and not isinstance(best, bool)
                                 and math.isfinite(best)):
        raise _fail(path, "best_validation_score must be a finite number or null")
    estimator.best_validation_score_ = None if best is None else float(best)
    _restore_fitted_extras(estimator)

    prep = settings.get("preprocessing")
    preprocessor = None if prep is None else Preprocessor.from_dict(prep)
    if preprocessor is not None and preprocessor.n_features != settings["n_features_in"]:
        raise _fail(
            path,
            f"the preprocessing makes {preprocessor.n_features} features but the model "
            f"takes {settings['n_features_in']}",
        )
    class_names = settings.get("class_names")
    if class_names is not None and not (
        isinstance(class_names, list)
        and all(isinstance(c, str) for c in class_names)
        and len(class_names) == len(classes)
    ):
        raise _fail(path, "class_names must be one string per class")
    training = settings.get("training") or {}
    if not isinstance(training, dict):
        raise _fail(path, "training must be a JSON object")
    return SavedModel(estimator, preprocessor, class_names, training, settings)


def _class_weight_to_json(estimator: Any) -> list[float | None] | None:
    """A dict ``class_weight`` as one weight per class of ``classes_`` (None where the
    dict has none: such classes weigh 1), since JSON keys can only be strings."""
    weights = estimator.get_params(deep=False).get("class_weight")
    if not isinstance(weights, dict):
        return None
    by_class = []
    for c in estimator.classes_:
        w = weights.get(c.item() if isinstance(c, np.generic) else c)
        ok, jv = _json_value(w)
        if not ok or isinstance(jv, (bool, str, list)):
            raise ValueError(f"class_weight[{c!r}] = {w!r} is not a finite number")
        by_class.append(jv)
    return by_class


def _class_weight_from_json(settings: dict, classes: np.ndarray, path: Path) -> dict | None:
    by_class = settings.get("class_weight_by_class")
    if by_class is None:
        return None
    if settings["hyperparameters"].get("class_weight") is not None:
        raise _fail(path, "class_weight and class_weight_by_class are both given")
    if not isinstance(by_class, list) or len(by_class) != len(classes) or not all(
        w is None or (isinstance(w, (int, float)) and not isinstance(w, bool)
                      and math.isfinite(w) and w >= 0)
        for w in by_class
    ):
        raise _fail(path, f"class_weight_by_class must hold {len(classes)} non-negative "
                          "numbers or nulls, one per class")
    return {c.item(): float(w) for c, w in zip(classes, by_class) if w is not None}


def _restore_fitted_extras(estimator: Any) -> None:
    """Hook for derived fitted attributes an estimator needs besides the saved ones."""
    return


def _classes_from_json(settings: dict, path: Path) -> np.ndarray:
    kind, classes = settings["classes_kind"], settings["classes"]
    checks = {
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
        and math.isfinite(v),
        "bool": lambda v: isinstance(v, bool),
        "str": lambda v: isinstance(v, str),
    }
    if kind not in checks:
        raise _fail(path, f"unknown classes_kind {kind!r}")
    if not isinstance(classes, list) or len(classes) < 2 or not all(map(checks[kind], classes)):
        raise _fail(path, f"classes must be a list of at least two {kind} values")
    if len(set(classes)) != len(classes):
        raise _fail(path, "classes must be distinct")
    if kind == "int":
        return np.array(classes, dtype=np.int64)
    if kind == "float":
        return np.array(classes, dtype=np.float64)
    if kind == "bool":
        return np.array(classes, dtype=bool)
    return np.array(classes, dtype=str)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_arrays(arrays: dict, settings: dict, path: Path | str = "model") -> None:
    """Shapes, dtypes and finiteness of the parameters against the layer sizes."""
    path = Path(path)
    n_layers, n_in = settings["n_layers"], settings["n_features_in"]
    if not _is_int(n_layers) or not 1 <= n_layers <= 1000:
        raise _fail(path, "n_layers must be a positive integer")
    if not _is_int(n_in) or n_in < 1:
        raise _fail(path, "n_features_in must be a positive integer")
    if not _is_int(settings["n_iter"]) or settings["n_iter"] < 0:
        raise _fail(path, "n_iter must be a non-negative integer")
    expected = {f"W{l}" for l in range(1, n_layers + 1)} | {
        f"b{l}" for l in range(1, n_layers + 1)
    }
    present = {k for k in arrays if k[:1] in ("W", "b") and k[1:].isdigit()}
    if present != expected:
        raise _fail(
            path, f"expected parameters {sorted(expected)}, found {sorted(present)}"
        )
    n_prev = n_in
    for l in range(1, n_layers + 1):
        W, b = arrays[f"W{l}"], arrays[f"b{l}"]
        for key, arr in ((f"W{l}", W), (f"b{l}", b)):
            if not isinstance(arr, np.ndarray) or arr.dtype not in (np.float32, np.float64):
                raise _fail(path, f"{key} must be a float32 or float64 array")
            if arr.ndim != 2:
                raise _fail(path, f"{key} must be 2-D, got shape {arr.shape}")
            if not np.all(np.isfinite(arr)):
                raise _fail(path, f"{key} holds NaN or infinite values")
        if W.shape[1] != n_prev or W.shape[0] < 1:
            raise _fail(path, f"W{l} has shape {W.shape}, expected ({W.shape[0]}, {n_prev})")
        if b.shape != (W.shape[0], 1):
            raise _fail(path, f"b{l} has shape {b.shape}, expected ({W.shape[0]}, 1)")
        n_prev = W.shape[0]
    n_classes = len(settings["classes"]) if isinstance(settings["classes"], list) else 0
    n_out = 1 if n_classes == 2 else n_classes
    if n_prev != n_out:
        raise _fail(path, f"the output layer has {n_prev} units for {n_classes} classes")
    hidden = settings.get("hyperparameters", {}).get("hidden_layer_sizes")
    if isinstance(hidden, list):
        sizes = [arrays[f"W{l}"].shape[0] for l in range(1, n_layers)]
        if list(hidden) != sizes:
            raise _fail(path, f"hidden_layer_sizes {hidden} do not match the weights {sizes}")
    elif n_layers != 1 and settings.get("estimator") == "LogisticRegression":
        raise _fail(path, "a logistic regression has exactly one layer")
    for key in _HISTORY_KEYS:
        if key in arrays:
            arr = arrays[key]
            if arr.dtype not in (np.float32, np.float64) or arr.ndim != 1:
                raise _fail(path, f"{key} must be a 1-D float array")
            if not np.all(np.isfinite(arr)):
                raise _fail(path, f"{key} holds NaN or infinite values")
