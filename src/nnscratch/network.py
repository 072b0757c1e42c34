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

This module is the reference a learner reads next to the course: each function takes
the course's arguments and allocates its results, with three departures.
:func:`compute_cost` takes the logits ``Z_L`` where the course passes ``AL``: the
cost from logits stays finite where a sigmoid rounds to 0 or 1. The course's
``1/m`` is in ``dZ_L`` once (:func:`L_model_backward`), not in each ``dW`` and ``db``.
And :func:`update_parameters` changes the arrays in place, where the course binds new
ones to the same keys: float32 stays float32.
The course's own signatures, ``compute_cost(AL, Y)`` included, are in
:mod:`nnscratch.course`. The training loop runs the
same computations through :mod:`nnscratch._engine` (reused arrays, activations in
place, the learning rate folded into ``dZ_L``), which is tested against this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import NamedTuple

import numpy as np

from .activations import ACTIVATIONS, Activation, leaky_relu, leaky_relu_backward
from .losses import OUTPUTS, l2_penalty

__all__ = [
    "ActivationCache",
    "L_model_backward",
    "L_model_forward",
    "LinearCache",
    "activation_backward",
    "compute_cost",
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


def n_layers(params: dict[str, np.ndarray]) -> int:
    """The number of layers L (hidden layers plus the output layer)."""
    return len(params) // 2


def _check_params(params: dict[str, np.ndarray]) -> None:
    """Refuse a ``params`` dict that is not exactly ``W1, b1, ..., WL, bL``: L is
    counted from its keys, so a missing or extra key would change the depth silently."""
    numbers = [int(key[1:]) for key in params
               if isinstance(key, str) and key[:1] in ("W", "b") and key[1:].isdigit()]
    L = max(numbers, default=0)
    expected = [f"{k}{l}" for l in range(1, L + 1) for k in "Wb"]
    missing = [k for k in expected if k not in params]
    extra = [k for k in params if k not in expected]
    if L == 0 or missing or extra:
        what = (f"{missing[0]!r} is missing" if missing else
                f"{extra[0]!r} is not one of them" if extra else "it is empty")
        raise ValueError(
            f"params must hold W1, b1, ..., WL, bL, one W and one b per layer: {what}."
        )


def _activation(spec: str | Activation) -> Activation:
    """One layer's ``(forward, backward)`` pair: a name, as the course passes it
    (``linear_activation_forward(A_prev, W, b, "relu")``), or the pair itself."""
    return hidden_activations(spec, 1)[0] if isinstance(spec, str) else spec


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
    A_prev: np.ndarray, W: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, LinearCache]:
    """The linear step of one layer, ``Z = W A_prev + b``.

    Parameters
    ----------
    A_prev : ndarray of shape (n_{l-1}, m)
        The previous layer's activations (``X`` for the first layer).
    W : ndarray of shape (n_l, n_{l-1})
    b : ndarray of shape (n_l, 1)
        Broadcast over the m columns.

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
    _check_linear(A_prev, W, b)
    Z = W @ A_prev + b
    return Z, LinearCache(A_prev, W, b)


def _check_linear(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> None:
    """Refuse shapes with which ``W A_prev + b`` fails deep in NumPy or, worse,
    broadcasts into a wrong Z (a b of shape (n_l,) adds b[j] to column j when m = n_l)."""
    if np.ndim(W) != 2:
        raise ValueError(f"W has shape {np.shape(W)}: it must be (n_l, n_{{l-1}}), 2-D.")
    n_l, n_prev = np.shape(W)
    if np.ndim(A_prev) != 2 or np.shape(A_prev)[0] != n_prev:
        raise ValueError(
            f"A_prev has shape {np.shape(A_prev)} but W has shape {(n_l, n_prev)}: A_prev "
            f"must be (n_{{l-1}}, m) = ({n_prev}, m), one example per column (X is "
            "(n_x, m): transpose an X whose rows are the examples)."
        )
    if np.shape(b) != (n_l, 1):
        raise ValueError(
            f"b has shape {np.shape(b)} but W has shape {(n_l, n_prev)}: b must be "
            f"(n_l, 1) = ({n_l}, 1), a column (b.reshape(-1, 1))."
        )


def linear_activation_forward(
    A_prev: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    activation: str | Activation,
    keep_prob: float = 1.0,
    rng=None,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, Cache]:
    """One hidden layer, ``A = g(W A_prev + b)``, with optional inverted dropout.

    Parameters
    ----------
    A_prev : ndarray of shape (n_{l-1}, m)
    W : ndarray of shape (n_l, n_{l-1})
    b : ndarray of shape (n_l, 1)
    activation : str or Activation
        ``g``: a name, ``"relu"``, ``"sigmoid"``, ``"tanh"`` or ``"leaky_relu"``, as the
        course passes it, or its ``(forward, backward)`` pair.
    keep_prob : float, default=1.0
        The probability of keeping each unit (1 - dropout rate). Kept units are
        divided by ``keep_prob`` so that the expected activation is unchanged.
    rng : RandomState or Generator, optional
        Draws the dropout mask when ``keep_prob < 1`` and no ``mask`` is given.
    mask : ndarray of shape (n_l, m), optional
        A fixed dropout mask of 0s and 1s (used by gradient checks).

    Returns
    -------
    A : ndarray of shape (n_l, m)
    cache : (LinearCache, ActivationCache)
    """
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = _activation(activation).forward(Z)
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
) -> tuple[np.ndarray, list[Cache]]:
    """Forward propagation, ``[LINEAR -> ACTIVATION] × (L-1) -> LINEAR -> OUTPUT``.

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
    _check_params(params)
    L = n_layers(params)
    acts = hidden_activations(activations, L - 1) if isinstance(activations, str) else activations
    caches: list[Cache] = []
    A = X
    for l in range(1, L):
        A, cache = linear_activation_forward(
            A,
            params[f"W{l}"],
            params[f"b{l}"],
            acts[l - 1],
            keep_prob=1.0 if keep_probs is None else keep_probs[l - 1],
            rng=rng,
            mask=None if masks is None else masks[l - 1],
        )
        caches.append(cache)
    ZL, linear_cache = linear_forward(A, params[f"W{L}"], params[f"b{L}"])
    AL = _output_layer(output).activation(ZL)
    caches.append((linear_cache, ActivationCache(ZL, AL)))
    return AL, caches


def _output_layer(output: str):
    """The output layer named ``output`` (:data:`nnscratch.losses.OUTPUTS`)."""
    if output not in OUTPUTS:
        raise ValueError(f"unknown output {output!r}; choose one of {', '.join(OUTPUTS)}.")
    return OUTPUTS[output]


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
        The output layer's logits, ``caches[-1][1].Z`` after :func:`L_model_forward`:
        not the course's ``AL``, which would give another number without an error
        (``nnscratch.course.deep.compute_cost(AL, Y)`` is the course's form).
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
    _check_labels(Y, np.shape(ZL))
    cost = _output_layer(output).cost(ZL, Y, sample_weight)
    if alpha:
        m = Y.shape[1] if sample_weight is None else float(np.sum(sample_weight))
        cost += l2_penalty(params, alpha, m)
    return cost


def _check_labels(Y: np.ndarray, shape: tuple[int, int]) -> None:
    """The seeds' warning about rank-1 arrays, as an error: ``Y`` of shape ``(m,)``
    would broadcast against ``AL`` (of ``shape``) or fail deep in NumPy."""
    if np.shape(Y) != tuple(shape):
        raise ValueError(
            f"Y has shape {np.shape(Y)}: it must be (n_L, m) = {tuple(shape)}, one column "
            "per example like AL (Y.reshape(1, -1) turns m labels into a row)."
        )


# ---------------------------------------------------------------------------- backward


def linear_backward(
    dZ: np.ndarray, cache: LinearCache, l2: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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

    Returns
    -------
    dA_prev : ndarray of shape (n_{l-1}, m)
        ``Wᵀ dZ``.
    dW : ndarray of shape (n_l, n_{l-1})
        ``dZ A_prevᵀ (+ l2 · W)``: the seeds' ``(1/m) dZ A_prevᵀ``.
    db : ndarray of shape (n_l, 1)
        ``Σ_i dZ[:, i]``: the seeds' ``(1/m) np.sum(dZ, axis=1, keepdims=True)``.
    """
    A_prev, W, b = cache  # noqa: RUF059 - the seeds' unpacking of the linear cache
    dW = dZ @ A_prev.T
    if l2:
        dW += l2 * W
    db = np.sum(dZ, axis=1, keepdims=True)
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def activation_backward(
    dA: np.ndarray, cache: ActivationCache, activation: str | Activation
) -> np.ndarray:
    """``dZ = (dA · D) * g'(Z)``: back through inverted dropout (if any) and ``g``.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
    cache : ActivationCache
    activation : str or Activation
        As in :func:`linear_activation_forward`.

    Returns
    -------
    dZ : ndarray of shape (n_l, m)
    """
    Z, A, D = cache
    if D is not None:
        dA = dA * D
    return _activation(activation).backward(dA, Z, A)


def linear_activation_backward(
    dA: np.ndarray, cache: Cache, activation: str | Activation, l2: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gradients of one hidden layer ``A = g(W A_prev + b)`` (dropout included).

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
    cache : (LinearCache, ActivationCache)
    activation : str or Activation
        As in :func:`linear_activation_forward`.
    l2 : float, default=0.0
        As in :func:`linear_backward`.

    Returns
    -------
    dA_prev, dW, db
        As in :func:`linear_backward`.
    """
    linear_cache, activation_cache = cache
    dZ = activation_backward(dA, activation_cache, activation)
    return linear_backward(dZ, linear_cache, l2)


def L_model_backward(
    AL: np.ndarray,
    Y: np.ndarray,
    caches: list[Cache],
    activations: Sequence[Activation] | str = "relu",
    alpha: float = 0.0,
    sample_weight: np.ndarray | None = None,
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

    Returns
    -------
    grads : dict
        ``"dA0"``, ..., ``"dA{L-1}"``, and ``"dW1"``, ``"db1"``, ..., ``"dWL"``,
        ``"dbL"``, each of its array's shape (the seeds' ``grads``).

    Notes
    -----
    The output layer starts from the loss's ``dL/dZ = A_L - Y``, which is
    ``dL/dA · dA/dZ = (-y/a + (1-y)/(1-a)) · a(1-a)`` simplified (and the same for a
    softmax with categorical cross-entropy); it never divides by ``a`` or ``1 - a``.
    The cost J is the mean of the m losses, so ``dZ_L = (A_L - Y) / m``. Backward
    propagation is linear in ``dZ_L``, so this one division gives every layer the
    seeds' ``dW = (1/m) dZ A_prevᵀ`` and ``db = (1/m) Σ dZ`` without a division each.
    """
    _check_labels(Y, np.shape(AL))
    L = len(caches)
    acts = hidden_activations(activations, L - 1) if isinstance(activations, str) else activations
    if sample_weight is None:
        m = float(Y.shape[1])
        dZ = (AL - Y) / m
    else:
        m = float(np.sum(sample_weight))
        dZ = (AL - Y) * (sample_weight / m)
    l2 = alpha / m
    grads: dict[str, np.ndarray] = {}
    linear_cache, _ = caches[L - 1]
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZ, linear_cache, l2)
    for l in reversed(range(1, L)):
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            grads[f"dA{l}"], caches[l - 1], acts[l - 1], l2
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
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float, np.number)):
        raise ValueError(f"learning_rate must be a number (α), not {learning_rate!r}.")
    for key, value in params.items():  # all checked before any is changed
        if not np.issubdtype(np.asarray(value).dtype, np.floating):
            raise ValueError(
                f"params['{key}'] holds {np.asarray(value).dtype}: parameters are updated in "
                f"place, so they must be float arrays (np.asarray({key}, dtype=float))."
            )
        if "d" + key not in grads:
            raise ValueError(
                f"grads has no 'd{key}' for params['{key}']: give one gradient per "
                "parameter (dW1, db1, ...), as L_model_backward returns them."
            )
        if np.shape(grads["d" + key]) != np.shape(value):
            raise ValueError(
                f"grads['d{key}'] has shape {np.shape(grads['d' + key])} but {key} has "
                f"shape {np.shape(value)}: each gradient must have its parameter's shape."
            )
    for key, value in params.items():
        value -= learning_rate * grads["d" + key]
    return params
