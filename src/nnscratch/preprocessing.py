"""The stored preprocessing: how raw pictures or CSV rows become features.

A :class:`Preprocessor` is plain data (:meth:`Preprocessor.to_dict`): the model file
stores it, so that a raw picture or a raw CSV row given to ``nnscratch predict`` goes
through exactly the same steps as the training data. As in the seeds:

- images are converted to RGB, resized to ``size`` x ``size`` (only when they are not
  that size already, so the course's 64x64 pixels are kept exactly), flattened in
  (row, column, channel) order and divided by 255 (resizing and reading happen in
  :mod:`nnscratch.datasets`; this module takes the ``(n, size, size, 3)`` pixels);
- tabular data is standardised with the training set's mean and standard deviation
  (a constant column gets a standard deviation of 1);
- text is turned into a sparse matrix of TF-IDF weights (or counts) of its words by a
  fitted vectorizer kept as data (:class:`nnscratch.text.TextVectorizer`: its settings
  in the JSON, its vocabulary and weights as arrays, :meth:`Preprocessor.arrays`);
- svmlight/libsvm rows are taken as they are (sparse), with the training file's number
  of features and index base.

Examples
--------
>>> import numpy as np
>>> prep = Preprocessor.fit_tabular(np.array([[0.0, 1.0], [2.0, 1.0]]), ["a", "b"])
>>> prep.transform(np.array([[1.0, 1.0]]))
array([[0., 0.]])
>>> Preprocessor.from_dict(prep.to_dict()) == prep
True
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._limits import MAX_IMAGE_SIZE, MAX_VALUE
from .exceptions import DatasetError
from .text import TextVectorizer, _refuse_one_text

__all__ = ["MAX_IMAGE_SIZE", "Preprocessor"]



@dataclass(frozen=True)
class Preprocessor:
    """How raw input becomes the feature matrix ``X`` ``(n_samples, n_features)``.

    Parameters
    ----------
    kind : {"image", "tabular", "text", "svmlight"}
        ``"image"``: RGB pictures resized to ``size`` x ``size``, flattened, divided by 255.
        ``"tabular"``: the named ``columns``, standardised ``(x - mean) / std``.
        ``"text"``: texts through the fitted ``vectorizer`` (a sparse matrix).
        ``"svmlight"``: sparse rows of ``n_inputs`` features, as they are.
    size : int, optional
        Side of the square pictures (image kind only).
    columns : tuple of str, optional
        Names of the feature columns, in order (tabular kind only).
    mean, std : tuple of float, optional
        Per-column statistics of the training set (tabular kind only); ``std`` > 0.
    vectorizer : TextVectorizer, optional
        The fitted vectorizer (text kind only).
    n_inputs : int, optional
        Number of features of the training file (svmlight kind only).
    zero_based : bool, optional
        Whether the training file numbered its features from 0 (svmlight kind only).
    standardised : bool, optional
        Whether ``mean`` and ``std`` were learnt from the training set (tabular kind
        only; False for the 2-D built-in sets, kept unscaled, whose ``mean`` is then 0
        and ``std`` 1). Stored in model files (the key ``standardised``), compared by
        ``==``, and it tells :meth:`refit` what to learn: an unscaled table is refitted
        unscaled. Not given: False for a table whose ``mean`` is all 0 and ``std`` all
        1 (the identity), True otherwise; a model file written without the key (by an
        earlier nnscratch) is read the same way.
    """

    kind: str
    size: int | None = None
    columns: tuple[str, ...] | None = None
    mean: tuple[float, ...] | None = None
    std: tuple[float, ...] | None = None
    vectorizer: TextVectorizer | None = None
    n_inputs: int | None = None
    zero_based: bool | None = None
    standardised: bool | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.standardised is None:  # not said: a table whose statistics are the
            identity = (self.kind == "tabular"  # identity (mean 0, std 1) is unscaled
                        and self.mean is not None and self.std is not None
                        and all(v == 0 for v in self.mean)
                        and all(v == 1 for v in self.std))
            object.__setattr__(self, "standardised", not identity)

    # ---- construction
    @classmethod
    def image(cls, size: int = 64) -> Preprocessor:
        """The course's image preprocessing at ``size`` x ``size`` pixels."""
        _check_image_size(size)
        return cls(kind="image", size=int(size))

    @classmethod
    def fit_tabular(
        cls, raw: np.ndarray, columns: Sequence[str], standardise: bool = True
    ) -> Preprocessor:
        """Standardisation fitted on the training set.

        Parameters
        ----------
        raw : ndarray of shape (n_samples, n_features), or a DataFrame
            The training set's raw feature values. A DataFrame (anything with
            ``.columns``) holding every one of ``columns`` gives those columns, in that
            order (others, such as the labels, are left out); otherwise its columns are
            taken in their order.
        columns : sequence of str, length n_features
            The columns' names, distinct.
        standardise : bool
            False keeps the values as they are (mean 0, std 1): used for the 2-D
            built-in sets, which the course feeds to its models unscaled.

        Raises
        ------
        DatasetError
            Sparse data; values that are not numbers (naming the column: text, complex
            numbers, dates), NaN or infinite; a table that is not 2-D, has no column, or
            (standardised) no row; ``columns`` not a list of names (None, a number, a
            name None), not one per column, or one given twice; statistics beyond what
            a model file holds (a column of values below ~1e-150 too: its standard
            deviation is computed, not taken for a constant column's 1).
        """
        _refuse_sparse(raw)
        if isinstance(columns, (str, bytes)):
            raise DatasetError(f"columns must be a list of names, one per column, not one "
                               f"string ({columns!r})")
        try:
            names = list(columns)
        except TypeError:  # None, a number: a bare "'NoneType' object is not iterable"
            raise DatasetError(f"columns must be a list of names, one per column, not "
                               f"{columns!r}; e.g. list(X.columns)") from None
        unnamed = next((i for i, c in enumerate(names) if c is None), None)
        if unnamed is not None:  # str(None) named a column 'None'
            raise DatasetError(f"columns[{unnamed}] is None: give every column a name")
        columns = [str(c) for c in names]
        if hasattr(raw, "columns"):
            picked, _ = _named_columns(raw, columns)
            raw = raw if picked is None else picked
        raw = _as_float_table(raw, columns, "the training table")
        if raw.ndim != 2:
            raise DatasetError(f"the training table must be 2-D (n_samples, n_features), got "
                               f"shape {raw.shape}; a single column is "
                               "values.reshape(-1, 1)")
        if raw.shape[1] == 0:
            raise DatasetError("the training table has no feature column; give at least one")
        if len(columns) != raw.shape[1]:
            raise DatasetError(f"{len(columns)} column names for the training table's "
                               f"{raw.shape[1]} columns; give one name per column")
        _check_column_names(columns, "the training table")
        if not np.isfinite(raw).all():
            row, col = (int(i) for i in np.argwhere(~np.isfinite(raw))[0])
            raise DatasetError(f"the training table holds NaN or infinite values (first: "
                               f"column {columns[col]!r}, row {row}); fill them in or drop "
                               "those rows before fitting")
        if standardise and len(raw) == 0:
            raise DatasetError("the training table has no rows to learn its mean and "
                               "standard deviation from")
        if standardise:
            # a constant column: its own value and 1, exactly (its computed mean can be
            # off by a rounding error, and the std then a tiny non-zero number that
            # would blow a new value up to ~1e16)
            constant = raw.min(axis=0, initial=np.inf) == raw.max(axis=0, initial=-np.inf)
            with np.errstate(over="ignore", invalid="ignore"):  # huge values: checked below
                mean = np.where(constant, raw[0], raw.mean(axis=0))
                std = np.where(constant, 1.0, raw.std(axis=0))
            # a column that is not constant, whose squares underflowed (|x| below
            # ~1e-160: a std of 0, which became 1 as for a constant column, and the
            # column reached the network as ~1e-200) or overflowed (a std of inf): its
            # statistics again on its values divided by their largest magnitude, so that
            # the check below says what they are
            lost = ~constant & ~((std > 0) & np.isfinite(std) & np.isfinite(mean))
            if lost.any():
                mean, std = mean.copy(), std.copy()
                scale = np.abs(raw[:, lost]).max(axis=0)
                scaled = raw[:, lost] / scale
                mean[lost] = np.where(np.isfinite(mean[lost]), mean[lost],
                                      scale * scaled.mean(axis=0))
                std[lost] = scale * scaled.std(axis=0)
            beyond = ~((np.abs(mean) <= MAX_VALUE) & (std >= 1 / MAX_VALUE)
                       & (std <= MAX_VALUE))
            if beyond.any():  # a model file refuses them: say so before training
                col = int(np.argmax(beyond))
                raise DatasetError(
                    f"the training table's column {columns[col]!r} has a mean of "
                    f"{mean[col]:.3g} and a standard deviation of {std[col]:.3g}: a model "
                    f"file holds means within +-{MAX_VALUE:.0e} and standard deviations "
                    f"from {1 / MAX_VALUE:.0e} to {MAX_VALUE:.0e}; rescale that column")
        else:
            mean = np.zeros(raw.shape[1])
            std = np.ones(raw.shape[1])
        return cls(
            kind="tabular",
            columns=tuple(str(c) for c in columns),
            mean=tuple(float(v) for v in mean),
            std=tuple(float(v) for v in std),
            standardised=bool(standardise),
        )

    @classmethod
    def fit_text(cls, texts, **settings: Any) -> Preprocessor:
        """A vectorizer fitted on the training texts (:meth:`TextVectorizer.fit`; the
        settings are ``vectorizer``, ``ngram_range``, ``max_features``, ``min_df``)."""
        _refuse_one_text(texts, "Preprocessor.fit_text")
        return cls(kind="text", vectorizer=TextVectorizer.fit(texts, **settings))

    @classmethod
    def svmlight(cls, n_inputs: int, zero_based: bool) -> Preprocessor:
        """Sparse svmlight/libsvm rows of ``n_inputs`` features, taken as they are."""
        _check_n_inputs(n_inputs)
        return cls(kind="svmlight", n_inputs=int(n_inputs), zero_based=bool(zero_based))

    @property
    def learns(self) -> bool:
        """Whether this preprocessing was learnt from its training data (a text
        vocabulary, a table's standardisation), so that :meth:`refit` on other rows
        gives another one. Pictures and svmlight rows are taken as they are."""
        return self.kind == "text" or (self.kind == "tabular" and self.standardised)

    def refit(self, raw) -> Preprocessor:
        """The same preprocessing, its settings kept, learnt again from ``raw``.

        Used to fit the preprocessing on each cross-validation fold's training rows
        only, so that no statistic of the held-out rows leaks into their score.

        Parameters
        ----------
        raw : the raw training input (as :attr:`Dataset.raw <nnscratch.datasets.Dataset>`)

        Returns
        -------
        Preprocessor
            ``self`` where nothing is learnt (:attr:`learns` is False).
        """
        if self.kind == "text":
            v = self.vectorizer
            return Preprocessor.fit_text(raw, vectorizer=v.vectorizer,
                                         ngram_range=v.ngram_range,
                                         max_features=v.max_features, min_df=v.min_df)
        if self.learns:
            return Preprocessor.fit_tabular(raw, self.columns)
        return self

    @property
    def n_features(self) -> int:
        """Number of features this preprocessing produces."""
        if self.kind == "image":
            return 3 * self.size * self.size
        if self.kind == "text":
            return self.vectorizer.n_features
        if self.kind == "svmlight":
            return self.n_inputs
        return len(self.columns)

    @property
    def described(self) -> str:
        """The model's inputs in words, for messages: "pictures of 64x64 pixels",
        "a table of 2 columns (x1, x2)", "text (5000 terms)", "svmlight/libsvm rows
        of 57 features"."""
        if self.kind == "image":
            return f"pictures of {self.size}x{self.size} pixels"
        if self.kind == "tabular":
            names = ", ".join(self.columns[:4]) + (", ..." if len(self.columns) > 4 else "")
            n = len(self.columns)
            return f"a table of {n} column{'s' * (n != 1)} ({names})"
        if self.kind == "text":
            return f"text ({self.vectorizer.n_features} terms)"
        return f"{_KIND_WORDS[self.kind]} of {self.n_inputs} features"

    @property
    def sparse(self) -> bool:
        """Whether :meth:`transform` gives a scipy.sparse CSR matrix."""
        return self.kind in ("text", "svmlight")

    # ---- use
    def transform_images(self, images: np.ndarray) -> np.ndarray:
        """Flatten and scale pictures.

        The pixels are checked as the HDF5 loader checks them: integers must be 0-255;
        floats all within [0, 1] are taken as already scaled (as ``plt.imread`` gives a
        PNG, or the course's ``/ 255``), rounded to 8-bit values and not divided again,
        with a warning; other floats must be 0-255 (fractions rounded, with a warning).

        Parameters
        ----------
        images : ndarray of shape (n_samples, size, size, 3)
            uint8 pixels (or integers 0-255, or floats 0-255 or 0-1).

        Returns
        -------
        X : ndarray of shape (n_samples, size * size * 3), float64 in [0, 1]

        Raises
        ------
        DatasetError
            A shape other than ``(n, size, size, 3)``; pixels that are not numbers (text,
            booleans), NaN or infinite, or outside 0-255.
        """
        if self.kind != "image":
            raise DatasetError(f"this model was trained on {self.described}, not "
                               "pictures")
        images = np.asarray(images)
        expected = (self.size, self.size, 3)
        if images.ndim != 4 or images.shape[1:] != expected:
            raise DatasetError(
                f"pictures must have shape (n, {self.size}, {self.size}, 3), "
                f"got {images.shape}"
            )
        if images.dtype != np.uint8:  # the loader's rules (datasets._pixels_to_uint8)
            from .datasets import _pixels_to_uint8

            images = _pixels_to_uint8(images, "pictures given to transform")
        return images.reshape(images.shape[0], -1).astype(np.float64) / 255.0

    def transform_tabular(self, raw: np.ndarray) -> np.ndarray:
        """Standardise raw rows.

        Parameters
        ----------
        raw : ndarray of shape (n_samples, n_features), or a DataFrame
            An array's columns are taken in the order of :attr:`columns`. A DataFrame
            (anything with ``.columns``) gives its columns by name, whatever their order;
            others (such as the labels) are left out.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features), float64

        Raises
        ------
        DatasetError
            A DataFrame that lacks some of :attr:`columns` (naming them); values that
            are not numbers (naming the column: text, complex numbers, dates), NaN or
            infinite (naming the first's column and row); a shape other than
            ``(n_samples, n_features)``.
        """
        if self.kind != "tabular":
            raise DatasetError(f"this model was trained on {self.described}, not "
                               "a table")
        _refuse_sparse(raw)
        if hasattr(raw, "columns"):
            picked, missing = _named_columns(raw, self.columns)
            if missing:
                shown = ", ".join(repr(c) for c in missing[:5]) + (
                    f" and {len(missing) - 5} more" if len(missing) > 5 else "")
                raise DatasetError(
                    f"the table has no column{'s' * (len(missing) > 1)} {shown}; the model "
                    f"takes {self.described}: give a table with those columns (found by "
                    "name, in any order)")
            raw = picked
        raw = _as_float_table(raw, self.columns, "the table")
        if raw.ndim != 2 or raw.shape[1] != len(self.columns):
            raise DatasetError(
                f"expected {len(self.columns)} feature columns, got shape {raw.shape}"
            )
        finite = np.isfinite(raw)
        if not finite.all():  # as fit_tabular refuses them (they were passed on)
            row, col = (int(i) for i in np.argwhere(~finite)[0])
            raise DatasetError(f"the table holds NaN or infinite values (first: column "
                               f"{self.columns[col]!r}, row {row}); fill them in or drop "
                               "those rows")
        return (raw - np.asarray(self.mean)) / np.asarray(self.std)

    def transform_texts(self, texts: Sequence[str]):
        """TF-IDF weights (or counts) of the texts' words.

        Parameters
        ----------
        texts : sequence of str, length n_samples

        Returns
        -------
        X : scipy.sparse.csr_matrix of shape (n_samples, n_features), float64

        Raises
        ------
        DatasetError
            A text that is not a str (None, NaN, a number), naming its position.
        """
        if self.kind != "text":
            raise DatasetError(f"this model was trained on {self.described}, not text")
        return self.vectorizer.transform(texts)  # checks every text (None, NaN refused)

    def transform_sparse(self, raw):
        """svmlight rows, checked: ``(n_samples, n_inputs)``, float64 CSR.

        Returns
        -------
        X : scipy.sparse.csr_matrix of shape (n_samples, n_features), float64
        """
        import scipy.sparse as sp

        if self.kind != "svmlight":
            raise DatasetError(
                f"this model was trained on {self.described}, not svmlight rows")
        if not sp.issparse(raw) or raw.ndim != 2 or raw.shape[1] != self.n_inputs:
            raise DatasetError(f"expected sparse rows of {self.n_inputs} features, got "
                               f"{getattr(raw, 'shape', type(raw).__name__)}")
        return sp.csr_matrix(raw, dtype=np.float64)

    def transform(self, raw):
        """Apply :meth:`transform_images`, :meth:`transform_tabular`,
        :meth:`transform_texts` or :meth:`transform_sparse`, by ``kind``."""
        if self.kind == "image":
            return self.transform_images(raw)
        if self.kind == "text":
            return self.transform_texts(raw)
        if self.kind == "svmlight":
            return self.transform_sparse(raw)
        return self.transform_tabular(raw)

    # ---- plain data
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description, e.g. ``{"kind": "image", "size": 64}``."""
        if self.kind == "image":
            return {"kind": "image", "size": self.size}
        if self.kind == "text":
            return {"kind": "text", **self.vectorizer.to_dict()}
        if self.kind == "svmlight":
            return {"kind": "svmlight", "n_features": self.n_inputs,
                    "zero_based": self.zero_based}
        return {
            "kind": "tabular",
            "columns": list(self.columns),
            "mean": list(self.mean),
            "std": list(self.std),
            "standardised": bool(self.standardised),
        }

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays a model file keeps beside :meth:`to_dict` (a text model's
        vocabulary and weights, :meth:`TextVectorizer.to_arrays`; none for the others)."""
        return self.vectorizer.to_arrays() if self.kind == "text" else {}

    @classmethod
    def from_dict(cls, data: Any, arrays: dict[str, np.ndarray] | None = None) -> Preprocessor:
        """Rebuild from :meth:`to_dict`'s output (and :meth:`arrays`), checking every key
        and value.

        Raises
        ------
        DatasetError
            Unknown kind or keys, wrong types, non-finite or non-positive statistics,
            a text vocabulary of the wrong type or size, arrays given to a kind that
            has none.
        """
        if not isinstance(data, dict):
            raise DatasetError("preprocessing must be a JSON object")
        kind = data.get("kind")
        if kind == "text":
            settings = {k: v for k, v in data.items() if k != "kind"}
            return cls(kind="text", vectorizer=TextVectorizer.from_dict(settings, arrays))
        if arrays:
            raise DatasetError(f"the entries {sorted(arrays)} belong to a text model, not to "
                               f"{kind!r} preprocessing")
        if kind == "svmlight":
            if set(data) != {"kind", "n_features", "zero_based"}:
                raise DatasetError(f"unexpected svmlight preprocessing keys {sorted(data)}")
            if not isinstance(data["zero_based"], bool):
                raise DatasetError("svmlight preprocessing 'zero_based' must be true or false")
            _check_n_inputs(data["n_features"])
            return cls(kind="svmlight", n_inputs=data["n_features"],
                       zero_based=data["zero_based"])
        if kind == "image":
            if set(data) != {"kind", "size"}:
                raise DatasetError(f"unexpected image preprocessing keys {sorted(data)}")
            size = data["size"]
            if not isinstance(size, int) or isinstance(size, bool):
                raise DatasetError("image preprocessing 'size' must be an integer")
            _check_image_size(size)
            return cls(kind="image", size=size)
        if kind == "tabular":
            if set(data) - {"standardised"} != {"kind", "columns", "mean", "std"}:
                raise DatasetError(f"unexpected tabular preprocessing keys {sorted(data)}")
            columns, mean, std = data["columns"], data["mean"], data["std"]
            standardised = data.get("standardised")  # absent from older files
            if standardised is not None and not isinstance(standardised, bool):
                raise DatasetError("tabular preprocessing 'standardised' must be true or "
                                   "false")
            if not (isinstance(columns, list) and all(isinstance(c, str) for c in columns)):
                raise DatasetError("tabular preprocessing 'columns' must be a list of strings")
            if not columns:
                raise DatasetError("tabular preprocessing needs at least one column")
            seen: set[str] = set()
            for column in columns:  # a CSV's columns are found by name: which one is it?
                if column in seen:
                    raise DatasetError(f"tabular preprocessing names the column {column!r} "
                                       "twice; each column of the data has a name of its own")
                seen.add(column)
            for name, values in (("mean", mean), ("std", std)):
                if not (
                    isinstance(values, list)
                    and len(values) == len(columns)
                    and all(_is_finite_number(v) for v in values)
                ):
                    raise DatasetError(
                        f"tabular preprocessing '{name}' must be {len(columns)} finite numbers"
                    )
            if any(v <= 0 for v in std):
                raise DatasetError("tabular preprocessing 'std' must be positive")
            if any(abs(v) > MAX_VALUE for v in mean) or any(
                    not 1 / MAX_VALUE <= v <= MAX_VALUE for v in std):
                # beyond them (X - mean) / std overflows or divides by almost nothing
                raise DatasetError(f"tabular preprocessing 'mean' must lie within "
                                   f"+-{MAX_VALUE:.0e} and 'std' from {1 / MAX_VALUE:.0e} "
                                   f"to {MAX_VALUE:.0e}, as data's statistics do")
            identity = all(v == 0 for v in mean) and all(v == 1 for v in std)
            if standardised is False and not identity:  # None: from the statistics
                raise DatasetError("tabular preprocessing 'standardised' is false, so "
                                   "'mean' must be all 0 and 'std' all 1")
            return cls(
                kind="tabular",
                columns=tuple(columns),
                mean=tuple(float(v) for v in mean),
                std=tuple(float(v) for v in std),
                standardised=standardised,
            )
        raise DatasetError(f"unknown preprocessing kind {kind!r} (expected 'image', 'tabular', "
                           "'text' or 'svmlight')")


def _is_finite_number(v: Any) -> bool:
    """A JSON number that is a finite float (a JSON integer beyond 1.8e308 is not)."""
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return False
    if isinstance(v, int):
        return abs(v) <= sys.float_info.max  # math.isfinite(10**400) raises OverflowError
    return math.isfinite(v)


#: Most features an svmlight/libsvm file may number.
MAX_SVMLIGHT_FEATURES = 2**26

_KIND_WORDS = {"image": "pictures", "tabular": "a table", "text": "text",
               "svmlight": "svmlight/libsvm rows"}


def _check_class_names(names: Sequence[str], source: str) -> None:
    """Refuse class names that would break the printed tables or read as one another:
    empty, not valid UTF-8 (a folder name in another encoding), holding a control
    character (a line break, a tab), or given twice."""
    seen: set[str] = set()
    for name in names:
        if not name.strip():
            raise DatasetError(f"{source}: a class has an empty name; give every class a "
                               "name")
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:  # a name's bytes that are not UTF-8 (lone surrogates)
            try:
                shown = f" (its bytes are {name.encode('utf-8', 'surrogateescape')!r})"
            except UnicodeEncodeError:
                shown = ""
            raise DatasetError(f"{source}: the class name {name!r} is not valid UTF-8"
                               f"{shown}, e.g. a folder name written in another encoding; "
                               "rename it with UTF-8 characters") from None
        if not name.isprintable():
            raise DatasetError(f"{source}: the class name {name!r} holds a control "
                               "character (a line break, a tab); give each class a name on "
                               "one line")
        if name in seen:
            raise DatasetError(f"{source}: the class name {name!r} is given to two classes; "
                               "give each class a name of its own")
        seen.add(name)


def _check_n_inputs(n: Any) -> None:
    if (isinstance(n, bool) or not isinstance(n, (int, np.integer))
            or not 1 <= n <= MAX_SVMLIGHT_FEATURES):
        raise DatasetError(f"the number of svmlight features must be an integer from 1 to "
                           f"{MAX_SVMLIGHT_FEATURES}, got {n!r}")


def _check_image_size(size: Any) -> None:
    if not isinstance(size, (int, np.integer)) or not 1 <= size <= MAX_IMAGE_SIZE:
        raise DatasetError(
            f"image size must be an integer from 1 to {MAX_IMAGE_SIZE}, got {size!r}"
        )


def _refuse_sparse(raw: Any) -> None:
    """Standardising centres the columns, which would make sparse data dense."""
    if hasattr(raw, "tocsr") and hasattr(raw, "nnz"):  # scipy.sparse, without importing it
        raise DatasetError(
            "tabular standardisation would make this sparse matrix dense (it centres every "
            "column); train on it without standardising, or scale it with scikit-learn's "
            "MaxAbsScaler")


def _named_columns(frame: Any, wanted: Sequence[str]) -> tuple[Any, list[str]]:
    """``frame``'s columns named ``wanted`` (names compared as text), in that order, and
    the names it lacks (then None is picked). ``frame`` itself where it holds just those
    columns in that order."""
    from collections import Counter

    labels = list(frame.columns)
    names = [str(c) for c in labels]
    have = Counter(names)
    missing = [c for c in wanted if c not in have]
    if missing:
        return None, missing
    twice = next((c for c in wanted if have[c] > 1), None)
    if twice is not None:
        raise DatasetError(f"the table has two columns named {twice!r}; give each column a "
                           "name of its own")
    position = {name: i for i, name in enumerate(names)}
    pick = [labels[position[c]] for c in wanted]
    if len(pick) == len(labels) and all(a is b or a == b for a, b in zip(pick, labels)):
        return frame, []
    return frame[pick], []


def _as_float_table(raw: Any, columns: Sequence[str] | None, where: str) -> np.ndarray:
    """``raw`` as float64, or a one-line DatasetError naming a column (by its name, or
    by ``columns``) and the first value in it that is not a number."""
    _refuse_complex_or_dates(raw, columns, where)
    try:
        return np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        pass

    def number(v: Any) -> bool:  # as np.asarray(..., float64) takes it ("1.5" too)
        try:
            float(v)
        except (TypeError, ValueError):
            return False
        return True

    none = object()
    column, value = None, none
    try:
        if hasattr(raw, "columns"):
            for label in raw.columns:
                values = np.asarray(raw[label], dtype=object).ravel()
                value = next((v for v in values if not number(v)), none)
                if value is not none:
                    column = str(label)
                    break
        else:
            values = np.asarray(raw, dtype=object)
            for index, v in np.ndenumerate(values):
                if not number(v):
                    value = v
                    if values.ndim == 2 and columns and index[1] < len(columns):
                        column = columns[index[1]]
                    break
    except Exception:  # an odd container: say what is wrong without the place
        pass
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    place = f"the column {column!r} holds {shown}" if column is not None else (
        f"it holds {shown}" if value is not none else "it holds values")
    if value is None or shown == "<NA>":  # pandas' missing value of an integer column
        raise DatasetError(f"{where}: {place}, a missing value; fill it in or drop its row")
    raise DatasetError(f"{where}: {place}, not a number; a table's features must be "
                       "numbers: encode that column as numbers or drop it")


def _refuse_complex_or_dates(raw: Any, columns: Sequence[str] | None, where: str) -> None:
    """Refuse complex numbers and dates, which NumPy casts to float64: complex values
    lost their imaginary part with a ComplexWarning, and dates became counts since 1970
    (a mean of 129600.0 for four days), where the estimators refuse both in one line.
    Looks at the dtypes only (an array's, or a frame's columns')."""
    schema = getattr(raw, "schema", None)
    dtypes = getattr(raw, "dtypes", None)
    if type(raw).__module__.startswith("polars") and hasattr(schema, "items"):
        # polars' Date, Datetime, Duration, Time: temporal (it has no complex numbers)
        found = [(str(c), d, "M") for c, d in schema.items()
                 if callable(getattr(d, "is_temporal", None)) and d.is_temporal()]
    elif dtypes is not None and hasattr(dtypes, "items"):  # a pandas frame, by column
        found = [(str(c), d, d.kind) for c, d in dtypes.items()
                 if getattr(d, "kind", "O") in "cmM"]
    else:
        dtype = getattr(raw, "dtype", None)
        if not isinstance(dtype, np.dtype) or dtype.kind not in "cmM":
            return
        found = [(None, dtype, dtype.kind)]
    if not found:
        return
    column, dtype, kind = found[0]
    if column is None and columns and len(columns) == 1:
        column = columns[0]
    place = "it holds" if column is None else f"the column {column!r} holds"
    if kind == "c":
        raise DatasetError(f"{where}: {place} complex numbers ({dtype}); a table's "
                           "features must be real numbers: give the real part (X.real) or "
                           "the magnitude (np.abs(X))")
    raise DatasetError(f"{where}: {place} dates or times ({dtype}), not numbers; a table's "
                       "features must be numbers: encode them as numbers first, e.g. the "
                       "days since a start, or drop that column")


def _check_column_names(columns: Sequence[str], where: str) -> None:
    """Refuse a column name given twice: a table's columns are found by name."""
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            raise DatasetError(f"{where}: the column name {column!r} is given twice; give "
                               "each column a name of its own")
        seen.add(column)
