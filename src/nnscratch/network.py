"""Forward propagation, backward propagation and the gradient-descent update.

This is the seeds' L-layer network, ``[LINEAR -> ACTIVATION] × (L-1) -> LINEAR ->
OUTPUT``, in their notation: one column per example.

=========  ==================  =============================================
symbol     shape               meaning
=========  ==================  =============================================
X, A0      (n_x, m)            the input, one example per column
W_l        (n_l, n_{l-1})      layer l's weights (``params["W<l>"]``)
b_l        (n_l, 1)            layer l's bias, broadcast over the m columns
Z_l        (n_l, m)            ``W_l A_{l-1} + b_l``
A_l        (n_l, m)            ``g_l(Z_l)``; ``A_L = ŷ``
dZ, dW...  same as Z, W, ...   gradients of the cost J with respect to them
=========  ==================  =============================================

Forward and backward sit side by side (:func:`linear_forward` /
:func:`linear_backward`, :func:`linear_activation_forward` /
:func:`linear_activation_backward`, :func:`L_model_forward` / :func:`L_model_backward`),
and each forward step returns the named cache its backward step needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import NamedTuple

import numpy as np
from numpy.typing import DTypeLike

from .activations import ACTIVATIONS, Activation, in_place, leaky_relu, leaky_relu_backward
from .losses import OUTPUTS, l2_penalty

__all__ = [
    "ActivationCache",
    "L_model_backward",
    "L_model_forward",
    "LinearCache",
    "Workspace",
    "activation_backward",
    "compute_cost",
    "forward_logits",
    "hidden_activations",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
    "n_layers",
    "update_parameters",
]


class LinearCache(NamedTuple):
    """What :func:`linear_backward` needs from the forward pass."""

    A_prev: np.ndarray  # (n_{l-1}, m)
    W: np.ndarray  # (n_l, n_{l-1})
    b: np.ndarray  # (n_l, 1)


class ActivationCache(NamedTuple):
    """What an activation's backward step needs from the forward pass."""

    Z: np.ndarray  # (n_l, m)
    A: np.ndarray  # (n_l, m), g(Z) before any dropout
    D: np.ndarray | None = None  # inverted-dropout mask (0 or 1/keep_prob), or None


Cache = tuple[LinearCache, ActivationCache]


class Workspace:
    """Arrays that a training loop reuses from one step to the next.

    Given to :func:`L_model_forward` and :func:`L_model_backward`, it holds every
    layer's ``Z``, ``dZ``, ``dA``, ``dW`` and ``db``, so that a step writes into the
    same memory each time instead of allocating (and the memory stays in the
    processor's cache). The results are the same as without one.

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


def _order(a: np.ndarray) -> str:
    """``a``'s memory order, "F" or "C" (for a new array laid out like ``a``)."""
    return "F" if a.flags.f_contiguous and not a.flags.c_contiguous else "C"


def _dtype(a: np.ndarray, b: np.ndarray) -> np.dtype:
    """The dtype of a product of ``a`` and ``b`` (``np.result_type``, fast when equal)."""
    return a.dtype if a.dtype == b.dtype else np.result_type(a, b)


def n_layers(params: dict[str, np.ndarray]) -> int:
    """The number of layers L (hidden layers plus the output layer)."""
    return len(params) // 2


def hidden_activations(
    activation: str | Activation | Sequence[str | Activation],
    n_hidden: int,
    leaky_relu_slope: float = 0.01,
) -> list[Activation]:
    """Resolve activation names into one ``(forward, backward)`` pair per hidden layer.

    Parameters
    ----------
    activation : str, Activation, or a sequence of them
        One name from :data:`nnscratch.activations.ACTIVATIONS` for every hidden
        layer, or one per hidden layer.
    n_hidden : int
        The number of hidden layers, ``L - 1``.
    leaky_relu_slope : float, default=0.01
        The negative slope used by ``"leaky_relu"``.
    """
    specs = [activation] * n_hidden if isinstance(activation, (str, Activation)) else list(
        activation
    )
    if len(specs) != n_hidden:
        raise ValueError(
            f"activation has {len(specs)} entries for {n_hidden} hidden layers; "
            f"give one name or {n_hidden}."
        )
    resolved = []
    for spec in specs:
        if isinstance(spec, Activation):
            resolved.append(spec)
        elif spec == "leaky_relu":
            resolved.append(
                Activation(
                    partial(leaky_relu, slope=leaky_relu_slope),
                    partial(leaky_relu_backward, slope=leaky_relu_slope),
                )
            )
        elif spec in ACTIVATIONS:
            resolved.append(ACTIVATIONS[spec])
        else:
            raise ValueError(
                f"unknown activation {spec!r}; choose one of {', '.join(ACTIVATIONS)}."
            )
    return resolved


# ----------------------------------------------------------------------------- forward


def linear_forward(
    A_prev: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    WA_prev: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> tuple[np.ndarray, LinearCache]:
    """The linear step of one layer, ``Z = W A_prev + b``.

    Parameters
    ----------
    A_prev : ndarray of shape (n_{l-1}, m)
    W : ndarray of shape (n_l, n_{l-1})
    b : ndarray of shape (n_l, 1)
    WA_prev : ndarray of shape (n_l, m), optional
        The product ``W A_prev`` when the caller has it already (it is then
        updated in place to become ``Z``).
    out : ndarray of shape (n_l, m), optional
        Where to write ``Z`` (a :class:`Workspace` array); a new array without it.

    Returns
    -------
    Z : ndarray of shape (n_l, m)
    cache : LinearCache
        ``(A_prev, W, b)`` for :func:`linear_backward`.

    Examples
    --------
    >>> Z, _ = linear_forward(np.ones((3, 2)), np.ones((1, 3)), np.array([[0.5]]))
    >>> Z
    array([[3.5, 3.5]])
    """
    Z = np.matmul(W, A_prev, out=out) if WA_prev is None else WA_prev
    Z += b
    return Z, LinearCache(A_prev, W, b)


def linear_activation_forward(
    A_prev: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    activation: Activation,
    keep_prob: float = 1.0,
    rng=None,
    mask: np.ndarray | None = None,
    WA_prev: np.ndarray | None = None,
    out: np.ndarray | None = None,
    overwrite: bool = False,
) -> tuple[np.ndarray, Cache]:
    """One hidden layer, ``A = g(W A_prev + b)``, with optional inverted dropout.

    Parameters
    ----------
    A_prev : ndarray of shape (n_{l-1}, m)
    W : ndarray of shape (n_l, n_{l-1})
    b : ndarray of shape (n_l, 1)
    activation : Activation
        The ``(forward, backward)`` pair of ``g``.
    keep_prob : float, default=1.0
        The probability of keeping each unit (1 - dropout rate). Kept units are
        divided by ``keep_prob`` so that the expected activation is unchanged.
    rng : RandomState or Generator, optional
        Draws the dropout mask when ``keep_prob < 1`` and no ``mask`` is given.
    mask : ndarray of shape (n_l, m), optional
        A fixed dropout mask of 0s and 1s (used by gradient checks).
    WA_prev, out : ndarray of shape (n_l, m), optional
        See :func:`linear_forward`.
    overwrite : bool, default=False
        Compute a built-in ``A`` in ``Z``'s memory (:func:`nnscratch.activations.in_place`):
        the cache then holds ``A`` as ``Z``, which the built-in backward passes accept.

    Returns
    -------
    A : ndarray of shape (n_l, m)
    cache : (LinearCache, ActivationCache)
    """
    Z, linear_cache = linear_forward(A_prev, W, b, WA_prev, out)
    A = (in_place(activation) if overwrite else activation).forward(Z)
    if mask is None and keep_prob >= 1.0:
        return A, (linear_cache, ActivationCache(Z, A))
    if mask is None:
        mask = rng.random(A.shape) < keep_prob
    D = np.asarray(mask, dtype=A.dtype) / A.dtype.type(keep_prob)
    return A * D, (linear_cache, ActivationCache(Z, A, D))


def L_model_forward(
    X: np.ndarray,
    params: dict[str, np.ndarray],
    activations: Sequence[Activation] | str = "relu",
    output: str = "sigmoid",
    keep_probs: Sequence[float] | None = None,
    rng=None,
    masks: Sequence[np.ndarray] | None = None,
    W1X: np.ndarray | None = None,
    workspace: Workspace | None = None,
) -> tuple[np.ndarray, list[Cache]]:
    """Forward propagation through all L layers, keeping the caches.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    params : dict
        ``"W1"``, ``"b1"``, ..., ``"WL"``, ``"bL"``.
    activations : str or sequence of Activation
        The hidden layers' activations (see :func:`hidden_activations`).
    output : {"sigmoid", "softmax"}
        The output layer (see :data:`nnscratch.losses.OUTPUTS`).
    keep_probs : sequence of float, optional
        Dropout: the keep probability of each hidden layer (``L - 1`` values).
    rng : RandomState or Generator, optional
        Draws the dropout masks.
    masks : sequence of ndarray, optional
        Fixed dropout masks, one ``(n_l, m)`` array per hidden layer.
    W1X : ndarray of shape (n_1, m), optional
        The product ``W1 X``, already computed some other way (the training loop's
        row-space form of the first layer, :mod:`nnscratch._rowspace`); then
        ``params["W1"]`` and ``X`` are not used.
    workspace : Workspace, optional
        Write each layer's ``Z`` into the workspace's arrays (a training loop's
        reused memory) instead of new ones, and compute the built-in activations in
        place (``overwrite`` of :func:`linear_activation_forward`).

    Returns
    -------
    AL : ndarray of shape (n_L, m)
        The output layer's activation ``ŷ``.
    caches : list of (LinearCache, ActivationCache)
        One per layer; the last one holds the logits ``Z_L``.

    Examples
    --------
    >>> from nnscratch.initializers import initialize_parameters
    >>> params = initialize_parameters([4, 3, 1], init="small", random_state=0)
    >>> AL, caches = L_model_forward(np.zeros((4, 5)), params)
    >>> AL.shape, len(caches)
    ((1, 5), 2)
    """
    L = n_layers(params)
    acts = hidden_activations(activations, L - 1) if isinstance(activations, str) else activations
    caches: list[Cache] = []
    A = X
    m = (X if W1X is None else W1X).shape[1]

    def Z_out(l: int, A_prev: np.ndarray) -> np.ndarray | None:  # where Z_l goes
        if workspace is None or (l == 1 and W1X is not None):
            return None
        W = params[f"W{l}"]
        return workspace(f"Z{l}", (W.shape[0], m), _dtype(W, A_prev), _order(A_prev))

    for l in range(1, L):
        A, cache = linear_activation_forward(
            A,
            params.get(f"W{l}"),
            params[f"b{l}"],
            acts[l - 1],
            keep_prob=1.0 if keep_probs is None else keep_probs[l - 1],
            rng=rng,
            mask=None if masks is None else masks[l - 1],
            WA_prev=W1X if l == 1 else None,
            out=Z_out(l, A),
            overwrite=workspace is not None,
        )
        caches.append(cache)
    ZL, linear_cache = linear_forward(
        A, params.get(f"W{L}"), params[f"b{L}"], WA_prev=W1X if L == 1 else None,
        out=Z_out(L, A),
    )
    AL = OUTPUTS[output].activation(ZL)
    caches.append((linear_cache, ActivationCache(ZL, AL)))
    return AL, caches


def forward_logits(
    X: np.ndarray,
    params: dict[str, np.ndarray],
    activations: Sequence[Activation] | str = "relu",
    chunk_size: int = 4096,
    W1X: np.ndarray | None = None,
) -> np.ndarray:
    """The output layer's logits ``Z_L`` for prediction: no caches, no dropout.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    params : dict
    activations : str or sequence of Activation
    chunk_size : int, default=4096
        Examples are processed this many columns at a time, so that each layer's
        ``Z`` and ``A`` stay in the processor's cache; the results are the same.
    W1X : ndarray of shape (n_1, m), optional
        The product ``W1 X``, already computed some other way (the row-space form of
        the first layer); then ``params["W1"]`` and ``X`` are not used.

    Returns
    -------
    ZL : ndarray of shape (n_L, m)
    """
    L = n_layers(params)
    acts = hidden_activations(activations, L - 1) if isinstance(activations, str) else activations
    forwards = [in_place(act).forward for act in acts]  # Z is not kept
    columns = X if W1X is None else W1X  # what the chunks are taken from
    m = columns.shape[1]
    WL = params[f"W{L}"]
    ZL = np.empty((WL.shape[0], m), dtype=np.result_type(columns.dtype, WL.dtype))
    # Each layer's Z goes into the same Fortran-ordered (example-major) array for
    # every chunk; a chunk of X's columns has that layout when X is the transposed
    # view of row-major data.
    workspace = Workspace()
    for start in range(0, m, chunk_size):
        A = columns[:, start:start + chunk_size]
        for l in range(1, L + 1):
            if l == 1 and W1X is not None:
                Z = A.copy()  # Z1 = W1 X + b1, without changing W1X
            else:
                W = params[f"W{l}"]
                Z = workspace(f"Z{l}", (W.shape[0], min(chunk_size, m)), ZL.dtype)
                Z = np.matmul(W, A, out=Z[:, :A.shape[1]])
            Z += params[f"b{l}"]
            A = forwards[l - 1](Z) if l < L else Z
        ZL[:, start:start + chunk_size] = A
    return ZL


def compute_cost(
    ZL: np.ndarray,
    Y: np.ndarray,
    output: str = "sigmoid",
    params: dict[str, np.ndarray] | None = None,
    alpha: float = 0.0,
    sample_weight: np.ndarray | None = None,
) -> float:
    """The cost J: cross-entropy from the logits, plus the L2 penalty if ``alpha > 0``.

    Parameters
    ----------
    ZL : ndarray of shape (n_L, m)
        The output layer's logits.
    Y : ndarray of shape (n_L, m)
        Labels: 0/1 for a sigmoid output, one-hot for softmax.
    output : {"sigmoid", "softmax"}
    params : dict, optional
        Needed for the penalty when ``alpha > 0``.
    alpha : float, default=0.0
        L2 strength: ``J = cross-entropy + (alpha / 2m) Σ_l ‖W_l‖²``.
    sample_weight : ndarray of shape (m,), optional
        Weights of the examples: the mean becomes a weighted mean, and ``m``
        becomes their sum.
    """
    cost = OUTPUTS[output].cost(ZL, Y, sample_weight)
    if alpha:
        m = Y.shape[1] if sample_weight is None else float(np.sum(sample_weight))
        cost += l2_penalty(params, alpha, m)
    return cost


# ---------------------------------------------------------------------------- backward


def linear_backward(
    dZ: np.ndarray,
    cache: LinearCache,
    l2: float = 0.0,
    need_dA_prev: bool = True,
    workspace: Workspace | None = None,
    layer: int = 0,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """The gradients of one linear step ``Z = W A_prev + b``.

    Parameters
    ----------
    dZ : ndarray of shape (n_l, m)
        ``∂J/∂Z``, the gradient of the cost J. J is the mean of the m examples'
        losses, so the seeds' ``1/m`` is already in ``dZ``:
        :func:`L_model_backward` puts it in once, at the output layer.
    cache : LinearCache
    l2 : float, default=0.0
        ``alpha / m`` for an L2 penalty ``(alpha / 2m) Σ‖W‖²``; adds ``l2 · W`` to ``dW``.
    need_dA_prev : bool, default=True
        False for the first layer, whose ``dA_prev`` (the gradient with respect to
        the input) nothing uses.
    workspace : Workspace, optional
        Write ``dA_prev``, ``dW`` and ``db`` into the workspace's arrays for this
        ``layer`` (its number l) instead of new ones.
    layer : int, default=0
        The layer's number l, which names its arrays in ``workspace``.

    Returns
    -------
    dA_prev : ndarray of shape (n_{l-1}, m), or None
        ``Wᵀ dZ``.
    dW : ndarray of shape (n_l, n_{l-1})
        ``dZ A_prevᵀ (+ l2 · W)``: the seeds' ``(1/m) dZ A_prevᵀ``.
    db : ndarray of shape (n_l, 1)
        ``Σ_i dZ[:, i]``: the seeds' ``(1/m) np.sum(dZ, axis=1, keepdims=True)``.
    """
    A_prev, W = cache.A_prev, cache.W
    if workspace is None:
        dW = dZ @ A_prev.T
        db = dZ.sum(axis=1, keepdims=True)
    else:  # the same into reused arrays (dW in W's order, for a fast W -= dW), and
        # Σ_i dZ[:, i] as the matrix-vector product dZ @ ones
        order = "C" if W.flags.c_contiguous else "F"
        dW = np.matmul(dZ, A_prev.T, out=workspace(f"dW{layer}", W.shape, _dtype(dZ, A_prev),
                                                   order))
        db = np.matmul(dZ, workspace.ones(dZ.shape[1], dZ.dtype),
                       out=workspace(f"db{layer}", (dZ.shape[0], 1), dZ.dtype))
    if l2:
        dW += l2 * W
    if not need_dA_prev:
        dA_prev = None
    else:
        out = None if workspace is None else workspace(
            f"dA{layer - 1}", A_prev.shape, _dtype(W, dZ), _order(A_prev))
        if W.shape[0] == 1:  # one unit: Wᵀ dZ is an outer product, no sums (3x faster)
            dA_prev = np.multiply(W.T, dZ, out=out)
        else:
            dA_prev = np.matmul(W.T, dZ, out=out)
    return dA_prev, dW, db


def linear_activation_backward(
    dA: np.ndarray, cache: Cache, activation: Activation, l2: float = 0.0,
    need_dA_prev: bool = True,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """The gradients of one hidden layer ``A = g(W A_prev + b)`` (dropout included).

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
    cache : (LinearCache, ActivationCache)
    activation : Activation
    l2, need_dA_prev
        As in :func:`linear_backward`.

    Returns
    -------
    dA_prev, dW, db
        As in :func:`linear_backward`.
    """
    linear_cache, activation_cache = cache
    dZ = activation_backward(dA, activation_cache, activation)
    return linear_backward(dZ, linear_cache, l2, need_dA_prev)


def activation_backward(
    dA: np.ndarray, cache: ActivationCache, activation: Activation, overwrite: bool = False
) -> np.ndarray:
    """``dZ = (dA · D) * g'(Z)``: back through inverted dropout (if any) and ``g``.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
    cache : ActivationCache
    activation : Activation
    overwrite : bool, default=False
        Compute a built-in ``dZ`` in ``dA``'s memory
        (:func:`nnscratch.activations.in_place`).

    Returns
    -------
    dZ : ndarray of shape (n_l, m)
    """
    Z, A, D = cache
    if D is not None:
        dA = dA * D
    return (in_place(activation) if overwrite else activation).backward(dA, Z, A)


def L_model_backward(
    AL: np.ndarray,
    Y: np.ndarray,
    caches: list[Cache],
    activations: Sequence[Activation] | str = "relu",
    alpha: float = 0.0,
    sample_weight: np.ndarray | None = None,
    dW1: bool = True,
    scale: float = 1.0,
    workspace: Workspace | None = None,
) -> dict[str, np.ndarray]:
    """Backward propagation through all L layers.

    Parameters
    ----------
    AL : ndarray of shape (n_L, m)
        The output of :func:`L_model_forward`.
    Y : ndarray of shape (n_L, m)
        Labels: 0/1 for a sigmoid output, one-hot for softmax.
    caches : list of (LinearCache, ActivationCache)
        From :func:`L_model_forward`.
    activations : str or sequence of Activation
        The hidden layers' activations, as given to the forward pass.
    alpha : float, default=0.0
        L2 strength.
    sample_weight : ndarray of shape (m,), optional
        Weights of the examples.
    dW1 : bool, default=True
        False leaves out ``"dW1"`` (the most expensive product when there are many
        features) and returns ``"dZ1"`` (``∂J/∂Z1``) instead, for the row-space form of
        the first layer (:mod:`nnscratch._rowspace`), which updates ``W1`` from it.
    scale : float, default=1.0
        Multiply every gradient by this positive factor. Gradient descent passes its
        learning rate, so that its update is the single pass ``W -= dW`` (see Notes).
    workspace : Workspace, optional
        Write the gradients into the workspace's arrays instead of new ones, and run
        the built-in activations' backward passes in place (``overwrite`` of
        :func:`activation_backward`). ``caches`` may hold arrays of the same
        workspace (``L_model_forward(..., workspace=workspace)``): the gradients go
        into other ones.

    Returns
    -------
    grads : dict
        ``"dW1"``, ``"db1"``, ..., ``"dWL"``, ``"dbL"``, each of its parameter's shape.
        The input layer's ``dA0`` is not computed: nothing needs it.

    Notes
    -----
    The output layer starts from the loss's ``dL/dZ = A_L - Y``, which is
    ``dL/dA · dA/dZ = (-y/a + (1-y)/(1-a)) · a(1-a)`` simplified (and the same for a
    softmax with categorical cross-entropy); it never divides by ``a`` or ``1 - a``.
    The cost J is the mean of the m losses, so ``dZ_L = (A_L - Y) / m``. Backward
    propagation is linear in ``dZ_L``, so this one division gives every layer the
    seeds' ``dW = (1/m) dZ A_prevᵀ`` and ``db = (1/m) Σ dZ`` without a division each,
    and the same one multiplication gives every gradient a ``scale``.
    """
    L = len(caches)
    acts = hidden_activations(activations, L - 1) if isinstance(activations, str) else activations
    dZ = AL - Y if workspace is None else np.subtract(
        AL, Y, out=workspace(f"dZ{L}", AL.shape, AL.dtype, _order(AL)))
    if sample_weight is None:
        m = float(Y.shape[1])
        dZ /= m / scale
    else:
        m = float(np.sum(sample_weight))
        dZ *= sample_weight / (m / scale)
    l2 = scale * alpha / m
    grads: dict[str, np.ndarray] = {}
    dA = None  # dA_l, set by layer l + 1 for each hidden layer l
    for l in reversed(range(1, L + 1)):
        linear_cache, activation_cache = caches[l - 1]
        if l < L:  # a hidden layer: back through its activation (and dropout) first
            dZ = activation_backward(dA, activation_cache, acts[l - 1],
                                     overwrite=workspace is not None)
        if l == 1 and not dW1:
            grads["dZ1"] = dZ
            grads["db1"] = dZ.sum(axis=1, keepdims=True)
            break
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(
            dZ, linear_cache, l2, need_dA_prev=l > 1, workspace=workspace, layer=l
        )
    return grads


def update_parameters(
    params: dict[str, np.ndarray], grads: dict[str, np.ndarray], learning_rate: float
) -> dict[str, np.ndarray]:
    """One step of gradient descent, in place: ``W_l -= α dW_l``, ``b_l -= α db_l``.

    Parameters
    ----------
    params : dict
        Updated in place (the same arrays, so float32 stays float32).
    grads : dict
        From :func:`L_model_backward`.
    learning_rate : float
        α.

    Returns
    -------
    params : dict
        The same dict, for convenience.
    """
    for key, value in params.items():
        value -= learning_rate * grads["d" + key]
    return params
