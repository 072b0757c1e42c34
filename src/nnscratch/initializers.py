"""Initial weights for an L-layer network.

Each initialiser draws ``W_l`` of shape ``(n_l, n_{l-1})`` from the standard normal
distribution and scales it; biases start at zero. With an integer seed the draws
are exactly those of the course after ``np.random.seed(seed)``: the legacy
Mersenne-Twister generator (:class:`numpy.random.RandomState`), ``W1`` first, then
``W2``, ... — and no draws at all for ``"zeros"``. The global NumPy random state is
never touched.

=========  =================================  ==============================
name       ``W_l``                            course
=========  =================================  ==============================
zeros      0                                  logistic regression
small      N(0, 1) · 0.01                     the 2-layer model
lecun      N(0, 1) / √n_{l-1}                 the L-layer model
he         N(0, 1) · √(2 / n_{l-1})           "He initialization"
glorot     N(0, 1) · √(2 / (n_{l-1} + n_l))   (Glorot & Bengio, normal form)
=========  =================================  ==============================
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._params import short_repr

__all__ = ["INITIALIZERS", "check_random_state", "initialize_parameters"]


def _zeros(rng: np.random.RandomState, n_l: int, n_prev: int) -> np.ndarray:
    return np.zeros((n_l, n_prev))


def _small(rng: np.random.RandomState, n_l: int, n_prev: int) -> np.ndarray:
    return rng.standard_normal((n_l, n_prev)) * 0.01


def _lecun(rng: np.random.RandomState, n_l: int, n_prev: int) -> np.ndarray:
    return rng.standard_normal((n_l, n_prev)) / np.sqrt(n_prev)


def _he(rng: np.random.RandomState, n_l: int, n_prev: int) -> np.ndarray:
    return rng.standard_normal((n_l, n_prev)) * np.sqrt(2.0 / n_prev)


def _glorot(rng: np.random.RandomState, n_l: int, n_prev: int) -> np.ndarray:
    return rng.standard_normal((n_l, n_prev)) * np.sqrt(2.0 / (n_prev + n_l))


#: Initialisers by name: ``f(rng, n_l, n_{l-1}) -> W_l`` (float64).
INITIALIZERS: dict[str, Callable[[np.random.RandomState, int, int], np.ndarray]] = {
    "zeros": _zeros,
    "small": _small,
    "lecun": _lecun,
    "he": _he,
    "glorot": _glorot,
}


def check_random_state(seed) -> np.random.RandomState | np.random.Generator:
    """Turn ``random_state`` into a private generator, never the global one.

    Parameters
    ----------
    seed : None, int, RandomState or Generator
        An int gives ``RandomState(seed)``, whose normal draws equal the course's
        ``np.random.randn`` after ``np.random.seed(seed)``. None gives a freshly
        seeded ``RandomState`` (from the operating system's entropy). A generator
        is used as it is.
    """
    if seed is None:
        return np.random.RandomState()
    if isinstance(seed, (np.random.RandomState, np.random.Generator)):
        return seed
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and \
            0 <= seed < 2**32:
        return np.random.RandomState(int(seed))
    raise ValueError(
        f"random_state={short_repr(seed)} is not valid: use None, an int from 0 to 2**32 - 1, "
        "or a numpy RandomState or Generator."
    )


def initialize_parameters(
    layer_dims: Sequence[int],
    init: str | Sequence[str] = "he",
    random_state=None,
    dtype=np.float64,
) -> dict[str, np.ndarray]:
    """Initial parameters of an L-layer network.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n_1, ..., n_L]``: input size, then each layer's number of units.
    init : str or sequence of str, default="he"
        A name from :data:`INITIALIZERS`, or one name per layer (L names).
    random_state : None, int, RandomState or Generator
        See :func:`check_random_state`.
    dtype : numpy dtype, default=float64
        Weights are drawn in float64 (so that the numbers are the course's) and
        then cast.

    Returns
    -------
    params : dict
        ``"W1"`` of shape ``(n_1, n_x)``, ``"b1"`` of shape ``(n_1, 1)``, ...,
        ``"WL"``, ``"bL"``.

    Examples
    --------
    >>> p = initialize_parameters([3, 2, 1], init="small", random_state=1)
    >>> p["W1"].shape, p["b1"].shape, p["W2"].shape
    ((2, 3), (2, 1), (1, 2))
    >>> np.random.seed(1); bool(np.all(p["W1"] == np.random.randn(2, 3) * 0.01))
    True
    """
    _check_layer_dims(layer_dims)
    if not np.issubdtype(np.dtype(dtype), np.floating):
        raise ValueError(f"dtype must be a float type (float64, float32), not {np.dtype(dtype)}.")
    L = len(layer_dims) - 1
    names = [init] * L if isinstance(init, str) else list(init)
    if len(names) != L:
        raise ValueError(f"init has {len(names)} names for {L} layers; give one or {L}.")
    unknown = sorted({n for n in names if n not in INITIALIZERS})
    if unknown:
        raise ValueError(
            f"unknown init {unknown[0]!r}; choose one of {', '.join(INITIALIZERS)}."
        )
    rng = check_random_state(random_state)
    params: dict[str, np.ndarray] = {}
    for l in range(1, L + 1):
        W = INITIALIZERS[names[l - 1]](rng, layer_dims[l], layer_dims[l - 1])
        params[f"W{l}"] = np.asarray(W, dtype=dtype)
        params[f"b{l}"] = np.zeros((layer_dims[l], 1), dtype=dtype)
    return params


def _check_layer_dims(layer_dims) -> None:
    """Refuse layer sizes the draws cannot use (a 0 divided by zero in "he", a float
    or negative size failed inside NumPy, a single size gave no layers at all)."""
    if isinstance(layer_dims, (str, bytes)) or not hasattr(layer_dims, "__len__") or \
            len(layer_dims) < 2:
        raise ValueError(
            f"layer_dims must be [n_x, n_1, ..., n_L], at least two sizes; got {layer_dims!r}."
        )
    for n in layer_dims:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(
                f"layer_dims must hold positive whole numbers [n_x, n_1, ..., n_L]; got "
                f"{n!r} in {list(layer_dims)!r}."
            )
