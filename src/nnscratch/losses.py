"""Output layers and their costs, computed from the logits.

The seeds define the cross-entropy cost of a sigmoid output ``A = σ(Z)`` as::

    J = -(1/m) Σ_i [ y_i log a_i + (1 - y_i) log(1 - a_i) ]

which is :func:`binary_cross_entropy`. Evaluated literally it breaks as soon as
``a_i`` rounds to exactly 0 or 1 (``log 0 = -inf``, ``0 · log 0 = NaN``). Since
``log σ(z) = -softplus(-z)`` and ``log(1 - σ(z)) = -softplus(z)``, the same cost
written with the logits ``z`` is::

    L(z, y) = max(z, 0) - y z + log(1 + e^{-|z|})

which is finite and accurate for every finite ``z``. The network therefore keeps the
output layer's ``Z`` and computes costs with the ``*_from_logits`` functions.

Both output layers share the shortcut of the seeds' backward pass: for a sigmoid
with binary cross-entropy, and for a softmax with categorical cross-entropy, the
gradient of the per-example loss with respect to the logits is simply

    dZ = A - Y

(the seeds derive ``(-y/a + (1-y)/(1-a)) · a(1-a) = a - y``). Computing it this way
avoids dividing by ``a`` or ``1 - a``, which may be 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .activations import sigmoid, softmax

__all__ = [
    "OUTPUTS",
    "OutputLayer",
    "binary_cross_entropy",
    "binary_cross_entropy_from_logits",
    "categorical_cross_entropy_from_logits",
    "l2_penalty",
]


def _weighted_mean(losses: np.ndarray, sample_weight: np.ndarray | None) -> float:
    if losses.size == 0:
        raise ValueError("there are no examples (m = 0): the cost is a mean over m >= 1.")
    if sample_weight is None:
        return float(losses.sum()) / losses.size  # np.mean, without its Python overhead
    return float(np.dot(losses, sample_weight) / np.sum(sample_weight))


def binary_cross_entropy(AL: np.ndarray, Y: np.ndarray) -> float:
    """The seeds' cross-entropy cost, evaluated literally from probabilities.

    Parameters
    ----------
    AL : ndarray of shape (1, m)
        Predicted probabilities ``ŷ``.
    Y : ndarray of shape (1, m)
        True labels, 0 or 1 (values in between are taken as probabilities).

    Returns
    -------
    cost : float
        ``-(1/m) Σ (y log ŷ + (1-y) log(1-ŷ))``, with the course's ``0 · log 0 = 0``:
        a ``ŷ`` of exactly 1 costs nothing where ``y = 1``. The cost is infinite where
        a ``ŷ`` of exactly 0 or 1 is the wrong label (the probability, rounded, holds
        no more); training uses :func:`binary_cross_entropy_from_logits`, finite for
        every finite logit.

    Raises
    ------
    ValueError
        ``Y`` is not of ``AL``'s shape ``(1, m)``, or holds values outside [0, 1].

    Examples
    --------
    >>> round(binary_cross_entropy(np.array([[0.5, 0.5]]), np.array([[1, 0]])), 6)
    0.693147
    >>> binary_cross_entropy(np.array([[1.0, 0.0]]), np.array([[1, 0]]))
    0.0
    """
    Y = np.asarray(Y, dtype=float)
    if np.ndim(AL) != 2 or np.shape(Y) != np.shape(AL):
        raise ValueError(
            f"Y has shape {np.shape(Y)} and AL {np.shape(AL)}: both must be (1, m), one "
            "column per example (Y.reshape(1, -1) turns m labels into a row)."
        )
    if not np.all((Y >= 0) & (Y <= 1)):
        bad = Y[~((Y >= 0) & (Y <= 1))][0]
        raise ValueError(f"Y must hold labels 0 or 1, not {bad:g}.")
    m = Y.shape[1]
    if m == 0:
        raise ValueError("there are no examples (m = 0): the cost is a mean over m >= 1.")
    from scipy.special import xlogy  # loaded on first use: 0.2 s that imports need not pay

    # (-1/m) times the sum, as the course writes it: its published digits (0.2797765635793422
    # and 0.41493159961539694, not ...423 and ...397 of the sum divided by m)
    cost = float((-1 / m) * np.sum(xlogy(Y, AL) + xlogy(1 - Y, 1 - AL)))
    return cost + 0.0  # 0.0, not -0.0, for a perfect prediction


def binary_cross_entropy_from_logits(
    ZL: np.ndarray, Y: np.ndarray, sample_weight: np.ndarray | None = None
) -> float:
    """The cross-entropy cost of a sigmoid output, from its logits.

    Parameters
    ----------
    ZL : ndarray of shape (n_L, m)
        Logits of the output units, ``ŷ = σ(ZL)`` (one unit, n_L = 1, in the course; with
        several, each example's loss is the sum of its units').
    Y : ndarray of shape (n_L, m)
        True labels, 0 or 1.
    sample_weight : ndarray of shape (m,), optional
        Per-example weights; the cost is then the weighted mean of the losses.

    Returns
    -------
    cost : float
        Equal to :func:`binary_cross_entropy` ``(σ(ZL), Y)`` wherever that is finite,
        and finite for every finite ``ZL``.

    Notes
    -----
    ``L(z, y) = max(z, 0) - y z + log1p(exp(-|z|))``.

    Examples
    --------
    >>> binary_cross_entropy_from_logits(np.array([[1000.0, -1000.0]]), np.array([[0, 1]]))
    1000.0
    """
    Z = ZL.ravel()
    losses = np.maximum(Z, 0) - Y.ravel() * Z + np.log1p(np.exp(-np.abs(Z)))
    if np.ndim(ZL) == 2 and ZL.shape[0] > 1:
        # several sigmoid units: an example's loss is their sum, as binary_cross_entropy
        # and the gradient dZ = (A - Y) / m have it (the mean over n_L m was n_L times less)
        losses = losses.reshape(ZL.shape).sum(axis=0)
    return _weighted_mean(losses, sample_weight)


def categorical_cross_entropy_from_logits(
    ZL: np.ndarray, Y: np.ndarray, sample_weight: np.ndarray | None = None
) -> float:
    """The cross-entropy cost of a softmax output, from its logits.

    Parameters
    ----------
    ZL : ndarray of shape (K, m)
        Class scores, ``ŷ = softmax(ZL)`` column by column.
    Y : ndarray of shape (K, m)
        One-hot true labels.
    sample_weight : ndarray of shape (m,), optional

    Returns
    -------
    cost : float
        ``(1/m) Σ_i [ logsumexp(Z[:, i]) - Σ_k Y[k, i] Z[k, i] ]``
        ``= -(1/m) Σ_i Σ_k Y[k, i] log ŷ[k, i]``.
    """
    # logsumexp by hand: scipy.special.logsumexp's array-API dispatch cost 0.3 ms a
    # call, half of a small mini-batch step (digits, batches of 32)
    top = ZL.max(axis=0)
    top[~np.isfinite(top)] = 0.0  # as scipy does: no inf - inf in the shift
    with np.errstate(divide="ignore"):  # a column of -inf: log(0), as scipy's
        lse = np.log(np.sum(np.exp(ZL - top), axis=0)) + top
    losses = lse - np.sum(Y * ZL, axis=0)
    return _weighted_mean(losses, sample_weight)


def l2_penalty(params: dict[str, np.ndarray], alpha: float, m: float) -> float:
    """The course's L2 regularisation term, ``(alpha / 2m) Σ_l ‖W_l‖²_F``.

    Biases are not penalised. Its gradient with respect to ``W_l`` is
    ``(alpha / m) W_l``.
    """
    if alpha == 0:
        return 0.0
    total = sum(float(np.vdot(W, W)) for key, W in params.items() if key[0] == "W")
    return alpha / (2.0 * m) * total


class OutputLayer(NamedTuple):
    """An output activation with the cost that pairs with it.

    For both pairs the gradient of the loss with respect to the logits is
    ``dZ = A - Y`` (see the module docstring).
    """

    activation: Callable[[np.ndarray], np.ndarray]
    cost: Callable[..., float]


#: Output layers by name: the seeds' sigmoid unit for two classes, softmax for more.
OUTPUTS: dict[str, OutputLayer] = {
    "sigmoid": OutputLayer(sigmoid, binary_cross_entropy_from_logits),
    "softmax": OutputLayer(softmax, categorical_cross_entropy_from_logits),
}
