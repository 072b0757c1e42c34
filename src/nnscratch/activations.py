"""Activation functions, each written beside its backward pass.

Every forward function maps ``Z`` to ``A = g(Z)`` element-wise (any shape, usually
``(n_l, m)``: one column per example). Every backward function takes the upstream
gradient ``dA = dJ/dA`` and the layer's activation cache ``(Z, A)`` and returns
``dZ = dA * g'(Z)``, the chain rule for one element-wise step.

All of them are stable for any finite input: no overflow warning and no NaN at
``z = ±1000``. The logistic is computed with :func:`scipy.special.expit`, never
with ``1 / (1 + exp(-z))`` (which overflows for large negative ``z``).

``ACTIVATIONS`` maps an activation's name to its ``(forward, backward)`` pair; the
network looks activations up there, so adding one is adding a row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "leaky_relu",
    "leaky_relu_backward",
    "relu",
    "relu_backward",
    "sigmoid",
    "sigmoid_backward",
    "softmax",
    "tanh",
    "tanh_backward",
]


def sigmoid(Z: np.ndarray) -> np.ndarray:
    """The logistic function ``σ(z) = 1 / (1 + e^{-z})``, computed stably.

    Parameters
    ----------
    Z : ndarray of shape (n_l, m)
        Pre-activations.

    Returns
    -------
    A : ndarray of shape (n_l, m)
        ``σ(Z)``, in ``[0, 1]``; exactly 0 or 1 only where the float type rounds.

    Examples
    --------
    >>> sigmoid(np.array([[-1000.0, 0.0, 1000.0]]))
    array([[0. , 0.5, 1. ]])
    """
    from scipy.special import expit  # loaded on first use: 0.2 s that imports need not pay

    return expit(Z)


def sigmoid_backward(dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    """``dZ = dA * σ'(Z)`` with ``σ'(z) = σ(z) (1 - σ(z)) = A (1 - A)``.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
    Z, A : ndarray of shape (n_l, m)
        The activation cache of the forward pass (``A = σ(Z)``).

    Returns
    -------
    dZ : ndarray of shape (n_l, m)
    """
    return dA * A * (1.0 - A)


def relu(Z: np.ndarray) -> np.ndarray:
    """The rectified linear unit ``relu(z) = max(0, z)``.

    Parameters
    ----------
    Z : ndarray of shape (n_l, m)

    Returns
    -------
    A : ndarray of shape (n_l, m)

    Examples
    --------
    >>> relu(np.array([[-2.0, 0.0, 3.0]]))
    array([[0., 0., 3.]])
    """
    return np.maximum(Z, 0)


def relu_backward(dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    """``dZ = dA * relu'(Z)``, where ``relu'(z)`` is 1 for ``z > 0`` and 0 otherwise.

    The derivative at exactly 0 is taken as 0, as in the course's ``relu_backward``.
    """
    return dA * (Z > 0)


def tanh(Z: np.ndarray) -> np.ndarray:
    """The hyperbolic tangent, ``tanh(z)``, in ``[-1, 1]``.

    Examples
    --------
    >>> tanh(np.array([[-1000.0, 0.0]]))
    array([[-1.,  0.]])
    """
    return np.tanh(Z)


def tanh_backward(dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
    """``dZ = dA * (1 - A²)``, since ``tanh'(z) = 1 - tanh(z)²``."""
    return dA * (1.0 - A * A)


def leaky_relu(Z: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """The leaky ReLU, ``z`` for ``z > 0`` and ``slope · z`` otherwise.

    Parameters
    ----------
    Z : ndarray of shape (n_l, m)
    slope : float, default=0.01
        The gradient for negative inputs (0 gives the plain ReLU).

    Examples
    --------
    >>> leaky_relu(np.array([[-2.0, 3.0]]), slope=0.1)
    array([[-0.2,  3. ]])
    """
    return np.where(Z > 0, Z, Z * slope)


def leaky_relu_backward(
    dA: np.ndarray, Z: np.ndarray, A: np.ndarray, slope: float = 0.01
) -> np.ndarray:
    """``dZ = dA`` where ``Z > 0`` and ``slope · dA`` elsewhere."""
    return np.where(Z > 0, dA, dA * slope)


def softmax(Z: np.ndarray) -> np.ndarray:
    """Column-wise softmax, ``A[k, i] = exp(Z[k, i]) / Σ_j exp(Z[j, i])``.

    Computed as ``exp(Z - max_k Z)`` so that no exponential overflows.

    Parameters
    ----------
    Z : ndarray of shape (K, m)
        One column of class scores per example.

    Returns
    -------
    A : ndarray of shape (K, m)
        Each column sums to 1.

    Examples
    --------
    >>> softmax(np.array([[1000.0], [1000.0]]))
    array([[0.5],
           [0.5]])
    """
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    E /= E.sum(axis=0, keepdims=True)
    return E


class Activation(NamedTuple):
    """An activation's forward function and its backward pass, side by side."""

    forward: Callable[..., np.ndarray]
    backward: Callable[..., np.ndarray]


#: Hidden-layer activations by name: ``(forward(Z), backward(dA, Z, A))``.
ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation(relu, relu_backward),
    "leaky_relu": Activation(leaky_relu, leaky_relu_backward),
    "tanh": Activation(tanh, tanh_backward),
    "sigmoid": Activation(sigmoid, sigmoid_backward),
}
