"""The playground's data: 2-D point sets, the plane's features, and the train/test split.

Plain NumPy and scikit-learn (no web library): the Python snippet that the playground
exports imports :func:`playground_data` and :func:`from_dataset` from here, so that it
rebuilds exactly the arrays the server trained on.

The 2-D sets are drawn from one ``RandomState(seed)``; ``flower`` with ``noise=0.2``
and ``seed=1`` is the course's planar data set (:func:`nnscratch.datasets.load_flower`),
point for point. Built-in sets are fed to the network unscaled, as the course feeds
the flower; data from a file is standardised with the training part's statistics.

Examples
--------
>>> from nnscratch.playground.data import playground_data
>>> data = playground_data("flower", features=["x1", "x2", "x1*x2"])
>>> data.X_train.shape, data.feature_names
((200, 3), ['x1', 'x2', 'x1*x2'])
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..datasets import Dataset, DatasetError, Preprocessor

__all__ = [
    "DATASETS",
    "DEFAULT_NOISE",
    "FEATURES",
    "PlaygroundData",
    "expand",
    "from_dataset",
    "make_points",
    "playground_data",
]

#: The built-in 2-D sets, name -> one-line description.
DATASETS = {
    "flower": "the course's planar flower: two petal sets",
    "moons": "two interleaving half circles (scikit-learn's make_moons)",
    "circles": "two nested circles (scikit-learn's make_circles)",
    "xor": "the four quadrants: class 1 where x1 and x2 have the same sign",
    "blobs": "Gaussian blobs, one per class",
    "spiral": "interleaved spiral arms, one per class",
}

#: Each set's usual noise (the standard deviation of its Gaussian noise).
DEFAULT_NOISE = {"flower": 0.2, "moons": 0.2, "circles": 0.1, "xor": 0.2, "blobs": 1.0,
                 "spiral": 0.2}

#: The features of a 2-D point, name -> function of (x1, x2).
FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}

#: Sets with a choice of the number of classes.
MULTICLASS = ("blobs", "spiral")


@dataclass
class PlaygroundData:
    """A train/test split ready for an estimator.

    Attributes
    ----------
    X_train : ndarray of shape (n_train, n_features)
    X_test : ndarray of shape (n_test, n_features)
    y_train : ndarray of shape (n_train,), int64
        Class codes indexing ``class_names``.
    y_test : ndarray of shape (n_test,), int64
    raw_train, raw_test : ndarray
        The points before the features (``(n, 2)`` for the plane), or the pictures.
    class_names : list of str
    feature_names : list of str
        The columns of ``X_train``.
    preprocessor : Preprocessor
        How a raw row of the feature columns becomes a row of ``X`` (what a model file
        stores, for ``nnscratch predict``).
    features : list of str or None
        The plane's features that were computed from the points (2-D data only).
    """

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    raw_train: np.ndarray
    raw_test: np.ndarray
    class_names: list[str]
    feature_names: list[str]
    preprocessor: Preprocessor
    features: list[str] | None = None

    @property
    def plane(self) -> bool:
        """Whether the data are points of the plane (drawn with the boundary)."""
        return self.features is not None

    def transform(self, points: np.ndarray) -> np.ndarray:
        """Features of plane points, as the network sees them.

        Parameters
        ----------
        points : ndarray of shape (n, 2)

        Returns
        -------
        X : ndarray of shape (n, n_features)
        """
        return self.preprocessor.transform(expand(points, self.features))


def make_points(name: str, *, n_samples: int = 400, noise: float | None = None,
                classes: int = 2, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Draw one of the 2-D sets.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`.
    n_samples : int
        Number of points, every one drawn (shared evenly between the classes, as
        nearly as the number allows).
    noise : float, optional
        Standard deviation of the Gaussian noise; default :data:`DEFAULT_NOISE`.
    classes : int
        Number of classes of "blobs" and "spiral" (the others have 2).
    seed : int
        Seed of the one ``RandomState`` the points are drawn from.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,), int64
    """
    if name not in DATASETS:
        raise DatasetError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
    noise = DEFAULT_NOISE[name] if noise is None else float(noise)
    rng = np.random.RandomState(seed)
    if name == "flower":
        return _flower(n_samples, noise, rng)
    if name == "moons":
        from sklearn.datasets import make_moons

        X, y = make_moons(n_samples=n_samples, noise=noise, random_state=rng)
        return X, y.astype(np.int64)
    if name == "circles":
        from sklearn.datasets import make_circles

        X, y = make_circles(n_samples=n_samples, noise=noise, factor=0.5, random_state=rng)
        return X, y.astype(np.int64)
    if name == "xor":
        X = rng.uniform(-4.0, 4.0, size=(n_samples, 2))
        y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
        return X + noise * rng.randn(n_samples, 2), y
    if name == "blobs":
        from sklearn.datasets import make_blobs

        X, y = make_blobs(n_samples=n_samples, centers=classes, cluster_std=noise,
                          center_box=(-4.0, 4.0), random_state=rng)
        return X, y.astype(np.int64)
    return _spiral(n_samples, noise, classes, rng)


def _flower(m: int, noise: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """The course's ``load_planar_dataset`` with its 0.2 as ``noise``."""
    X = np.zeros((m, 2))
    y = np.zeros(m, dtype=np.int64)
    a = 4  # maximum ray of the flower
    # an odd m's extra point is a blue one, as nnscratch.load_flower draws it (the same
    # points for every m); an odd m lost its last point
    half = m // 2
    for j, ix in enumerate((range(half), range(half, m))):
        N = len(ix)
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * noise
        r = a * np.sin(4 * t) + rng.randn(N) * noise
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


def _spiral(m: int, noise: float, classes: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """CS231n's spiral arms, scaled to radius 4."""
    X = np.zeros((m, 2))
    y = np.zeros(m, dtype=np.int64)
    for j, ix in enumerate(_shares(m, classes)):
        N = len(ix)
        r = np.linspace(0.0, 4.0, N)
        t = np.linspace(j * 4.0, (j + 1) * 4.0, N) + rng.randn(N) * noise
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


def _shares(m: int, classes: int) -> list[range]:
    """The rows of each class among ``m`` points: ``m // classes`` each, the first
    ``m % classes`` classes one more (the points asked for, every one: the remainder
    was dropped, 400 spiral points of 6 arms were 396), as make_blobs shares them."""
    N, extra = divmod(m, classes)
    shares, start = [], 0
    for j in range(classes):
        stop = start + N + (j < extra)
        shares.append(range(start, stop))
        start = stop
    return shares


def expand(points: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """The chosen features of plane points.

    Parameters
    ----------
    points : ndarray of shape (n, 2)
    features : sequence of str
        Names from :data:`FEATURES`, in the order of the columns wanted.

    Returns
    -------
    X : ndarray of shape (n, len(features))
    """
    points = np.asarray(points, dtype=np.float64)
    x1, x2 = points[:, 0], points[:, 1]
    return np.column_stack([FEATURES[name](x1, x2) for name in features])


def _split(n: int, y: np.ndarray, test_fraction: float, seed: int,
           more: str = "use more points"):
    """Stratified train/test indices; ``more`` is the remedy the message offers first."""
    from sklearn.model_selection import train_test_split

    try:
        train, test = train_test_split(np.arange(n), test_size=test_fraction,
                                       random_state=seed, stratify=y)
    except ValueError as error:
        _, counts = np.unique(y, return_counts=True)
        single = int(np.sum(counts < 2))
        if single:  # said in a few words: sklearn's message lists every such class
            why = (f"{single:,} of the {len(counts):,} classes have a single example; each "
                   "class needs at least 2")
        else:
            why = " ".join(str(error).split())
            why = why if len(why) <= 160 else why[:157] + "..."
        raise DatasetError(
            f"cannot hold out a stratified test fraction of {test_fraction:g} from {n} "
            f"examples ({why}); {more} or another test fraction") from None
    return np.sort(train), np.sort(test)


def _tabular(raw_train, raw_test, y_train, y_test, names, columns, standardise, features):
    prep = Preprocessor.fit_tabular(raw_train, columns, standardise=standardise)
    return PlaygroundData(
        X_train=prep.transform(raw_train), X_test=prep.transform(raw_test),
        y_train=y_train, y_test=y_test, raw_train=raw_train, raw_test=raw_test,
        class_names=list(names), feature_names=list(columns), preprocessor=prep,
        features=None if features is None else list(features),
    )


def playground_data(name: str, *, n_samples: int = 400, noise: float | None = None,
                    classes: int = 2, seed: int = 1, test_fraction: float = 0.5,
                    features: Sequence[str] = ("x1", "x2")) -> PlaygroundData:
    """A built-in 2-D set, its features, split into train and test parts.

    Parameters
    ----------
    name, n_samples, noise, classes, seed
        See :func:`make_points`; ``seed`` also draws the split.
    test_fraction : float
        Fraction of the points held out (stratified).
    features : sequence of str
        The columns of ``X``, from :data:`FEATURES`. The features are not scaled.

    Returns
    -------
    PlaygroundData
    """
    points, y = make_points(name, n_samples=n_samples, noise=noise, classes=classes,
                            seed=seed)
    train, test = _split(len(y), y, test_fraction, seed)
    names = ["red", "blue"] if name == "flower" else [str(c) for c in range(int(y.max()) + 1)]
    features = list(features)
    data = _tabular(expand(points[train], features), expand(points[test], features),
                    y[train], y[test], names, features, False, features)
    data.raw_train, data.raw_test = points[train], points[test]
    return data


def from_dataset(train: Dataset, test: Dataset | None = None, *, test_fraction: float = 0.5,
                 seed: int = 1, features: Sequence[str] = ("x1", "x2")) -> PlaygroundData:
    """Data read from a file (:mod:`nnscratch.datasets`), split and prepared.

    Pictures keep the course's preprocessing (pixels / 255). Tables with two feature
    columns are points of the plane: ``features`` are computed from their raw values,
    then standardised with the training part's statistics; wider tables are
    standardised as they are.

    Parameters
    ----------
    train : Dataset
        The data (or its training part, when ``test`` is given).
    test : Dataset, optional
        A separate test set, read the same way; otherwise ``test_fraction`` of
        ``train`` is held out with ``seed``.
    test_fraction, seed, features
        See :func:`playground_data`.

    Returns
    -------
    PlaygroundData
    """
    if test is None:
        train_index, test_index = _split(train.n_samples, train.y, test_fraction, seed,
                                         "give a file with more rows of each class")
        train, test = train.subset(train_index), train.subset(test_index)
    if train.kind == "image":
        return PlaygroundData(
            X_train=train.X, X_test=test.X, y_train=train.y, y_test=test.y,
            raw_train=train.raw, raw_test=test.raw, class_names=list(train.class_names),
            feature_names=[f"pixel {i}" for i in range(train.n_features)],
            preprocessor=train.preprocessor, features=None,
        )
    if train.raw.shape[1] == 2:
        features = list(features)
        x1, x2 = train.preprocessor.columns
        columns = [re.sub(r"x[12]", lambda m: x1 if m[0] == "x1" else x2, name)
                   for name in features]
        X_train, X_test = expand(train.raw, features), expand(test.raw, features)
        _check_finite(X_train, X_test, [_derived(name, x1, x2) for name in features])
        data = _tabular(X_train, X_test, train.y, test.y, train.class_names, columns, True,
                        features)
        data.raw_train, data.raw_test = train.raw, test.raw
        return data
    columns = list(train.preprocessor.columns)
    _check_finite(train.raw, test.raw, [f"column {c!r}" for c in columns])
    return _tabular(train.raw, test.raw, train.y, test.y, train.class_names, columns, True,
                    None)


def _derived(feature: str, x1: str, x2: str) -> str:
    """A plane feature said with its file's columns: "x1^2 of column 'a'", "x1*x2 of
    columns 'a' and 'b'", "column 'a'" (x1 itself)."""
    if feature in ("x1", "x2"):
        return f"column {(x1 if feature == 'x1' else x2)!r}"
    used = [name for key, name in (("x1", x1), ("x2", x2)) if key in feature]
    if len(used) == 1:
        return f"{feature} of column {used[0]!r}"
    return f"{feature} of columns {used[0]!r} and {used[1]!r}"


def _check_finite(X_train: np.ndarray, X_test: np.ndarray, said: Sequence[str]) -> None:
    """Refuse a feature of a file that overflows: values beyond the floats (a square of
    1e200) or a spread that does (the standardisation would make it all zeros, and the
    model file could not store it)."""
    with np.errstate(all="ignore"):
        for j, name in enumerate(said):
            train, test = X_train[:, j], X_test[:, j]
            spread = float(np.std(train)) if len(train) else 0.0
            if not (np.isfinite(train).all() and np.isfinite(test).all()
                    and np.isfinite(float(np.mean(train)) if len(train) else 0.0)
                    and np.isfinite(spread)):
                column = "columns" if " and " in name else "column"
                raise DatasetError(f"{name} overflows (its values or their spread are beyond "
                                   f"the floating-point range): rescale the {column}")
