"""Training, evaluating and predicting on data larger than memory, chunk by chunk.

A :class:`ChunkFeeder` reads the rows of a data set in chunks from an HDF5 file, a Zarr
store or a Dask array; :func:`fit_streaming` runs mini-batch epochs over the chunks, in
a shuffled chunk order, through the estimators' public ``partial_fit``; and
:func:`evaluate_streaming` and :func:`predict_streaming` score and predict chunk by
chunk. Memory stays bounded by one chunk (plus its converted copy) and the model.

The layouts read (HDF5 files and Zarr groups alike):

- **the course's layout**: one dataset whose name ends in ``_set_x`` (pictures
  ``(n, height, width, 3)``, uint8), one ending in ``_set_y`` (integer labels ``(n,)``
  or ``(1, n)``) and optionally ``list_classes`` (the class names), like
  ``train_catvnoncat.h5``. Pictures are flattened and divided by 255, as
  :mod:`nnscratch.datasets` does;
- **the examples x features layout**: a dataset ``X`` of shape
  ``(n_samples, n_features)`` (any real dtype; float32 stays float32, the rest becomes
  float64) and a dataset ``y`` of shape ``(n_samples,)`` (integer codes, or strings),
  optionally with ``class_names`` (or ``list_classes``) naming the integer codes. The
  features are used as stored: scale them before writing them.

Equivalence with in-memory training
-----------------------------------
One streaming epoch visits the chunks in that epoch's order (:func:`chunk_orders`) and
calls ``estimator.partial_fit`` once on each chunk; ``partial_fit`` makes one pass of
mini-batches of ``batch_size`` over the chunk. A chunk that does not hold a whole
number of mini-batches (the short last chunk) is visited last in every epoch, shuffled
chunk order or not, as an in-memory epoch's short mini-batch is its last. When every
chunk but that one holds a whole number of mini-batches (``open_chunks(...,
batch_size=...)`` rounds the chunk size down to one), ``shuffle=False``, and the
learning rate follows the schedule per epoch (done here), the sequence of mini-batch
steps is exactly that of the in-memory
fit of the same estimator on the rows in the order the epoch visits them
(:func:`epoch_rows`), one ``warm_start`` epoch at a time::

    ref = clone(est).set_params(warm_start=True, max_iter=1)
    for order in result.chunk_orders:
        ref.fit(X[epoch_rows(feeder, order)], y[epoch_rows(feeder, order)])

and, when every chunk holds whole mini-batches, gives bit-for-bit the same weights
(``tests/test_streaming.py`` checks it, with dropout, Adam and a decaying learning rate
too; a shorter last chunk's step sums its rows in another order, and the weights then
agree up to rounding). With the chunk order not shuffled this
is one plain ``fit(X, y)`` with ``max_iter=epochs``. With ``shuffle=True`` the rows are
shuffled within each chunk by the estimator's own generator (``random_state``), so the
batches differ from an in-memory shuffle of all rows, but a run is reproducible from
its seed.

Examples
--------
>>> from nnscratch import NeuralNetworkClassifier
>>> from nnscratch.streaming import open_chunks, fit_streaming   # doctest: +SKIP
>>> est = NeuralNetworkClassifier((16,), solver="adam", learning_rate=1e-3,
...                               batch_size=256, max_iter=5, random_state=0)
>>> with open_chunks("big.h5", batch_size=256) as feeder:      # doctest: +SKIP
...     result = fit_streaming(est, feeder, progress=True)
...     print(evaluate_streaming(est, feeder)["accuracy"])
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import os
import re
import signal
import sys
import threading
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any, Self, TextIO

import numpy as np

from ._limits import MAX_VALUE
from ._params import escaped
from .callbacks import CallbackList
from .datasets import DatasetError, Preprocessor, _hdf5_dataset
from .preprocessing import _check_class_names

__all__ = [
    "DASK_HINT",
    "DEFAULT_CHUNK_BYTES",
    "ChunkFeeder",
    "MissingExtraError",
    "StreamFit",
    "available_memory",
    "chunk_orders",
    "epoch_rows",
    "evaluate_streaming",
    "fit_streaming",
    "needs_streaming",
    "open_chunks",
    "predict_dask",
    "predict_streaming",
    "read_dask",
    "require_dask",
    "write_predictions",
]

#: The size of one chunk of features, in bytes, when no row count is given (64 MiB).
DEFAULT_CHUNK_BYTES = 64 * 2**20

#: The most rows :func:`write_predictions` formats and writes at once.
_WRITE_ROWS = 4096

#: What to run when the optional Dask packages are missing.
DASK_HINT = "pip install 'nnscratch[dask]'"


class MissingExtraError(DatasetError, ImportError):
    """An optional dependency is missing; the message names the ``pip install`` line.

    A :class:`~nnscratch.datasets.DatasetError` too, so that the command line shows it
    as one line with exit code 2, like any data it cannot read.
    """


def require_dask(*modules: str) -> None:
    """Import the Dask packages a feature needs, or raise a one-line install hint.

    Parameters
    ----------
    *modules : str
        Module names, default ``("dask.array", "distributed")``.

    Raises
    ------
    MissingExtraError
        ``"<feature> needs dask and distributed (missing: ...); run: pip install
        'nnscratch[dask]'"``.
    """
    import importlib

    missing = []
    for name in modules or ("dask.array", "distributed"):
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name.split(".")[0])
    if missing:
        raise MissingExtraError(
            f"this needs the optional Dask packages (missing: {', '.join(sorted(set(missing)))}); "
            f"install them with: {DASK_HINT}"
        )


# --------------------------------------------------------------------------- the feeder


def _decode(values: np.ndarray) -> np.ndarray:
    """Byte strings -> str; anything else as it is."""
    values = np.asarray(values)
    if values.dtype.kind == "S" or (values.dtype == object and values.size
                                    and isinstance(values.flat[0], bytes)):
        return np.array([v.decode("utf-8") for v in values.ravel()], dtype=object).astype(str)
    if values.dtype == object:
        return values.astype(str)
    return values


def _is_sparse(X) -> bool:
    import scipy.sparse as sp

    return sp.issparse(X)


def _count(name: str, value) -> int | None:
    """``value`` as a positive row count (None stays None), or a one-line error."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise DatasetError(f"{name} must be a whole number of rows >= 1, got {value!r}")
    if value < 1:
        raise DatasetError(f"{name} must be >= 1, got {value}")
    return int(value)


def _names(values) -> list[str]:
    return [str(v) for v in _decode(np.asarray(values[()])).ravel()]


class ChunkFeeder:
    """Rows of a data set read chunk by chunk.

    Parameters
    ----------
    X : array-like of shape (n_samples, ...)
        Anything sliced along its first axis into NumPy arrays: an ``h5py.Dataset``, a
        ``zarr.Array``, a ``dask.array.Array``, a memory-mapped or plain NumPy array.
        Pictures ``(n, h, w, 3)`` need ``preprocessor`` (kind ``"image"``).
    y : array-like of shape (n_samples,) or (1, n_samples), optional
        The labels (needed to train and evaluate, not to predict).
    boundaries : sequence of int, optional
        The chunks' first rows and the end, e.g. ``[0, 1000, 2000, 2500]``; default:
        chunks of ``chunk_rows`` rows.
    chunk_rows : int, optional
        Rows per chunk (the last may be smaller). Default: as many as fit in
        :data:`DEFAULT_CHUNK_BYTES` of features, a multiple of ``batch_size``.
    batch_size : int, optional
        Round ``chunk_rows`` down to a multiple of it (so that chunks hold whole
        mini-batches; see the module's notes on equivalence).
    preprocessor : Preprocessor, optional
        Applied to each chunk (pictures: flatten, divide by 255; tabular: standardise).
    file_class_names : list of str, optional
        The names of the integer codes in ``y``, as stored with the data.
    class_names : list of str, optional
        A trained model's class names: codes are mapped onto them by name.
    source : str
        A name for messages.
    closer : callable, optional
        Called by :meth:`close` (closes the file).
    """

    def __init__(self, X, y=None, *, boundaries=None, chunk_rows=None, batch_size=None,
                 preprocessor: Preprocessor | None = None, file_class_names=None,
                 class_names=None, source: str = "array", closer=None) -> None:
        chunk_rows = _count("chunk_rows", chunk_rows)
        batch_size = _count("batch_size", batch_size)
        if not hasattr(X, "shape"):  # a list of rows
            X = np.asarray(X)
        if _is_sparse(X):
            if preprocessor is not None:
                raise DatasetError(f"{source}: sparse X cannot be preprocessed chunk by "
                                   "chunk; give the features as they are to be used")
            X = X.tocsr()  # its row slices are the chunks (CSR rows: no copy of the rest)
        if y is not None and not hasattr(y, "shape"):
            y = np.asarray(y)
        self.X, self.y, self.source = X, y, source
        # the arrays' names in messages (open_chunks gives a course file's train_set_x)
        self._names = ("X", "y")
        self.preprocessor = preprocessor
        self._closer = closer
        for what, array in (("X", X), ("y", y)):
            if array is not None and any(isinstance(s, float) and s != s for s in array.shape):
                raise DatasetError(
                    f"{source}: the row counts of {what}'s blocks are unknown (a Dask array "
                    f"selected by a mask, such as {what}[mask]); call "
                    f"{what} = {what}.compute_chunk_sizes() first")
        shape = tuple(int(s) for s in X.shape)
        if len(shape) < 2 or shape[0] == 0 or 0 in shape[1:]:
            raise DatasetError(f"{source}: X must have rows and features, got shape {shape}")
        self.n_samples = shape[0]
        if preprocessor is not None:
            self.n_features = preprocessor.n_features
        elif len(shape) == 2:
            self.n_features = shape[1]
        else:
            raise DatasetError(f"{source}: X must be 2-D (examples x features), got {shape}")
        self._y_row = False
        if y is not None:
            y_shape = tuple(int(s) for s in y.shape)
            n_y = y_shape[-1] if len(y_shape) == 2 and y_shape[0] == 1 else (
                y_shape[0] if len(y_shape) == 1 else -1)
            if n_y != self.n_samples:
                raise DatasetError(
                    f"{source}: {self.n_samples} examples in X but labels of shape {y_shape}; "
                    "y must be (n_samples,) or (1, n_samples)")
            self._y_row = len(y_shape) == 2
        self.dtype = self._work_dtype()
        if boundaries is None:
            boundaries = self._default_boundaries(chunk_rows, batch_size)
        boundaries = [int(b) for b in boundaries]
        if len(boundaries) < 2 or boundaries[0] != 0 or boundaries[-1] != self.n_samples or any(
                b <= a for a, b in pairwise(boundaries)):
            raise DatasetError(f"{source}: chunk boundaries must rise from 0 to {self.n_samples}")
        self.boundaries = boundaries
        self.file_class_names = None if file_class_names is None else list(file_class_names)
        self._code_map = None
        self.class_names = self.file_class_names
        #: Whether :meth:`labels` gives positions in a trained model's ``class_names``
        #: (codes mapped by name, or labels stored as the names themselves) rather than
        #: the labels as stored: ``classes_[labels]`` are then the model's classes.
        self.labels_are_indices = False
        if class_names is not None:
            self._map_onto(list(class_names))
            self.labels_are_indices = self.file_class_names is not None or (
                y is not None and np.dtype(y.dtype).kind in "SUO")

    # ---------------------------------------------------------------- set-up

    def _work_dtype(self) -> np.dtype:
        if self.preprocessor is not None:
            identity = (self.preprocessor.kind == "tabular"
                        and all(v == 0.0 for v in self.preprocessor.mean)
                        and all(v == 1.0 for v in self.preprocessor.std))
            if not identity:
                return np.dtype(np.float64)
        dtype = np.dtype(self.X.dtype)
        if dtype.kind not in "biuf":
            raise DatasetError(f"{self.source}: X holds {dtype}, not numbers")
        return dtype if dtype == np.float32 else np.dtype(np.float64)

    def _default_boundaries(self, chunk_rows, batch_size) -> list[int]:
        if chunk_rows is None:
            row_bytes = self.n_features * self.dtype.itemsize
            chunk_rows = max(1, DEFAULT_CHUNK_BYTES // row_bytes)
        if batch_size is not None and batch_size < chunk_rows:
            chunk_rows -= chunk_rows % int(batch_size)
        elif batch_size is not None:
            chunk_rows = int(batch_size)
        return list(range(0, self.n_samples, chunk_rows)) + [self.n_samples]

    def _map_onto(self, class_names: list[str]) -> None:
        """Map the file's integer codes onto a trained model's class names."""
        if self.file_class_names is None or self.file_class_names == class_names:
            self.class_names = class_names
            return
        unknown = [n for n in self.file_class_names if n not in class_names]
        if unknown:
            raise DatasetError(
                f"{self.source}: its classes {unknown} are not classes of the model "
                f"({class_names}); use data with the model's classes")
        self._code_map = np.array([class_names.index(n) for n in self.file_class_names])
        self.class_names = class_names

    # ---------------------------------------------------------------- reading

    @property
    def n_chunks(self) -> int:
        """The number of chunks."""
        return len(self.boundaries) - 1

    @property
    def chunk_slices(self) -> list[slice]:
        """The rows of each chunk, in storage order."""
        return [slice(a, b) for a, b in pairwise(self.boundaries)]

    @property
    def nbytes(self) -> int:
        """The size of all the features in the working dtype, in bytes."""
        return self.n_samples * self.n_features * self.dtype.itemsize

    def _stored(self, array, index, what: str, rows: slice):
        """``array[index]`` read from storage (computed where a Dask array), a damaged
        file's error naming the file and the rows as the array's indices (``X[100:200]``):
        h5py's "Can't synchronously read data (filter returned failure during read)" or
        a codec's "Zstd decompression error" named neither."""
        try:
            raw = array[index]
            if hasattr(raw, "compute"):  # a Dask array
                raw = raw.compute()
            return raw
        except (OSError, RuntimeError, KeyError, EOFError) as exc:
            raise self._unreadable(exc, (what,), rows) from None

    def _stored_together(self, rows: slice) -> tuple[Any, Any]:
        """The features and labels of ``rows`` of Dask arrays, computed in one call: the
        work they share (one loader making a block's X and its y) runs once, not once
        for each."""
        import dask

        try:
            return dask.compute(self.X[rows],
                                self.y[(slice(None), rows) if self._y_row else rows])
        except (OSError, RuntimeError, KeyError, EOFError) as exc:
            raise self._unreadable(exc, ("features", "labels"), rows) from None

    def _unreadable(self, exc: BaseException, whats: tuple[str, ...],
                    rows: slice) -> DatasetError:
        """The one-line error of rows that cannot be read: a file that is missing or
        cannot be opened (where a Dask worker opens it by its path) says so, any other
        failure that the file is damaged."""
        import errno

        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        cut = f"{rows.start}:{rows.stop}"
        x, y = self._names
        names = [f"{x}[{cut}]" if what == "features" else (
            f"{y}[:, {cut}]" if self._y_row else f"{y}[{cut}]") for what in whats]
        said = " and the ".join(f"{what} {name}" for what, name in zip(whats, names))
        if isinstance(exc, OSError) and (
                isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError,
                                 NotADirectoryError))
                or exc.errno in (errno.ENOENT, errno.EACCES, errno.EPERM, errno.ENOTDIR)):
            return DatasetError(
                f"{self.source}: the {said} cannot be read ({reason}): the file is missing "
                "or cannot be opened where the rows are read (a Dask worker opens it by its "
                "path); make it readable at that path, or give its absolute path")
        return DatasetError(f"{self.source}: the {said} cannot be read ({reason}); the file "
                            "is damaged: copy or write it again")

    def _features(self, rows: slice, raw=None) -> np.ndarray:
        if raw is None:
            raw = self._stored(self.X, rows, "features", rows)
        if _is_sparse(raw):  # CSR rows, given to partial_fit as they are
            return raw.astype(self.dtype, copy=False)
        raw = np.asarray(raw)
        prep = self.preprocessor
        if prep is None:
            return raw.astype(self.dtype, copy=False)
        if prep.kind == "image":
            if raw.shape[1:3] != (prep.size, prep.size):
                from .datasets import _array_to_images

                raw = _array_to_images(raw, prep.size, self.source)
            return prep.transform_images(raw)
        if self.dtype != np.float64:  # identity standardisation: keep the stored dtype
            if raw.ndim != 2 or raw.shape[1] != len(prep.columns):
                raise DatasetError(f"{self.source}: expected {len(prep.columns)} feature "
                                   f"columns, got shape {raw.shape}")
            return raw.astype(self.dtype, copy=False)
        try:
            return prep.transform_tabular(raw)
        except DatasetError:
            # its NaN or infinity named by the file and the row in the file (the
            # preprocessor knows neither: "row 2712" of the chunk, for X[15000])
            self._check_finite(raw, rows.start or 0)
            raise

    def labels(self, rows: slice, raw=None) -> np.ndarray:
        """The labels of ``rows`` (codes mapped onto ``class_names`` when given);
        ``raw``: the labels as stored, when already read."""
        if self.y is None:
            raise DatasetError(f"{self.source}: holds no labels (y)")
        if raw is None:
            raw = self._stored(self.y, (slice(None), rows) if self._y_row else rows,
                               "labels", rows)
        raw = np.asarray(raw).ravel()
        if raw.dtype == object:  # None or NaN would become the class 'None' or 'nan'
            missing = np.flatnonzero([v is None or (isinstance(v, (float, np.floating))
                                                    and v != v) for v in raw.tolist()])
            if missing.size:
                raise DatasetError(
                    f"{self.source}: label {self._names[1]}[{rows.start + int(missing[0])}] "
                    "is missing (None or NaN); drop the rows without labels or fill them in")
        y = _decode(raw)
        if self.file_class_names is not None:
            if y.dtype.kind not in "iub" and not (
                    y.dtype.kind == "f" and np.all(y == np.round(y))):
                raise DatasetError(f"{self.source}: labels must be integer class codes")
            y = y.astype(np.int64)
            if y.size and (y.min() < 0 or y.max() >= len(self.file_class_names)):
                raise DatasetError(
                    f"{self.source}: label codes must be 0 to {len(self.file_class_names) - 1}"
                    f" (the class names {self.file_class_names})")
            if self._code_map is not None:
                y = self._code_map[y]
        elif self.labels_are_indices:  # labels stored as names: their place in the model's
            names = {n: k for k, n in enumerate(self.class_names)}
            unknown = sorted({v for v in y.tolist() if v not in names})
            if unknown:
                raise DatasetError(f"{self.source}: labels {unknown[:5]} are not classes of "
                                   f"the model ({self.class_names}); use data with the "
                                   "model's classes")
            y = np.array([names[v] for v in y.tolist()], dtype=np.int64)
        return y

    def read(self, i: int, *, labels: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Chunk ``i``: features ``(rows, n_features)`` and labels ``(rows,)``."""
        rows = self.chunk_slices[i]
        raw_X = raw_y = None
        if labels and self.y is not None and hasattr(self.X, "compute") \
                and hasattr(self.y, "compute"):  # Dask arrays: both in one computation
            raw_X, raw_y = self._stored_together(rows)
        X = self._features(rows, raw_X)
        if X.shape[1] != self.n_features:
            raise DatasetError(f"{self.source}: chunk {i} has {X.shape[1]} features, "
                               f"expected {self.n_features}")
        self._check_finite(X, rows.start)
        return X, (self.labels(rows, raw_y) if labels else None)

    def _check_finite(self, X, first: int) -> None:
        """A chunk holding NaN, an infinity or (float64) a value beyond
        :data:`~nnscratch._limits.MAX_VALUE` names the file and the row as the array's
        index, ``X[250]``, counted from 0 as NumPy, h5py and Zarr count (the model's own
        check says only "Input X contains NaN", after earlier chunks were used)."""
        values = X.data if _is_sparse(X) else X
        if values.dtype.kind != "f" or values.size == 0:
            return
        if values.dtype.itemsize >= 8:
            # two reductions check both: NaN fails every comparison, inf the bounds
            if -MAX_VALUE <= values.min() and values.max() <= MAX_VALUE:
                return
        elif np.isfinite(values).all():  # float32 and narrower cannot hold 1e150
            return
        bad = ~np.isfinite(values)
        if not bad.any():  # finite, but too large
            bad = np.abs(values) > MAX_VALUE
            what, do = (f"a value beyond {MAX_VALUE:.0e} in magnitude", "scale the features "
                        "(the network needs values of a moderate size)")
        else:
            what, do = None, "fill in or drop the rows with missing or infinite values"
        if _is_sparse(X):
            at = int(np.flatnonzero(bad)[0])
            row = int(np.searchsorted(X.indptr, at, side="right")) - 1
            value = X.data[at]
        else:
            row = int(np.flatnonzero(bad.any(axis=1))[0])
            value = X[row][bad[row]][0]
        if what is None:
            what = "NaN (a missing value)" if np.isnan(value) else "an infinite value"
        raise DatasetError(f"{self.source}: row {self._names[0]}[{first + row}] holds {what}; "
                           f"{do}")

    def chunks(self, order: Sequence[int] | None = None, *, labels: bool = True
               ) -> Iterator[tuple[int, np.ndarray, np.ndarray | None]]:
        """``(chunk index, X, y)`` for each chunk of ``order`` (default: storage order)."""
        for i in range(self.n_chunks) if order is None else order:
            X, y = self.read(int(i), labels=labels)
            yield int(i), X, y

    def class_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """The classes present in ``y`` and their counts, reading the labels chunk by chunk."""
        counts: dict[Any, int] = {}
        for rows in self.chunk_slices:
            labels = self.labels(rows)
            if labels.dtype.kind == "f" and np.isnan(labels).any():
                first = rows.start + int(np.flatnonzero(np.isnan(labels))[0])
                raise DatasetError(
                    f"{self.source}: label {self._names[1]}[{first}] is NaN (a missing label); "
                    "drop the rows without labels or fill them in")
            values, n = np.unique(labels, return_counts=True)
            for v, k in zip(values.tolist(), n.tolist()):
                counts[v] = counts.get(v, 0) + k
        classes = np.array(sorted(counts))
        if classes.dtype.kind in "USO":  # names a model file keeps: refused as load would
            _check_class_names([str(c) for c in classes.tolist()], self.source)
        return classes, np.array([counts[c] for c in classes.tolist()], dtype=np.int64)

    def label_names(self) -> list[str]:
        """The classes present in ``y`` by name (the file's ``class_names`` of its codes,
        else the labels as text), reading the labels chunk by chunk: the names to compare
        with another file's, or with a trained model's class names."""
        found, _ = self.class_counts()
        if self.labels_are_indices:
            return [self.class_names[int(c)] for c in found.tolist()]
        if self.file_class_names is not None:
            return [self.file_class_names[int(c)] for c in found.tolist()]
        return [str(c) for c in found.tolist()]

    def model_preprocessor(self) -> Preprocessor:
        """The preprocessing to store in a model file trained on these chunks.

        The feeder's own (the course's pictures), or for the ``X``/``y`` layout the
        identity on columns ``x0, x1, ...`` (features used as stored).
        """
        if self.preprocessor is not None:
            return self.preprocessor
        n = self.n_features
        return Preprocessor(kind="tabular", columns=tuple(f"x{i}" for i in range(n)),
                            mean=(0.0,) * n, std=(1.0,) * n)

    def save_kwargs(self, estimator) -> dict[str, Any]:
        """``preprocessor`` and ``class_names`` for :func:`nnscratch.save` of a model
        trained on these chunks: ``save(est, path, **feeder.save_kwargs(est))``."""
        classes = np.asarray(estimator.classes_).tolist()
        if self.class_names is not None:
            names = [self.class_names[int(c)] for c in classes]
        else:
            names = [str(c) for c in classes]
        return {"preprocessor": self.model_preprocessor(), "class_names": names}

    # ---------------------------------------------------------------- the end

    def close(self) -> None:
        """Close the file (if the feeder opened one)."""
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"ChunkFeeder({self.source!r}, {self.n_samples} rows x {self.n_features} "
                f"features, {self.n_chunks} chunks)")


def _layout(keys: list[str], source: str) -> tuple[str, str | None, str | None]:
    """(X name, y name or None, class-names name or None) of a group's keys.

    Without labels (``X`` alone, or one ``*_set_x`` alone) the data can be predicted,
    not trained on or evaluated.
    """
    xs = [k for k in keys if k.endswith("_set_x")]
    ys = [k for k in keys if k.endswith("_set_y")]
    names = next((k for k in ("class_names", "list_classes") if k in keys), None)
    if "X" in keys:
        return "X", "y" if "y" in keys else None, names
    if len(xs) == 1 and len(ys) <= 1:
        return xs[0], ys[0] if ys else None, names
    raise DatasetError(
        f"{source}: expected datasets 'X' (examples x features) and 'y', or one '*_set_x' "
        f"and one '*_set_y' (the course's layout); found {sorted(keys)}")


def open_chunks(source, y=None, *, chunk_rows: int | None = None,
                batch_size: int | None = None, preprocessor: Preprocessor | None = None,
                class_names: Sequence[str] | None = None) -> ChunkFeeder:
    """A :class:`ChunkFeeder` over an HDF5 file, a Zarr store or an array.

    Parameters
    ----------
    source : path-like or array
        An ``.h5``/``.hdf5`` file or a Zarr store (a folder, e.g. ``data.zarr``), in the
        course's layout or the ``X``/``y`` layout (see the module's notes); or an array
        of shape (n_samples, n_features) (Dask, Zarr, h5py, NumPy) with ``y``. A Dask
        array's row blocks are the chunks unless ``chunk_rows`` is given (``batch_size``
        alone does not change them: for chunks of whole mini-batches, rechunk the array
        to blocks of a multiple of it, ``X.rechunk({0: 16 * batch_size})``).
    y : array-like, optional
        The labels, when ``source`` is an array.
    chunk_rows, batch_size : int, optional
        See :class:`ChunkFeeder`.
    preprocessor : Preprocessor, optional
        A trained model's preprocessing (default: the course's picture preprocessing
        for the course's layout; none for the ``X``/``y`` layout).
    class_names : sequence of str, optional
        A trained model's class names, onto which the file's codes are mapped.

    Returns
    -------
    ChunkFeeder
        Close it (or use it in a ``with`` block) to close the file.

    Raises
    ------
    DatasetError
        Missing file, unknown layout, inconsistent shapes.
    MissingExtraError
        A Zarr store without the ``zarr`` package.
    """
    if not isinstance(source, (str, os.PathLike)):
        boundaries = None
        chunks = getattr(source, "chunks", None)
        if chunk_rows is None and hasattr(source, "compute") \
                and isinstance(chunks, tuple) and chunks and isinstance(chunks[0], tuple):
            boundaries = np.concatenate([[0], np.cumsum(chunks[0])]).tolist()
        if y is not None and not hasattr(y, "shape"):
            y = np.asarray(y)
        return ChunkFeeder(source, y, boundaries=boundaries, chunk_rows=chunk_rows,
                           batch_size=batch_size, preprocessor=preprocessor,
                           class_names=class_names, source=type(source).__name__)
    path = Path(source)
    if not path.exists():
        raise DatasetError(f"{path}: no such file or folder")
    if path.suffix.lower() in (".h5", ".hdf5"):
        import h5py

        from .datasets import _hdf5_open_failure, _special_file

        special = _special_file(path)  # never opened: a named pipe would wait
        if special:
            raise DatasetError(special)
        try:
            f = h5py.File(path, "r")
        except (OSError, ValueError) as exc:
            raise DatasetError(_hdf5_open_failure(path, exc)) from None
        group, closer = f, f.close
        item = partial(_hdf5_dataset, f, path=path)  # checked: no link out of the file
    elif path.is_dir() or path.suffix.lower() == ".zarr":
        try:
            import zarr
        except ImportError:
            raise MissingExtraError(
                f"{path}: reading Zarr needs the zarr package; install it with: {DASK_HINT}"
            ) from None
        try:
            group = zarr.open_group(str(path), mode="r")
        except Exception as exc:  # noqa: BLE001 - zarr raises many kinds
            raise DatasetError(f"{path}: not a readable Zarr group ({exc})") from None
        closer = None
        item = group.__getitem__
    else:
        raise DatasetError(f"{path}: streaming reads .h5/.hdf5 files and Zarr folders")
    try:
        keys = list(group.keys())
        x_name, y_name, names_key = _layout(keys, str(path))
        X, labels = item(x_name), (None if y_name is None else item(y_name))
        for name, value in ((x_name, X), (y_name, labels)):
            if value is not None and not hasattr(value, "dtype"):  # an HDF5 one: refused
                raise DatasetError(                                # by _hdf5_dataset
                    f"{path}: {name!r} in that store is a Zarr group, not an array; store "
                    f"the array itself as {name!r} and give that store")
        file_names = _names(item(names_key)) if names_key else None
        if file_names is not None:
            _check_class_names(file_names, str(path))
        course = x_name != "X"
        if course and preprocessor is None:
            if len(X.shape) != 4 or X.shape[1] != X.shape[2] or X.shape[3] != 3:
                raise DatasetError(f"{path}: pictures must have shape (n, size, size, 3), "
                                   f"got {X.shape}")
            preprocessor = Preprocessor.image(int(X.shape[1]))
        feeder = ChunkFeeder(X, labels, chunk_rows=chunk_rows, batch_size=batch_size,
                             preprocessor=preprocessor, file_class_names=file_names,
                             class_names=class_names, source=str(path), closer=closer)
        feeder._names = (x_name, y_name or "y")
    except BaseException as exc:
        if closer is not None:
            closer()
        if isinstance(exc, (OSError, RuntimeError, KeyError, ValueError)) and not isinstance(
                exc, DatasetError):  # an array's damaged metadata (a Zarr JSON, a link)
            what = "HDF5 file" if closer is not None else "Zarr store"
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DatasetError(f"{path}: not a readable {what} ({reason}); the file is "
                               "damaged: copy or write it again") from None
        raise
    return feeder


#: Where Linux says how much memory is available (``MemAvailable``: free memory plus
#: the page cache it can reclaim) and what a control group (a container) allows: its
#: limit and its use, cgroup v2 then v1.
_MEMINFO = "/proc/meminfo"
_CGROUP_LIMITS = (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                  ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                   "/sys/fs/cgroup/memory/memory.usage_in_bytes"))


def _read_number(path: str) -> float | None:
    try:
        with open(path, encoding="ascii") as f:
            text = f.read().strip()
        return float(int(text))  # "max" (no limit) is not a number
    except (OSError, ValueError):
        return None


def available_memory() -> float:
    """The memory available now, in bytes; infinite where it cannot be read.

    On Linux ``MemAvailable`` of ``/proc/meminfo`` (free memory and the page cache that
    can be reclaimed: a file just read does not count as used), capped by the room left
    under a control group's memory limit (a container's); elsewhere the free pages of
    ``os.sysconf`` (macOS).
    """
    available = None
    try:
        with open(_MEMINFO, encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    available = float(int(line.split()[1]) * 1024)  # kB
                    break
    except (OSError, ValueError, IndexError):
        available = None
    if available is None:
        try:
            available = float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            available = float("inf")
    for limit_path, usage_path in _CGROUP_LIMITS:
        limit, usage = _read_number(limit_path), _read_number(usage_path)
        if limit is not None and usage is not None and limit < 2**60:  # v1: 2**63 = none
            available = min(available, max(0.0, limit - usage))
            break
    return available


def needs_streaming(feeder: ChunkFeeder, fraction: float = 0.5) -> bool:
    """Whether the features would take more than ``fraction`` of the available memory
    (:func:`available_memory`; False where it cannot be read)."""
    return feeder.nbytes > fraction * available_memory()


# --------------------------------------------------------------------------- training


def chunk_orders(n_chunks: int, epochs: int, *, shuffle: bool = True,
                 seed: int | np.random.Generator | None = None) -> list[np.ndarray]:
    """The order of the chunks in each epoch.

    Parameters
    ----------
    n_chunks, epochs : int
    shuffle : bool
        A fresh permutation every epoch, drawn from ``np.random.default_rng(seed)``;
        False: storage order every epoch.
    seed : int, Generator or None

    Returns
    -------
    list of ndarray of shape (n_chunks,)
    """
    if seed is not None and not isinstance(seed, np.random.Generator) and (
            isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"seed must be an integer >= 0, a Generator or None, got {seed!r}")
    if not shuffle:
        return [np.arange(n_chunks) for _ in range(epochs)]
    rng = np.random.default_rng(seed)
    return [rng.permutation(n_chunks) for _ in range(epochs)]


def _short_chunks_last(order: np.ndarray, feeder: ChunkFeeder,
                       batch_size: int | None) -> np.ndarray:
    """``order`` with the chunks that do not hold a whole number of mini-batches of
    ``batch_size`` moved to its end (their shuffled order among themselves kept).

    An in-memory epoch's short mini-batch is its last; a short chunk visited before
    others would end a mini-batch early and shift every later batch's boundaries. With
    one short chunk (``open_chunks(..., batch_size=B)`` rounds the others to whole
    mini-batches) the epoch then makes exactly the in-memory fit's steps.
    """
    if not batch_size:
        return order
    sizes = np.diff(feeder.boundaries)
    short = sizes[order] % batch_size != 0
    return np.concatenate([order[~short], order[short]])


def epoch_rows(feeder: ChunkFeeder, order: Sequence[int]) -> np.ndarray:
    """The row indices in the order an epoch with chunk ``order`` visits them."""
    slices = feeder.chunk_slices
    return np.concatenate([np.arange(slices[i].start, slices[i].stop) for i in order])


@dataclass
class StreamFit:
    """What :func:`fit_streaming` did.

    Attributes
    ----------
    estimator : the fitted estimator
    epoch_losses : list of float
        The cost of each epoch: the mean of its mini-batch costs weighted by their
        rows, as ``loss_curve_`` of an in-memory fit.
    chunk_orders : list of ndarray
        The chunk order of each epoch.
    n_rows : int
        Rows trained on, all epochs together.
    seconds : float
    """

    estimator: Any
    epoch_losses: list[float]
    chunk_orders: list[np.ndarray]
    n_rows: int
    seconds: float
    interrupted: bool = False
    classes: np.ndarray = field(default_factory=lambda: np.array([]))

    @property
    def rows_per_second(self) -> float:
        """Training throughput."""
        return self.n_rows / self.seconds if self.seconds > 0 else float("inf")


class _Progress:
    """Progress on stderr: a tqdm bar on a terminal, else one line per epoch."""

    def __init__(self, mode, total_rows: int, what: str, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        terminal = False
        try:
            terminal = self.stream.isatty()
        except (AttributeError, ValueError):
            pass
        self.lines = bool(mode) and not (mode == "auto" and terminal)
        self.bar = None
        if mode and terminal and mode != "lines":
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total_rows, unit="rows", unit_scale=True, desc=what,
                            file=self.stream, leave=False, dynamic_ncols=True)
            self.lines = False
        self.start = time.perf_counter()

    def rows(self, n: int, **postfix) -> None:
        if self.bar is not None:
            self.bar.update(n)
            if postfix:
                self.bar.set_postfix(postfix, refresh=False)

    def line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        elif self.lines:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _cost_text(cost: float, decimals: int) -> str:
    """A cost in a progress line: ``decimals`` decimals, in powers of ten from a million
    on (a diverging stream printed costs of 300 digits), as the command line's."""
    return f"{cost:.{decimals}f}" if abs(cost) < 1e6 else f"{cost:.{decimals}e}"


def _stream_epoch(epoch: int, end: int, chunk: str = "") -> str:
    """Where a stream diverged: ``epoch`` (0-based, counted as ``fit`` counts its
    iterations) and the stream's epoch as its progress lines show it (1-based, of
    ``end``); ``chunk`` says which of its chunks."""
    return f"at iteration {epoch} (the stream's epoch {epoch + 1}/{end}{chunk})"


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s" if seconds > 0 else "- rows/s"


def _check_progress(progress) -> None:
    """``progress``: True, False, "auto" or "lines", or a one-line error (a truthy
    ``"bar"`` or ``1`` is not silently read as True)."""
    if isinstance(progress, (bool, np.bool_)) or (isinstance(progress, str)
                                                  and progress in ("auto", "lines")):
        return
    raise ValueError(f"progress={progress!r} is not valid: give True, False, 'auto' or "
                     "'lines'")


def _check_feeder(feeder) -> None:
    """A :class:`ChunkFeeder`, or a one-line TypeError saying how to make one."""
    if not isinstance(feeder, ChunkFeeder):
        raise TypeError(f"feeder must be a ChunkFeeder, got {type(feeder).__name__}; wrap "
                        "the data in ChunkFeeder(X, y) or open a file with "
                        "open_chunks(path)")


def _check_features(estimator, feeder: ChunkFeeder) -> None:
    """A fitted estimator's number of features is the feeder's, or a one-line error
    before anything is read or written."""
    n = getattr(estimator, "n_features_in_", None)
    if n is not None and feeder.n_features != n:
        raise ValueError(f"{feeder.source}: {feeder.n_features} features per row, but the "
                         f"model was trained on {n}; give data with the model's columns")


def _check_network(estimator, what: str) -> None:
    """One of the library's networks (``partial_fit`` with its parameters), or a one-line
    TypeError."""
    from .estimators import _BaseNetwork

    if not isinstance(estimator, _BaseNetwork):
        raise TypeError(f"{what} takes a LogisticRegression or NeuralNetworkClassifier "
                        f"of nnscratch, got {type(estimator).__name__}")


def _learned(estimator) -> dict[str, Any]:
    """The estimator's learnt attributes (``params_``, ``n_iter_``, ..., its generator)."""
    return {k: v for k, v in vars(estimator).items()
            if (k.endswith("_") and not k.startswith("__")) or k == "_rng"}


def _chunk_weight(class_weight: dict | None, y: np.ndarray, dtype) -> float:
    """The sum of a chunk's example weights as ``fit`` sums them (its rows' class
    weights, in the data's dtype); its number of rows without class weights."""
    if class_weight is None:
        return float(len(y))
    from sklearn.utils.class_weight import compute_sample_weight

    return float(np.sum(compute_sample_weight(class_weight, y).astype(dtype)))


def fit_streaming(estimator, feeder: ChunkFeeder, *, epochs: int | None = None,
                  shuffle_chunks: bool = True, seed: int | None = None,
                  classes: Sequence | None = None, progress: bool | str = False) -> StreamFit:
    """Train ``estimator`` on the chunks of ``feeder``: mini-batch epochs via ``partial_fit``.

    Every epoch visits the chunks in a fresh shuffled order (:func:`chunk_orders`; a
    chunk that does not hold a whole number of mini-batches comes last) and
    calls ``estimator.partial_fit(X_chunk, y_chunk, classes=...)`` on each: one pass of
    mini-batches of ``batch_size`` over the chunk (``batch_size=None``: one step per
    chunk). The learning rate follows ``learning_rate_schedule`` per epoch, as in
    ``fit``; ``class_weight="balanced"`` uses the class counts of the whole data. When
    it ends, ``loss_curve_``, ``costs_`` and ``n_iter_`` count epochs, as after ``fit``.
    See the module's notes for when this equals an in-memory fit exactly.

    Parameters
    ----------
    estimator : LogisticRegression or NeuralNetworkClassifier
        Continued if already fitted (``partial_fit``'s rules), else initialised from its
        ``random_state`` on the first chunk.
    feeder : ChunkFeeder
    epochs : int, optional
        Default: the estimator's ``max_iter``.
    shuffle_chunks : bool, default True
    seed : int, optional
        The seed of the chunk order; default: the estimator's ``random_state`` when it
        is an int, else fresh entropy.
    classes : sequence, optional
        Every class; default: the classes found in the labels (one pass over ``y``).
    progress : bool or "auto" or "lines"
        Progress on stderr with rows per second: False (default) nothing; True or
        "auto" a tqdm bar on a terminal and one line per epoch otherwise; "lines" one
        line per epoch always.

    Returns
    -------
    StreamFit

    Raises
    ------
    ValueError
        Early stopping asked for (it needs a held-out set: evaluate with
        :func:`evaluate_streaming` instead), labels the classes do not cover, or a
        learning-rate schedule that falls to 0 within the epochs (refused before any
        training).
    TypeError
        ``callbacks`` that are not callbacks (refused before any data is read).
    NonFiniteWeightsError
        Training diverged (an epoch's cost not finite, or beyond 1e300); the message
        names the stream's epoch.

    Notes
    -----
    An error while training (e.g. a chunk holding NaN) leaves the estimator as it was
    before the call: its learnt attributes are restored (a KeyboardInterrupt keeps the
    epochs done, as ``interrupted`` says, with one ``UserWarning``, as ``fit`` warns).

    The estimator's own ``callbacks`` see the stream's epochs as ``fit`` shows them its
    epochs: ``on_train_begin`` once (before the first chunk, so an estimator not yet
    fitted has no ``params_`` then), ``on_iteration_end`` after each epoch with its
    ``"cost"`` (the epoch's mean over its rows) and ``"learning_rate"``, and
    ``on_train_end`` once, after an interruption too. A callback that asks to stop ends
    the stream after that epoch; an ``EarlyStopping(monitor="cost")`` waits across
    epochs and restores its best weights. The chunks' ``partial_fit`` calls run without
    them. A stream that ends at a much higher cost than it began with warns
    (``ConvergenceWarning``), as ``fit`` does.
    """
    from .estimators import _refuse_while_training, _training
    from .exceptions import NonFiniteWeightsError
    from .optimizers import make_schedule
    from .persistence import _MAX_COST  # an epoch's cost beyond it: a divergence
    from .training import INTERRUPT_SAID_BY_CALLER

    _check_network(estimator, "fit_streaming")
    _refuse_while_training(estimator, "fit_streaming")  # from one of its own callbacks
    _check_feeder(feeder)
    _check_features(estimator, feeder)
    _check_progress(progress)
    if not isinstance(shuffle_chunks, (bool, np.bool_)):
        raise ValueError(f"shuffle_chunks={shuffle_chunks!r} is not valid: give True or "
                         "False")
    params = estimator.get_params()
    # the estimator's callbacks follow the epochs, not each chunk's partial_fit
    events = CallbackList(params.get("callbacks")).bind(estimator)
    if params.get("early_stopping"):
        raise ValueError("early stopping is not available when streaming; drop it and "
                         "evaluate on held-out data with evaluate_streaming")
    # before the first chunk is read, not at the first epoch's end
    estimator._check_monitors(
        has_validation=False,
        without="fit_streaming takes none (evaluate on held-out data with evaluate_streaming)")
    epochs = params["max_iter"] if epochs is None else epochs
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)):
        raise ValueError(f"epochs must be a whole number >= 1, got {epochs!r}")
    epochs = int(epochs)
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    if seed is not None and (isinstance(seed, bool)
                             or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"seed must be an integer >= 0 or None, got {seed!r}")
    state = params.get("random_state")
    if seed is None and isinstance(state, (int, np.integer)):
        seed = int(state)
    elif seed is None and shuffle_chunks and isinstance(
            state, (np.random.RandomState, np.random.Generator)):
        # the estimator's one source of randomness orders the chunks too: a run is
        # reproducible from the generator's state, as in scikit-learn
        seed = int(state.integers(2**32) if isinstance(state, np.random.Generator)
                   else state.randint(2**32, dtype=np.int64))
    balanced = params.get("class_weight") == "balanced"
    # one pass over the labels (not the features) before any training: labels that the
    # classes do not cover are refused now, not after the chunks before them
    found, counts = feeder.class_counts()
    if found.dtype.kind == "f" and not np.all(found == np.round(found)):
        odd = found[found != np.round(found)].tolist()
        shown = ", ".join(f"{v:g}" for v in odd[:3]) + (", ..." if len(odd) > 3 else "")
        raise ValueError(f"{feeder.source}: y holds continuous values ({shown}), not "
                         "classes; give class labels, integers or names")
    if classes is None:
        classes = getattr(estimator, "classes_", None)
        if classes is None and len(found) < 2:
            raise ValueError(
                f"{feeder.source}: y holds only one class "
                f"({', '.join(map(str, found.tolist())) or 'none'}); a classifier needs "
                "examples of at least 2 (or pass classes=[...] to train on part of them)")
        classes = found if classes is None else classes
    classes = np.asarray(classes)
    if classes.ndim != 1:
        raise ValueError(f"classes must be a flat list of labels, e.g. classes=[0, 1]; got "
                         f"{classes.tolist()!r}")
    unknown = [c for c in found.tolist() if c not in set(classes.tolist())]
    if unknown:
        raise ValueError(f"{feeder.source}: labels {unknown[:5]} are not in classes "
                         f"{classes.tolist()}; pass every class in classes=[...] (or "
                         "leave it out to use the labels found)")
    restore = {k: params[k] for k in ("learning_rate", "learning_rate_schedule",
                                      "class_weight", "verbose", "callbacks") if k in params}
    schedule = make_schedule(params["learning_rate_schedule"], params["decay_rate"],
                             params["decay_interval"])
    temporary: dict[str, Any] = {"learning_rate_schedule": "constant", "verbose": False,
                                 "callbacks": None}
    if balanced:  # scikit-learn's formula with the whole data's counts
        n = counts.sum()
        temporary["class_weight"] = {c: n / (len(found) * k)
                                     for c, k in zip(found.tolist(), counts.tolist())}
    # labels of weight zero: a chunk of only those has nothing to learn (partial_fit
    # refuses weights that sum to zero), so it is passed over
    weights = params.get("class_weight")
    weightless = ({c for c, w in weights.items() if w == 0} if isinstance(weights, dict)
                  else set())
    if weightless and set(found.tolist()) <= weightless:
        raise ValueError("the sample weights sum to zero: class_weight gives every class "
                         "of the data weight 0; give some classes weight.")
    fitted = hasattr(estimator, "params_")
    history = {name: list(getattr(estimator, name, [])) if fitted else []
               for name in ("loss_curve_", "costs_")}
    first_epoch = int(getattr(estimator, "n_iter_", 0)) if fitted else 0
    # a rate that decays to 0 within the epochs: refused now, not epochs in
    estimator._refuse_vanishing_rate(schedule, first_epoch, epochs)
    orders = chunk_orders(feeder.n_chunks, epochs, shuffle=shuffle_chunks, seed=seed)
    if shuffle_chunks:  # as in memory, where the short mini-batch is an epoch's last
        orders = [_short_chunks_last(order, feeder, params.get("batch_size"))
                  for order in orders]
    bar = _Progress(progress, feeder.n_samples * epochs, "training")
    losses: list[float] = []
    n_rows, interrupted, failed, stopped, begun = 0, False, False, False, False
    start = time.perf_counter()
    # what the estimator had learnt before (the size of the model): restored if
    # training fails, so that no half-trained model is left behind
    before = copy.deepcopy(_learned(estimator))
    estimator.set_params(**temporary)
    class_weight = estimator.get_params()["class_weight"]
    every = int(params.get("cost_every") or 100)

    def epochs_so_far() -> None:
        """``n_iter_`` and the curves as the stream's epochs, as fit keeps them."""
        if hasattr(estimator, "params_"):
            estimator.loss_curve_ = history["loss_curve_"] + losses
            estimator.costs_ = history["costs_"] + [
                c for k, c in enumerate(losses) if (first_epoch + k) % every == 0]
            estimator.n_iter_ = first_epoch + len(losses)

    @contextlib.contextmanager
    def as_the_callbacks_see_it():
        """The estimator during its callbacks as during fit's: the user's own
        hyper-parameters, and the epochs so far as ``n_iter_`` and the curves (a
        checkpoint pickled there resumes this run, not the chunks' settings); and marked
        as being trained (a fit of it from there is refused). The chunks' settings and
        counters are put back after."""
        if not len(events.callbacks):  # no callback to see it
            yield
            return
        chunks = {k: v for k, v in estimator.get_params().items() if k in restore}
        counters = {k: getattr(estimator, k) for k in ("n_iter_", "loss_curve_", "costs_")
                    if hasattr(estimator, k)}
        estimator.set_params(**restore)
        epochs_so_far()
        said = INTERRUPT_SAID_BY_CALLER.set(False)  # a fit of the callbacks' own warns
        try:
            with _training(estimator, "fit_streaming"):
                yield
        finally:
            INTERRUPT_SAID_BY_CALLER.reset(said)
            estimator.set_params(**chunks)
            vars(estimator).update(counters)

    # a Ctrl-C inside a chunk's partial_fit is said once, for the stream, below
    said_here = INTERRUPT_SAID_BY_CALLER.set(True)
    try:
        batch = params.get("batch_size")  # an epoch: a step a chunk at least
        with as_the_callbacks_see_it():
            events.on_train_begin({"max_iter": epochs, "n_samples": feeder.n_samples,
                                   "full_batch": feeder.n_chunks == 1 and (
                                       batch is None or batch >= feeder.n_samples)})
        begun = True  # (callbacks whose on_train_begin failed: CallbackList ends them)
        for e, order in enumerate(orders):
            rate = schedule(restore["learning_rate"], first_epoch + e)
            estimator.set_params(learning_rate=rate)
            epoch_start, total, weight, rows = time.perf_counter(), 0.0, 0.0, 0
            for k, (_, X, y) in enumerate(feeder.chunks(order)):
                if weightless and set(np.unique(y).tolist()) <= weightless:
                    continue
                try:
                    estimator.partial_fit(X, y, classes=classes)
                except NonFiniteWeightsError as exc:
                    # the chunk's partial_fit numbers its iterations by chunks (iteration
                    # 8 was the 3rd epoch of 6): the stream's epoch, as fit numbers them
                    raise NonFiniteWeightsError(re.sub(
                        r"^training diverged at iteration \d+(?: \((.*?)\))?",
                        lambda found: "training diverged " + _stream_epoch(
                            first_epoch + e, first_epoch + epochs,
                            f", its chunk {k + 1} of {feeder.n_chunks}"
                            + (f"; {found[1]}" if found[1] else "")),
                        str(exc), count=1)) from None
                if getattr(estimator, "interrupted_", False):  # Ctrl-C inside partial_fit
                    raise KeyboardInterrupt
                # the chunk's cost is its examples' weighted mean: the epoch's, as fit's,
                # weighs each chunk by its examples' weights
                w = _chunk_weight(class_weight, y, X.dtype)
                total += float(estimator.loss_curve_[-1]) * w
                weight += w
                rows += len(y)
                bar.rows(len(y), cost=_cost_text(total / weight, 4))
                del X, y
            if not total / weight <= _MAX_COST:
                # each chunk's cost is checked by its partial_fit; their weighted sum
                # overflowed (and a model file holds no such cost)
                raise NonFiniteWeightsError(
                    f"training diverged {_stream_epoch(first_epoch + e, first_epoch + epochs)}"
                    f" (cost {total / weight:.4g} over the epoch): the weights are on their "
                    f"way to overflow. Lower learning_rate (now {rate:g}) or scale the input "
                    "features (divide pixel values by 255, standardise tabular data).")
            losses.append(total / weight)
            n_rows += rows
            seconds = time.perf_counter() - epoch_start
            bar.line(f"epoch {first_epoch + e + 1}/{first_epoch + epochs}: cost "
                     f"{_cost_text(losses[-1], 6)}, {rows:,} rows in {seconds:.1f} s "
                     f"({_rate(rows, seconds)})")
            with as_the_callbacks_see_it():
                stop = events.on_iteration_end(first_epoch + e,
                                               {"cost": losses[-1], "learning_rate": rate})
            if stop:
                stopped = True
                bar.line(f"a callback stopped training after epoch {first_epoch + e + 1}")
                break
    except KeyboardInterrupt:
        interrupted = True  # said once the bar is closed, as a warning (see below)
    except BaseException:
        failed = True
        raise
    finally:
        INTERRUPT_SAID_BY_CALLER.reset(said_here)
        bar.close()
        estimator.set_params(**restore)
        end = {"n_iter": len(losses), "stopped_early": stopped, "interrupted": interrupted}
        if failed:
            # the callbacks end (a ProgressBar closes) before the model is restored;
            # an error of theirs would hide the first one
            if begun:
                with contextlib.suppress(Exception), as_the_callbacks_see_it():
                    events.on_train_end(end)
            for name in _learned(estimator):
                delattr(estimator, name)
            vars(estimator).update(before)
        else:
            epochs_so_far()
            if begun:
                with as_the_callbacks_see_it():
                    events.on_train_end(end)
    if interrupted:  # a warning, as fit's: a caller that writes nothing (the command
        # line) drops it rather than contradict it
        warnings.warn(f"training interrupted after {len(losses)} epochs; keeping the "
                      "weights so far.", UserWarning, stacklevel=2)
    if not (interrupted or stopped):  # a stream whose cost climbed says so, as fit does
        from .estimators import _climbing_cost
        from .exceptions import ConvergenceWarning

        rose = _climbing_cost(losses, restore.get("learning_rate"),
                              alpha=params.get("alpha", 0.0))
        if rose:
            warnings.warn(f"{type(estimator).__name__}: {rose}", ConvergenceWarning,
                          stacklevel=2)
    return StreamFit(estimator, losses, orders[:len(losses)], n_rows,
                     time.perf_counter() - start, interrupted, classes)


# --------------------------------------------------------------------------- evaluation


def _check_fitted(estimator) -> None:
    """NotFittedError (one line) before any chunk is read."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator)


def _class_names(classes: np.ndarray, class_names) -> list[str]:
    """The display names of ``classes``: ``class_names``, one per class, or their text."""
    if class_names is None:
        return [str(c) for c in classes.tolist()]
    names = [str(n) for n in class_names]
    if len(names) != len(classes):
        raise ValueError(f"class_names has {len(names)} names but the model has "
                         f"{len(classes)} classes ({classes.tolist()}); give one name per "
                         "class, in the order of classes_")
    return names


def predict_streaming(estimator, feeder: ChunkFeeder, *, progress: bool | str = False
                      ) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Predictions chunk by chunk, in storage order.

    Yields
    ------
    start : int
        The chunk's first row.
    labels : ndarray of shape (rows,)
        ``estimator.predict`` of the chunk.
    proba : ndarray of shape (rows, n_classes)
        ``estimator.predict_proba`` of the chunk.

    Raises
    ------
    NotFittedError, ValueError
        At the call, before any chunk is read: an unfitted estimator or a bad
        ``progress``. The chunks themselves are read and predicted as they are pulled.
    """
    _check_fitted(estimator)
    _check_feeder(feeder)
    _check_features(estimator, feeder)
    _check_progress(progress)
    return _predict_chunks(estimator, feeder, progress)


def _labels_and_proba(estimator, X) -> tuple[np.ndarray, np.ndarray]:
    """``(predict(X), predict_proba(X))``: from one forward pass for nnscratch's
    estimators (their labels, exactly, where σ(z) rounds to 0.5), else the class of the
    largest probability."""
    both = getattr(estimator, "_predict_with_proba", None)
    if both is not None:
        return both(X)
    proba = estimator.predict_proba(X)
    return np.asarray(estimator.classes_)[np.argmax(proba, axis=1)], proba


def _predict_chunks(estimator, feeder: ChunkFeeder, progress
                    ) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """The work of :func:`predict_streaming`, once its checks passed."""
    bar = _Progress(progress, feeder.n_samples, "predicting")
    start = time.perf_counter()
    try:
        for i, X, _ in feeder.chunks(labels=False):
            labels, proba = _labels_and_proba(estimator, X)
            bar.rows(X.shape[0])
            yield feeder.boundaries[i], labels, proba
    finally:
        bar.close()
    seconds = time.perf_counter() - start  # only when every row was predicted
    bar.line(f"predicted {feeder.n_samples:,} rows in {seconds:.1f} s "
             f"({_rate(feeder.n_samples, seconds)})")


def write_predictions(estimator, feeder: ChunkFeeder, out: TextIO, *, fmt: str = "table",
                      class_names: Sequence[str] | None = None, name: str | None = None,
                      progress: bool | str = False) -> int:
    """Write one prediction per row to ``out`` as the rows are predicted.

    Parameters
    ----------
    estimator : LogisticRegression or NeuralNetworkClassifier
        Fitted; its ``predict_proba`` is applied chunk by chunk.
    feeder : ChunkFeeder
        Chunks of the estimator's features, predicted in storage order (labels, if
        any, are not read).
    out : text stream
        Receives the rows as they are predicted, in writes of at most 4,096 rows (so
        that the text held at once stays small, whatever the chunk); not closed.
    fmt : {"table", "json", "csv"}
        ``"table"``: ``input  label  probability`` columns as ``nnscratch predict``
        prints them; ``"json"``: one JSON list of ``{"input", "label", "probability",
        "probabilities"}`` (written element by element); ``"csv"``: a header, then
        ``input,label,probability`` rows (a field holding a comma, a quote or a line
        break quoted, as the ``csv`` module writes it). Rows that cannot be read after
        some were written end the output; in JSON, the list then ends with
        ``{"input": "name[i:]", "error": ...}`` for the rows from ``i`` on, and so it
        does after Ctrl-C (``"error": "interrupted"``; each write's rows are written
        whole, never a row cut in two).
    class_names : sequence of str, optional
        Display names of ``estimator.classes_``.
    name : str, optional
        The row names are ``name[i]`` (default: the feeder's source).
    progress : bool or "auto" or "lines"
        Progress on stderr: False (default) nothing; True, "auto" or "lines" one line
        with the rows per second once every row is predicted, after a tqdm bar of the
        rows on a terminal for True or "auto".

    Returns
    -------
    int
        The number of rows written.
    """
    if fmt not in ("table", "json", "csv"):
        raise ValueError(f"fmt={fmt!r}: choose 'table', 'json' or 'csv'")
    _check_fitted(estimator)
    _check_feeder(feeder)
    _check_features(estimator, feeder)
    _check_progress(progress)  # before the header is written
    classes = np.asarray(estimator.classes_)
    names = _class_names(classes, class_names)
    # the table's class names escaped where they hold a line break or an escape code
    # (it forged a row); JSON and CSV quote them as their formats do
    shown = [escaped(n) for n in names]
    index = {c: k for k, c in enumerate(classes.tolist())}
    stem = name if name is not None else Path(str(feeder.source)).name
    width = len(f"{stem}[{feeder.n_samples - 1}]")
    n = 0
    # written with the first rows (or at the end): an error in the first chunk leaves
    # nothing on the output (a lone "[" was no JSON), as any other refused input
    header = {"json": "[", "csv": "input,label,probability\n"}.get(
        fmt, f"{'input':<{width}}  {'label':<12}  probability\n")
    predictions = predict_streaming(estimator, feeder, progress=progress)
    ended = False  # the whole output written
    try:
        while True:
            try:
                start, labels, proba = next(predictions)
            except StopIteration:
                break
            except (DatasetError, ValueError) as exc:
                if not n:
                    raise
                # the rows before were written as they were predicted: say the output
                # stops, and end a JSON list with the rows not predicted as its last item
                if fmt == "json":
                    item = {"input": f"{stem}[{n}:]", "error": str(exc)}
                    with _interrupt_deferred():
                        out.write(",\n" + json.dumps(item) + "\n]\n")
                raise type(exc)(f"{exc} (the output stops after the {n:,} rows of the "
                                "chunks before it"
                                f"{'; the JSON ends with this error' if fmt == 'json' else ''})"
                                ) from None
            # formatted and written _WRITE_ROWS rows at a time: the text of a whole chunk
            # (64 MiB of narrow features: millions of rows) took many times its memory
            for first in range(0, len(labels), _WRITE_ROWS):
                lines = []
                part = slice(first, first + _WRITE_ROWS)
                for k, (label, p) in enumerate(zip(labels[part].tolist(), proba[part]),
                                               start=first):
                    code = index[label]
                    row = f"{stem}[{start + k}]"
                    if fmt == "json":
                        item = {"input": row, "label": names[code],
                                "probability": float(p[code]),
                                "probabilities": {nm: float(v) for nm, v in zip(names, p)}}
                        lines.append(("," if n or k > first else "") + "\n" + json.dumps(item))
                    elif fmt == "csv":  # quoted where a name holds a comma, a quote or a newline
                        lines.append(_csv_line(row, names[code], repr(float(p[code]))))
                    else:
                        lines.append(f"{row:<{width}}  {shown[code]:<12}  "
                                     f"{float(p[code]):.4f}\n")
                with _interrupt_deferred():  # the rows whole: Ctrl-C comes after them
                    out.write(("" if n else header) + "".join(lines))
                    n += len(lines)
        with _interrupt_deferred():
            if not n:
                out.write(header)
            if fmt == "json":
                out.write("\n]\n")
            ended = True
    except KeyboardInterrupt:
        if n and fmt == "json" and not ended:  # the list ends, so that what was written parses
            with _interrupt_deferred():
                item = {"input": f"{stem}[{n}:]", "error": "interrupted"}
                out.write(",\n" + json.dumps(item) + "\n]\n")
        raise
    return n


@contextlib.contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Ctrl-C (SIGINT) held until the block ends, then raised as KeyboardInterrupt: a
    write to a blocked pipe is not cut in the middle of a row. Outside the main thread,
    where no signal handler can be set, the block runs as it is.

    The signal is blocked in this thread too (``pthread_sigmask``), not only handed to
    a Python handler that notes it: a signal arriving during the write system call
    ended that call early (a partial write), and an unbuffered text stream (``python
    -u``, ``PYTHONUNBUFFERED``, click's stdout on a pipe) then dropped the rest of the
    bytes, cutting a row and losing those after it. A SIGINT that came meanwhile is
    delivered when the mask is restored, to the handler that notes it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    try:
        before = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    except ValueError:  # an interpreter that does not take signals here
        yield
        return
    mask = None
    try:
        if hasattr(signal, "pthread_sigmask"):  # not on Windows
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        yield
    finally:
        if mask is not None:  # a held SIGINT runs the handler above now
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        # None: a handler not set from Python, given back as Python's own
        signal.signal(signal.SIGINT, signal.default_int_handler if before is None else before)
    if caught:
        raise KeyboardInterrupt


def _csv_line(*fields: str) -> str:
    """One CSV row, quoted as the csv module quotes (RFC 4180)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    return buffer.getvalue()


def _positive_index(names: Sequence[str], positive_class=None,
                   what: str = "positive_class") -> int | None:
    """Where in ``names`` the class is whose precision, recall and F1 are reported: the
    second (scikit-learn's ``pos_label``, ``classes_[1]``) unless ``positive_class``
    names another; None for more than two classes (macro averages).

    Raises
    ------
    ValueError
        ``positive_class`` is not one of ``names``, or there are more than two (one
        line, naming ``what``: the parameter or the option).
    """
    names = [str(n) for n in names]
    if positive_class is None:
        return 1 if len(names) == 2 else None
    if len(names) != 2:
        raise ValueError(f"{what} is for a model of two classes; this one has "
                         f"{len(names)} ({', '.join(names)}), whose precision, recall and "
                         "F1 are macro-averaged")
    if str(positive_class) not in names:
        raise ValueError(f"{what} {str(positive_class)!r} is not a class of the model "
                         f"({', '.join(names)}); give one of them")
    return names.index(str(positive_class))


def evaluate_streaming(estimator, feeder: ChunkFeeder, *,
                       class_names: Sequence[str] | None = None,
                       progress: bool | str = False, positive_class=None) -> dict:
    """Score ``estimator`` on labelled chunks: the result of ``nnscratch evaluate --json``.

    Accumulates the confusion matrix and the summed log-loss chunk by chunk, so the
    figures equal scikit-learn's metrics on all the rows at once (up to the order of
    the floating-point sums of the log-loss).

    Parameters
    ----------
    estimator : LogisticRegression or NeuralNetworkClassifier
        Fitted.
    feeder : ChunkFeeder
        Labelled chunks of the estimator's features.
    class_names : sequence of str, optional
        A display name for each of ``estimator.classes_``, in their order.
    progress : bool or "auto" or "lines"
        As for :func:`fit_streaming`.
    positive_class : str, optional
        For two classes, the class (by its name in ``class_names``, or its label as
        text) whose precision, recall and F1 are given; default the second,
        ``classes_[1]``. Refused for more classes.

    Returns
    -------
    dict
        ``accuracy``, ``precision``, ``recall``, ``f1`` (of the positive class, the
        second unless ``positive_class`` says otherwise, for two classes;
        macro-averaged for more, with zero_division=0),
        ``log_loss``, ``confusion_matrix`` (rows: true, columns: predicted),
        ``n_samples``, ``classes``, ``positive_class``, ``average``, ``seconds``.
    """
    from sklearn.metrics import confusion_matrix, log_loss

    _check_fitted(estimator)
    _check_feeder(feeder)
    _check_features(estimator, feeder)
    _check_progress(progress)
    classes = np.asarray(estimator.classes_)
    K = len(classes)
    names = _class_names(classes, class_names)
    p = _positive_index(names, positive_class)
    cm = np.zeros((K, K), dtype=np.int64)
    loss_sum, n = 0.0, 0
    bar = _Progress(progress, feeder.n_samples, "evaluating")
    start = time.perf_counter()
    try:
        for _, X, y in feeder.chunks():
            if feeder.labels_are_indices:  # positions in the model's class names
                y = classes[y]
            unseen = np.setdiff1d(y, classes)
            if unseen.size:
                raise DatasetError(f"{feeder.source}: labels {unseen.tolist()[:5]} are not "
                                   f"classes of the model ({classes.tolist()})")
            pred, proba = _labels_and_proba(estimator, X)
            cm += confusion_matrix(y, pred, labels=classes)
            loss_sum += log_loss(y, proba, labels=classes, normalize=False)
            n += len(y)
            bar.rows(len(y))
    finally:
        bar.close()
    seconds = time.perf_counter() - start
    bar.line(f"evaluated {n:,} rows in {seconds:.1f} s ({_rate(n, seconds)})")
    tp = np.diag(cm).astype(np.float64)
    pred_totals, true_totals = cm.sum(axis=0), cm.sum(axis=1)
    precision = np.divide(tp, pred_totals, out=np.zeros(K), where=pred_totals > 0)
    recall = np.divide(tp, true_totals, out=np.zeros(K), where=true_totals > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros(K), where=both > 0)
    binary = K == 2
    pick = (lambda v: float(v[p])) if binary else (lambda v: float(np.mean(v)))
    return {
        "accuracy": float(tp.sum() / n),
        "precision": pick(precision),
        "recall": pick(recall),
        "f1": pick(f1),
        "log_loss": float(loss_sum / n),
        "confusion_matrix": cm.tolist(),
        "n_samples": int(n),
        "classes": names,
        "positive_class": names[p] if binary else None,
        "average": "binary" if binary else "macro",
        "seconds": round(seconds, 3),
    }


# --------------------------------------------------------------------------- Dask


def predict_dask(estimator, X, method: str = "predict"):
    """Predict on a Dask array block by block, in parallel; returns a Dask array.

    Parameters
    ----------
    estimator : fitted estimator
    X : dask.array.Array of shape (n_samples, n_features)
        Rechunked to one block across the features if needed.
    method : {"predict", "predict_proba", "decision_function"}

    Returns
    -------
    dask.array.Array
        ``(n_samples,)`` labels, or ``(n_samples, n_classes)`` probabilities, lazily:
        ``.compute()`` runs the blocks on the current scheduler (a Dask cluster when a
        ``distributed.Client`` is active).
    """
    require_dask("dask.array")
    import dask.array as da
    from sklearn.utils.validation import check_is_fitted

    if method not in ("predict", "predict_proba", "decision_function"):
        raise ValueError(f"method={method!r}: choose predict, predict_proba or "
                         "decision_function")
    check_is_fitted(estimator)  # one line, before any block is scheduled
    if not hasattr(X, "map_blocks"):  # a NumPy array (or rows): one block per 64 MiB
        X = np.asarray(X)
        if X.ndim == 2:
            rows = max(1, DEFAULT_CHUNK_BYTES // max(1, X.shape[1] * X.itemsize))
            X = da.from_array(X, chunks=(rows, -1))
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (examples x features), got {X.ndim}-D")
    takes = getattr(estimator, "n_features_in_", None)
    if takes is not None and not np.isnan(X.shape[1]) and X.shape[1] != takes:
        # as predict says it, but now: not when the blocks run on a cluster
        raise ValueError(f"X has {X.shape[1]} features, but {type(estimator).__name__} is "
                         f"expecting {takes} features as input.")
    if len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})
    fn = getattr(estimator, method)
    classes = np.asarray(estimator.classes_)
    if method == "predict":
        return X.map_blocks(fn, drop_axis=1, dtype=classes.dtype, meta=np.array((), classes.dtype))
    K = len(classes)
    width = K if method == "predict_proba" or K > 2 else None
    # what the blocks will give: float32 from a float32 model on float32 data
    dtype = _output_dtype(fn, X)
    if width is None:
        return X.map_blocks(fn, drop_axis=1, dtype=dtype, meta=np.array((), dtype))
    return X.map_blocks(fn, chunks=(X.chunks[0], (width,)), dtype=dtype,
                        meta=np.array((), dtype).reshape(0, 0))


def _output_dtype(fn, X) -> np.dtype:
    """The dtype ``fn`` (``predict_proba`` or ``decision_function``) gives on blocks
    of ``X``: its answer on one row of zeros, float64 where that row cannot be made."""
    from .training import library_warnings_ignored

    try:
        with library_warnings_ignored():  # the blocks will say it (no feature names)
            return np.asarray(fn(np.zeros((1, X.shape[1]), dtype=X.dtype))).dtype
    except Exception:  # noqa: BLE001 - a dtype the estimator takes only in real rows
        return np.dtype(np.float64)


def _read_rows(path: str, name: str, start: int, stop: int, image_size,
               row: bool = False, dtype=None) -> np.ndarray:
    """Rows ``start:stop`` of dataset ``name`` of an HDF5 file (one Dask block);
    ``row``: labels stored as one row ``(1, n_samples)``, columns ``start:stop``;
    ``dtype``: the dtype the block was declared with (features stored as uint8 become
    the float64 that :func:`read_dask` declares, as its Zarr blocks do)."""
    import h5py

    with h5py.File(path, "r") as f:  # checked again: the file may have changed since
        data = _hdf5_dataset(f, name, path)
        raw = data[0, start:stop] if row else data[start:stop]
    if image_size is None:
        raw = _decode(raw)  # labels stored as byte strings read as str, as the feeder does
        return raw if dtype is None else raw.astype(dtype, copy=False)
    return Preprocessor.image(image_size).transform_images(raw)


def read_dask(path, *, chunk_rows: int | None = None, batch_size: int | None = None):
    """The features and labels of an HDF5 file or Zarr store as Dask arrays.

    Each block is read where it is computed (a Dask worker opens the file by its
    absolute path, so the workers must see it there), in either layout of the module's
    notes; the course's pictures are flattened and divided by 255 block by block, and
    features stored as integers become the float64 declared, block by block too.

    Parameters
    ----------
    path : path-like
        ``.h5``/``.hdf5`` file or Zarr store.
    chunk_rows, batch_size : int, optional
        Rows per block, as for :class:`ChunkFeeder` (default: 64 MiB of features).

    Returns
    -------
    X : dask.array.Array of shape (n_samples, n_features)
    y : dask.array.Array of shape (n_samples,), or None
        None when the data hold no labels; labels stored as one row ``(1, n_samples)``
        are read as ``(n_samples,)``.
    """
    require_dask("dask.array")
    import dask
    import dask.array as da

    with open_chunks(path, chunk_rows=chunk_rows, batch_size=batch_size) as feeder:
        bounds, n_features, dtype = feeder.boundaries, feeder.n_features, feeder.dtype
        course = feeder.preprocessor is not None
        size = feeder.preprocessor.size if course else None
        x_name = feeder.X.name.lstrip("/") if hasattr(feeder.X, "name") else "X"
        has_y = feeder.y is not None
        y_name = feeder.y.name.lstrip("/") if hasattr(feeder.y, "name") else "y"
        y_row = feeder._y_row
        y_dtype = np.dtype(feeder.y.dtype) if has_y else None
        if y_dtype is not None and y_dtype.kind in "SO":  # decoded by _read_rows
            y_dtype = np.dtype(f"U{y_dtype.itemsize}") if y_dtype.kind == "S" else (
                np.dtype(object))
    rows = [b - a for a, b in pairwise(bounds)]
    # the graph holds the absolute path: a worker started in another folder (a Dask
    # cluster's) opens the same file
    path = os.path.abspath(os.fspath(path))
    if Path(path).suffix.lower() in (".h5", ".hdf5"):
        read = dask.delayed(_read_rows, pure=True)
        blocks = [da.from_delayed(read(path, x_name, a, b, size, False,
                                       None if course else dtype),
                                  shape=(b - a, n_features),
                                  dtype=np.float64 if course else dtype)
                  for a, b in pairwise(bounds)]
        X = da.concatenate(blocks, axis=0)
        if not has_y:
            return X, None
        labels = [da.from_delayed(read(path, y_name, a, b, None, y_row, y_dtype),
                                  shape=(b - a,), dtype=y_dtype)
                  for a, b in pairwise(bounds)]
        y = da.concatenate(labels)
    else:
        X = da.from_zarr(str(path), component=x_name).rechunk({0: tuple(rows)})
        y = da.from_zarr(str(path), component=y_name) if has_y else None
        y = None if y is None else (y[0] if y_row else y).rechunk((tuple(rows),))
        if course:
            X = X.map_blocks(lambda b: Preprocessor.image(size).transform_images(b),
                             chunks=(tuple(rows), (n_features,)), drop_axis=[2, 3],
                             dtype=np.float64)
        elif dtype != X.dtype:
            X = X.astype(dtype)
    return X, y


def _fmt_bytes(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


def describe(feeder: ChunkFeeder) -> str:
    """One line: rows, features, chunks and sizes (for messages)."""
    sizes = [b - a for a, b in pairwise(feeder.boundaries)]
    rows = sizes[0]
    upto = last = ""
    if len(set(sizes[:-1])) > 1 or (len(sizes) > 1 and sizes[-1] > rows):
        rows, upto = max(sizes), "up to "  # chunks of several sizes: the largest
    elif sizes[-1] != rows:  # equal chunks but a shorter last: 4,000 rows = 4 x 900 + 400
        last = f", the last {sizes[-1]:,}"
    return (f"{feeder.n_samples:,} rows x {feeder.n_features:,} features "
            f"({_fmt_bytes(feeder.nbytes)} as {feeder.dtype}), {feeder.n_chunks} "
            f"chunk{'s' * (feeder.n_chunks != 1)} of {upto}{rows:,} rows "
            f"({_fmt_bytes(rows * feeder.n_features * feeder.dtype.itemsize)}){last}")

