"""Model files: one ``.npz`` archive of arrays plus a JSON settings entry, never pickle.

Layout of a model file (a NumPy ``.npz``, i.e. a zip of ``.npy`` arrays):

- ``W1``, ``b1``, ..., ``WL``, ``bL``: the learned parameters in the seeds' shapes
  (``W_l`` is ``(n_l, n_{l-1})``, ``b_l`` is ``(n_l, 1)``), float32 or float64;
- ``costs``: the cost every ``cost_every`` iterations; ``loss_curve``: the cost of every
  iteration; ``validation_scores``, ``validation_losses``: the validation accuracy and
  loss of every iteration when early stopping held out a validation set (float64, 1-D);
- ``vocabulary``, ``vocabulary_offsets``, ``idf``: a text model's vocabulary (one UTF-8
  blob, uint8, and the int64 offsets of its terms) and the terms' inverse document
  frequencies (float64), checked by :meth:`nnscratch.text.TextVectorizer.from_dict`
  (see :mod:`nnscratch.text`);
- ``settings``: UTF-8 JSON bytes (uint8, 1-D) holding the format name and version, the
  library version, the estimator's name (one of two, looked up in a fixed table), its
  hyper-parameters (the vocabulary of ``type(est)().get_params()``; only JSON scalars,
  lists and None), the classes, ``n_iter_``, ``n_features_in_``, and optionally the
  preprocessing, the class names, free-form training information, and a dict
  ``class_weight`` as one weight per class (``class_weight_by_class``; JSON keys
  could not hold the classes) and the column names of a model trained on a DataFrame
  (``feature_names_in``).

This module is a codec of arrays and JSON: the estimator says what it must hold
(``estimator._get_fitted_state()``: arrays and JSON settings) and takes it back
(``_set_fitted_state``, which checks the layers' shapes against each other, the classes
and every hyper-parameter against the table of :mod:`nnscratch._params`). Loading uses
``np.load(..., allow_pickle=False)``, accepts only the keys above, checks every entry's
dtype, number of dimensions, finiteness and size before handing anything on, and looks
the estimator's name up in a fixed two-entry table. Nothing read from a file is ever
turned into an import, a class or a callable. A file that does not pass raises
:class:`ModelFileError` (a ``ValueError``).

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
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ._files import atomic_write, link_nowhere
from ._version import __version__
from .exceptions import DatasetError
from .preprocessing import Preprocessor, _check_class_names
from .text import TEXT_ARRAYS, TextVectorizer

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
_MAX_SETTINGS_BYTES = 1024**2  # a real model's settings take a few kilobytes
_MAX_NPY_HEADER = 10_000

#: The settings of the file itself; the estimator's state adds its own
#: (``_STATE_SETTINGS``: hyper-parameters, classes, layer sizes, ...).
_FILE_SETTINGS = {"format", "format_version", "library_version", "estimator",
                  "preprocessing", "class_names", "training"}
_REQUIRED_FILE_SETTINGS = {"format", "format_version", "library_version", "estimator"}
#: State settings every file holds (the others may be absent or null).
_REQUIRED_STATE_SETTINGS = {"hyperparameters", "classes", "classes_kind", "n_iter",
                            "n_features_in", "n_layers"}
#: 1-D float arrays saved beside the parameters (the estimator's histories).
_HISTORY_KEYS = ("costs", "loss_curve", "validation_scores", "validation_losses")


class ModelFileError(ValueError):
    """A model file is missing, truncated, corrupted, hostile or from an unknown version."""


def _estimator_table() -> dict[str, type]:
    """The only classes a model file can name: a fixed two-entry table."""
    from .estimators import LogisticRegression, NeuralNetworkClassifier

    return {
        "LogisticRegression": LogisticRegression,
        "NeuralNetworkClassifier": NeuralNetworkClassifier,
    }


def _settings_vocabulary() -> set[str]:
    """The file's own settings and those the estimators' state holds."""
    return _FILE_SETTINGS.union(*(cls._STATE_SETTINGS for cls in _estimator_table().values()))


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
        """The display name of one of ``estimator.classes_``.

        Raises
        ------
        ValueError
            ``label`` is not one of the classes (e.g. a class name instead of a label).
        """
        label = label.item() if isinstance(label, np.generic) else label
        classes = self.estimator.classes_.tolist()
        try:
            position = classes.index(label)
        except ValueError:
            raise ValueError(
                f"{label!r} is not one of the model's classes {classes[:10]}: give a label "
                "as predict returns it (class_names holds their display names)"
            ) from None
        if self.class_names is not None:
            return self.class_names[position]
        return str(label)


# --------------------------------------------------------------------------- writing


def save(
    estimator: Any,
    path: str | os.PathLike,
    *,
    preprocessor: Preprocessor | dict | None = None,
    class_names: list[str] | None = None,
    training: dict | None = None,
) -> None:
    """Write a fitted estimator to ``path`` (an ``.npz`` archive), atomically.

    The file holds the weights, the history and the hyper-parameters (NumPy values as
    their JSON numbers and lists), not the training run's state: the optimizer's
    moments (momentum, RMSProp, Adam) and the random generator of the shuffles and
    dropout are not saved, so ``warm_start`` or ``partial_fit`` after :func:`load`
    restarts them and equals continuing in memory only with ``solver="gd"`` and no
    randomness in the epochs (docs/model-files.md, "Continuing training").

    Parameters
    ----------
    estimator : LogisticRegression or NeuralNetworkClassifier
        Fitted.
    path : path-like
        The model file; a temporary file in the same folder is renamed onto it.
    preprocessor : Preprocessor, TextVectorizer or dict, optional
        How raw input becomes features (see :mod:`nnscratch.preprocessing`); a
        :class:`~nnscratch.text.TextVectorizer` is saved as a text preprocessor. A dict
        is :meth:`Preprocessor.to_dict`'s output, for the image, tabular and svmlight
        kinds only: a text preprocessing's vocabulary is arrays that the dict does not
        hold, so pass the ``Preprocessor`` or ``TextVectorizer`` itself (a text dict is
        refused, a TypeError).
    class_names : list of str, optional
        A display name for each entry of ``estimator.classes_``.
    training : dict, optional
        JSON-serialisable information about the training run (finite numbers,
        strings, booleans, None, lists, dicts with string keys).

    Raises
    ------
    TypeError
        Not one of nnscratch's estimators, ``training`` not a dict, or ``preprocessor``
        of another type or a text preprocessing's dict.
    ValueError
        Not fitted, arguments that do not fit it, a hyper-parameter JSON cannot hold
        (named), ``training`` holding NaN or infinity (a TypeError for values JSON
        cannot hold at all), or arrays larger than :func:`load` reads back (2 GiB
        uncompressed), refused before anything is written.
    IsADirectoryError
        ``path`` is a folder (the rename onto it would fail naming a temporary file).
    FileNotFoundError, NotADirectoryError
        ``path``'s folder does not exist, or is a file.
    """
    if Path(path).is_dir():
        raise IsADirectoryError(f"{path}: is a folder; give the model file's name, e.g. "
                                f"{Path(path) / 'model.npz'}")
    table = _estimator_table()
    name = next((n for n, cls in table.items() if type(estimator) is cls), None)
    if name is None:
        kind = type(estimator)
        # the public module: sklearn.linear_model, not sklearn.linear_model._logistic
        public = ".".join(part for part in kind.__module__.split(".")
                          if not part.startswith("_")) or kind.__module__
        raise TypeError(
            f"can only save nnscratch's {' or '.join(table)}, not "
            f"{public}.{kind.__qualname__}; save other estimators with joblib or skops"
        )
    state = estimator._get_fitted_state()
    arrays = dict(state["arrays"])
    prep_arrays: dict[str, np.ndarray] = {}
    if isinstance(preprocessor, TextVectorizer):  # the text kind's whole preprocessing
        preprocessor = Preprocessor(kind="text", vectorizer=preprocessor)
    elif preprocessor is not None and not isinstance(preprocessor, (Preprocessor, dict)):
        raise TypeError(f"preprocessor must be a Preprocessor, a TextVectorizer or None, "
                        f"not {type(preprocessor).__name__}")
    if isinstance(preprocessor, Preprocessor):
        prep_arrays = preprocessor.arrays()
        preprocessor = preprocessor.to_dict()
    elif isinstance(preprocessor, dict) and preprocessor.get("kind") == "text":
        raise TypeError("preprocessor: a text preprocessing's dict (to_dict()) lacks its "
                        "vocabulary, which is arrays; pass the Preprocessor or the "
                        "TextVectorizer itself")
    if preprocessor is not None:
        # refuse to write what load() would refuse
        prep = Preprocessor.from_dict(preprocessor, prep_arrays)
        if prep.n_features != state["settings"]["n_features_in"]:
            raise ValueError(f"the preprocessing makes {prep.n_features} features but the "
                             f"estimator takes {state['settings']['n_features_in']}")
    arrays.update(prep_arrays)
    if training is not None and not isinstance(training, dict):
        raise TypeError(f"training must be a dict of JSON values, got "
                        f"{type(training).__name__}")  # load() refuses anything else
    n_classes = len(state["settings"]["classes"])
    if class_names is not None:
        class_names = [str(c) for c in class_names]
        if len(class_names) != n_classes:
            raise ValueError(f"{len(class_names)} class names for {n_classes} classes")
        _check_class_names(class_names, "class_names")  # as load() checks them
    settings = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "library_version": __version__,
        "estimator": name,
        **state["settings"],
        "preprocessing": preprocessor,
        "class_names": class_names,
        "training": training or {},
    }
    try:
        blob = json.dumps(settings, allow_nan=False, sort_keys=True).encode("utf-8")
    except (TypeError, ValueError) as exc:  # only training is free-form
        raise type(exc)(f"training cannot be saved as JSON ({exc}): give numbers, "
                         "strings, booleans, None, lists and dicts with string keys, "
                         "finite numbers only") from None
    arrays["settings"] = np.frombuffer(blob, dtype=np.uint8)
    _check_file_size({k: (v.shape, v.dtype) for k, v in arrays.items()}, exact=True)
    _check_entries(arrays, Path("model"))  # the same checks as load()
    table[name]()._set_fitted_state(state)

    def write(tmp: str) -> None:
        with open(tmp, "wb") as f:
            np.savez_compressed(f, **arrays)

    atomic_write(path, write)


#: What to do about a model too large for a model file, in words.
_SMALLER = ("fewer hidden units (--hidden, hidden_layer_sizes), or fewer features (text: a "
            "smaller vocabulary with --max-features or a higher --min-df; pictures: a "
            "smaller --image-size)")


def _bytes_words(n: int) -> str:
    """A size for a message: GiB from 1 GiB on, bytes below."""
    return f"{n / 2**30:.2f} GiB" if n >= 2**30 else f"{n:,} bytes"


def _npy_bytes(shape: tuple[int, ...], dtype: Any, exact: bool) -> int:
    """The bytes of one ``.npy`` member of a model file as :func:`load` counts them: its
    header (when ``exact``; otherwise the data alone, a lower bound) and its data."""
    data = int(np.prod(shape, dtype=object)) * np.dtype(dtype).itemsize
    if not exact:
        return data
    import io

    probe = np.lib.stride_tricks.as_strided(np.zeros(1, dtype=dtype), shape=shape,
                                            strides=(0,) * len(shape), writeable=False)
    header = io.BytesIO()
    info = np.lib.format.header_data_from_array_1_0(probe)
    try:
        np.lib.format.write_array_header_1_0(header, info)
    except ValueError:  # a header beyond 64 KiB: format 2.0, as np.save writes it
        header = io.BytesIO()
        np.lib.format.write_array_header_2_0(header, info)
    return len(header.getvalue()) + data


def _check_file_size(entries: dict[str, tuple[tuple[int, ...], Any]], *,
                     exact: bool = False) -> None:
    """Refuse arrays (name -> (shape, dtype)) that :func:`load` would refuse as too large:
    more than :data:`_MAX_TOTAL_BYTES` uncompressed, or more than :data:`_MAX_MEMBERS`
    entries. Without ``exact`` the data alone is counted (a lower bound: a model whose
    file is certain to be refused, known before training).

    Raises
    ------
    ValueError
        One line: how large, the largest array, what to do.
    """
    if len(entries) > _MAX_MEMBERS:
        raise ValueError(f"the model file would hold {len(entries)} arrays, more than load() "
                         f"reads back ({_MAX_MEMBERS}); use fewer layers")
    sizes = {k: _npy_bytes(shape, dtype, exact) for k, (shape, dtype) in entries.items()}
    total = sum(sizes.values())
    if total > _MAX_TOTAL_BYTES:
        key = max(sizes, key=sizes.get)
        shape = " x ".join(f"{n:,}" for n in entries[key][0])
        raise ValueError(
            f"the model file would hold {_bytes_words(total)} of arrays (the largest, "
            f"{key}, is {shape} {np.dtype(entries[key][1]).name} values), more than load() "
            f"reads back ({_bytes_words(_MAX_TOTAL_BYTES)}); make the model smaller: "
            f"{_SMALLER}")


def check_model_size(layer_dims: Sequence[int], dtype: Any,
                     preprocessor: Preprocessor | None = None) -> None:
    """Refuse, before training, a model whose file :func:`load` is certain to refuse as
    too large: the weights of ``layer_dims`` (features, hidden units..., outputs) in
    ``dtype`` and the preprocessing's arrays (a text model's vocabulary) alone exceed
    what a model file may hold.

    Raises
    ------
    ValueError
        One line saying how large and what to do (fewer hidden units, fewer features).
    """
    layer_dims = [int(n) for n in layer_dims]
    entries: dict[str, tuple[tuple[int, ...], Any]] = {}
    for layer, (n_prev, n_l) in enumerate(zip(layer_dims[:-1], layer_dims[1:]), 1):
        entries[f"W{layer}"] = ((n_l, n_prev), dtype)
        entries[f"b{layer}"] = ((n_l, 1), dtype)
    if preprocessor is not None:
        entries.update({k: (v.shape, v.dtype) for k, v in preprocessor.arrays().items()})
    _check_file_size(entries)


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
    if not str(path).strip():  # Path("") is the current folder
        raise ModelFileError("no model file given (an empty name); give a .npz file")
    path = Path(path)
    if not path.exists():  # a link that leads nowhere is there, and ls shows it
        raise ModelFileError(link_nowhere(path, "a model file")
                             or f"{path}: no such model file")
    if path.is_dir():
        raise ModelFileError(f"{path}: is a folder, not a model file; give the .npz file "
                             "that 'nnscratch train' wrote")
    if not path.is_file():
        raise ModelFileError(f"{path}: is not a file")
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if magic == b"PK\x05\x06":  # a zip archive's end record first: no entry
        raise ModelFileError(
            f"{path}: an empty .npz archive (it holds no arrays), not an nnscratch model "
            "file; train one with 'nnscratch train'"
        )
    if magic != b"PK\x03\x04":
        raise ModelFileError(
            f"{path}: not an nnscratch model file (not an .npz archive); "
            "train one with 'nnscratch train'"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            if len(infos) > _MAX_MEMBERS or total > _MAX_TOTAL_BYTES:
                held = (f"{len(infos)} entries, more than {_MAX_MEMBERS}"
                        if len(infos) > _MAX_MEMBERS else
                        f"{_bytes_words(total)} of arrays uncompressed, more than "
                        f"{_bytes_words(_MAX_TOTAL_BYTES)}")
                raise ModelFileError(
                    f"{path}: too large to be an nnscratch model file ({held}; save() "
                    f"writes none so large); if an older nnscratch wrote it, train the "
                    f"model again smaller: {_SMALLER}")
            names = [i.filename for i in infos]
            stems = [n.removesuffix(".npy") for n in names]
            if len(set(stems)) != len(stems):
                raise ModelFileError(f"{path}: the archive names an entry twice")
            for info in infos:
                _check_member_size(zf, info, path)
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


def _check_member_size(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> None:
    """Refuse a member whose declared size does not fit its ``.npy`` header, unread.

    Only the member's header is inflated: its magic string and its header (shape,
    dtype). An object dtype (pickled Python objects) is refused, so is a settings entry
    larger than :data:`_MAX_SETTINGS_BYTES` and a member whose size, as the archive
    declares it (``zipfile`` never inflates more than that), differs from the header's
    size plus shape x itemsize.
    """
    if not info.filename.endswith(".npy"):  # np.load would hand back its raw bytes
        raise ModelFileError(f"{path}: entry '{info.filename}' is not a NumPy array (.npy)")
    key = info.filename[:-4]
    with zf.open(info) as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(
                f, max_header_size=_MAX_NPY_HEADER)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(
                f, max_header_size=_MAX_NPY_HEADER)
        else:
            raise _fail(path, f"entry '{key}' has an unknown .npy version {version}")
        header_bytes = f.tell()
    if dtype.hasobject:
        raise ModelFileError(
            f"{path}: corrupted or not an nnscratch model file (entry '{key}' holds "
            "pickled Python objects, which are never loaded)")
    declared = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
    if key == "settings" and declared > _MAX_SETTINGS_BYTES:
        raise _fail(path, f"the settings entry is larger than any model needs ({declared} "
                          f"bytes; at most {_MAX_SETTINGS_BYTES})")
    if info.file_size != header_bytes + declared:
        raise _fail(path, f"entry '{key}' holds {info.file_size - header_bytes} bytes of data "
                          f"but its header declares {declared} ({shape}, {dtype})")


def _check_keys(keys: list[str], names: list[str], path: Path) -> None:
    if len(set(names)) != len(names) or len(set(keys)) != len(keys):
        raise ModelFileError(f"{path}: the archive names an entry twice")
    if "settings" not in keys:
        raise ModelFileError(f"{path}: not an nnscratch model file (no settings entry)")
    allowed_fixed = {"settings", *_HISTORY_KEYS, *TEXT_ARRAYS}
    for k in keys:
        if k in allowed_fixed:
            continue
        if (k[:1] in ("W", "b")) and k[1:].isascii() and k[1:].isdigit() \
                and not k[1:].startswith("0"):  # isdigit alone took 'W²'
            continue
        raise ModelFileError(f"{path}: unknown entry '{k}' in the model file")


#: The largest cost a model file's histories may hold: beyond any training's, below
#: float64's largest (costs of 1.7e308 overflowed the plot's axis; 1e300 draws).
_MAX_COST = 1e300


def _fail(path: Path, what: str) -> ModelFileError:
    return ModelFileError(f"{path}: invalid model file: {what}")


def _build(arrays: dict[str, np.ndarray], path: Path) -> SavedModel:
    _check_entries(arrays, path)
    try:
        settings = json.loads(
            arrays["settings"].tobytes().decode("utf-8"),
            parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)),
            parse_int=_bounded_int,
            parse_float=_finite_float,
        )
    except _OutOfRange as exc:
        raise _fail(path, f"the settings entry holds {exc}") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _fail(path, "the settings entry is not valid JSON") from None
    if not isinstance(settings, dict):
        raise _fail(path, "the settings entry must be a JSON object")
    unknown = set(settings) - _settings_vocabulary()
    if unknown:
        raise _fail(path, f"unknown settings {sorted(unknown)}")
    missing = (_REQUIRED_FILE_SETTINGS | _REQUIRED_STATE_SETTINGS) - set(settings)
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

    state = {
        "arrays": {k: v for k, v in arrays.items()
                   if k != "settings" and k not in TEXT_ARRAYS},
        "settings": {k: v for k, v in settings.items() if k not in _FILE_SETTINGS},
    }
    try:
        estimator = table[name]()._set_fitted_state(state)
    except ValueError as exc:
        raise _fail(path, " ".join(str(exc).split())) from None

    prep = settings.get("preprocessing")
    prep_arrays = {k: v for k, v in arrays.items() if k in TEXT_ARRAYS}
    if prep is None and prep_arrays:
        raise _fail(path, f"the entries {sorted(prep_arrays)} belong to a text model, but the "
                          "file has no text preprocessing")
    preprocessor = None if prep is None else Preprocessor.from_dict(prep, prep_arrays)
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
        and len(class_names) == len(estimator.classes_)
    ):
        raise _fail(path, "class_names must be one string per class")
    if class_names is not None:
        try:
            _check_class_names(class_names, "class_names")
        except ValueError as exc:
            raise _fail(path, str(exc).split(": ", 1)[1]) from None
    training = settings.get("training") or {}
    if not isinstance(training, dict):
        raise _fail(path, "training must be a JSON object")
    return SavedModel(estimator, preprocessor, class_names, training, settings)


class _OutOfRange(ValueError):
    """A JSON number of the settings that no model holds."""


def _bounded_int(text: str) -> int:
    """A JSON integer of the settings: within int64 or uint64 (classes, counts, sizes;
    each setting checks its own range)."""
    shown = text if len(text) <= 24 else f"{text[:12]}...({len(text)} digits)"
    if len(text) > 20 or not -(2**63) <= int(text) < 2**64:  # len first: no huge int()
        raise _OutOfRange(f"the integer {shown}, beyond the 64-bit range")
    return int(text)


def _finite_float(text: str) -> float:
    """A JSON real of the settings: finite (``1e400`` would read as infinity)."""
    value = float(text)
    if not np.isfinite(value):
        raise _OutOfRange(f"the number {text[:24]}, beyond the floating-point range")
    return value


def _check_entries(arrays: dict[str, np.ndarray], path: Path) -> None:
    """Each entry's dtype, number of dimensions, finiteness and size, before any use.

    ``settings``: 1-D uint8 of at most 1 MiB; ``W<l>``, ``b<l>``: 2-D float32/float64,
    finite; the histories: 1-D float, finite. How the layers' shapes fit together is the
    estimator's to check (``_set_fitted_state``).
    """
    blob = arrays["settings"]
    if blob.dtype != np.uint8 or blob.ndim != 1:
        raise _fail(path, "the settings entry must be UTF-8 JSON bytes")
    if blob.size > _MAX_SETTINGS_BYTES:
        raise _fail(path, f"the settings entry is larger than any model needs ({blob.size} "
                          f"bytes; at most {_MAX_SETTINGS_BYTES})")
    params = sorted((k for k in arrays if k[:1] in ("W", "b")), key=lambda k: (int(k[1:]), k))
    for key in params:
        arr = arrays[key]
        if arr.dtype not in (np.float32, np.float64):
            raise _fail(path, f"{key} must be a float32 or float64 array")
        if arr.ndim != 2:
            raise _fail(path, f"{key} must be 2-D, got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise _fail(path, f"{key} holds NaN or infinite values")
    for key in _HISTORY_KEYS:
        if key in arrays:
            arr = arrays[key]
            if arr.dtype not in (np.float32, np.float64) or arr.ndim != 1:
                raise _fail(path, f"{key} must be a 1-D float array")
            if not np.all(np.isfinite(arr)):
                raise _fail(path, f"{key} holds NaN or infinite values")
            # costs are cross-entropies (never negative), scores accuracies: values beyond
            # drew a plot whose axis could not be computed
            # (nor near float64's largest: 1e308 overflowed the plot's axis)
            low, high = (0.0, 1.0) if key == "validation_scores" else (-1e-9, _MAX_COST)
            if arr.size and (arr.min() < low or arr.max() > high):
                raise _fail(path, f"{key} holds values outside "
                                  + ("0 to 1 (accuracies)" if high == 1.0 else
                                     f"the costs' range (0 to {_MAX_COST:.0e}: costs are "
                                     "never negative)"))
