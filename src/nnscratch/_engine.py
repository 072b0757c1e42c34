"""The fast forms of the network's computations: what training and prediction run.

:mod:`nnscratch.network` is the course's reference, written to be read next to the
seeds: every function takes the course's arguments and allocates its results. This
private module computes the same things the way the training loop needs them fast,
as scikit-learn splits ``_forward_pass`` from ``_forward_pass_fast``; every function
here is tested against :mod:`nnscratch.network` (``tests/test_engine.py``, 1e-12 in
float64):

=========================  ======================================================
:class:`Workspace`         the arrays a step reuses (``Z``, ``dA``, ``dW``, ``db``, the
                           gathered batch), in the memory order BLAS is fastest with
:data:`IN_PLACE`           the built-in activations computed in their input's memory
:func:`forward`            :func:`~nnscratch.network.L_model_forward` from ``W1 X``
:func:`backward`           :func:`~nnscratch.network.L_model_backward` down to
                           ``dZ1``, the learning rate optionally folded into ``dZ_L``
:func:`cost`               :func:`~nnscratch.network.compute_cost`, ``‖W1‖²`` given
:func:`forward_logits`     prediction: ``Z_L`` in chunks, no caches, no dropout
:class:`FirstLayer`        the first layer's fast form: ``W1 X``, ``‖W1‖²``, the step,
                           ``W1`` itself; :class:`DenseFirstLayer` holds ``W1`` as an
                           array, :mod:`nnscratch._rowspace` in its row-space form
:func:`first_layer`        the one place that picks the first layer's form
=========================  ======================================================

float32 data stay float32: every array here takes the dtype of the data and weights
it is computed from (:data:`FLOAT_DTYPES` are the two the estimators accept).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
from numpy.typing import DTypeLike
from scipy.special import expit

from . import _rowspace, _sparse
from .activations import ACTIVATIONS, Activation
from .exceptions import OutputOverflowError
from .losses import OUTPUTS
from .network import ActivationCache, Cache, LinearCache, hidden_activations, n_layers

__all__ = [
    "FLOAT_DTYPES",
    "IN_PLACE",
    "WORKSPACE_MIN_SIZE",
    "DenseFirstLayer",
    "FirstLayer",
    "Workspace",
    "arrange_weights",
    "backward",
    "cost",
    "first_layer",
    "forward",
    "forward_logits",
    "gather_columns",
    "in_place",
    "make_workspace",
    "penalty",
    "weight_gradient",
    "zeros_like",
]

#: The dtypes training and prediction run in: float32 data stay float32 (no copy),
#: anything else becomes float64.
FLOAT_DTYPES = (np.float64, np.float32)

#: The smallest batch (its width times the widest layer, in values) for which the
#: training loop reuses its arrays (a :class:`Workspace`): that saves allocating and
#: touching fresh memory every step, but for small arrays (the cat model's 20 x 209)
#: allocating is cheaper than the bookkeeping.
WORKSPACE_MIN_SIZE = 16384


# ------------------------------------------------------------------ memory and layout


class Workspace:
    """Arrays that a training loop reuses from one step to the next.

    It holds every layer's ``Z``, ``dZ``, ``dA``, ``dW`` and ``db``, so that a step
    writes into the same memory each time instead of allocating (and the memory stays
    in the processor's cache). The results are the same as without one.

    The arrays have the seeds' shapes, ``(n_l, m)``, laid out like the examples they
    come from: when ``X`` is the transposed view of the ``(m, n_x)`` rows the
    estimators receive (each example's column contiguous: Fortran order), so is every
    ``Z`` and ``dA``, and the products ``W A`` and ``dZ A_prevᵀ`` run fastest that
    way; ``dW`` has ``W``'s order, so that the update ``W -= dW`` is one contiguous
    pass. An array taken from a workspace is overwritten by the next step: a step's
    caches and gradients are valid until the next one.

    Examples
    --------
    >>> ws = Workspace()
    >>> Z = ws("Z1", (3, 5), np.float32)
    >>> Z is ws("Z1", (3, 5), np.float32), Z.flags.f_contiguous
    (True, True)
    """

    def __init__(self) -> None:
        self._arrays: dict[tuple, np.ndarray] = {}

    def __call__(
        self, name: str, shape: tuple[int, ...], dtype: DTypeLike, order: str = "F"
    ) -> np.ndarray:
        """The array called ``name`` of this shape, dtype and order (uninitialised at
        first)."""
        key = (name, shape, dtype, order)
        arr = self._arrays.get(key)
        if arr is None:
            arr = self._arrays[key] = np.empty(shape, dtype, order=order)
        return arr

    def ones(self, m: int, dtype: DTypeLike) -> np.ndarray:
        """A column of m ones: ``dZ @ ones`` is the row sums ``Σ_i dZ[:, i]`` as one
        matrix-vector product (several times faster than ``dZ.sum(axis=1)``)."""
        key = ("ones", m, dtype)
        arr = self._arrays.get(key)
        if arr is None:
            arr = self._arrays[key] = np.ones((m, 1), dtype)
        return arr


def make_workspace(
    params: dict[str, np.ndarray], m: int, batch_size: int | None
) -> Workspace | None:
    """A :class:`Workspace` when the batches are large enough to gain from one.

    Parameters
    ----------
    params : dict
        The network (its widest layer counts).
    m : int
        The number of training examples.
    batch_size : int or None
        None for full batches.
    """
    widest = max(params[f"b{l}"].shape[0] for l in range(1, n_layers(params) + 1))
    width = m if batch_size is None else min(batch_size, m)
    return Workspace() if widest * width >= WORKSPACE_MIN_SIZE else None


def arrange_weights(
    params: dict[str, np.ndarray], batch_size: int | None, m: int, sparse: bool = False
) -> dict[str, np.ndarray]:
    """The initial weights in the memory order the training loop is fastest with.

    Mini-batches are gathered example-major (Fortran order); with column-major
    weights the products ``W A`` and ``dZ A_prevᵀ`` on them are ~6% faster
    (benchmarks/README.md). With a full batch ``X`` (n_x, m) the products favour
    row-major weights: the initializers' order, returned unchanged. On sparse data
    (``sparse=True``) ``W1`` is column-major whatever the batches: scipy's products
    read ``W1ᵀ`` and write ``dW1ᵀ`` contiguously then (:mod:`nnscratch._sparse`).
    """
    if batch_size is not None and batch_size < m:
        return {name: np.asfortranarray(value) for name, value in params.items()}
    if sparse:
        return {**params, "W1": np.asfortranarray(params["W1"])}
    return params


def _order(a: np.ndarray) -> str:
    """``a``'s memory order, "F" or "C" (for a new array laid out like ``a``)."""
    return "F" if a.flags.f_contiguous and not a.flags.c_contiguous else "C"


def _dtype(a: np.ndarray, b: np.ndarray) -> np.dtype:
    """The dtype of a product of ``a`` and ``b`` (``np.result_type``, fast when equal)."""
    return a.dtype if a.dtype == b.dtype else np.result_type(a, b)


def gather_columns(
    X: np.ndarray, batch: slice | np.ndarray, workspace: Workspace | None
) -> np.ndarray:
    """``X[:, batch]``, the batch's examples, gathered into a reused array.

    When ``X`` is the transposed view of row-major ``(m, n_x)`` data (what the
    estimators pass), the examples are rows of that array: ``np.take`` copies them
    into the workspace's Fortran-ordered ``(n_x, m_B)`` array, whose columns are
    exactly those rows. (``mode="clip"`` skips the bounds check, which would make
    ``np.take`` buffer its output; the indices come from a permutation.)
    """
    rows = X.T
    if isinstance(batch, slice) or workspace is None or not rows.flags.c_contiguous:
        return X[:, batch]
    out = workspace("X", (X.shape[0], len(batch)), X.dtype)
    np.take(rows, batch, axis=0, out=out.T, mode="clip")
    return out


# ------------------------------------------------------------------ in-place activations

_ZEROS: dict[np.dtype, np.ndarray] = {}


def zeros_like(Z: np.ndarray) -> np.ndarray:
    """Zeros of ``Z``'s shape, dtype and memory order: a read-only view of one buffer
    that grows to the largest array asked for (never written, so shared by threads).

    NumPy 2.4 runs ``np.maximum`` of two arrays laid out alike in its vectorised loop,
    and of an array and a scalar in a slower one: the ReLU ``np.maximum(Z, 0)`` takes
    0.52 ns a value on float32 with the scalar (0.8 with a Python 0), 0.13 with this
    array (``benchmarks/README.md``). The results are the same.
    """
    flat = _ZEROS.get(Z.dtype)
    if flat is None or flat.size < Z.size:
        flat = np.zeros(max(Z.size, 1), Z.dtype)
        flat.flags.writeable = False
        _ZEROS[Z.dtype] = flat
    return flat[:Z.size].reshape(Z.shape, order=_order(Z))


#: The built-in activations in forms that overwrite their first argument, for the
#: training loop's reused arrays and for prediction: ``forward(Z)`` turns ``Z`` into
#: ``A``, and ``backward(dA, Z, A)`` turns ``dA`` into ``dZ``. Each built-in backward
#: pass needs only ``A``, or the sign of ``Z``, which ``A`` keeps (``A > 0`` exactly
#: where ``Z > 0``), so a cache that holds ``A`` in place of ``Z`` gives the same
#: gradients. Keyed by the ``(forward, backward)`` pair of
#: :data:`nnscratch.activations.ACTIVATIONS`.
IN_PLACE: dict[Activation, Activation] = {
    ACTIVATIONS["relu"]: Activation(
        lambda Z: np.maximum(Z, zeros_like(Z), out=Z),
        lambda dA, Z, A: np.multiply(dA, Z > 0, out=dA),
    ),
    ACTIVATIONS["tanh"]: Activation(
        lambda Z: np.tanh(Z, out=Z),
        lambda dA, Z, A: np.multiply(dA, 1.0 - A * A, out=dA),
    ),
    ACTIVATIONS["sigmoid"]: Activation(
        lambda Z: expit(Z, out=Z),
        lambda dA, Z, A: np.multiply(dA, A * (1.0 - A), out=dA),
    ),
}


_IN_PLACE_FORMS = tuple(IN_PLACE.values())


def in_place(activation: Activation) -> Activation:
    """The in-place form of ``activation`` from :data:`IN_PLACE`, or ``activation``
    itself (any other pair, which then allocates its results as usual)."""
    try:
        return IN_PLACE.get(activation, activation)  # one hash: it runs every step
    except TypeError:  # a pair holding an unhashable callable
        return activation


def _resolve(activations: Sequence[Activation] | str, n_hidden: int) -> Sequence[Activation]:
    return hidden_activations(activations, n_hidden) if isinstance(activations, str) else activations


# ------------------------------------------------------------------ training: one step


def forward(
    W1X: np.ndarray,
    params: dict[str, np.ndarray],
    activations: Sequence[Activation] | str = "relu",
    output: str = "sigmoid",
    keep_probs: Sequence[float] | None = None,
    rng=None,
    workspace: Workspace | None = None,
) -> tuple[np.ndarray, list[Cache]]:
    """:func:`nnscratch.network.L_model_forward`, from the first layer's ``W1 X``.

    Parameters
    ----------
    W1X : ndarray of shape (n_1, m)
        ``W1 X`` for the batch, from the :class:`FirstLayer`; it becomes ``Z1`` (``b1``
        is added in place). ``params["W1"]`` is not read.
    params : dict
    activations : str or sequence of Activation
    output : {"sigmoid", "softmax"}
    keep_probs : sequence of float, optional
        Dropout keep probabilities of the hidden layers; the masks are drawn from
        ``rng`` in the order :func:`~nnscratch.network.L_model_forward` draws them.
    rng : RandomState or Generator, optional
    workspace : Workspace, optional
        Write each layer's ``Z`` into the workspace's arrays, laid out like the
        layer's input, and compute the built-in activations in place (the cache then
        holds ``A`` as ``Z``, which their backward passes accept).

    Returns
    -------
    AL : ndarray of shape (n_L, m)
    caches : list of (LinearCache, ActivationCache)
        As :func:`~nnscratch.network.L_model_forward`'s, except that the first
        layer's ``A_prev`` (the input) is None: :func:`backward` stops at ``dZ1``.
    """
    L = n_layers(params)
    acts = _resolve(activations, L - 1)
    m = W1X.shape[1]
    caches: list[Cache] = []
    A = None
    for l in range(1, L + 1):
        b = params[f"b{l}"]
        if l == 1:
            Z = W1X
        else:
            W = params[f"W{l}"]
            out = None if workspace is None else workspace(
                f"Z{l}", (W.shape[0], m), _dtype(W, A), _order(A))
            Z = np.matmul(W, A, out=out)
        Z += b
        linear_cache = LinearCache(A, params.get(f"W{l}"), b)
        if l == L:
            break
        activation = acts[l - 1]
        A = (activation if workspace is None else in_place(activation)).forward(Z)
        keep_prob = 1.0 if keep_probs is None else keep_probs[l - 1]
        if keep_prob >= 1.0:
            caches.append((linear_cache, ActivationCache(Z, A)))
            continue
        mask = rng.random(A.shape) < keep_prob
        D = np.asarray(mask, dtype=A.dtype) / A.dtype.type(keep_prob)
        caches.append((linear_cache, ActivationCache(Z, A, D)))
        A = A * D
    AL = OUTPUTS[output].activation(Z)
    caches.append((linear_cache, ActivationCache(Z, AL)))
    return AL, caches


def cost(
    ZL: np.ndarray,
    Y: np.ndarray,
    output: str,
    params: dict[str, np.ndarray],
    alpha: float,
    sample_weight: np.ndarray | None,
    first_sq_norm: Callable[[], float],
) -> float:
    """:func:`nnscratch.network.compute_cost`, with ``‖W1‖²`` from the first layer.

    Parameters
    ----------
    ZL, Y, output, alpha, sample_weight
        As for :func:`~nnscratch.network.compute_cost`.
    params : dict
        Its ``"W1"`` is not read.
    first_sq_norm : callable
        ``‖W1‖²`` (:meth:`FirstLayer.sq_norm`), called only when ``alpha > 0``.
    """
    J = OUTPUTS[output].cost(ZL, Y, sample_weight)
    if alpha:
        m = Y.shape[1] if sample_weight is None else float(np.sum(sample_weight))
        J += penalty(params, alpha, m, first_sq_norm)
    return J


def penalty(
    params: dict[str, np.ndarray], alpha: float, m: float, first_sq_norm: Callable[[], float]
) -> float:
    """The L2 term of the cost, ``alpha / (2 m) · Σ_l ‖W_l‖²``, with ``‖W1‖²`` from the
    first layer (``params["W1"]`` is not read)."""
    total = sum([first_sq_norm()] + [float(np.vdot(W, W)) for key, W in params.items()
                                     if key[0] == "W" and key != "W1"])
    return alpha / (2.0 * m) * total


def _row_sums(dZ: np.ndarray, workspace: Workspace | None, l: int) -> np.ndarray:
    """``db = Σ_i dZ[:, i]``: with a workspace, the product ``dZ @ ones``."""
    if workspace is None:
        return dZ.sum(axis=1, keepdims=True)
    return np.matmul(dZ, workspace.ones(dZ.shape[1], dZ.dtype),
                     out=workspace(f"db{l}", (dZ.shape[0], 1), dZ.dtype))


def weight_gradient(
    dZ: np.ndarray, A_prev: np.ndarray, W: np.ndarray, l2: float,
    workspace: Workspace | None, l: int,
) -> np.ndarray:
    """``dW = dZ A_prevᵀ (+ l2 · W)``, with a workspace into an array of ``W``'s order
    (so that the update ``W -= dW`` is one contiguous pass)."""
    if workspace is None:
        dW = dZ @ A_prev.T
    else:
        order = "C" if W.flags.c_contiguous else "F"
        dW = np.matmul(dZ, A_prev.T, out=workspace(f"dW{l}", W.shape, _dtype(dZ, A_prev), order))
    if l2:
        dW += l2 * W
    return dW


def backward(
    AL: np.ndarray,
    Y: np.ndarray,
    caches: list[Cache],
    activations: Sequence[Activation] | str = "relu",
    alpha: float = 0.0,
    sample_weight: np.ndarray | None = None,
    scale: float = 1.0,
    workspace: Workspace | None = None,
    m: float | None = None,
) -> dict[str, np.ndarray]:
    """:func:`nnscratch.network.L_model_backward` down to the first layer's ``dZ1``.

    Parameters
    ----------
    AL, Y, activations, alpha, sample_weight
        As for :func:`~nnscratch.network.L_model_backward`.
    caches : list of (LinearCache, ActivationCache)
        From :func:`forward` (with the same ``workspace``: the gradients go into other
        arrays of it).
    scale : float, default=1.0
        Multiply every gradient by this positive factor: gradient descent passes its
        learning rate, so that its update is the single pass ``W -= dW``. Backward
        propagation is linear in ``dZ_L``, so this is one multiplication, folded into
        the division of ``dZ_L`` by m.
    workspace : Workspace, optional
        Write the gradients into the workspace's arrays, and run the built-in
        activations' backward passes in place.
    m : float, optional
        The whole mini-batch's number of examples (or total ``sample_weight``) when
        ``Y`` is a part of it: the gradients are then this part's share of the
        batch's, to be summed with the other parts' (:mod:`nnscratch._halves`). By
        default, the examples (or total weight) of ``Y``.

    Returns
    -------
    grads : dict
        ``"dZ1"`` (``∂J/∂Z1``, from which the :class:`FirstLayer` makes ``dW1``),
        ``"db1"``, ``"dW2"``, ``"db2"``, ..., ``"dWL"``, ``"dbL"``, all times ``scale``.
        No ``dA0``: nothing needs it.
    """
    L = len(caches)
    acts = _resolve(activations, L - 1)
    dZ = AL - Y if workspace is None else np.subtract(
        AL, Y, out=workspace(f"dZ{L}", AL.shape, AL.dtype, _order(AL)))
    if m is None:
        m = float(Y.shape[1] if sample_weight is None else np.sum(sample_weight))
    if sample_weight is None:
        dZ /= m / scale
    else:
        dZ *= sample_weight / (m / scale)
    l2 = scale * alpha / m
    grads: dict[str, np.ndarray] = {}
    dA = None  # dA_l, set by layer l + 1 for each hidden layer l
    for l in reversed(range(1, L + 1)):
        linear_cache, activation_cache = caches[l - 1]
        if l < L:  # a hidden layer: back through dropout (if any) and its activation
            Z, A, D = activation_cache
            if D is not None:
                dA = dA * D
            activation = acts[l - 1]
            dZ = (activation if workspace is None else in_place(activation)).backward(dA, Z, A)
        grads[f"db{l}"] = _row_sums(dZ, workspace, l)
        if l == 1:
            grads["dZ1"] = dZ
            break
        A_prev, W, _ = linear_cache
        grads[f"dW{l}"] = weight_gradient(dZ, A_prev, W, l2, workspace, l)
        out = None if workspace is None else workspace(
            f"dA{l - 1}", A_prev.shape, _dtype(W, dZ), _order(A_prev))
        if W.shape[0] == 1:  # one unit: Wᵀ dZ is an outer product, no sums (3x faster)
            dA = np.multiply(W.T, dZ, out=out)
        else:
            dA = np.matmul(W.T, dZ, out=out)
    return grads


# ------------------------------------------------------------------ prediction


def forward_logits(
    X: np.ndarray,
    params: dict[str, np.ndarray],
    activations: Sequence[Activation] | str = "relu",
    chunk_size: int = 4096,
    W1X: np.ndarray | None = None,
    check_input: Callable[[np.ndarray], None] | None = None,
    name: str = "X",
) -> np.ndarray:
    """The output layer's logits ``Z_L`` for prediction: no caches, no dropout.

    Each ReLU layer is one pass over its ``Z``: its bias is carried into the next
    layer's (:func:`_carried_biases`); the other built-in activations add the bias and
    apply the activation by cache-sized blocks (:func:`_add_bias_activate`). The logits
    equal :func:`nnscratch.network.L_model_forward`'s to rounding.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_x, m)
        A sparse ``X`` (the CSC transpose of CSR rows) is multiplied as sparse
        (:func:`nnscratch._sparse.left_product`), never made dense.
    params : dict
    activations : str or sequence of Activation
    chunk_size : int, default=4096
        Examples are processed this many columns at a time, so that each layer's
        ``Z`` and ``A`` stay in the processor's cache; the results are the same.
    W1X : ndarray of shape (n_1, m), optional
        The product ``W1 X``, already computed some other way (the row-space form of
        the first layer); then ``params["W1"]`` and ``X`` are not used.
    check_input : callable, optional
        Checks a chunk of ``X`` (shape ``(n_x, chunk)``), raising for values it refuses
        (NaN, infinity). It is called only where the chunk's ``W1 X`` is not finite: a
        NaN or infinity in ``X`` always makes ``W1 X`` non-finite, so ``X`` itself is
        read only then (it may also be finite data whose product, or the column sums
        of ``W1 X`` that :func:`_all_finite` reads, overflowed).
    name : str, default="X"
        What the examples are called in the error below (``"X_val"``).

    Returns
    -------
    ZL : ndarray of shape (n_L, m)
        Finite. Where finite ``X`` overflows float32 on its way through the network
        (values near 1e38: ``inf - inf`` gives NaN), those examples are computed again
        in float64 and ``ZL`` is float64.

    Raises
    ------
    OutputOverflowError
        Some examples overflow even float64 (values near 1e308): one line naming the
        first (``row X[i]``) and what to do.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # overflow: handled below
        ZL = _logits_by_chunks(X, params, activations, chunk_size, W1X, check_input)
        finite = np.isfinite(ZL).all(axis=0)  # (n_L, m): a pass over the logits only
        if finite.all():
            return ZL
        bad = np.flatnonzero(~finite)
        if ZL.dtype != np.float64:
            params64 = {key: np.asarray(value, dtype=np.float64)
                        for key, value in params.items()}
            source = X if W1X is None else W1X
            part = source[:, bad].astype(np.float64)
            again = _logits_by_chunks(part, params64, activations, chunk_size,
                                      None if W1X is None else part, None)
            ZL = ZL.astype(np.float64)
            ZL[:, bad] = again
            bad = bad[~np.isfinite(again).all(axis=0)]
    if bad.size:
        more = f" (and {bad.size - 1:,} more)" if bad.size > 1 else ""
        raise OutputOverflowError(f"row {name}[{bad[0]}]{more} holds values too large for "
                                  "the network: its outputs overflow float64; scale the "
                                  "features as the training data were scaled")
    return ZL


def _logits_by_chunks(X, params, activations, chunk_size, W1X, check_input) -> np.ndarray:
    """:func:`forward_logits` without its overflow check: NaN where values overflow."""
    L = n_layers(params)
    # Z not kept: the activations overwrite it (the built-in ones block by block).
    forwards = [in_place(act) for act in _resolve(activations, L - 1)]
    columns = X if W1X is None else W1X  # what the chunks are taken from
    m = columns.shape[1]
    WL = params[f"W{L}"]
    ZL = np.empty((WL.shape[0], m), dtype=np.result_type(columns.dtype, WL.dtype))
    biases, shifted = _carried_biases(params, forwards, ZL.dtype)
    floors: dict[int, np.ndarray] = {}  # per shifted layer: -c_l by blocks, like its Z
    # Each layer's Z goes into the same Fortran-ordered (example-major) array for
    # every chunk; a chunk of X's columns has that layout when X is the transposed
    # view of row-major data.
    workspace = Workspace()
    # Sparse X: W1ᵀ made contiguous once (scipy would copy it for every chunk otherwise).
    W1T = (np.ascontiguousarray(params["W1"].T)
           if W1X is None and _sparse.issparse(X) else None)
    for start in range(0, m, chunk_size):
        A = columns[:, start:start + chunk_size]
        for l in range(1, L + 1):
            if l == 1 and W1X is not None:
                Z = A.copy()  # Z1 = W1 X + b1, without changing W1X
            elif l == 1 and W1T is not None:
                Z = np.asarray(A.T @ W1T).T  # Z1 = (X_chunkᵀ W1ᵀ)ᵀ: sparse rows times W1ᵀ
            else:
                W = params[f"W{l}"]
                Z = workspace(f"Z{l}", (W.shape[0], min(chunk_size, m)), ZL.dtype)
                if l == 1 and check_input is not None:
                    # X is checked through Z1: NaN or inf in X must give check_input's
                    # error alone, not NumPy's warnings of the product before it
                    with np.errstate(all="ignore"):
                        Z = np.matmul(W, A, out=Z[:, :A.shape[1]])
                        if not _all_finite(Z, workspace):
                            check_input(A)  # raises where X itself is not finite
                            Z = None
                    if Z is None:  # finite X whose product overflows (see the caller)
                        Z = workspace(f"Z{l}", (W.shape[0], min(chunk_size, m)), ZL.dtype)
                        Z = np.matmul(W, A, out=Z[:, :A.shape[1]])
                else:
                    Z = np.matmul(W, A, out=Z[:, :A.shape[1]])
            if l == L:
                Z += biases[l]
            elif shifted[l]:  # Z holds Z_l - c_l, and A_l - c_l = max(Z, -c_l): one pass
                if l not in floors:
                    floors[l] = _block_of(-biases[l], min(chunk_size, m), Z)
                _maximum_by_blocks(Z, floors[l])
            elif forwards[l - 1] in _IN_PLACE_FORMS:
                _add_bias_activate(Z, biases[l], forwards[l - 1].forward)
            else:  # an activation that allocates its result
                Z += biases[l]
                Z = forwards[l - 1].forward(Z)
            A = Z
        ZL[:, start:start + chunk_size] = A
    return ZL


#: Values (float32: 4 bytes each) of one block of :func:`_add_bias_activate` and
#: :func:`_maximum_by_blocks`: 512 KiB stay in the processor's L2 cache (2 MiB per
#: core on the benchmark machines).
BLOCK_VALUES = 131072


#: The most negative bias :func:`_carried_biases` carries into the next layer: its
#: rounding there, about ``CARRY_LIMIT · ε · Σ|W|``, stays that of activations of a few
#: units, where the plain form rounds ``Z + b`` with ``ε · |Z|``.
CARRY_LIMIT = 8.0


def _carried_biases(
    params: dict[str, np.ndarray], forwards: Sequence[Activation], dtype: DTypeLike
) -> tuple[dict[int, np.ndarray], dict[int, bool]]:
    """Each layer's bias for prediction, with the ReLU layers' biases carried forward.

    For a ReLU layer ``A_l = max(Z_l + c_l, 0) = max(Z_l, -c_l) + c_l``, so
    prediction keeps ``M_l = max(Z_l, -c_l)`` (one pass over ``Z_l``, where adding the
    bias and then taking the maximum are two) and moves ``c_l`` into the next layer,
    which is linear in its input: ``W M + (W c_l + b)``. ``c_1 = b_1``; after a ReLU
    layer ``c_(l+1) = b_(l+1) + W_(l+1) c_l``, otherwise ``b_(l+1)``. The logits are
    the same to rounding (the sums are grouped differently).

    Only while every ``c_l >= -CARRY_LIMIT``: a unit with ``c_l = -1e7`` (a dead unit,
    as a too-large learning rate leaves them) adds 0 to the next layer, but carried it
    adds ``W·1e7`` and takes ``W·1e7`` away again, which in float32 left 1.5 of a logit
    of 6.7 (and ``inf - inf`` where ``W c`` overflowed). Such a layer adds its bias as
    the other activations do. (A large positive ``c_l`` rounds as ``Z + c_l`` does.)

    Returns
    -------
    biases : dict
        ``c_l`` for every layer, shape ``(n_l, 1)``, in ``dtype``.
    shifted : dict
        Whether hidden layer ``l`` is computed as ``M_l``.
    """
    relu = IN_PLACE[ACTIVATIONS["relu"]]
    biases: dict[int, np.ndarray] = {}
    shifted: dict[int, bool] = {}
    carried = None  # c_(l-1) of a shifted layer
    for l in range(1, n_layers(params) + 1):
        b = params[f"b{l}"].astype(dtype, copy=False)
        biases[l] = b if carried is None else b + params[f"W{l}"].astype(dtype, copy=False) @ carried
        shifted[l] = (l <= len(forwards) and forwards[l - 1] == relu
                      and bool(biases[l].min() >= -CARRY_LIMIT))  # NaN: not carried
        carried = biases[l] if shifted[l] else None
    return biases, shifted


def _block_of(column: np.ndarray, width: int, like: np.ndarray) -> np.ndarray:
    """``column`` repeated over the columns of one block (at most ``width``), laid out
    like ``like``: NumPy takes the maximum of two arrays of one layout in its
    vectorised loop (``zeros_like``)."""
    cols = min(width, max(1, BLOCK_VALUES // max(column.shape[0], 1)))
    block = np.empty((column.shape[0], cols), column.dtype, order=_order(like))
    block[...] = column
    return block


def _maximum_by_blocks(Z: np.ndarray, floor: np.ndarray) -> None:
    """``Z = max(Z, floor)`` in place, by blocks of ``floor``'s width (L2-sized)."""
    cols = floor.shape[1]
    for j in range(0, Z.shape[1], cols):
        block = Z[:, j:j + cols]
        np.maximum(block, floor[:, :block.shape[1]], out=block)


def _add_bias_activate(Z: np.ndarray, b: np.ndarray, forward: Callable) -> None:
    """``Z = g(Z + b)`` in place, by blocks of columns small enough for the L2 cache.

    The two passes over a chunk's ``Z`` (the bias, then the activation) each read it
    from memory when done over the whole chunk (``256 x 4096`` float32 is 4 MiB); by
    blocks the second finds the block in the cache: 1-2 ms of about 115 for
    ``predict_proba`` on 60000 x 784 with ReLU layers, before they carried their bias
    instead (``benchmarks/README.md``). The results are the same.
    """
    cols = max(1, BLOCK_VALUES // max(Z.shape[0], 1))
    for j in range(0, Z.shape[1], cols):
        block = Z[:, j:j + cols]
        block += b
        forward(block)


def _all_finite(Z: np.ndarray, workspace: Workspace) -> bool:
    """Whether every entry of ``Z`` is finite, read through one product ``1ᵀ Z``.

    A sum is NaN or infinite whenever one of its terms is, so the column sums are all
    finite only if ``Z`` is; BLAS reads ``Z`` faster than :func:`numpy.isfinite` does
    (about 1.5 % of ``predict_proba`` on 60000 x 784). A sum can also overflow where
    every term is finite; then the answer is ``False`` and the caller's exact check
    of ``X`` decides.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf, or a sum overflowing
        sums = workspace.ones(Z.shape[0], Z.dtype).T @ Z
    return bool(np.isfinite(sums).all())


# ------------------------------------------------------------------ the first layer


class FirstLayer(Protocol):
    """The first layer's weights ``W1`` during training, in whatever form is fastest.

    The first layer is the one that touches the data (``n_x`` may be 12288 pixels),
    so its form decides the cost of an iteration. :class:`DenseFirstLayer` holds ``W1``
    as the array it is; :class:`nnscratch._rowspace.RowSpaceFirstLayer` holds it as
    ``s·W1_0 + C·Xᵀ``. Each owns its optimizer state (the row-space form keeps its
    momentum in coefficient form and gives it back at :meth:`finish`).
    """

    #: Whether :meth:`step` takes gradients already multiplied by the optimizer's
    #: ``gradient_scale`` (gradient descent's learning rate folded into ``dZ_L``).
    folds_learning_rate: bool

    def forward(self, batch: slice | np.ndarray) -> np.ndarray:
        """``W1 X[:, batch]`` (n_1, m_B), without ``b1``, for the batch's columns."""

    def sq_norm(self) -> float:
        """``‖W1‖²`` (for the L2 penalty)."""

    def step(self, dZ1: np.ndarray, batch: slice | np.ndarray, alpha: float, m: float,
             scale: float) -> None:
        """Update ``W1`` from ``dZ1`` (the :meth:`forward` batch's ``∂J/∂Z1`` times
        ``scale``): ``dW1 = dZ1 X_Bᵀ + scale (alpha / m) W1``, by the optimizer's rule,
        as part of the step the optimizer's last ``update`` began."""

    def weights(self) -> np.ndarray:
        """``W1`` (n_1, n_x), computed if it is not held as an array."""

    def product(self, X_other: np.ndarray) -> Callable[[], np.ndarray] | None:
        """A function giving ``W1 X_other`` for other examples (a validation set), or
        None when :func:`forward_logits` should multiply ``W1`` itself."""

    def finish(self) -> None:
        """Write ``W1`` and its optimizer state back when training ends."""


class DenseFirstLayer:
    """The first layer as the seeds hold it: ``W1`` an array, ``Z1 = W1 X_B``.

    Parameters
    ----------
    W1 : ndarray of shape (n_1, n_x)
        Updated in place.
    X : ndarray of shape (n_x, m_X)
        The data, one column per example (usually a transposed view).
    rows : ndarray of int or None
        The columns of ``X`` that are the training examples (batches index into it).
    optimizer : nnscratch.optimizers.Optimizer
    workspace : Workspace or None
        Gathers the batches and holds ``Z1`` and ``dW1``.
    """

    folds_learning_rate = True

    def __init__(self, W1, X, rows, optimizer, workspace) -> None:
        self.W1, self.X, self.rows = W1, X, rows
        self.optimizer, self.workspace = optimizer, workspace
        self._X_B: np.ndarray | None = None  # the last forward's batch

    def forward(self, batch):
        self._X_B, Z1 = self.gather_product(batch, self.workspace)
        return Z1

    def gather_product(self, batch, workspace: Workspace | None) -> tuple[np.ndarray, np.ndarray]:
        """``(X_B, W1 X_B)`` for the batch, into ``workspace``'s arrays; keeps nothing, so
        that two threads may call it at once with their own workspaces
        (:mod:`nnscratch._halves`)."""
        W1 = self.W1
        X_B = gather_columns(self.X, batch if self.rows is None else self.rows[batch], workspace)
        out = None if workspace is None else workspace(
            "Z1", (W1.shape[0], X_B.shape[1]), _dtype(W1, X_B), _order(X_B))
        return X_B, np.matmul(W1, X_B, out=out)

    def sq_norm(self) -> float:
        return float(np.vdot(self.W1, self.W1))

    def step(self, dZ1, batch, alpha, m, scale) -> None:
        self.apply(weight_gradient(dZ1, self._X_B, self.W1, scale * alpha / m,
                                   self.workspace, 1))

    def apply(self, dW1: np.ndarray) -> None:
        """Update ``W1`` from ``dW1`` (times the optimizer's ``gradient_scale``), as part
        of the step the optimizer's last ``update`` began."""
        self.optimizer.update_more({"W1": self.W1}, {"dW1": dW1}, scaled=True)

    def weights(self) -> np.ndarray:
        return self.W1

    def product(self, X_other):
        return None

    def finish(self) -> None:
        pass


#: The values of the estimators' ``algorithm``: how the first layer is computed.
ALGORITHMS = ("auto", "plain", "rowspace")


def first_layer(
    params: dict[str, np.ndarray],
    X: np.ndarray,
    rows: np.ndarray | None,
    optimizer,
    *,
    algorithm: str,
    n_iter: int,
    batch_size: int | None,
    fixed_weights: bool,
    workspace: Workspace | None,
) -> FirstLayer:
    """The first layer's form for this training: the one place that chooses it.

    Parameters
    ----------
    params : dict
        ``params["W1"]`` is the first layer's weights (updated in place, or written at
        :meth:`FirstLayer.finish`).
    X : ndarray or sparse matrix of shape (n_x, m_X)
        Sparse data (the CSC transpose of the estimators' CSR rows) is trained by
        :class:`nnscratch._sparse.SparseFirstLayer`, or in the row-space form where
        that is expected to be faster (:func:`nnscratch._rowspace.rowspace_is_faster`
        given the non-zeros); never made dense.
    rows : ndarray of int or None
        The columns of ``X`` that are the training examples (None: all of them).
    optimizer : nnscratch.optimizers.Optimizer
    algorithm : {"auto", "plain", "rowspace"}
        The estimators' ``algorithm``; see :func:`nnscratch._rowspace.use_rowspace`.
    n_iter, batch_size
        Epochs to run and examples per step.
    fixed_weights : bool
        False when user code may change the weights during training.
    workspace : Workspace or None

    Raises
    ------
    ValueError
        When ``algorithm`` asks for a form that cannot be used here.
    """
    m = X.shape[1] if rows is None else len(rows)
    W1 = params["W1"]
    sparse = _sparse.issparse(X)
    nnz = gram_nnz = None
    if sparse:
        X = X if X.format == "csc" else X.tocsc()  # one column (example) per indptr entry
        nnz = int(X.nnz if rows is None else np.diff(X.indptr)[rows].sum())
        if algorithm == "auto":  # the multiply-adds of G = XᵀX: Σ_j nnz(feature j)²
            # (counted over every column of X: with early stopping's held-out columns,
            # a slight overestimate, enough for the choice)
            counts = np.bincount(X.indices, minlength=X.shape[0]).astype(np.float64)
            gram_nnz = float(np.dot(counts, counts))
    rowspace = _rowspace.use_rowspace(
        algorithm, X.shape[0], m, W1.shape[0], optimizer, n_iter=n_iter,
        batch_size=batch_size, fixed_weights=fixed_weights, nnz=nnz, gram_nnz=gram_nnz,
    )
    if rows is not None and (rowspace or batch_size is None or batch_size >= m):
        X, rows = X[:, rows], None  # every step reads all of them: gather them once
    if rowspace:
        try:
            return _rowspace.RowSpaceFirstLayer(W1, X, optimizer)
        except _rowspace.GramOverflowError:
            if algorithm != "auto":
                raise  # asked for: one line saying why it cannot
            # chosen for speed: the plain form trains values whose Gram matrix overflows
    if sparse:
        return _sparse.SparseFirstLayer(W1, X, rows, optimizer)
    return DenseFirstLayer(W1, X, rows, optimizer, workspace)
