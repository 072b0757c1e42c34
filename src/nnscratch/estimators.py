"""scikit-learn estimators on the functional core.

The estimators take scikit-learn's ``(n_samples, n_features)`` arrays and transpose
them once, at this boundary (a view, no copy), into the seeds' ``(n_x, m)``
notation that :mod:`nnscratch.network` and :mod:`nnscratch.training` use.

Two classes give a sigmoid output unit (the seeds' model, binary cross-entropy);
three or more give a softmax output layer with the categorical cross-entropy.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import math
import numbers
import os
import re
import sys
import threading
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    clone,
)
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_feature_names,
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
)
from sklearn.utils.validation import check_array as _check_array
from sklearn.utils.validation import validate_data as _validate_data

from . import _threads
from ._engine import FLOAT_DTYPES, arrange_weights, forward_logits
from ._params import PARAMETERS, check
from ._params import short_repr as _short_repr
from ._sklearn_callbacks import CallbackSupportMixin, EpochTasks, has_callbacks, with_callbacks
from ._sparse import left_product
from .activations import softmax
from .callbacks import (
    Callback,
    CallbackList,
    EarlyStopping,
    History,
    ProgressBar,
    _did_you_mean,
)
from .exceptions import InvalidParameterError
from .initializers import check_random_state, initialize_parameters
from .network import hidden_activations, linear_activation_forward, n_layers
from .optimizers import make_optimizer, make_schedule
from .training import (
    LiveWeights,
    Problem,
    _accuracy,
    _user_stacklevel,
    library_warnings_ignored,
    train,
    vanishing_rate,
)

__all__ = ["HiddenLayerTransformer", "LogisticRegression", "NeuralNetworkClassifier"]

#: What scikit-learn's callback support (``_init_callback_context``) sets during a fit
#: and its ``with_callbacks`` reads when the fit ends, to call the callbacks' teardown.
_SKLEARN_FIT_STATE = ("_callback_fit_ctx", "_skl_callbacks_to_teardown")

#: Rows of X per chunk in prediction: each layer's Z of a chunk stays in the cache
#: (benchmarks/README.md: 4096 rows of 60000 x 784 float32, 126 ms against 132 ms whole).
_PREDICT_CHUNK = 4096


def _one_line(text: str, name: str = "X") -> str:
    """scikit-learn's multi-line input errors in one line: the repr of the array they
    append dropped, the rest joined (its wording, which its estimator checks match,
    kept); ``name``: the input's."""
    if text.startswith("Complex data not supported"):
        return (f"Complex data not supported: give real numbers (the real part {name}.real, "
                f"or the magnitude np.abs({name})).")
    # the array's repr runs from "array=" over as many lines as it takes, up to the
    # next sentence (a line starting with a capital) or the end
    text = re.sub(r"^array=.*?(?=^[A-Z]|\Z)", "", text, flags=re.S | re.M)
    lines = [line.strip() for line in text.strip().splitlines()]
    return " ".join(line[:-1] + "." if line.endswith(":") else line for line in lines
                    if line and not line.startswith(("array=", "[", "<")))


#: scikit-learn's error for NaN in X: its first sentence and the estimator's name, before
#: a paragraph recommending other estimators and two links.
_NAN_ERROR = re.compile(r"Input (\w+) contains NaN\.\s+(\w+) does not accept missing values")


def _short(text: str, name: str = "X") -> str:
    """scikit-learn's input error ``text`` about input ``name`` as one short line:
    multi-line errors joined (:func:`_one_line`), the NaN error cut to what to do about
    it."""
    if text.startswith("The feature names should match those that were passed during "
                       "fit.\n"):
        return _columns_of_fit(text)
    if "\n" in text.strip():
        text = _one_line(text, name)
    if text == "Input y contains NaN.":
        return "Input y contains NaN: every example needs a label; drop the unlabelled rows."
    nan = _NAN_ERROR.match(text) or re.fullmatch(r"Input (X\w*) contains NaN\.", text)
    if nan:
        who = nan[2] if nan.re is _NAN_ERROR else "the network"
        return (f"Input {nan[1]} contains NaN: {who} needs a number in every cell; fill "
                "in the missing values (sklearn.impute.SimpleImputer, in a Pipeline) or "
                "drop those rows.")
    inf = re.fullmatch(r"Input (\w+) contains infinity or a value too large for "
                       r"(dtype\('\w+'\))\.", text)
    if inf and inf[1] in ("y", "y_val"):  # labels, not features
        return (f"Input {inf[1]} contains infinity or a value too large for {inf[2]}: every "
                "example needs a finite label; drop those rows or give their labels.")
    if inf:
        return (f"Input {inf[1]} contains infinity or a value too large for {inf[2]}: the "
                "network needs a finite number in every cell; replace those values "
                "(np.clip, np.nan_to_num) or drop those rows.")
    return text


def _not_numbers(X, name: str, text: str, owner: str = "NeuralNetworkClassifier") -> str:
    """scikit-learn's "could not convert string to float: 'u'" saying which columns of
    ``X`` are not numbers and what to do about them (``owner``: the estimator's class,
    named in the pipeline a list of texts wants)."""
    do = ("the network needs numbers; encode them first, e.g. categories with "
          "sklearn.preprocessing.OneHotEncoder in a ColumnTransformer, in a Pipeline "
          "before the network.")
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None and hasattr(dtypes, "items"):  # a DataFrame
        columns = [f"{col!r} ({dtype})" for col, dtype in dtypes.items()
                   if getattr(dtype, "kind", "O") not in "biuf"  # bool, int, float
                   and not (getattr(dtype, "kind", "O") in "OSU"  # text, categories
                            and _numbers_as_text(X[col]))]
        if columns:
            shown = ", ".join(columns[:5]) + (", ..." if len(columns) > 5 else "")
            return (f"{name} has columns that cannot be converted to numbers, {shown}: "
                    f"{do}")
    value = re.sub(r"^np\.\w+\((.*)\)$", r"\1", text.partition(": ")[2])
    try:
        texts = np.ndim(X) == 1  # a list of messages, not rows of features
    except ValueError:  # ragged
        texts = False
    if texts:
        return (f"{name} is a list of texts ({value}), not rows of numbers: turn them into "
                "features first, e.g. make_pipeline(TfidfVectorizer(), "
                f"{owner}(...)) with sklearn.feature_extraction.text's "
                "TfidfVectorizer (docs/sparse.md).")
    return f"{name} holds text that cannot be converted to a number ({value}): {do}"


def _numbers_as_text(column) -> bool:
    """Whether a column of text holds numbers only ("1.5"), which scikit-learn reads."""
    try:
        np.asarray(column, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return True


def _columns_of_fit(text: str) -> str:
    """scikit-learn's error for columns other than fit's (a line for each name) in one
    line, its first sentence kept, with what to do."""
    unseen: list[str] = []
    missing: list[str] = []
    into = None
    for line in text.splitlines()[1:]:
        line = line.strip()
        if line.startswith("Feature names unseen at fit time"):
            into = unseen
        elif line.startswith("Feature names seen at fit time, yet now missing"):
            into = missing
        elif line.startswith("- ") and into is not None:
            into.append(line[2:])
    show = (lambda names: ", ".join(names[:8]) + (", ..." if len(names) > 8 else ""))
    parts = []
    if unseen:
        parts.append(f"unseen at fit time: {show(unseen)}")
    if missing:
        parts.append(f"seen at fit time, yet now missing: {show(missing)}")
    what = "; ".join(parts) if parts else "the same names in another order"
    return ("The feature names should match those that were passed during fit: "
            f"{what}. Give the columns of fit in their order, e.g. "
            "X[model.feature_names_in_].")


def _physical_memory() -> int | None:
    """This machine's memory in bytes, where the system tells (not on Windows)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def _weights_words(layer_dims: Sequence[int], dtype) -> str:
    """"hidden_layer_sizes=(1000000000,) makes 7,000,000,001 weights for 5 features
    (104.3 GiB with their gradients)": the start of the messages of
    :func:`_refuse_weights_beyond_memory`."""
    n = sum(n_l * (n_prev + 1) for n_prev, n_l in zip(layer_dims[:-1], layer_dims[1:]))
    need = 2 * n * np.dtype(dtype).itemsize
    return (f"hidden_layer_sizes={tuple(layer_dims[1:-1])} makes {n:,} weights for "
            f"{layer_dims[0]:,} features ({need / 2**30:,.1f} GiB with their gradients)")


class WeightsTooLargeError(MemoryError, ValueError):
    """Weights that cannot fit in memory, refused before any is drawn: a MemoryError,
    and a ValueError as other refused settings are (the command line exits 2)."""


def _refuse_weights_beyond_memory(layer_dims: Sequence[int], dtype) -> None:
    """Refuse, before any is drawn, weights that with their gradients (the least that
    training holds) exceed this machine's memory: NumPy's error said only "Unable to
    allocate 37.3 GiB for an array with shape (1000000000, 5)", or, below what fails
    at once, the machine swapped."""
    layer_dims = [int(n) for n in layer_dims]  # an int32 product wraps around
    n = sum(n_l * (n_prev + 1) for n_prev, n_l in zip(layer_dims[:-1], layer_dims[1:]))
    total = _physical_memory()
    if total and 2 * n * np.dtype(dtype).itemsize > total:
        raise WeightsTooLargeError(
            f"{_weights_words(layer_dims, dtype)}, more than this machine's "
            f"{total / 2**30:.1f} GiB of memory; use fewer units")


def _shape_in_words(check, args, text: str, name: str) -> str | None:
    """scikit-learn's errors about the shape of ``name`` (no rows, no columns, 3-D,
    None, X and y of other lengths) saying what to do, or None for another error.
    The words scikit-learn's own estimator checks look for are kept."""
    X = args[1] if check is _validate_data else args[0] if args else None
    if X is None and text.startswith("Expected 2D array, got scalar array"):
        return f"{name} is None: give the examples, a 2-D array (n_samples, n_features)."
    rows = re.fullmatch(r"Found array with 0 sample\(s\) \(shape=\((\d+), (\d+)\)\) "
                        r"while a minimum of 1 is required.*", text)
    if rows:
        return (f"{name} has no rows (shape ({rows[1]}, {rows[2]})): give at least one "
                "example.")
    if re.match(r"Found array with 0 feature\(s\)", text):
        return (f"{name} has no columns: {text.rstrip('.')}; give at least one feature.")
    dims = (re.fullmatch(r"Found array with dim (\d+), while dim <= 2 is required.*", text)
            or re.fullmatch(r"Cannot convert\. \w+ must be 1D or 2D\. Got (\d+)D", text))
    if dims:  # the second: scipy's, of a sparse array of 3 dimensions or more
        return (f"{name} has {dims[1]} dimensions: give a 2-D array, one row per example "
                f"({name}.reshape(len({name}), -1) flattens each example).")
    lengths = re.fullmatch(r"Found input variables with inconsistent numbers of samples: "
                           r"\[(\d+), (\d+)\]", text)
    if lengths and check is _validate_data and len(args) > 2:
        return (f"{name} has {lengths[1]} rows but y has {lengths[2]} labels: give one label "
                "per example.")
    return None


#: The beginnings of scikit-learn's errors that ``validate_data(estimator, X, y)`` raises
#: for X or for y alike: which one failed, they do not say.
_X_OR_Y_ERRORS = ("Found array with dim", "setting an array element with a sequence",
                  "Complex data not supported", "Found array with 0 feature(s)")


def _failed_on_y(check, args, kwargs, text: str) -> bool:
    """Whether ``validate_data(estimator, X, y, ...)`` raised ``text`` for ``y``, not
    ``X``: X alone passes the same checks. Its shape and conversion errors name neither
    (they were all said of X: "X has 3 dimensions" for a fine X and a 3-D y)."""
    if check is not _validate_data or not text.startswith(_X_OR_Y_ERRORS):
        return False
    y = args[2] if len(args) > 2 else kwargs.get("y", "no_validation")
    if y is None or (isinstance(y, str) and y == "no_validation"):
        return False
    same = {k: v for k, v in kwargs.items()
            if k in ("dtype", "accept_sparse", "ensure_all_finite", "order")}
    try:
        with np.errstate(invalid="ignore", over="ignore"), library_warnings_ignored():
            _check_array(args[1], **same)
    except (TypeError, ValueError):
        return False
    return True


def _y_in_words(text: str, y, X_shape) -> str:
    """scikit-learn's error ``text`` about labels ``y`` (see :func:`_failed_on_y`) in one
    line naming y, as labels (not features)."""
    m = f"({X_shape[0]},)" if X_shape else "(n_samples,)"
    if text.startswith("Complex data not supported"):
        return _labels_not_complex("y")
    shape = _shape(y)
    if shape is None or text.startswith("setting an array element"):
        return (f"y must hold one label per example, shape {m}; it holds lists (or "
                "arrays) of different lengths.")
    dims = re.match(r"Found array with dim (\d+)", text)
    if dims:
        return (f"y has {dims[1]} dimensions (shape {shape}): give one label per example, "
                f"shape {m} (y.ravel() where each example's label is alone in its row).")
    return f"y has shape {shape}: give one label per example, shape {m}."


def _in_one_line(check):
    """``check`` (scikit-learn's ``validate_data`` or ``check_array``) raising its
    ValueErrors in one short line (:func:`_short`)."""

    @functools.wraps(check)
    def checked(*args, **kwargs):
        try:
            # its finiteness check sums X: inf + -inf, or large finite values, would
            # warn before (or without) the error that names the problem
            with np.errstate(invalid="ignore", over="ignore"):
                return check(*args, **kwargs)
        except ValueError as exc:
            text = str(exc)
            if text.startswith("Expected unique column names"):  # narwhals' error
                name = kwargs.get("input_name") or "X"
                twice = [line.strip("- ").strip() for line in text.splitlines()[1:]
                         if line.strip()]
                raise ValueError(
                    f"{name} has columns of the same name ({', '.join(twice[:5])}): give "
                    "each column a name of its own (X.columns), or drop the duplicates."
                ) from None
            wide = re.fullmatch(r"y should be a 1d array, got an array of shape "
                                r"\((\d+), (\d+)\) instead\.", text.strip())
            if wide:
                rows, cols = int(wide[1]), int(wide[2])
                X_shape = _shape(args[1]) if check is _validate_data else None
                m = X_shape[0] if X_shape else rows
                if cols == m != rows:  # the course's one-hot Y, (K, m)
                    raise ValueError(
                        f"y has shape ({rows}, {cols}): this looks like the course's one-hot "
                        f"Y (K, m); give one label per example, shape ({m},): "
                        "Y.argmax(axis=0)."
                    ) from None
                raise ValueError(
                    f"y has shape ({rows}, {cols}) but must hold one label per example, "
                    f"shape ({m},): for one-hot labels give the class index, "
                    "Y.argmax(axis=1); for several targets wrap the network in "
                    "sklearn.multioutput.MultiOutputClassifier."
                ) from None
            if _failed_on_y(check, args, kwargs, text):
                raise ValueError(_y_in_words(text, args[2] if len(args) > 2 else kwargs["y"],
                                             _shape(args[1]))) from None
            if text.startswith("setting an array element with a sequence"):
                name = kwargs.get("input_name") or "X"
                ragged = re.search(r"shape after (\d+) dimension", text)
                raise ValueError(
                    f"{name} has rows of different lengths: give every row the same "
                    "number of values, one number per cell." if ragged and
                    ragged[1] == "1" else
                    f"{name} has cells that hold several values (lists or arrays): give "
                    "one number per cell, e.g. spread them over columns of their own "
                    "(np.vstack(column) for a column of arrays)."
                ) from None
            if text.startswith("could not convert string to float"):
                X = args[1] if check is _validate_data else args[0]
                owner = kwargs.get("estimator") or (args[0] if check is _validate_data
                                                    else None)
                owner = type(owner).__name__ if isinstance(owner, _BaseNetwork) else (
                    "NeuralNetworkClassifier")
                raise ValueError(_not_numbers(X, kwargs.get("input_name") or "X",
                                              text, owner)) from None
            name = kwargs.get("input_name") or "X"
            worded = _shape_in_words(check, args, text, name)
            if worded:
                raise ValueError(worded) from None
            short = _short(text, name)
            if name != "X" and not re.search(rf"\b{name}\b", text):
                short = f"{name}: {short}"  # the validation set's: scikit-learn's names none
            if type(exc) is not ValueError or short == text:
                raise
            raise ValueError(short) from None
        except TypeError as exc:
            text, name = str(exc), kwargs.get("input_name") or "X"
            X = args[1] if check is _validate_data else args[0]
            if "'NAType'" in text:  # pd.NA in a column of text ("string" dtype)
                raise ValueError(
                    f"Input {name} contains NaN (pd.NA): the network needs a number in every "
                    "cell; fill in the missing values (sklearn.impute.SimpleImputer, in a "
                    "Pipeline) or drop those rows."
                ) from None
            if "could not be promoted" in text and hasattr(X, "dtypes"):  # dates, times
                raise _NotNumbersError(_not_numbers(X, name, text)) from None
            kind = re.fullmatch(r"float\(\) argument must be a string or a (?:real )?number, "
                                r"not '(\w+)'", text)
            if kind:  # a dict, a generator, a set
                raise TypeError(  # scikit-learn's estimator checks look for its words
                    f"{name} is a {kind[1]}, not an array of numbers ({text}): give a 2-D "
                    "array-like (n_samples, n_features), e.g. a NumPy array, a list of rows, "
                    "a DataFrame or a sparse matrix."
                ) from None
            raise

    return checked


validate_data = _in_one_line(_validate_data)
check_array = _in_one_line(_check_array)


def _fail(name, value, requirement):
    raise InvalidParameterError(f"{name}={_short_repr(value)} is not valid: {requirement}.")


def _native_floats(X):
    """``X`` as it is, but float32 values stored in the other byte order (``>f4``, as
    h5py gives a big-endian dataset) as native float32: ``validate_data`` compares the
    dtype with float32, finds it unequal and made a float64 copy (twice the data), and
    the model float64 weights. One float32 copy instead, as that of any conversion."""
    dtype = getattr(X, "dtype", None)
    if (isinstance(X, np.ndarray) and isinstance(dtype, np.dtype) and dtype.kind == "f"
            and dtype.itemsize == 4 and not dtype.isnative):
        return X.astype(dtype.newbyteorder("="))
    return X


class _NotNumbersError(ValueError, TypeError):
    """Values that are not numbers (dates): a ValueError, as every refusal of values
    that cannot be converted to numbers; also a TypeError, which pandas' date columns
    raised before they were refused by name."""


def _refuse_dates(X, name: str) -> None:
    """Refuse dates and times in ``X`` before scikit-learn converts it: a NumPy
    ``datetime64``/``timedelta64`` array, and a polars frame's Date, Datetime, Duration
    or Time columns, became float64 counts since 1970 without a word (~1.7e15
    microseconds, which the network learns nothing from), while a pandas frame's were
    refused; a prediction took dates for a model trained on numbers.

    Raises
    ------
    ValueError
        One line naming the columns (or the array's dtype) and how to make numbers of
        them (also a TypeError, as a pandas frame's date column raised before).
    """
    do = ("the network needs numbers; encode them first, e.g. as the days since a start "
          "((when - start) / np.timedelta64(1, 'D')), or their parts (year, month, day "
          "of week) in columns of their own.")
    dtype = getattr(X, "dtype", None)
    if isinstance(dtype, np.dtype):
        if dtype.kind in "mM":
            raise _NotNumbersError(f"{name} holds dates or times ({dtype}), which cannot "
                                   f"be converted to numbers: {do}")
        return
    columns = []
    schema = getattr(X, "schema", None)  # a polars frame: its dtypes tell dates apart
    if type(X).__module__.startswith("polars") and hasattr(schema, "items"):
        columns = [f"{col!r} ({dtype})" for col, dtype in schema.items()
                   if callable(getattr(dtype, "is_temporal", None)) and dtype.is_temporal()]
    else:
        dtypes = getattr(X, "dtypes", None)
        if dtypes is not None and hasattr(dtypes, "items"):  # a pandas frame
            columns = [f"{col!r} ({dtype})" for col, dtype in dtypes.items()
                       if getattr(dtype, "kind", "O") in "mM"]
    if columns:
        shown = ", ".join(columns[:5]) + (", ..." if len(columns) > 5 else "")
        raise _NotNumbersError(f"{name} has columns that cannot be converted to numbers, "
                               f"{shown}: {do}")


def _labels_not_complex(name: str) -> str:
    """The one line refusing complex labels ``name`` (scikit-learn's "Complex data not
    supported" and the array's repr, or the advice for features)."""
    return (f"Complex data not supported: {name} holds complex numbers; give class labels, "
            f"one number or string per example ({name}.real, where the imaginary parts "
            "are 0).")


def _in_dtype(X, dtype, name: str, whose: str):
    """``X`` (finite, dense or sparse) as ``dtype``; values beyond its range are refused
    in one line (NumPy's cast made them infinite, with a warning)."""
    if X.dtype == dtype:
        return X
    with np.errstate(over="ignore"):
        cast = X.astype(dtype, copy=False)
    if not np.isfinite(cast.data if sp.issparse(cast) else cast).all():
        raise ValueError(
            f"{name} holds values beyond the range of {np.dtype(dtype).name} (about "
            f"{np.finfo(dtype).max:.1e}), {whose}: scale the features as the training "
            "data were scaled")
    return cast


def _weights_in_dtype(weights: np.ndarray, dtype) -> np.ndarray:
    """The sample weights (float64, some positive) in the data's dtype, refused in one
    line where that dtype cannot hold them: the cost's weighted sums would be infinite,
    or every weight would round to zero. The sum is taken in float64 and compared with
    the dtype's largest value: training sums the weights in the data's dtype (float32
    weights of 1e37 each passed a check of the float64 sum, then their float32 sum was
    infinite and training "diverged at iteration 0")."""
    with np.errstate(over="ignore", under="ignore"):
        cast = weights.astype(dtype)
        total = np.sum(cast, dtype=np.float64)
    if not total <= np.finfo(dtype).max or not np.isfinite(cast).all():
        raise ValueError(
            f"the sample weights are too large for {np.dtype(dtype).name} data (up to "
            f"{weights.max():.3g}; their sum must stay below {np.finfo(dtype).max:.1e}): "
            "scale them down, e.g. divide them by their largest")
    if not total > 0:
        raise ValueError(
            f"the sample weights are too small for {np.dtype(dtype).name} data (up to "
            f"{weights.max():.3g}): each rounds to zero; scale them up, e.g. divide them "
            "by their largest")
    return cast


def _partial_fit_classes(classes) -> np.ndarray:
    """partial_fit's ``classes``, sorted and distinct (as ``classes_``)."""
    need = ("classes must be a flat list of labels of one kind (all numbers or all "
            f"strings), e.g. classes=[0, 1]; got {_short_repr(classes)}.")
    try:
        # as given: NumPy would turn [0, "a"] into the strings ["0", "a"], and NaN is
        # no label (it is never equal to itself)
        given = column_or_1d(np.asarray(classes, dtype=object))
        values = np.asarray(classes)
    except (TypeError, ValueError):
        raise ValueError(need) from None
    # missing values first: pd.NA (what Series.unique() of a nullable column holds) is
    # neither text nor a number, and NumPy casts it to NaN with a warning
    if _is_missing(given).any():
        raise ValueError(f"classes holds a missing label (None or NaN): give the labels "
                         f"themselves, e.g. classes=[0, 1]; got {_short_repr(classes)}.")
    text = [isinstance(v, str) for v in given]
    if any(text) and not all(text):
        raise ValueError(need)
    if values.dtype.kind == "O":  # integers held as objects: the integers they are
        values = _checked_labels(given, "classes")
    try:
        classes = np.unique(column_or_1d(values))
    except (TypeError, ValueError):
        raise ValueError(need) from None
    check_classification_targets(classes)
    return classes


def _names_or_values(name: str, value, n: int, one: str, per: str = "hidden layer") -> list:
    """A per-layer hyper-parameter given as a sequence: its ``n`` entries, as a list.

    Raises
    ------
    InvalidParameterError
        Not a sequence (a number, a 0-d array, ...), or not ``n`` entries.
    """
    need = f"give {one} or {n} (one per {per}), e.g. a tuple"
    try:
        if isinstance(value, (str, bytes, dict)) or np.ndim(value) != 1:
            _fail(name, value, need)
        values = list(value)
    except (TypeError, ValueError) as exc:  # ragged nesting, not iterable
        if isinstance(exc, InvalidParameterError):
            raise
        _fail(name, value, need)
    if len(values) != n:
        _fail(name, value, need)
    return values


def _refuse_missing_labels(y, name: str, numbers_too: bool = False) -> None:
    """Refuse labels that are missing: None, NaN, ``pd.NA`` (a pandas Series of
    "string", "Int64" or categorical dtype holds them), before scikit-learn's checks,
    which said "Unknown label type: unknown ... a regression target", "Input contains
    NaN", or raised a bare TypeError ("'<' not supported between 'str' and 'NoneType'",
    "boolean value of NA is ambiguous").

    Only labels of dtype object are looked at, unless ``numbers_too`` (float NaN); a
    ``y`` that is not an array of labels is left to scikit-learn's checks. Object labels
    that mix text with numbers are refused too (:func:`_refuse_mixed_labels`).

    Raises
    ------
    ValueError
        One line naming ``name``, the rows and what to do.
    """
    if y is None or sp.issparse(y):
        return
    try:
        values = np.asarray(y)
        if values.dtype.kind in "SU" and not hasattr(y, "dtype"):
            # a list or tuple that NumPy turned into text: [0, "spam"] became the
            # strings ["0", "spam"], [None, "a"] kept None but ["a", nan] made it 'nan'
            values = np.asarray(y, dtype=object)
    except (TypeError, ValueError):  # ragged: scikit-learn's checks say what is wrong
        return
    if values.dtype.kind == "f" and numbers_too:
        missing = np.isnan(values)
    elif values.dtype.kind == "O":
        missing = _is_missing(values)
    else:
        return
    missing = np.atleast_1d(missing)
    rows = np.flatnonzero(missing.reshape(missing.shape[0], -1).any(axis=1))
    if len(rows):
        where = (f"at row {rows[0]}" if len(rows) == 1 else
                 f"at {len(rows)} rows ({', '.join(map(str, rows[:5].tolist()))}"
                 + (", ...)" if len(rows) > 5 else ")"))
        raise ValueError(
            f"Input {name} contains missing labels (None or NaN) {where}: every example "
            "needs a label; drop the unlabelled rows."
        )
    if values.dtype.kind == "O":
        _refuse_mixed_labels(values.ravel(), name)


def _refuse_mixed_labels(values: np.ndarray, name: str) -> None:
    """Refuse labels (an object array) that mix text with other kinds, 1 and 'a':
    scikit-learn said "Unknown label type: unknown ... a regression target" (its
    MLPClassifier a bare TypeError, '<' not supported between 'str' and 'int').

    Raises
    ------
    ValueError
        One line naming both kinds, with an example of each, and what to do.
    """
    text = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    if text.all() or not text.any():
        return
    one, other = values[np.argmax(text)], values[np.argmin(text)]
    raise ValueError(
        f"Input {name} mixes labels of different types, text and "
        f"{type(_py(other)).__name__} (e.g. {one!r} and {_py(other)!r}): give labels of one "
        f"type, e.g. {name}.astype(str)."
    )


def _is_missing(values: np.ndarray) -> np.ndarray:
    """Which of ``values`` (an object array) are missing: None, NaN, ``pd.NA``, ``NaT``;
    of the same shape."""
    try:
        import pandas as pd

        return np.asarray(pd.isna(values), dtype=bool)
    except ImportError:  # pragma: no cover - pandas is optional
        return np.array([v is None or (isinstance(v, float) and v != v)
                         for v in values.ravel()], dtype=bool).reshape(values.shape)


def _checked_labels(y, name: str, numbers_too: bool = False):
    """``y`` with its missing and mixed labels refused (:func:`_refuse_missing_labels`),
    and labels held in an object array read as the numbers they are.

    scikit-learn reads an object array of numbers (a label column built row by row,
    read from JSON, or ``.astype(object)``) as labels of an "unknown" type, and said
    "Unknown label type: unknown ... a regression target": integers (and booleans) come
    back as an integer array, as ``np.asarray(y.tolist())`` gives them, so that
    ``classes_`` holds the integers that an integer array gives; other real numbers as
    a float array (then read as any float labels). Labels that are neither numbers nor
    text (``Decimal``, ``pd.Period``) are refused in one line. Anything else is ``y`` as
    it was given (no copy).

    Raises
    ------
    ValueError
        One line naming ``name``, the labels and what to do.
    """
    _refuse_missing_labels(y, name, numbers_too)
    if sp.issparse(y) or getattr(getattr(y, "dtype", None), "kind", None) != "O":
        return y
    values = np.asarray(y).ravel()
    if not len(values) or all(isinstance(v, str) for v in values):
        return y
    real = (numbers.Real, np.bool_)
    if all(isinstance(v, real) for v in values):
        given = np.asarray(y).tolist()  # Python's int, float, bool: NumPy's own dtype
        read = np.asarray(given)
        whole = all(isinstance(v, (numbers.Integral, np.bool_)) for v in values)
        if read.dtype.kind in ("biu" if whole else "biuf"):  # not ints beyond 64 bits
            return read
        return y
    other = next(v for v in values if not isinstance(v, (str, *real)))
    if isinstance(other, (list, tuple, dict, set, np.ndarray)):
        return y  # cells that hold several values: scikit-learn's shape checks say so
    raise ValueError(
        f"Input {name} holds labels of type {type(other).__name__} (e.g. {other!r}), "
        "which a classifier cannot read as classes: give numbers or strings, e.g. "
        f"{name}.astype(str)."
    )


def _check_callbacks(value) -> None:
    """``callbacks``: None, one :class:`~nnscratch.callbacks.Callback` (as
    :class:`~nnscratch.callbacks.CallbackList` takes it) or a list of them.

    Raises
    ------
    InvalidParameterError
        Anything else, or a one-shot iterator (a generator): checking it would use it up,
        and every later ``fit`` would run without its callbacks.
    """
    if value is None or isinstance(value, Callback):
        return
    try:
        one_shot = iter(value) is value
    except TypeError:
        one_shot = False
    if one_shot:
        _fail("callbacks", value, "a generator or iterator is used up by one fit; give a "
              "list of nnscratch.callbacks.Callback objects, e.g. callbacks=[History()]")
    items = value if isinstance(value, (list, tuple)) else [value]
    theirs = [c for c in items if _is_sklearn_callback(c)]
    if theirs:
        name = type(theirs[0]).__name__
        raise InvalidParameterError(
            f"callbacks= takes nnscratch.callbacks.Callback objects, and {name} is a "
            f"scikit-learn callback (sklearn.callback): give it to "
            f"set_callbacks({name}(...)) instead."
        )
    check("callbacks", value)


def _is_sklearn_callback(obj) -> bool:
    """Whether ``obj`` is a scikit-learn callback (``sklearn.callback``), not one of
    :mod:`nnscratch.callbacks`."""
    return (not isinstance(obj, (Callback, type))
            and callable(getattr(obj, "on_fit_task_begin", None))
            and callable(getattr(obj, "on_fit_task_end", None)))


def _weights_checked(sample_weight, X) -> np.ndarray:
    """scikit-learn's check of ``sample_weight``, its error for another length in words.

    A single number is checked as an array is: scikit-learn repeats it for every example
    without its finiteness check, so that NaN reached the sum of the weights and was
    called "the sample weights sum to zero"."""
    try:
        weights = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
    except (TypeError, ValueError) as exc:
        try:
            shape = None if sp.issparse(sample_weight) else np.shape(sample_weight)
        except (TypeError, ValueError):  # ragged
            shape = None
        if shape and len(shape) == 1 and shape[0] != X.shape[0]:
            raise ValueError(
                f"sample_weight has {shape[0]} weights but X has {X.shape[0]} rows; give "
                "one weight per example."
            ) from None
        text = str(exc)
        if text.startswith("Negative values in data passed to"):
            values = np.asarray(sample_weight, dtype=float).ravel()
            first = int(np.flatnonzero(values < 0)[0])
            raise ValueError(
                f"sample_weight[{first}] is {values[first]:g}: weights must be >= 0, one "
                "per example (0 leaves an example out)."
            ) from None
        if shape is not None and len(shape) > 1:
            raise ValueError(
                f"sample_weight has shape {shape}; give one weight per example, shape "
                f"({X.shape[0]},) (np.ravel if it is a column)."
            ) from None
        finite = re.fullmatch(r"Input sample_weight contains (NaN|infinity).*", text)
        if finite:
            raise ValueError(
                f"sample_weight contains {finite[1]}: give every example a finite weight "
                ">= 0 (0 leaves an example out)."
            ) from None
        if isinstance(exc, TypeError) or text.startswith(("could not convert",
                                                          "Complex data")):
            # text, complex numbers, a dict: a bare "could not convert string to float",
            # or the array's repr over many lines
            got = _short_repr(sample_weight)
            raise ValueError(
                f"sample_weight must be real numbers, one weight >= 0 per example; got "
                f"{got}" + ("" if got.endswith("...") else ".")
            ) from None
        if text.startswith("setting an array element with a sequence"):  # ragged lists
            raise ValueError(
                f"sample_weight must be one number per example, shape ({X.shape[0]},); it "
                "holds lists (or arrays) of different lengths."
            ) from None
        raise
    if not np.isfinite(weights).all():  # a single NaN or infinity, repeated
        raise ValueError(
            f"sample_weight contains {'NaN' if np.isnan(weights).any() else 'infinity'}: "
            "give every example a finite weight >= 0 (0 leaves an example out).")
    return weights


def _check_class_weight(class_weight, classes: np.ndarray) -> None:
    """A dict ``class_weight``: a finite weight >= 0 for classes of ``classes`` only.

    Raises
    ------
    InvalidParameterError
        A key that is not a class (scikit-learn's message names the other classes), or
        a weight that is negative (a cost that rewards errors), NaN, infinite or not a
        number.
    """
    if not isinstance(class_weight, dict):
        return
    known = set(classes.tolist())
    unknown = [key for key in class_weight if _py(key) not in known]
    if unknown:
        _fail("class_weight", class_weight,
              f"its labels {unknown[:5]!r} are not classes of y {classes.tolist()!r}; give "
              "weights for those classes only")
    for key, weight in class_weight.items():
        if (isinstance(weight, (bool, np.bool_)) or not isinstance(weight, numbers.Real)
                or not (math.isfinite(weight) and weight >= 0)):
            _fail("class_weight", class_weight,
                  f"the weight of class {key!r} is {weight!r}; give each class a finite "
                  "number >= 0")


def _draw_seed(rng) -> int:
    """A seed for scikit-learn helpers, drawn from the estimator's own generator."""
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**31 - 1))
    return int(rng.randint(2**31 - 1))


#: The estimators being trained now, by ``id``, with the thread that trains each: the
#: state of a training run lives on the estimator (its live weights, ``n_iter_``), so a
#: fit of the same estimator meanwhile (from one of its callbacks, from another thread)
#: left attributes of one model on the weights of another, and every prediction failed.
_TRAINING: dict[int, int] = {}
_TRAINING_LOCK = threading.Lock()


def _refuse_while_training(estimator, method: str, owner: int | None = None) -> None:
    """Refuse, in one line, ``method`` (``fit``, ``partial_fit``, ``fit_streaming``) on
    an estimator that is being trained (``owner``: the thread training it)."""
    if owner is None:
        owner = _TRAINING.get(id(estimator))
    if owner is None:
        return
    where = ("from one of its own callbacks" if owner == threading.get_ident()
             else "by another thread meanwhile")
    raise RuntimeError(
        f"{method}() was called on this {type(estimator).__name__} while it trains, "
        f"{where}: it would replace the model being trained; train a copy instead "
        "(sklearn.base.clone(estimator) for a new model, copy.deepcopy(estimator) to go "
        "on from its weights)")


@contextlib.contextmanager
def _training(estimator, method: str = "fit"):
    """Mark ``estimator`` as being trained while the block runs; refuse ``method`` on
    one that is already (:func:`_refuse_while_training`)."""
    key = id(estimator)
    with _TRAINING_LOCK:
        owner = _TRAINING.get(key)
        if owner is None:
            _TRAINING[key] = threading.get_ident()
    if owner is not None:
        _refuse_while_training(estimator, method, owner)
    try:
        yield
    finally:
        with _TRAINING_LOCK:
            del _TRAINING[key]


class _BaseNetwork(CallbackSupportMixin, ClassifierMixin, BaseEstimator):
    """The machinery shared by the network classifiers.

    With scikit-learn >= 1.9 (tested with 1.9.1) they support its callback protocol
    (``set_callbacks``; see :mod:`nnscratch._sklearn_callbacks`).

    Subclasses store their constructor arguments and say which hidden layers to
    build (:meth:`_hidden_sizes`), how to initialise them (:meth:`_init_names`),
    and with which activations (:meth:`_activation_names`).
    """

    # ------------------------------------------------------------- configuration

    def _hidden_sizes(self) -> tuple[int, ...]:
        raise NotImplementedError

    def _init_names(self) -> str:
        raise NotImplementedError

    def _activation_names(self, n_hidden: int | None = None) -> list[str]:
        """The hidden layers' activations, of ``hidden_layer_sizes``' layers or of
        ``n_hidden`` (a fitted model's, whatever ``set_params`` changed since)."""
        return []

    def _slope(self) -> float:
        return getattr(self, "leaky_relu_slope", 0.01)

    def _activations(self, params):
        """The hidden layers' ``(forward, backward)`` pairs for the network ``params``."""
        n_hidden = n_layers(params) - 1
        return hidden_activations(self._activation_names(n_hidden) or "relu", n_hidden,
                                  self._slope())

    def _keep_probs(self) -> list[float] | None:
        n_hidden = len(self._hidden_sizes())
        rates = getattr(self, "dropout", 0.0)
        if isinstance(rates, numbers.Real) or np.ndim(rates) == 0:
            rates = [check("dropout", rates)] * n_hidden  # a 0-d array: refused by name
        else:
            rates = _names_or_values("dropout", rates, n_hidden, "one rate")
        for rate in rates:
            check("dropout", rate)
        return None if not any(rates) else [1.0 - rate for rate in rates]

    def _validate_hyperparameters(self) -> None:
        """Check every hyper-parameter against the table :data:`nnscratch._params.PARAMETERS`.

        Raises
        ------
        InvalidParameterError
            A ``ValueError`` naming the parameter, its value and what it accepts.
        """
        for name, value in self.get_params(deep=False).items():
            if name == "callbacks":
                _check_callbacks(value)
            elif name == "verbose" and not isinstance(value, (bool, np.bool_)):
                # 0, 1, 2 as scikit-learn's estimators take it
                if not isinstance(value, numbers.Integral) or value < 0:
                    _fail(name, value, "give True or False, or an integer >= 0 as "
                          "scikit-learn's verbose (0 is off)")
            elif not PARAMETERS[name].per_layer:  # those are checked layer by layer below
                check(name, value)
        for size in self._hidden_sizes():
            check("hidden_layer_sizes", size, shown="each of hidden_layer_sizes")
        names = self._init_names()
        for name in [names] if isinstance(names, str) else names:
            check("init", name)
        for name in self._activation_names():
            check("activation", name)
        self._keep_probs()

    def __sklearn_is_fitted__(self) -> bool:
        """Fitted once it has weights (a ``fit`` refused half-way leaves none)."""
        return hasattr(self, "params_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # scipy.sparse X: sparse products (docs/sparse.md)
        return tags

    def set_params(self, **params):
        """Set hyper-parameters (scikit-learn's ``set_params``); an unknown name is
        refused in one line, with the nearest known one."""
        try:
            return super().set_params(**params)
        except ValueError as exc:
            unknown = re.match(r"Invalid parameter '([^']*)'", str(exc))
            if unknown is None:
                raise
            valid = sorted(self.get_params(deep=False))
            raise ValueError(
                f"Invalid parameter {unknown[1]!r} for {type(self).__name__}"
                + (_did_you_mean(unknown[1], valid) or f"; valid parameters: "
                   f"{', '.join(valid)}")) from None
        except AttributeError:  # callbacks__x: scikit-learn asks the list for set_params
            nested = next((k for k in params if "__" in k), None)
            if nested is None:
                raise
            raise ValueError(
                f"Invalid parameter {nested!r} for {type(self).__name__}: "
                f"{nested.split('__')[0]} has no parameters of its own to set; set "
                f"{nested.split('__')[0]}=... as a whole") from None

    def set_callbacks(self, *callbacks):
        """Set scikit-learn callbacks (``sklearn.callback``), such as ``ProgressBar``
        and ``ScoringMonitor``.

        scikit-learn's callback protocol is experimental; this was tested with
        scikit-learn 1.9.1. A fit is one task with one subtask per epoch
        (``max_subtasks=max_iter``); ``ScoringMonitor`` scores the weights at the end
        of each epoch, and a callback's ``on_fit_task_end`` returning True stops
        training. Meta-estimators such as ``GridSearchCV`` propagate their callbacks.
        The library's own ``callbacks`` parameter works beside them.

        Parameters
        ----------
        *callbacks : objects following ``sklearn.callback.FitCallback``
            ``set_callbacks()``, with none, clears them.

        Returns
        -------
        self

        Raises
        ------
        ImportError
            Where scikit-learn has no ``sklearn.callback`` (before 1.9).
        TypeError
            Not a scikit-learn callback; one of :mod:`nnscratch.callbacks` is named
            with where it goes instead (``callbacks=[...]``).
        """
        ours = [c for c in callbacks if isinstance(c, Callback)]
        if ours:
            name = type(ours[0]).__name__
            raise TypeError(
                f"set_callbacks takes scikit-learn callbacks (sklearn.callback), and "
                f"{name} is an nnscratch callback: give it as the callbacks parameter "
                f"instead, set_params(callbacks=[{name}(...)])."
            )
        return super().set_callbacks(*callbacks)

    # ------------------------------------------------------------------- fitting

    def _encode_labels(self, y, classes=None, continued_by="partial_fit") -> np.ndarray:
        """Set ``classes_`` (first fit) or map ``y`` onto it (continued training by
        ``continued_by``: ``"partial_fit"`` or ``"warm_start"``)."""
        check_classification_targets(y)
        if classes is None:
            classes, y_index = np.unique(y, return_inverse=True)
            if len(classes) < 2:
                raise ValueError(
                    f"y contains only one class ({_py(classes[0])!r}): a classifier needs "
                    "examples of at least 2 classes."
                )
            self.classes_ = classes
            return y_index
        unseen = np.setdiff1d(y, classes)
        if len(unseen) and continued_by == "warm_start":
            raise ValueError(
                f"y contains labels {unseen[:5].tolist()} that are not in classes_ "
                f"{classes.tolist()} of the model that warm_start=True continues, which "
                "cannot learn new classes; set warm_start=False to train a new model on "
                "all of them."
            )
        if len(unseen):  # the model came from fit() or from a first partial_fit()
            raise ValueError(
                f"y contains labels {unseen[:5].tolist()} that are not in classes_ "
                f"{classes.tolist()}, the classes the model was first trained on, and "
                "partial_fit cannot add classes; train on every class with fit(), or "
                "list them all in the first call, partial_fit(X, y, classes=[...])."
            )
        return np.searchsorted(classes, y)

    def _targets(self, y_index: np.ndarray, dtype) -> np.ndarray:
        """``Y`` in the seeds' layout: ``(1, m)`` of 0/1, or ``(K, m)`` one-hot columns."""
        K = len(self.classes_)
        if K == 2:
            return y_index.reshape(1, -1).astype(dtype)
        Y = np.zeros((K, len(y_index)), dtype=dtype)
        Y[y_index, np.arange(len(y_index))] = 1
        return Y

    def _callbacks(self, early_stopping: bool = True
                   ) -> tuple[History, EarlyStopping | None, CallbackList]:
        history = History(self.cost_every)
        stopper = None
        callbacks: list[Callback] = [history]
        if self.early_stopping and early_stopping:
            stopper = EarlyStopping("val_score", self.n_iter_no_change, self.tol)
            callbacks.append(stopper)
        if self.verbose:
            if sys.stderr.isatty():
                callbacks.append(ProgressBar())
            else:
                callbacks.append(_CostPrinter(self.cost_every))
        callbacks.extend(CallbackList(self.callbacks))  # None, one callback or a list
        return history, stopper, CallbackList(callbacks)

    def fit(self, X, y, sample_weight=None, X_val=None, y_val=None):
        """Train the network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data is trained in float32 without a copy;
            anything else is converted to float64. A ``scipy.sparse`` matrix or array
            (any format; CSR is used as it is, others are converted to CSR) is never
            made dense: the first layer's products are sparse (docs/sparse.md).
        y : array-like of shape (n_samples,)
            Class labels (numbers or strings), two classes or more.
        sample_weight : array-like of shape (n_samples,), optional
            Weight of each example in the cost (integer weights are equivalent to
            repeating rows, except with ``class_weight="balanced"``, whose class
            frequencies count rows, as scikit-learn's do). Multiplies the weights of
            ``class_weight``.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), optional
            A validation set of one's own (as scikit-learn's
            ``HistGradientBoostingClassifier`` takes it): its cross-entropy and
            accuracy are recorded after every epoch in ``validation_losses_`` and
            ``validation_scores_``, and ``early_stopping`` monitors its accuracy
            instead of setting aside ``validation_fraction`` of ``X`` (the weights of
            the best epoch are restored). Requires ``y_val``.
        y_val : array-like of shape (n_val,), optional
            Its labels, all among the classes of ``y``.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            ``X_val`` without ``y_val`` (or the other way round), ``X_val`` with another
            number of features than ``X``, lengths that differ, labels in ``y_val``
            that ``y`` does not have, or a missing label (None, NaN, ``pd.NA``) in ``y``
            or ``y_val``. A learning-rate schedule that decays to 0 within
            ``max_iter`` (an ``InvalidParameterError``), before training.
        NonFiniteWeightsError
            Training diverged: a cost not finite or beyond 1e300 (the most a model
            file holds), or RMSProp's or Adam's average of the squared gradients
            overflowing. The estimator is left as it was before the call.
        OutputOverflowError
            The network's outputs (or cost) overflow with the initial weights, before
            any step: the features' values are too large for the data's dtype.
        """
        with _training(self, "fit"):
            warm = self.warm_start and hasattr(self, "params_")
            return self._fit(X, y, sample_weight, self.max_iter, continue_=warm,
                             validation=True, X_val=X_val, y_val=y_val)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One pass (one epoch) over the given data, continuing from the current state.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like, optional
            All the classes that will ever be seen; required on the first call
            (later batches may lack some classes). Later calls may leave it out or
            give the same classes; other classes are refused.
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self

        Notes
        -----
        As in scikit-learn's ``MLPClassifier``, ``early_stopping`` is not used by
        ``partial_fit``: there is no validation set to monitor (``fit`` sets one aside,
        or takes ``X_val``); each call is one epoch of the data it is given. A call that
        is refused (classes, shapes, labels) leaves the estimator as it was.

        As in scikit-learn's ``SGDClassifier``, ``class_weight="balanced"`` is refused:
        one batch's class counts are not the data's. Give a dict computed once from
        all the labels (``sklearn.utils.class_weight.compute_class_weight``);
        :func:`nnscratch.streaming.fit_streaming` does this itself.
        """
        with _training(self, "partial_fit"):
            return self._partial_fit(X, y, classes, sample_weight)

    def _partial_fit(self, X, y, classes, sample_weight):
        """:meth:`partial_fit`, the estimator marked as being trained."""
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit: each batch "
                "would be balanced by its own class counts, not the data's; give a dict "
                "computed once from all the labels, class_weight=dict(zip(classes, "
                "sklearn.utils.class_weight.compute_class_weight('balanced', "
                "classes=classes, y=y_all))), or use nnscratch.streaming.fit_streaming."
            )
        if classes is not None:
            classes = _partial_fit_classes(classes)
        if not hasattr(self, "params_"):
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            if len(classes) < 2:
                raise ValueError("classes must hold at least 2 classes.")
            return self._fit(X, y, sample_weight, 1, continue_=False, validation=False,
                             classes=classes)
        if classes is not None and not (len(classes) == len(self.classes_)
                                        and np.array_equal(classes, self.classes_)):
            raise ValueError(
                f"classes={classes.tolist()} is not the same as on the first call to "
                f"partial_fit: the model's classes_ are {self.classes_.tolist()}; pass "
                "the same classes, or leave classes out after the first call."
            )
        return self._fit(X, y, sample_weight, 1, continue_=True, validation=False)

    @with_callbacks
    def _fit(self, X, y, sample_weight, max_iter, *, continue_, validation, classes=None,
             X_val=None, y_val=None):
        """Train; a call that raises leaves the estimator as it was before it, a
        continued training (``warm_start``, ``partial_fit``) whose epochs had begun
        included: a diverging run, or a callback that raises, does not spoil the model
        it continued. A KeyboardInterrupt too: one before the first epoch (the set-up,
        a callback's ``on_train_begin``) leaves the model it had, or none, instead of
        random initial weights that looked fitted (one during the epochs is not raised:
        the loop keeps the weights so far, ``interrupted_``)."""
        before = dict(vars(self))
        # Continued training updates the weights, the optimizer's state and the generator
        # in place: copies of them (one deepcopy, so that what they share stays shared)
        # to put back if the call raises.
        in_place = (copy.deepcopy({k: before[k] for k in ("params_", "optimizer_", "_rng")
                                   if k in before}) if continue_ else {})
        started: list[bool] = []
        try:
            return self._fit_unguarded(X, y, sample_weight, max_iter, continue_=continue_,
                                       validation=validation, classes=classes,
                                       X_val=X_val, y_val=y_val, started=started)
        except BaseException:
            # ... all but scikit-learn's callback state, which its with_callbacks reads
            # after this to tear the callbacks down (a ProgressBar's threads)
            keep = {k: v for k, v in vars(self).items() if k in _SKLEARN_FIT_STATE}
            vars(self).clear()
            vars(self).update(before)
            if started:
                vars(self).update(in_place)
            vars(self).update(keep)
            raise

    def _refuse_vanishing_rate(self, schedule, first: int, n: int) -> None:
        """A learning-rate schedule that reaches 0 (float64 underflow) within the ``n``
        iterations from ``first`` is refused in one line before training
        (:func:`nnscratch.training.vanishing_rate`), rather than clamped at the smallest
        float: no step of such a size would change a weight, and training on in vain
        would hide the settings' mistake (``fit_streaming`` asks too, for its epochs)."""
        zero = vanishing_rate(schedule, self.learning_rate, first, n)
        if zero is None:
            return
        interval = (f" every decay_interval={self.decay_interval}"
                    if self.learning_rate_schedule == "step" else "")
        raise InvalidParameterError(
            f"learning_rate={self.learning_rate:g} falls to 0 (below the smallest "
            f"float) by iteration {zero} under learning_rate_schedule="
            f"{self.learning_rate_schedule!r} with decay_rate={self.decay_rate:g}{interval}, "
            f"and this run goes on to iteration {first + n - 1}: raise learning_rate or "
            "lower decay_rate")

    def _refuse_other_architecture(self, params, validation):
        """Continuing training keeps the model's layers: hidden_layer_sizes changed since
        (``set_params``) would be silently ignored, so it is refused by name."""
        L = len(params) // 2
        trained = tuple(int(params[f"W{l}"].shape[0]) for l in range(1, L))
        wanted = tuple(int(n) for n in self._hidden_sizes())
        if trained != wanted:
            by = "warm_start=True" if validation else "partial_fit"
            raise ValueError(
                f"hidden_layer_sizes={wanted} but the model that {by} continues has "
                f"hidden layers {trained}; set hidden_layer_sizes back to {trained}, or "
                + ("set warm_start=False to train a new model."
                   if validation else "train a new estimator.")
            )

    def _check_fit_data(self, X, y):
        """Refuse ``X`` and ``y`` as ``fit`` would (NaN, shapes, one class), without
        training and leaving ``self`` as it is: for a search, before its first fit.

        Returns
        -------
        y : the labels as fit reads them (:func:`_checked_labels`): integers held in
            an object array as an integer array, else ``y`` as given.
        """
        probe = clone(self)
        _refuse_course_layout(X, y)
        y = _checked_labels(y, "y")
        _refuse_dates(X, "X")
        _, y_checked = validate_data(probe, _native_floats(X), y, dtype=list(FLOAT_DTYPES),
                                     accept_sparse="csr")
        probe._encode_labels(y_checked, None, continued_by="warm_start")
        return y

    def _check_fit_labels(self, y):
        """Refuse labels ``y`` as ``fit`` would (missing, mixed, continuous, 2-D),
        without ``X`` (a search checks them before its folds, and its raw input is
        preprocessed fold by fold) and leaving ``self`` as it is. A single class is
        left to the caller (the search's folds say it in their words).

        Returns
        -------
        y : as :meth:`_check_fit_data` returns it.
        """
        y = _checked_labels(y, "y")
        n = _shape(y)
        if n and n[0] == 0:
            raise ValueError("y is empty: give one label per example.")
        # one valid row for each label: validate_data's checks of y alone, in its words
        X = np.zeros((n[0] if n else 1, 1))
        _, y_checked = validate_data(clone(self), X, y, dtype=list(FLOAT_DTYPES))
        check_classification_targets(y_checked)
        return y

    def _fit_unguarded(self, X, y, sample_weight, max_iter, *, continue_, validation,
                       classes, X_val, y_val, started):
        self._validate_hyperparameters()
        _refuse_course_layout(X, y)
        if (X_val is None) != (y_val is None):
            raise ValueError(
                "X_val and y_val go together: pass both (a validation set and its labels) "
                "or neither."
            )
        y = _checked_labels(y, "y")
        _refuse_dates(X, "X")
        X_given = X
        X, y = validate_data(self, _native_floats(X), y, dtype=list(FLOAT_DTYPES),
                             reset=not continue_,
                             accept_sparse="csr")  # any sparse format: CSR, not dense
        if continue_:
            X = _in_dtype(X, self.params_["W1"].dtype, "X", "the dtype of the model being "
                          "continued, which was trained on it")
        if classes is not None:  # partial_fit's first call
            self.classes_ = classes
        y_index = self._encode_labels(
            y, self.classes_ if continue_ or classes is not None else None,
            continued_by="partial_fit" if not validation else "warm_start")
        weights = None
        if sample_weight is not None or self.class_weight is not None:
            weights = np.ones(len(y)) if sample_weight is None else _weights_checked(
                sample_weight, X)
            if self.class_weight is not None:
                _check_class_weight(self.class_weight, self.classes_)
                weights = weights * compute_sample_weight(self.class_weight, y)
            with np.errstate(over="ignore"):  # a sum beyond float64: _weights_in_dtype
                positive = weights.sum() > 0
            if not positive:
                if sample_weight is None:  # the class weights alone gave every example 0
                    raise ValueError("the sample weights sum to zero: class_weight gives "
                                     "every class of the data weight 0; give some classes "
                                     "weight.")
                raise ValueError("the sample weights sum to zero: give some examples weight"
                                 + (" (sample_weight times class_weight)."
                                    if self.class_weight is not None else "."))
            weights = _weights_in_dtype(weights, X.dtype)

        K = len(self.classes_)
        output = "sigmoid" if K == 2 else "softmax"
        if continue_:
            params = self.params_
            self._refuse_other_architecture(params, validation)
            optimizer = self._continued_optimizer()
            rng = getattr(self, "_rng", None) or check_random_state(self.random_state)
            optimizer.learning_rate = self.learning_rate
            for name in ("loss_curve_", "costs_", "validation_scores_", "validation_losses_"):
                setattr(self, name, list(getattr(self, name, [])))
            self.n_iter_ = getattr(self, "n_iter_", len(self.loss_curve_))
            self.best_validation_score_ = getattr(self, "best_validation_score_", None)
        else:
            rng = check_random_state(self.random_state)
            vars(self).pop("_split_seed", None)  # a new model: a split of its own
            layer_dims = [X.shape[1], *self._hidden_sizes(), 1 if K == 2 else K]
            _refuse_weights_beyond_memory(layer_dims, X.dtype)
            try:
                params = initialize_parameters(layer_dims, self._init_names(), rng, X.dtype)
            except MemoryError:
                raise WeightsTooLargeError(_weights_words(layer_dims, X.dtype) + ", more than "
                                           "this machine could allocate now; use fewer "
                                           "units") from None
            params = arrange_weights(params, self.batch_size, X.shape[0], sp.issparse(X))
            optimizer = self._make_optimizer()
            self.n_iter_ = 0
            self.loss_curve_, self.costs_ = [], []
            self.validation_scores_, self.validation_losses_ = [], []
            self.best_validation_score_ = None
        schedule = make_schedule(self.learning_rate_schedule, self.decay_rate,
                                 self.decay_interval)
        self._refuse_vanishing_rate(schedule, self.n_iter_, max_iter)

        Y_val = val_weight = None
        train_index = slice(None)
        if X_val is not None:
            X_val, Y_val = self._validation_data(X_val, y_val, X.dtype)
        elif validation and self.early_stopping:
            train_index, val_index = self._validation_split(y_index, rng)
            X_val = X[val_index].T
            Y_val = self._targets(y_index[val_index], X.dtype)
            if weights is not None:
                # the held-out rows keep their weights (as scikit-learn's MLPClassifier
                # keeps sample_weight's): rows of weight 0, or class weights undone by
                # plain accuracy, decided when to stop and which epoch to keep
                val_weight = weights[val_index]
                if not val_weight.any():
                    raise ValueError(
                        "the examples early stopping set aside for validation all weigh "
                        "zero: give more examples weight, or pass a validation set of "
                        "your own (X_val, y_val)")
                weights = weights[train_index]
                if not weights.any():
                    raise ValueError(
                        "the examples left for training after early stopping's validation "
                        "split all weigh zero: give more examples weight, or pass a "
                        "validation set of your own (X_val, y_val)")
        problem = Problem(
            X=X.T,  # the seeds' (n_x, m) layout: a view, no copy
            rows=None if isinstance(train_index, slice) else train_index,
            Y=self._targets(y_index[train_index], X.dtype),
            sample_weight=weights,
            activations=self._activations(params),
            output=output,
            alpha=float(self.alpha),
            keep_probs=self._keep_probs(),
            X_val=X_val,
            Y_val=Y_val,
            val_weight=val_weight,
        )
        # early stopping needs a validation set: fit's own, not partial_fit's (as in
        # scikit-learn, partial_fit does not use it)
        history, stopper, callbacks = self._callbacks(early_stopping=validation)
        # n_iter_ and the curves (new lists above: a failed call puts the old ones back
        # untouched) grow epoch by epoch
        callbacks.callbacks.insert(1, _Learnt(history))  # right after the History
        start = None
        if continue_ and stopper is not None:
            # the weights a warm_start fit begins with are a candidate of its early
            # stopping: its epochs all scoring below them, it ended worse than it began
            # (0.8325 after 0.8475, the same X_val), as scikit-learn's does not
            ZL = forward_logits(problem.X_val, params, problem.activations, name="X_val")
            start = (_accuracy(ZL, problem.Y_val, problem.val_weight),
                     {k: v.copy() for k, v in params.items()})
        self._check_monitors(
            has_validation=X_val is not None,
            without=("this fit has none: give fit X_val= and y_val=, or set early_stopping="
                     "True to set aside validation_fraction of X" if validation
                     else "partial_fit has none"))
        context = None
        if has_callbacks(self):  # scikit-learn's: one task, one subtask per epoch
            context = self._init_callback_context(max_subtasks=max_iter)
            # the callbacks score the fitted estimator on X: a frame as it was given,
            # with its column names (the array warned "X does not have valid feature
            # names" on every epoch)
            X_seen = X_given if hasattr(self, "feature_names_in_") else X
            metadata = None if sample_weight is None else {"sample_weight": sample_weight}
            context.call_on_fit_task_begin(estimator=self, X=X_seen, y=y, metadata=metadata)
            if getattr(self, "_skl_callbacks", None):  # else only a meta-estimator's tree
                callbacks.callbacks.append(EpochTasks(context, X_seen, y, metadata))
        # While training, params_ is a view that the callbacks read the live weights
        # through; afterwards the plain dict of the same arrays.
        live = LiveWeights(params)
        self.params_, self.optimizer_, self._rng = live, optimizer, rng
        started.append(True)
        try:
            result = train(
                problem, live, optimizer, max_iter=max_iter, batch_size=self.batch_size,
                shuffle=self.shuffle, rng=rng,
                schedule=schedule, learning_rate_init=self.learning_rate,
                callbacks=callbacks.bind(self),
                first_iteration=self.n_iter_, algorithm=self.algorithm,
                fixed_weights=not self.callbacks,
            )
        finally:
            self.params_ = params
        self.interrupted_ = result.interrupted  # n_iter_ and the curves: _Learnt
        if stopper is not None and stopper.best_iteration_ is not None:
            self.best_validation_score_ = stopper.best_score_
        if start is not None and not stopper.best_score_ > start[0]:
            for k, v in start[1].items():  # no epoch beat the weights it began with
                np.copyto(params[k], v)
            self.best_validation_score_ = start[0]
        if not (result.stopped_early or result.interrupted):  # a run that ended itself
            rose = _climbing_cost(history.loss_curve, self.learning_rate, alpha=self.alpha)
            if rose:
                from .exceptions import ConvergenceWarning

                warnings.warn(f"{type(self).__name__}: {rose}", ConvergenceWarning,
                              stacklevel=_user_stacklevel())
        if context is not None:
            context.call_on_fit_task_end(estimator=self, X=X_seen, y=y, metadata=metadata,
                                         reconstruction_attributes={})
        return self

    def _check_monitors(self, has_validation: bool, without: str) -> None:
        """A callback of one's own monitoring ``val_score`` or ``val_loss`` in a run
        without a validation set, or a key the training loop never logs, is refused
        before the first epoch (it failed at the end of the first, however long). A key
        the loop does not log passes where a callback of the user's own could add it to
        the logs before the EarlyStopping reads them. ``without`` says, after "needs a
        validation set, and", why this run has none and where one comes from.

        Raises
        ------
        ValueError
            Naming the callback, what it monitors and where a validation set comes
            from, or the keys the loop logs.
        """
        callbacks = CallbackList(self.callbacks).callbacks
        ours_only = all(type(cb) in (History, ProgressBar, EarlyStopping) for cb in callbacks)
        for callback in callbacks:
            if not isinstance(callback, EarlyStopping):
                continue
            monitor = callback.monitor
            if monitor not in EarlyStopping.LOGGED and ours_only:
                raise ValueError(
                    f"callbacks: EarlyStopping(monitor={monitor!r}) monitors a value the "
                    f"training loop does not log; it logs "
                    f"{', '.join(EarlyStopping.LOGGED)}"
                    f"{_did_you_mean(monitor, EarlyStopping.LOGGED)}"
                )
            if monitor in ("val_loss", "val_score") and not has_validation:
                raise ValueError(
                    f"callbacks: EarlyStopping(monitor={monitor!r}) needs a validation set, "
                    f"and {without}; or monitor 'cost'."
                )

    def _validation_data(self, X_val, y_val, dtype) -> tuple[np.ndarray, np.ndarray]:
        """``X_val`` in the seeds' layout (a view) and ``Y_val`` as the targets.

        Raises
        ------
        ValueError
            One line naming what does not fit the training data.
        """
        shape = _shape(X_val)
        if shape is not None and len(shape) == 2 and shape[0] == 0:
            raise ValueError(
                f"X_val is empty (shape {shape}): give at least one validation example, "
                "or leave X_val and y_val out."
            )
        _check_validation_columns(self, X_val)
        _refuse_dates(X_val, "X_val")
        X_val = check_array(_native_floats(X_val), dtype=list(FLOAT_DTYPES),
                            input_name="X_val", accept_sparse="csr")
        if X_val.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X_val has {X_val.shape[1]} features but X has {self.n_features_in_}: "
                "the validation set must have the training data's columns."
            )
        y_val = _checked_labels(y_val, "y_val", numbers_too=True)
        try:
            y_val = column_or_1d(y_val, warn=True)
        except ValueError as exc:  # scikit-learn's message names y
            text = str(exc)
            if text.startswith("Complex data not supported"):
                raise ValueError(_labels_not_complex("y_val")) from None
            shape = _shape(y_val)
            raise ValueError(
                "y_val must hold one label per validation example, shape (n_val,); got "
                + (f"shape {shape}." if shape is not None else
                   "lists of different lengths.")
            ) from None
        if len(y_val) != X_val.shape[0]:
            raise ValueError(
                f"X_val has {X_val.shape[0]} rows but y_val has {len(y_val)} labels; "
                "give one label per validation example."
            )
        unseen = np.setdiff1d(y_val, self.classes_)
        if len(unseen):
            raise ValueError(
                f"y_val contains labels {unseen[:5].tolist()} that are not among the classes "
                f"of y {self.classes_.tolist()}; the model cannot predict them."
            )
        Y_val = self._targets(np.searchsorted(self.classes_, y_val), dtype)
        return _in_dtype(X_val, dtype, "X_val", "the dtype of the training data").T, Y_val

    def _continued_optimizer(self):
        """The optimizer that continued training steps with: ``optimizer_`` with its state
        and the current ``momentum``, ``beta_1``, ``beta_2``, ``epsilon`` (changed by
        ``set_params`` since, they were silently ignored), or a new one where there is
        none (a model read from a file) or ``solver`` has changed (no state carries over
        from one rule to another)."""
        optimizer = getattr(self, "optimizer_", None)
        if optimizer is None or optimizer.name != self.solver:
            return self._make_optimizer()
        for arg, source in optimizer.estimator_params.items():
            setattr(optimizer, arg, check(source, getattr(self, source)))
        return optimizer

    def _make_optimizer(self):
        return make_optimizer(self.solver, self.learning_rate, momentum=self.momentum,
                              beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)

    def _validation_split(self, y_index, rng):
        counts = np.bincount(y_index, minlength=len(self.classes_))
        if counts.min() < 2:  # no validation_fraction can split such a class
            rare = self.classes_[int(np.argmin(counts))]
            rare = rare.item() if isinstance(rare, np.generic) else rare
            raise ValueError(
                f"early_stopping could not set aside a stratified validation_fraction="
                f"{self.validation_fraction} of {len(y_index)} examples (class {rare!r} "
                f"has {counts.min()} example; a stratified split needs 2 of each class); "
                "add examples of that class, or turn early_stopping off."
            )
        # train_test_split's own counts, said here in words (its "The test_size = 1
        # should be greater or equal to the number of classes = 2" would pass through)
        n_classes, n_val = len(counts), math.ceil(self.validation_fraction * len(y_index))
        n_train = len(y_index) - n_val
        if min(n_val, n_train) < n_classes:
            part, size = ("validation", n_val) if n_val < n_classes else ("training", n_train)
            change = "larger" if part == "validation" else "smaller"
            raise ValueError(
                f"early_stopping could not set aside a stratified validation_fraction="
                f"{self.validation_fraction} of {len(y_index)} examples (it leaves {size} "
                f"{part} example{'s' * (size != 1)} for {n_classes} classes, which need one "
                f"each); use more data or a {change} validation_fraction, or turn "
                "early_stopping off."
            )
        # A warm_start fit holds out what the fit it continues held out (the same seed:
        # the same rows of the same data): drawn again, it validated on rows that fit
        # had trained on (88 of 100)
        seed = getattr(self, "_split_seed", None)
        if seed is None:
            seed = self._split_seed = _draw_seed(rng)
        try:
            train, val = train_test_split(
                np.arange(len(y_index)), test_size=self.validation_fraction,
                stratify=y_index, random_state=seed,
            )
            return np.sort(train), np.sort(val)  # in the data's order: faster gathers
        except ValueError as error:
            raise ValueError(
                f"early_stopping could not set aside a stratified validation_fraction="
                f"{self.validation_fraction} of {len(y_index)} examples ({error}); use "
                "more data or a larger validation_fraction, or turn early_stopping off."
            ) from None

    # -------------------------------------------------------------- fitted state

    #: 1-D float histories a model file keeps beside the parameters (``<key>_`` here).
    _HISTORIES = ("costs", "loss_curve", "validation_scores", "validation_losses")
    #: The JSON settings of :meth:`_get_fitted_state`; the first seven are always given.
    _STATE_SETTINGS = ("hyperparameters", "classes", "classes_kind", "n_iter",
                       "n_features_in", "n_layers", "best_validation_score",
                       "class_weight_by_class", "feature_names_in", "classes_dtype",
                       "split_seed", "interrupted")

    def _get_fitted_state(self) -> dict[str, Any]:
        """What a model file must hold to give this fitted estimator back.

        Returns
        -------
        state : dict
            ``state["arrays"]``: ``W1``, ``b1``, ..., ``WL``, ``bL`` as trained (the
            seeds' shapes, float32 or float64, in their own memory order so that a
            reloaded model computes exactly the same products) and the histories
            ``costs``, ``loss_curve``, ``validation_scores``, ``validation_losses``
            (1-D float64). ``state["settings"]``: JSON-able values only:
            ``hyperparameters`` (those of :data:`nnscratch._params.PARAMETERS` marked
            ``stored`` whose value is a JSON scalar or flat list), ``classes`` and
            ``classes_kind``, ``n_iter``, ``n_features_in``, ``n_layers``,
            ``best_validation_score``, for a dict ``class_weight``,
            ``class_weight_by_class`` (one weight per class: JSON keys could not hold
            the classes), for a model trained on a DataFrame, ``feature_names_in``
            (its column names, which predictions check the columns against), and
            ``classes_dtype`` where the classes' dtype is not the one their kind gives
            back (int8 labels, strings in an object array: see ``_CLASS_DTYPES``).

        Raises
        ------
        ValueError
            Not fitted, or classes or class weights that JSON cannot hold.
        """
        if not hasattr(self, "params_"):
            raise ValueError("the estimator is not fitted; call fit(X, y) before save()")
        hyper = {}
        for key, value in self.get_params(deep=False).items():
            if not PARAMETERS[key].stored:
                continue
            ok, jv = _json_value(value)
            if ok:
                hyper[key] = jv
            elif not (key == "random_state" or (key == "class_weight"
                                                and isinstance(value, dict))):
                # a generator random_state is saved as null (documented); a dict
                # class_weight as class_weight_by_class; nothing else is dropped
                raise ValueError(
                    f"cannot save {key}={value!r}: a model file holds numbers, strings, "
                    f"booleans, None and flat lists of them; set {key} to such a value "
                    "(e.g. a tuple of plain numbers) and fit again")
        classes_kind, classes = _classes_to_json(self.classes_)
        n_layers = len(self.params_) // 2
        arrays: dict[str, np.ndarray] = {}
        for l in range(1, n_layers + 1):
            arrays[f"W{l}"] = np.asarray(self.params_[f"W{l}"])
            arrays[f"b{l}"] = np.asarray(self.params_[f"b{l}"])
        for key in self._HISTORIES:
            arrays[key] = np.asarray(getattr(self, key + "_", []), dtype=np.float64).ravel()
        best = getattr(self, "best_validation_score_", None)
        best = None if best is None or not math.isfinite(float(best)) else float(best)
        settings = {
            "hyperparameters": hyper,
            "classes": classes,
            "classes_kind": classes_kind,
            "n_iter": int(getattr(self, "n_iter_", 0)),
            "n_features_in": int(self.n_features_in_),
            "n_layers": n_layers,
            "best_validation_score": best,
        }
        by_class = self._class_weight_to_json()
        if by_class is not None:
            settings["class_weight_by_class"] = by_class
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            settings["feature_names_in"] = [str(n) for n in names]
        dtype = np.asarray(self.classes_).dtype.name
        if dtype in _CLASS_DTYPES[classes_kind]:
            settings["classes_dtype"] = dtype  # predictions keep the labels' dtype
        seed = getattr(self, "_split_seed", None)
        if seed is not None:  # a warm_start fit after load holds out the same rows
            settings["split_seed"] = int(seed)
        settings["interrupted"] = bool(getattr(self, "interrupted_", False))
        return {"arrays": arrays, "settings": settings}

    def _set_fitted_state(self, state: dict[str, Any]) -> _BaseNetwork:
        """Take back what :meth:`_get_fitted_state` gave, checking every value first.

        The hyper-parameters go through the table's checks, the classes through their
        kind, and the parameters' shapes must chain from ``n_features_in`` to the
        output layer of ``classes``. Nothing is set unless everything passes. Meant for
        the model-file codec (:mod:`nnscratch.persistence`), which has already checked
        that the arrays are float32/float64, finite and 2-D (parameters) or 1-D
        (histories).

        Parameters
        ----------
        state : dict
            ``{"arrays": {...}, "settings": {...}}`` as :meth:`_get_fitted_state`.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            Whatever does not fit, in one line.
        """
        arrays, settings = state["arrays"], state["settings"]
        unknown = set(settings) - set(self._STATE_SETTINGS)
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}")
        _check_layers(arrays, settings, type(self).__name__)
        classes = _classes_from_json(settings)
        params = self._hyperparameters_from_json(settings["hyperparameters"])
        class_weight = _class_weight_from_json(settings, classes)
        if class_weight is not None:
            params["class_weight"] = class_weight
        best = settings.get("best_validation_score")
        if best is not None and not (isinstance(best, (int, float))
                                     and not isinstance(best, bool) and 0 <= best <= 1):
            raise ValueError("best_validation_score must be an accuracy from 0 to 1, or null")
        names = settings.get("feature_names_in")
        if names is not None and not (
                isinstance(names, list) and len(names) == settings["n_features_in"]
                and all(isinstance(n, str) for n in names)):
            raise ValueError("feature_names_in must be one string per feature or null")
        seed = settings.get("split_seed")
        if seed is not None and not (_is_int(seed) and 0 <= seed < 2**31 - 1):
            raise ValueError("split_seed must be a whole number from 0 to 2**31 - 2, or "
                             "absent")
        interrupted = settings.get("interrupted", False)
        if not isinstance(interrupted, bool):
            raise ValueError("interrupted must be true or false")

        if hasattr(self, "_hidden_sizes"):  # a scalar or absent hidden_layer_sizes too
            hidden = list(type(self)(**params)._hidden_sizes())
            sizes = [arrays[f"W{l}"].shape[0] for l in range(1, settings["n_layers"])]
            if hidden != sizes:
                raise ValueError(f"hidden_layer_sizes {hidden} do not match the weights {sizes}")

        self.set_params(**params)
        n_layers = settings["n_layers"]
        self.params_ = {}
        for l in range(1, n_layers + 1):
            self.params_[f"W{l}"] = arrays[f"W{l}"]
            self.params_[f"b{l}"] = arrays[f"b{l}"]
        self.classes_ = classes
        self.n_features_in_ = settings["n_features_in"]
        if names is not None:  # as scikit-learn sets it: an object array of str
            self.feature_names_in_ = np.asarray(names, dtype=object)
        self.n_iter_ = settings["n_iter"]
        for key in self._HISTORIES:
            setattr(self, key + "_", [float(v) for v in arrays.get(key, np.zeros(0))])
        self.best_validation_score_ = None if best is None else float(best)
        self.interrupted_ = interrupted
        if seed is not None:
            self._split_seed = seed
        return self

    def _hyperparameters_from_json(self, hyper: Any) -> dict[str, Any]:
        """The stored hyper-parameters as constructor arguments, checked by the table."""
        if not isinstance(hyper, dict):
            # a model file's content: load() turns a ValueError into its one-line refusal
            raise ValueError("hyperparameters must be a JSON object")  # noqa: TRY004
        vocabulary = self.get_params(deep=False)
        name = type(self).__name__
        kwargs = {}
        for key, value in hyper.items():
            if key not in vocabulary or not PARAMETERS[key].stored:
                raise ValueError(f"unknown hyper-parameter {key!r} for {name}")
            if isinstance(value, dict) or (
                isinstance(value, list) and any(isinstance(v, (list, dict)) for v in value)
            ):
                raise ValueError(f"hyper-parameter {key!r} must be a scalar or a flat list")
            kwargs[key] = tuple(value) if isinstance(value, list) else value
        try:
            type(self)(**kwargs)._validate_hyperparameters()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"bad hyper-parameters ({' '.join(str(exc).split())})") from None
        return kwargs

    def _class_weight_to_json(self) -> list[float | None] | None:
        """A dict ``class_weight`` as one weight per class of ``classes_`` (None where
        the dict has none: such classes weigh 1)."""
        weights = self.get_params(deep=False).get("class_weight")
        if not isinstance(weights, dict):
            return None
        by_class = []
        for c in self.classes_:
            w = weights.get(c.item() if isinstance(c, np.generic) else c)
            ok, jv = _json_value(w)
            if not ok or isinstance(jv, (bool, str, list)):
                raise ValueError(f"class_weight[{c!r}] = {w!r} is not a finite number")
            by_class.append(jv)
        return by_class

    # ---------------------------------------------------------------- prediction

    def _logits(self, X) -> np.ndarray:
        check_is_fitted(self)
        # No pass over dense X besides the products: float32/float64 X is used as it is
        # (no copy), and its finiteness is checked on W1 X, chunk by chunk
        # (_check_input). Sparse X: scikit-learn checks its stored values (cheap).
        _refuse_dates(X, "X")
        X = validate_data(self, _native_floats(X), reset=False, dtype=list(FLOAT_DTYPES),
                          accept_sparse="csr", ensure_all_finite=sp.issparse(X))
        with _threads.for_network(self.params_, min(X.shape[0], _PREDICT_CHUNK)):
            return forward_logits(X.T, self.params_, self._activations(self.params_),
                                  chunk_size=_PREDICT_CHUNK, check_input=self._check_input)

    def _check_input(self, X_chunk: np.ndarray) -> None:
        """scikit-learn's error for a NaN or infinity in ``X`` (a chunk, ``(n_x, m)``)."""
        check_array(X_chunk.T, dtype=None, ensure_all_finite=True, input_name="X",
                    estimator=self)

    def _hidden_layer_index(self, layer: int | None) -> int:
        """The course's number ``l`` of hidden layer ``layer`` (the last for None).

        Raises
        ------
        ValueError
            No hidden layer, or ``layer`` out of range.
        """
        check_is_fitted(self)
        return _hidden_layer_number(layer, n_layers(self.params_) - 1, type(self).__name__)

    def hidden_layer_activations(self, X, layer: int | None = -1):
        """The activations of a hidden layer for new data: what the network learned.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        layer : int or None, default=-1
            Which hidden layer, in the course's numbering: ``1`` is the first hidden
            layer's ``A[1]``, up to ``L - 1``; negative values count from the last
            hidden layer (``-1`` is ``A[L-1]``, the features the output unit reads).
            None gives every hidden layer.

        Returns
        -------
        A : ndarray of shape (n_samples, n_l), or a list of them (``layer=None``)
            ``A[l]ᵀ``, computed as in prediction (no dropout). As in prediction, where
            a float32 model's activations of some examples overflow float32 (values
            near 1e38), those are computed again in float64, and ``A`` is float64.

        Raises
        ------
        ValueError
            A model without hidden layers (logistic regression), or a ``layer`` out of
            range.
        OutputOverflowError
            Some examples' activations overflow even float64 (values near 1e308), as
            :meth:`predict` refuses them: one line naming the first (``row X[i]``).
        """
        last = self._hidden_layer_index(layer)
        _refuse_dates(X, "X")
        X = validate_data(self, _native_floats(X), reset=False, dtype=list(FLOAT_DTYPES),
                          accept_sparse="csr")
        # Overflow is found from the results, as forward_logits finds it for prediction
        # (a NumPy RuntimeWarning and inf were handed on to the next step of a Pipeline)
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = self._hidden_forward(X.T, self.params_, last)
            given = outputs if layer is None else outputs[-1:]
            bad = np.flatnonzero(~np.logical_and.reduce(
                [np.isfinite(A).all(axis=0) for A in given]))
            if bad.size and outputs[-1].dtype != np.float64:
                params64 = {k: np.asarray(v, dtype=np.float64) for k, v in self.params_.items()}
                again = self._hidden_forward(X.T[:, bad].astype(np.float64), params64, last)
                outputs = [A.astype(np.float64) for A in outputs]
                for A, part in zip(outputs, again):
                    A[:, bad] = part
                given = again if layer is None else again[-1:]
                bad = bad[~np.logical_and.reduce([np.isfinite(A).all(axis=0) for A in given])]
        if bad.size:
            from .exceptions import OutputOverflowError

            more = f" (and {bad.size - 1:,} more)" if bad.size > 1 else ""
            raise OutputOverflowError(
                f"row X[{bad[0]}]{more} holds values too large for the network: its hidden "
                "layer's activations overflow float64; scale the features as the training "
                "data were scaled")
        outputs = [A.T for A in outputs]
        return outputs if layer is None else outputs[-1]

    def _hidden_forward(self, X, params, last: int) -> list:
        """The activations ``A[1]`` .. ``A[last]`` (each ``(n_l, m)``) of ``X`` (the
        seeds' ``(n_x, m)``, dense or sparse) through the network ``params``."""
        acts = self._activations(params)
        A, outputs = X, []
        for l in range(1, last + 1):
            W, b = params[f"W{l}"], params[f"b{l}"]
            if sp.issparse(A):  # the first layer on sparse rows: a sparse product
                A = acts[0].forward(left_product(W, A) + b)
            else:
                A, _ = linear_activation_forward(A, W, b, acts[l - 1])
            outputs.append(A)
        return outputs

    def decision_function(self, X) -> np.ndarray:
        """The output layer's logits.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        z : ndarray of shape (n_samples,) for two classes, else (n_samples, n_classes)
            With two classes, positive values predict ``classes_[1]`` and ``σ(z)`` is
            its probability; with more, the softmax of each row gives the
            probabilities.
        """
        ZL = self._logits(X)
        return ZL[0] if ZL.shape[0] == 1 else ZL.T

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``; each row sums to 1.
        """
        return _proba_of(self._logits(X))

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`, from the logits: finite where a
        probability rounds to 0 (``log σ(z) = -log(1 + e^{-z})``; the log of the
        rounded probability was ``-inf``)."""
        from scipy.special import log_expit, log_softmax

        ZL = self._logits(X)
        if ZL.shape[0] == 1:
            return np.column_stack([log_expit(-ZL[0]), log_expit(ZL[0])])
        return log_softmax(ZL, axis=0).T

    def predict(self, X) -> np.ndarray:
        """Predicted class labels.

        With two classes, ``classes_[1]`` where ``ŷ > 0.5`` (that is ``z > 0``), as in
        the seeds; with more, the class of the largest logit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        return self._labels_of(self._logits(X))

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy on ``(X, y)``: the (weighted) fraction of examples whose predicted
        class is ``y``'s, as scikit-learn's ``ClassifierMixin.score``.

        ``y`` and ``sample_weight`` are checked as ``fit`` checks them, before the
        predictions: a missing label (None, NaN, ``pd.NA``) gave a bare TypeError or a
        NumPy warning, and negative weights a weighted "accuracy" below 0 or above 1.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            The true labels.
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        score : float

        Raises
        ------
        ValueError
            One line: a missing label, labels that mix text and numbers, another
            number of labels than rows, weights that are negative, NaN, infinite or not
            one per example.
        """
        from sklearn.metrics import accuracy_score

        check_is_fitted(self)
        y = _checked_labels(y, "y", numbers_too=True)
        rows, labels = _shape(X), _shape(y)
        if rows and labels and rows[0] != labels[0]:
            raise ValueError(f"X has {rows[0]} rows but y has {labels[0]} labels: give one "
                             "label per example.")
        if sample_weight is not None:
            n = rows[0] if rows else labels[0] if labels else None
            if n is None:  # X's own error first (ragged, None, ...)
                n = len(self.predict(X))
            sample_weight = _weights_checked(sample_weight, np.empty((n, 0)))
        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)

    def _labels_of(self, ZL: np.ndarray) -> np.ndarray:
        """The classes that logits ``ZL`` (the seeds' ``(n_L, m)``) predict."""
        index = (ZL[0] > 0).astype(np.intp) if ZL.shape[0] == 1 else ZL.argmax(axis=0)
        return self.classes_[index]

    def _predict_with_proba(self, X) -> tuple[np.ndarray, np.ndarray]:
        """``(predict(X), predict_proba(X))`` from one forward pass."""
        ZL = self._logits(X)
        return self._labels_of(ZL), _proba_of(ZL)


def _proba_of(ZL: np.ndarray) -> np.ndarray:
    """Class probabilities, ``(m, n_classes)``, of logits ``ZL`` (``(n_L, m)``)."""
    if ZL.shape[0] == 1:
        return np.column_stack([expit(-ZL[0]), expit(ZL[0])])
    return softmax(ZL).T


# ------------------------------------------------------------------ fitted state as data


def _json_value(value: Any) -> tuple[bool, Any]:
    """(storable?, JSON form) of a hyper-parameter value: scalars, flat lists, None only.

    NumPy scalars and arrays, ranges and tuples become their plain JSON form (an array
    ``np.array(["tanh"])`` is the list ``["tanh"]``, a 0-d array its value), so that a
    reloaded model holds the same values; anything else is not storable."""
    if isinstance(value, np.ndarray):
        value = value.tolist()  # 0-d: a Python scalar; else nested lists of scalars
    elif isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool):
        return True, value
    if isinstance(value, str):
        return True, str(value)
    if isinstance(value, numbers.Integral):
        return True, int(value)
    if isinstance(value, numbers.Real):
        v = float(value)
        return (math.isfinite(v), v)
    if isinstance(value, (list, tuple, range)):
        out = []
        for v in value:
            ok, jv = _json_value(v)
            if not ok or isinstance(jv, list):
                return False, None
            out.append(jv)
        return True, out
    return False, None


def _hidden_layer_number(layer, n_hidden: int, owner: str, none_for_all: bool = True) -> int:
    """The course's number ``l`` of hidden layer ``layer`` (the last for None) of a
    network of ``n_hidden`` hidden layers; ``owner`` names the network's class, and
    ``none_for_all`` says whether None (every layer) is an answer to offer.

    Raises
    ------
    ValueError
        No hidden layer, or ``layer`` out of range.
    """
    if n_hidden == 0:
        raise ValueError(
            f"{owner} has no hidden layer (it is a logistic regression): use "
            "decision_function(X) for its output."
        )
    if layer is None:
        return n_hidden
    if isinstance(layer, bool) or not isinstance(layer, numbers.Integral) or not (
            1 <= layer <= n_hidden or -n_hidden <= layer <= -1):
        choices = (f"1 to {n_hidden} (the course's A[l]), -1 to -{n_hidden} from the last"
                   if n_hidden > 1 else "1 (the course's A[1], its only hidden layer) or -1")
        also = ", or None for all" if none_for_all else ""
        raise ValueError(
            f"layer={layer!r} is not a hidden layer of this network: give {choices}{also}."
        )
    return int(layer) if layer > 0 else n_hidden + 1 + int(layer)


def _py(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _climbing_cost(costs, learning_rate, option: str = "learning_rate", alpha=0.0,
                   alpha_option: str = "alpha") -> str | None:
    """What to say when a run ended at a much higher cost than it began with (over half
    as high again, and by more than 0.1): a learning rate too large for the weights to
    stay finite is refused (:class:`~nnscratch.exceptions.NonFiniteWeightsError`); one
    that only makes the cost climb gets this warning. None otherwise. ``option``: how
    the learning rate is set, in the words of the caller (``--learning-rate``); with an
    L2 term (``alpha > 0``, set by ``alpha_option``) a too strong penalty is named too.

    A run whose cost exploded on the way, to ten times the start's and more (and by more
    than 1), is said too, though it fell back by the end: ``[1.3e5, 1.1e9, 7e13, 3.7e20,
    2.6e14, 3.38]`` ended 5 times worse than a model that learnt nothing, and passed
    silently. The curve is read once, when the run has ended.
    """
    costs = [float(c) for c in costs]
    if len(costs) < 2:
        return None
    start, end = costs[0], costs[-1]
    peak = max(costs)
    if end > 1.5 * start and end - start > 0.1:
        rose = f"{end:.4g} at the end"
    elif peak > 10 * start and peak - start > 1:
        rose = (f"{peak:.4g} in epoch {costs.index(peak) + 1} of {len(costs)} (it ended at "
                f"{end:.4g})")
    else:
        return None
    now = (f" (it is {learning_rate:g})"
           if isinstance(learning_rate, (int, float)) and not isinstance(learning_rate, bool)
           else "")
    penalty = (f" or {alpha_option} (it is {alpha:g})"
               if isinstance(alpha, (int, float)) and not isinstance(alpha, bool) and alpha > 0
               else "")
    return (f"the cost rose from {start:.4g} at the start to {rose}: training diverged; lower "
            f"{option}{now}{penalty}")


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
    if all(_is_int(c) for c in values):
        return "int", values
    raise ValueError(
        f"cannot store classes {values[:5]!r}: labels must be integers, floats, booleans "
        "or strings"
    )


#: The dtypes of ``classes_`` a model file may name (``classes_dtype``), by kind of
#: class, besides the one each kind gives back (int64, float64, bool, unicode strings).
_CLASS_DTYPES = {"int": ("int8", "int16", "int32", "uint8", "uint16", "uint32", "uint64"),
                "float": ("float16", "float32"), "bool": (), "str": ("object",)}


def _classes_from_json(settings: dict) -> np.ndarray:
    kind, classes = settings["classes_kind"], settings["classes"]
    checks = {
        "int": lambda v: _is_int(v) and -(2**63) <= v < 2**64,  # int64 or uint64
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
        and math.isfinite(v),
        "bool": lambda v: isinstance(v, bool),
        "str": lambda v: isinstance(v, str),
    }
    if not isinstance(kind, str) or kind not in checks:
        raise ValueError(f"unknown classes_kind {kind!r}")
    if not isinstance(classes, list) or len(classes) < 2 or not all(map(checks[kind], classes)):
        raise ValueError(f"classes must be a list of at least two {kind} values"
                         + (" (64-bit integers)" if kind == "int" else ""))
    if len(set(classes)) != len(classes):
        raise ValueError("classes must be distinct")
    if classes != sorted(classes):  # searchsorted maps labels to outputs: they flipped
        raise ValueError("classes must be in increasing order, as fit sorts them")
    dtype = {"int": np.int64, "float": np.float64, "bool": bool, "str": str}[kind]
    if kind == "int" and max(classes) >= 2**63:  # labels of uint64 only
        if settings.get("classes_dtype") != "uint64" or min(classes) < 0:
            raise ValueError("classes beyond 2**63 - 1 must be uint64 labels "
                             "(classes_dtype 'uint64', none negative)")
        dtype = np.uint64
    values = np.array(classes, dtype=dtype)
    stored = settings.get("classes_dtype")
    if stored is None:
        return values
    if not isinstance(stored, str) or stored not in _CLASS_DTYPES[kind]:
        raise ValueError(f"classes_dtype {stored!r} is not one of the dtypes of {kind} "
                         f"classes ({', '.join(_CLASS_DTYPES[kind]) or 'none'})")
    try:
        with np.errstate(all="ignore"):
            exact = np.array(classes, dtype=object if stored == "object" else stored)
        fits = stored == "object" or np.array_equal(exact.astype(dtype), values)
    except (OverflowError, ValueError):  # 300 as int8
        fits = False
    if not fits:
        raise ValueError(f"classes {classes[:5]} do not fit classes_dtype {stored!r}")
    return exact


def _class_weight_from_json(settings: dict, classes: np.ndarray) -> dict | None:
    by_class = settings.get("class_weight_by_class")
    if by_class is None:
        return None
    if settings["hyperparameters"].get("class_weight") is not None:
        raise ValueError("class_weight and class_weight_by_class are both given")
    if not isinstance(by_class, list) or len(by_class) != len(classes) or not all(
        w is None or (isinstance(w, (int, float)) and not isinstance(w, bool)
                      and math.isfinite(w) and w >= 0)
        for w in by_class
    ):
        raise ValueError(f"class_weight_by_class must hold {len(classes)} non-negative "
                         "numbers or nulls, one per class")
    # an object array's classes are plain str (pandas' string targets): no .item()
    return {(c.item() if isinstance(c, np.generic) else c): float(w)
            for c, w in zip(classes, by_class) if w is not None}


def _check_layers(arrays: dict, settings: dict, estimator: str) -> None:
    """The parameters' shapes chain from ``n_features_in`` to the output layer."""
    n_layers, n_in = settings["n_layers"], settings["n_features_in"]
    if not _is_int(n_layers) or not 1 <= n_layers <= 1000:
        raise ValueError("n_layers must be a positive integer")
    if not _is_int(n_in) or n_in < 1:
        raise ValueError("n_features_in must be a positive integer")
    if not _is_int(settings["n_iter"]) or settings["n_iter"] < 0:
        raise ValueError("n_iter must be a non-negative integer")
    expected = {f"{k}{l}" for l in range(1, n_layers + 1) for k in "Wb"}
    present = {k for k in arrays if k[:1] in ("W", "b") and k[1:].isdigit()}
    if present != expected:
        raise ValueError(f"expected parameters {sorted(expected)}, found {sorted(present)}")
    n_prev = n_in
    for l in range(1, n_layers + 1):
        W, b = arrays[f"W{l}"], arrays[f"b{l}"]
        if W.shape[1] != n_prev or W.shape[0] < 1:
            raise ValueError(f"W{l} has shape {W.shape}, expected ({W.shape[0]}, {n_prev})")
        if b.shape != (W.shape[0], 1):
            raise ValueError(f"b{l} has shape {b.shape}, expected ({W.shape[0]}, 1)")
        n_prev = W.shape[0]
    n_classes = len(settings["classes"]) if isinstance(settings["classes"], list) else 0
    n_out = 1 if n_classes == 2 else n_classes
    if n_prev != n_out:
        raise ValueError(f"the output layer has {n_prev} units for {n_classes} classes")
    hyper = settings.get("hyperparameters")
    hidden = hyper.get("hidden_layer_sizes") if isinstance(hyper, dict) else None
    if isinstance(hidden, list):
        sizes = [arrays[f"W{l}"].shape[0] for l in range(1, n_layers)]
        if list(hidden) != sizes:
            raise ValueError(f"hidden_layer_sizes {hidden} do not match the weights {sizes}")
    elif n_layers != 1 and estimator == "LogisticRegression":
        raise ValueError("a logistic regression has exactly one layer")


class _Learnt(Callback):
    """Brings the estimator's ``n_iter_`` and curves up to date at the end of each
    iteration, right after :class:`History`: a callback that reads them, or pickles
    the estimator as a checkpoint, finds them as far as the weights are (a checkpoint
    said ``n_iter_ = 0`` of weights trained 3 epochs, and resumed from epoch 0)."""

    _CURVES = (("loss_curve_", "loss_curve"), ("costs_", "costs"),
               ("validation_scores_", "validation_scores"),
               ("validation_losses_", "validation_losses"))

    def __init__(self, history: History) -> None:
        self.history = history

    def on_iteration_end(self, estimator, iteration, logs) -> None:
        estimator.n_iter_ += 1
        for attribute, kept in self._CURVES:
            seen, curve = getattr(self.history, kept), getattr(estimator, attribute)
            if len(seen) > self._counts[attribute]:
                curve.append(seen[-1])
                self._counts[attribute] = len(seen)

    def on_train_begin(self, estimator, logs) -> None:
        self._counts = {attribute: 0 for attribute, _ in self._CURVES}


class _CostPrinter(Callback):
    """``verbose`` without a terminal: the seeds' "Cost after iteration i" lines."""

    def __init__(self, every: int) -> None:
        self.every = every

    def on_iteration_end(self, estimator, iteration, logs) -> None:
        if iteration % self.every == 0:
            print(f"Cost after iteration {iteration}: {logs['cost']:.6f}", file=sys.stderr)


_SHARED_PARAMETERS = """\
    solver : {"gd", "momentum", "rmsprop", "adam"}, default="gd"
        The update rule (see :mod:`nnscratch.optimizers`); "gd" is the seeds'
        gradient descent.
    learning_rate : float, default=%(learning_rate)s
        The initial step size α.
    learning_rate_schedule : {"constant", "inverse_time", "step"}, default="constant"
        How α decays with the epoch: ``α₀``, ``α₀ / (1 + decay_rate·epoch)``, or
        ``α₀ / (1 + decay_rate·⌊epoch / decay_interval⌋)``.
    decay_rate : float, default=1.0
    decay_interval : int, default=1000
    momentum : float, default=0.9
        β of the "momentum" solver (``v = β v + (1-β) dW``).
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's moment decays and its ε ("rmsprop" uses ``beta_2`` and ``epsilon``).
    batch_size : int or None, default=None
        None: full-batch training, the seeds' algorithm. Otherwise mini-batches of
        this size (the last one smaller), reshuffled every epoch when ``shuffle``.
    shuffle : bool, default=True
    alpha : float, default=0.0
        L2 regularisation: ``J + (alpha / 2m) Σ ‖W_l‖²``; the reported costs include it.
    max_iter : int, default=%(max_iter)s
        The number of epochs. With full batches an epoch is one update (one of the
        seeds' iterations); with mini-batches it is one pass over the data.
    early_stopping : bool, default=False
        Set aside a stratified ``validation_fraction`` of the training data, score
        it after every epoch (``validation_scores_``; the rows set aside keep their
        weights, ``sample_weight`` times ``class_weight``), stop after
        ``n_iter_no_change`` epochs without an improvement of more than ``tol``, and
        restore the weights of the best epoch. With ``fit(X, y, X_val=, y_val=)``
        that validation set is scored instead (unweighted) and all of ``X`` trains.
        Without it, training runs all ``max_iter`` epochs, as in the seeds.
    validation_fraction : float, default=0.1
    n_iter_no_change : int, default=10
    tol : float, default=1e-4
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the cost (``"balanced"``: inversely proportional
        to their frequencies).
    warm_start : bool, default=False
        ``fit`` continues from the current weights and optimizer state; ``momentum``,
        ``beta_1``, ``beta_2`` and ``epsilon`` changed since apply from the next step,
        and a changed ``solver`` starts with a fresh state of its own. With
        ``early_stopping`` it holds out the rows the model's first fit held out (of
        data of the same size), and the weights it begins with count as a candidate:
        no epoch scoring above them, they are kept.
    random_state : None, int, RandomState or Generator, default=None
        The estimator's one source of randomness (initial weights, then shuffling,
        dropout and the validation split). An int draws the initial weights exactly
        as the course does after ``np.random.seed(int)``.
    cost_every : int, default=100
        Record the cost in ``costs_`` every this many epochs.
    verbose : bool or int, default=False
        A progress bar on stderr (the cost every ``cost_every`` epochs when stderr
        is not a terminal). An integer as scikit-learn's estimators take it: 0 is off,
        anything above on.
    callbacks : Callback or list of nnscratch.callbacks.Callback, optional
        Called on the training loop's events (see :mod:`nnscratch.callbacks`); one
        callback may be given alone, as ``callbacks=History()``.
    algorithm : {"auto", "plain", "rowspace"}, default="auto"
        How the first layer is computed; the result is the same up to rounding.
        "plain" is the seeds' ``W1 @ X``. "rowspace" keeps
        ``W1 = s·W1_0 + C·Xᵀ`` and works with the examples' Gram matrix ``XᵀX``,
        so an iteration no longer costs in proportion to the number of features
        (exact for "gd" and "momentum", early stopping included). It is not used, and
        forcing it raises ValueError, with ``callbacks``, solver "adam" or "rmsprop",
        a ``warm_start`` or ``partial_fit`` continuing a "momentum" fit, or more than
        8192 training examples (dense or sparse ``X``).
        "auto" picks "rowspace" where it is exact and faster: fewer examples than
        features, as with the course's cat pictures. On sparse ``X`` "plain" is
        sparse products (never a dense ``X``) and "rowspace" a sparse Gram matrix;
        "auto" weighs the non-zeros (docs/sparse.md).
"""

_ATTRIBUTES = """\
    Attributes
    ----------
    params_ : dict
        ``"W1"`` of shape ``(n_1, n_features)``, ``"b1"`` of shape ``(n_1, 1)``, ...,
        the output layer last: 1 unit for two classes, one per class otherwise.
    costs_ : list of float
        The cost every ``cost_every`` epochs, the first at epoch 0, each computed on
        that epoch's forward pass(es) before its update (the course's convention).
    loss_curve_ : list of float
        The cost of every epoch.
    validation_scores_, validation_losses_ : list of float
        Accuracy and cross-entropy on the validation set, every epoch
        (``early_stopping``, or ``fit``'s ``X_val``/``y_val``).
    best_validation_score_ : float or None
    n_iter_ : int
        Epochs run (across ``warm_start`` and ``partial_fit`` calls).
    interrupted_ : bool
        Whether the last call of ``fit`` or ``partial_fit`` was stopped by Ctrl-C
        (``KeyboardInterrupt``); the weights so far are kept. A Ctrl-C before the first
        iteration (while the data are made ready, or in a callback's
        ``on_train_begin``) is raised, and leaves the estimator as it was.
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    optimizer_ : nnscratch.optimizers.Optimizer
        The optimizer with its state, which ``warm_start`` continues.
"""


class NeuralNetworkClassifier(_BaseNetwork):
    """An L-layer neural network, ``[LINEAR -> RELU] × (L-1) -> LINEAR -> SIGMOID``.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Units in each hidden layer; ``()`` gives logistic regression.
    activation : str or tuple of str, default="relu"
        The hidden layers' activation, one of "relu", "leaky_relu", "tanh",
        "sigmoid", or one per hidden layer.
    leaky_relu_slope : float, default=0.01
        The negative slope of "leaky_relu".
    init : str or tuple of str, default="he"
        How the weights are drawn: "zeros", "small", "lecun", "he", "glorot"
        (see :mod:`nnscratch.initializers`), or one per layer.
    dropout : float or tuple of float, default=0.0
        The fraction of each hidden layer's units dropped during training (inverted
        dropout), one value or one per hidden layer.
%(shared)s
%(attributes)s
    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = NeuralNetworkClassifier((8,), learning_rate=0.5, max_iter=1000,
    ...                               random_state=1).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        leaky_relu_slope=0.01,
        init="he",
        dropout=0.0,
        solver="gd",
        learning_rate=0.0075,
        learning_rate_schedule="constant",
        decay_rate=1.0,
        decay_interval=1000,
        momentum=0.9,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        batch_size=None,
        shuffle=True,
        alpha=0.0,
        max_iter=2500,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        class_weight=None,
        warm_start=False,
        random_state=None,
        cost_every=100,
        verbose=False,
        callbacks=None,
        algorithm="auto",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.leaky_relu_slope = leaky_relu_slope
        self.init = init
        self.dropout = dropout
        self.solver = solver
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.decay_rate = decay_rate
        self.decay_interval = decay_interval
        self.momentum = momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.alpha = alpha
        self.max_iter = max_iter
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.cost_every = cost_every
        self.verbose = verbose
        self.callbacks = callbacks
        self.algorithm = algorithm

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            return (int(sizes),)
        if isinstance(sizes, str):
            sizes = None
        try:
            # NumPy's fixed-width integers as Python's: int32 products wrapped around
            return tuple(int(n) if isinstance(n, numbers.Integral) and not isinstance(n, bool)
                         else n for n in sizes)
        except TypeError:
            _fail("hidden_layer_sizes", self.hidden_layer_sizes,
                  "give a tuple of positive integers, e.g. (20, 7, 5), or () for logistic "
                  "regression")

    def _init_names(self):
        if isinstance(self.init, str):
            return self.init
        return _names_or_values("init", self.init, len(self._hidden_sizes()) + 1, "one name",
                                "layer")

    def _activation_names(self, n_hidden=None):
        if n_hidden is None:
            n_hidden = len(self._hidden_sizes())
        if isinstance(self.activation, str):
            return [self.activation] * n_hidden
        return _names_or_values("activation", self.activation, n_hidden, "one name")


class LogisticRegression(_BaseNetwork):
    """Logistic regression, the seeds' first model: one sigmoid neuron.

    ``ŷ = σ(wᵀx + b)``, weights initialised to zero, trained by gradient descent on
    the cross-entropy cost: the same model as
    ``NeuralNetworkClassifier(hidden_layer_sizes=(), init="zeros")``. With three
    classes or more it is multinomial (softmax) regression.

    Parameters
    ----------
%(shared)s
%(attributes)s
    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = LogisticRegression(learning_rate=0.1, max_iter=500)
    >>> clf.fit(StandardScaler().fit_transform(X), y).costs_[0]
    0.6931471805599453
    """

    def __init__(
        self,
        solver="gd",
        learning_rate=0.005,
        learning_rate_schedule="constant",
        decay_rate=1.0,
        decay_interval=1000,
        momentum=0.9,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        batch_size=None,
        shuffle=True,
        alpha=0.0,
        max_iter=2000,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        class_weight=None,
        warm_start=False,
        random_state=None,
        cost_every=100,
        verbose=False,
        callbacks=None,
        algorithm="auto",
    ):
        self.solver = solver
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.decay_rate = decay_rate
        self.decay_interval = decay_interval
        self.momentum = momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.alpha = alpha
        self.max_iter = max_iter
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.cost_every = cost_every
        self.verbose = verbose
        self.callbacks = callbacks
        self.algorithm = algorithm

    def _hidden_sizes(self):
        return ()

    def _init_names(self):
        return "zeros"


NeuralNetworkClassifier.__doc__ %= {
    "shared": _SHARED_PARAMETERS % {"learning_rate": 0.0075, "max_iter": 2500},
    "attributes": _ATTRIBUTES,
}
LogisticRegression.__doc__ %= {
    "shared": _SHARED_PARAMETERS % {"learning_rate": 0.005, "max_iter": 2000},
    "attributes": _ATTRIBUTES,
}


class HiddenLayerTransformer(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """A network's hidden layer as features: a transformer for a ``Pipeline``.

    ``fit`` trains a clone of ``estimator`` (or, with ``prefit=True``, takes it as
    trained); ``transform`` gives its :meth:`~NeuralNetworkClassifier.hidden_layer_activations`.
    The classifiers themselves have no ``transform`` (scikit-learn would take them for
    transformers).

    Parameters
    ----------
    estimator : NeuralNetworkClassifier or sklearn.frozen.FrozenEstimator
        A network with at least one hidden layer. A trained network wrapped in
        ``FrozenEstimator`` is kept as trained, as with ``prefit=True``, and stays
        trained through ``clone`` (``GridSearchCV``, ``cross_val_score``).
    layer : int, default=-1
        The hidden layer, in the course's numbering (``1`` .. ``L-1``; ``-1`` the last).
    prefit : bool, default=False
        ``estimator`` is already trained: ``fit`` keeps it (a deep copy) and trains
        nothing. ``clone`` (and so ``GridSearchCV``, ``cross_val_score``) gives an
        untrained copy, which ``fit`` refuses: wrap the network in
        ``FrozenEstimator`` there.

    Attributes
    ----------
    estimator_ : NeuralNetworkClassifier
        The trained network.
    n_features_in_ : int

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from sklearn.linear_model import LogisticRegression as SkLogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> net = NeuralNetworkClassifier((8,), learning_rate=0.5, max_iter=1000,
    ...                               random_state=1)
    >>> pipe = make_pipeline(HiddenLayerTransformer(net), SkLogisticRegression()).fit(X, y)
    >>> pipe[0].transform(X).shape
    (200, 8)
    """

    def __init__(self, estimator, layer=-1, prefit=False):
        self.estimator = estimator
        self.layer = layer
        self.prefit = prefit

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # as the networks it wraps
        return tags

    def fit(self, X, y=None, **fit_params):
        """Train the network on ``(X, y)`` (unless ``prefit``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Required unless ``prefit``.
        **fit_params
            Passed to the network's ``fit`` (``sample_weight``, ``X_val``, ``y_val``);
            with scikit-learn's metadata routing enabled, those the network requests
            (``estimator.set_fit_request(sample_weight=True)``).

        Returns
        -------
        self
        """
        network, frozen = self.estimator, _frozen_network(self.estimator)
        if frozen is not None:
            network = frozen
        if not isinstance(network, _BaseNetwork):
            raise TypeError(
                f"HiddenLayerTransformer needs an nnscratch network, got "
                f"{type(network).__name__}."
            )
        if self.layer is None:
            raise ValueError("HiddenLayerTransformer needs one layer (an int, -1 for the "
                             "last hidden layer), not None.")
        if self.prefit or frozen is not None:
            import copy

            if not hasattr(network, "params_"):
                raise NotFittedError(
                    f"HiddenLayerTransformer(prefit=True) needs a trained network, and "
                    f"this {type(network).__name__} is not fitted: call its fit first, or, "
                    "where clone gives an untrained copy (GridSearchCV, cross_val_score), "
                    "wrap the trained network in sklearn.frozen.FrozenEstimator(...) "
                    "instead of prefit=True."
                    if frozen is None else
                    f"HiddenLayerTransformer's FrozenEstimator holds a "
                    f"{type(network).__name__} that is not fitted: freeze a trained "
                    "network."
                )
            estimator = copy.deepcopy(network)
        else:
            if y is None:
                raise ValueError("HiddenLayerTransformer.fit needs y to train the network "
                                 "(or prefit=True with a trained one).")
            try:  # a layer the network will not have is refused before training it
                n_hidden = len(network._hidden_sizes())
            except (TypeError, ValueError):  # bad sizes: the network's fit says so
                n_hidden = None
            if n_hidden is not None:
                _hidden_layer_number(self.layer, n_hidden, type(network).__name__,
                                     none_for_all=False)
            if _routing_enabled():  # what the network requests (set_fit_request)
                fit_params = process_routing(self, "fit", **fit_params).estimator.fit
            estimator = clone(self.estimator).fit(X, y, **fit_params)
        self._check_layer(estimator)  # refused: nothing fitted here
        for name in ("estimator_", "n_features_in_", "feature_names_in_"):
            vars(self).pop(name, None)
        self.estimator_ = estimator
        self.n_features_in_ = estimator.n_features_in_
        if hasattr(estimator, "feature_names_in_"):
            self.feature_names_in_ = estimator.feature_names_in_
        return self

    @property
    def _n_features_out(self) -> int:
        """Units of the current ``layer`` of the trained network: what ``transform``
        gives, also after ``set_params(layer=...)`` (a number kept from ``fit`` named 8
        features of a layer of 4, and ``set_output(transform="pandas")`` failed)."""
        check_is_fitted(self)
        return int(self._check_layer(self.estimator_).shape[0])

    def get_metadata_routing(self):
        """How ``fit``'s metadata reach the network, with scikit-learn's metadata routing
        enabled (``sklearn.set_config(enable_metadata_routing=True)``): what the network
        requests, ``estimator.set_fit_request(sample_weight=True)``.

        Returns
        -------
        routing : sklearn.utils.metadata_routing.MetadataRouter
        """
        return MetadataRouter(owner=self).add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )

    def _check_layer(self, estimator) -> np.ndarray:
        """The chosen layer's weights of the fitted ``estimator`` (checks that it exists,
        with no data: no feature-name warnings)."""
        check_is_fitted(estimator)
        l = _hidden_layer_number(self.layer, n_layers(estimator.params_) - 1,
                                 type(estimator).__name__, none_for_all=False)
        return estimator.params_[f"W{l}"]

    def transform(self, X) -> np.ndarray:
        """The hidden layer's activations.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        A : ndarray of shape (n_samples, n_units)
        """
        check_is_fitted(self)
        return self.estimator_.hidden_layer_activations(X, self.layer)


def _frozen_network(estimator):
    """The estimator inside scikit-learn's ``FrozenEstimator`` (``sklearn.frozen``), or
    None for anything else."""
    try:
        from sklearn.frozen import FrozenEstimator
    except ImportError:  # pragma: no cover - scikit-learn < 1.6
        return None
    return estimator.estimator if isinstance(estimator, FrozenEstimator) else None


def _check_validation_columns(estimator, X_val) -> None:
    """scikit-learn's feature-name check of ``X_val`` against the training ``X``.

    Its warnings (names on one side only) name ``X_val``; columns of other names or in
    another order raise.

    Raises
    ------
    ValueError
        One line showing both lists of columns.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            _check_feature_names(estimator, X_val, reset=False)
        except ValueError:
            given = [str(c) for c in getattr(X_val, "columns", [])]
            fitted = [str(c) for c in estimator.feature_names_in_]
            show = (lambda names: ", ".join(names[:8]) + (", ..." if len(names) > 8 else ""))
            raise ValueError(
                f"X_val's columns ({show(given)}) are not those of X ({show(fitted)}): "
                + ("the same names in another order" if sorted(given) == sorted(fitted)
                   else "other names")
                + "; give X_val the training frame's columns in its order, e.g. "
                "X_val[X.columns]."
            ) from None
    for w in caught:
        warnings.warn_explicit(re.sub(r"^X ", "X_val ", str(w.message)), w.category,
                               w.filename, w.lineno)


def _shape(a) -> tuple[int, ...] | None:
    shape = getattr(a, "shape", None)
    if shape is None:
        try:
            shape = np.shape(a)
        except (ValueError, TypeError):  # ragged lists: validate_data says what is wrong
            return None
    try:
        return tuple(int(n) for n in shape)
    except (TypeError, ValueError):
        return None


def _refuse_course_layout(X, y) -> None:
    """Say so when ``X``, ``y`` look like the course's ``(n_x, m)`` and ``(1, m)``.

    Raises
    ------
    ValueError
        ``X`` of shape ``(n_x, m)`` with ``y`` of shape ``(1, m)`` or ``(m,)`` (``m``
        differing from ``n_x``), or a proper ``X`` with ``y`` of shape ``(1, m)``.
    """
    sx, sy = _shape(X), _shape(y)
    if sx is None or sy is None or len(sx) != 2 or sx[0] == sx[1]:
        return
    expected = ("the estimators take X of shape (n_samples, n_features) and y of shape "
                "(n_samples,)")
    if len(sy) == 2 and sy[0] == 1 and sy[1] == sx[1]:
        raise ValueError(
            f"X has shape {sx} and y {sy}: this looks like the course's layout, X (n_x, m) "
            f"and Y (1, m); {expected}: transpose X and flatten Y, fit(X.T, Y.ravel())")
    if len(sy) == 1 and sy[0] == sx[1]:
        raise ValueError(
            f"X has shape {sx} and y {sy}: X looks transposed (the course's (n_x, m)); "
            f"{expected}: transpose X, fit(X.T, y)")
    if len(sy) == 2 and sy[0] == 1 and sy[1] == sx[0] > 1:
        raise ValueError(
            f"y has shape {sy}: this looks like the course's Y (1, m); {expected}: "
            "transpose or flatten it, fit(X, Y.ravel())")
