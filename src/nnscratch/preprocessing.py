"""The stored preprocessing: how raw pictures or CSV rows become features.

A :class:`Preprocessor` is plain data (:meth:`Preprocessor.to_dict`): the model file
stores it, so that a raw picture or a raw CSV row given to ``nnscratch predict`` goes
through exactly the same steps as the training data. As in the seeds:

- images are converted to RGB, resized to ``size`` x ``size`` (only when they are not
  that size already, so the course's 64x64 pixels are kept exactly), flattened in
  (row, column, channel) order and divided by 255 (resizing and reading happen in
  :mod:`nnscratch.datasets`; this module takes the ``(n, size, size, 3)`` pixels);
- tabular data is standardised with the training set's mean and standard deviation
  (a constant column gets a standard deviation of 1).

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
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._limits import MAX_IMAGE_SIZE
from .exceptions import DatasetError

__all__ = ["MAX_IMAGE_SIZE", "Preprocessor"]



@dataclass(frozen=True)
class Preprocessor:
    """How raw input becomes the feature matrix ``X`` ``(n_samples, n_features)``.

    Parameters
    ----------
    kind : {"image", "tabular"}
        ``"image"``: RGB pictures resized to ``size`` x ``size``, flattened, divided by 255.
        ``"tabular"``: the named ``columns``, standardised ``(x - mean) / std``.
    size : int, optional
        Side of the square pictures (image kind only).
    columns : tuple of str, optional
        Names of the feature columns, in order (tabular kind only).
    mean, std : tuple of float, optional
        Per-column statistics of the training set (tabular kind only); ``std`` > 0.
    """

    kind: str
    size: int | None = None
    columns: tuple[str, ...] | None = None
    mean: tuple[float, ...] | None = None
    std: tuple[float, ...] | None = None

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
        raw : ndarray of shape (n_samples, n_features)
            The training set's raw feature values.
        columns : sequence of str, length n_features
        standardise : bool
            False keeps the values as they are (mean 0, std 1): used for the 2-D
            built-in sets, which the course feeds to its models unscaled.
        """
        raw = np.asarray(raw, dtype=np.float64)
        if standardise:
            mean = raw.mean(axis=0)
            std = raw.std(axis=0)
            std = np.where(std > 0, std, 1.0)
        else:
            mean = np.zeros(raw.shape[1])
            std = np.ones(raw.shape[1])
        return cls(
            kind="tabular",
            columns=tuple(str(c) for c in columns),
            mean=tuple(float(v) for v in mean),
            std=tuple(float(v) for v in std),
        )

    @property
    def n_features(self) -> int:
        """Number of features this preprocessing produces."""
        if self.kind == "image":
            return 3 * self.size * self.size
        return len(self.columns)

    # ---- use
    def transform_images(self, images: np.ndarray) -> np.ndarray:
        """Flatten and scale pictures.

        Parameters
        ----------
        images : ndarray of shape (n_samples, size, size, 3), uint8

        Returns
        -------
        X : ndarray of shape (n_samples, size * size * 3), float64 in [0, 1]
        """
        if self.kind != "image":
            raise DatasetError("this model was trained on tabular data; give it a CSV file")
        images = np.asarray(images)
        expected = (self.size, self.size, 3)
        if images.ndim != 4 or images.shape[1:] != expected:
            raise DatasetError(
                f"pictures must have shape (n, {self.size}, {self.size}, 3), "
                f"got {images.shape}"
            )
        return images.reshape(images.shape[0], -1).astype(np.float64) / 255.0

    def transform_tabular(self, raw: np.ndarray) -> np.ndarray:
        """Standardise raw rows.

        Parameters
        ----------
        raw : ndarray of shape (n_samples, n_features)

        Returns
        -------
        X : ndarray of shape (n_samples, n_features), float64
        """
        if self.kind != "tabular":
            raise DatasetError("this model was trained on pictures; give it image files")
        raw = np.asarray(raw, dtype=np.float64)
        if raw.ndim != 2 or raw.shape[1] != len(self.columns):
            raise DatasetError(
                f"expected {len(self.columns)} feature columns, got shape {raw.shape}"
            )
        return (raw - np.asarray(self.mean)) / np.asarray(self.std)

    def transform(self, raw: np.ndarray) -> np.ndarray:
        """Apply :meth:`transform_images` or :meth:`transform_tabular`, by ``kind``."""
        if self.kind == "image":
            return self.transform_images(raw)
        return self.transform_tabular(raw)

    # ---- plain data
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description, e.g. ``{"kind": "image", "size": 64}``."""
        if self.kind == "image":
            return {"kind": "image", "size": self.size}
        return {
            "kind": "tabular",
            "columns": list(self.columns),
            "mean": list(self.mean),
            "std": list(self.std),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Preprocessor:
        """Rebuild from :meth:`to_dict`'s output, checking every key and value.

        Raises
        ------
        DatasetError
            Unknown kind or keys, wrong types, non-finite or non-positive statistics.
        """
        if not isinstance(data, dict):
            raise DatasetError("preprocessing must be a JSON object")
        kind = data.get("kind")
        if kind == "image":
            if set(data) != {"kind", "size"}:
                raise DatasetError(f"unexpected image preprocessing keys {sorted(data)}")
            size = data["size"]
            if not isinstance(size, int) or isinstance(size, bool):
                raise DatasetError("image preprocessing 'size' must be an integer")
            _check_image_size(size)
            return cls(kind="image", size=size)
        if kind == "tabular":
            if set(data) != {"kind", "columns", "mean", "std"}:
                raise DatasetError(f"unexpected tabular preprocessing keys {sorted(data)}")
            columns, mean, std = data["columns"], data["mean"], data["std"]
            if not (isinstance(columns, list) and all(isinstance(c, str) for c in columns)):
                raise DatasetError("tabular preprocessing 'columns' must be a list of strings")
            if not columns:
                raise DatasetError("tabular preprocessing needs at least one column")
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
            return cls(
                kind="tabular",
                columns=tuple(columns),
                mean=tuple(float(v) for v in mean),
                std=tuple(float(v) for v in std),
            )
        raise DatasetError(f"unknown preprocessing kind {kind!r} (expected 'image' or 'tabular')")


def _is_finite_number(v: Any) -> bool:
    """A JSON number that is a finite float (a JSON integer beyond 1.8e308 is not)."""
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return False
    if isinstance(v, int):
        return abs(v) <= sys.float_info.max  # math.isfinite(10**400) raises OverflowError
    return math.isfinite(v)


def _check_image_size(size: Any) -> None:
    if not isinstance(size, (int, np.integer)) or not 1 <= size <= MAX_IMAGE_SIZE:
        raise DatasetError(
            f"image size must be an integer from 1 to {MAX_IMAGE_SIZE}, got {size!r}"
        )
