"""Gradient checking: backward propagation against central differences.

For every parameter θ_i the numerical gradient is the central difference

    dθ_approx[i] = (J(θ + ε e_i) - J(θ - ε e_i)) / (2ε)

and the check reports the relative difference of the two gradient vectors,

    ‖dθ - dθ_approx‖₂ / (‖dθ‖₂ + ‖dθ_approx‖₂),

which is about 1e-7 or below in float64 when backward propagation is right (the
course's rule of thumb), and large (1e-3 or more) when it has a bug. Users can run
it on their own networks and settings (activations, L2, sample weights, fixed
dropout masks, a softmax output).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._params import short_repr
from .activations import Activation
from .losses import OUTPUTS
from .network import (
    L_model_backward,
    L_model_forward,
    _check_labels,
    _check_params,
    compute_cost,
    hidden_activations,
    n_layers,
)

__all__ = ["gradient_check", "numerical_gradients"]


def _float64(params, X, Y):
    """The check's inputs in float64: an int array cannot hold θ ± ε (the step was
    truncated away), and float32 rounds J more coarsely than a step of 1e-6 moves it;
    either made a right backward propagation look wrong."""
    params = {key: np.asarray(value, dtype=np.float64) for key, value in params.items()}
    return params, np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)


def _check_inputs(params, X, Y, output, sample_weight) -> None:
    """Refuse, in one line, what would fail deep in NumPy (or broadcast silently)."""
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {', '.join(OUTPUTS)}, not {output!r}.")
    _check_params(params)
    if X.ndim != 2 or X.shape[0] != np.shape(params["W1"])[-1]:
        return  # linear_forward names the shape X must have
    _check_labels(Y, (np.shape(params[f"W{n_layers(params)}"])[0], X.shape[1]))
    if sample_weight is not None and np.shape(sample_weight) != (X.shape[1],):
        raise ValueError(
            f"sample_weight has shape {np.shape(sample_weight)}: it must be (m,) = "
            f"({X.shape[1]},), one weight per example."
        )


def _cost(params, X, Y, acts, output, alpha, sample_weight, masks) -> float:
    _, caches = L_model_forward(X, params, acts, output, masks=masks)
    return compute_cost(caches[-1][1].Z, Y, output, params, alpha, sample_weight)


def numerical_gradients(
    params: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    activations: str | Sequence[str | Activation] = "relu",
    output: str = "sigmoid",
    *,
    alpha: float = 0.0,
    sample_weight: np.ndarray | None = None,
    masks: Sequence[np.ndarray] | None = None,
    epsilon: float = 1e-6,
    leaky_relu_slope: float = 0.01,
) -> dict[str, np.ndarray]:
    """Central-difference gradients of the cost J with respect to every parameter.

    Parameters
    ----------
    params : dict
        ``"W1"``, ``"b1"``, ...; left unchanged. The check runs in float64 whatever
        their dtype (and X's, Y's), so that it tests the gradients, not the rounding.
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_L, m)
    activations, output, alpha, sample_weight, masks
        As for :func:`nnscratch.network.L_model_forward` and
        :func:`nnscratch.network.compute_cost`.
    epsilon : float, default=1e-6
        The step ε.

    Returns
    -------
    grads : dict
        ``"dW1"``, ``"db1"``, ..., each of its parameter's shape, float64.
    """
    _check_epsilon(epsilon)
    params, X, Y = _float64(params, X, Y)
    _check_inputs(params, X, Y, output, sample_weight)
    acts = hidden_activations(activations, n_layers(params) - 1, leaky_relu_slope)
    work = {key: value.copy() for key, value in params.items()}
    grads = {}
    for key, theta in work.items():
        g = np.empty_like(theta)
        for i in np.ndindex(theta.shape):
            original = theta[i]
            theta[i] = original + epsilon
            plus = _cost(work, X, Y, acts, output, alpha, sample_weight, masks)
            theta[i] = original - epsilon
            minus = _cost(work, X, Y, acts, output, alpha, sample_weight, masks)
            theta[i] = original
            g[i] = (plus - minus) / (2 * epsilon)
        grads["d" + key] = g
    return grads


def gradient_check(
    params: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    activations: str | Sequence[str | Activation] = "relu",
    output: str = "sigmoid",
    *,
    alpha: float = 0.0,
    sample_weight: np.ndarray | None = None,
    masks: Sequence[np.ndarray] | None = None,
    epsilon: float = 1e-6,
    leaky_relu_slope: float = 0.01,
) -> float:
    """Compare backward propagation with central differences.

    Parameters are those of :func:`numerical_gradients`.

    Returns
    -------
    difference : float
        ``‖grad - grad_approx‖ / (‖grad‖ + ‖grad_approx‖)`` over all parameters.

    Examples
    --------
    >>> from nnscratch.initializers import initialize_parameters
    >>> rng = np.random.RandomState(0)
    >>> X, Y = rng.randn(3, 5), (rng.rand(1, 5) > 0.5).astype(float)
    >>> params = initialize_parameters([3, 4, 1], init="he", random_state=0)
    >>> bool(gradient_check(params, X, Y, "tanh") < 1e-7)
    True
    """
    _check_epsilon(epsilon)
    params, X, Y = _float64(params, X, Y)
    _check_inputs(params, X, Y, output, sample_weight)
    acts = hidden_activations(activations, n_layers(params) - 1, leaky_relu_slope)
    AL, caches = L_model_forward(X, params, acts, output, masks=masks)
    grads = L_model_backward(AL, Y, caches, acts, alpha, sample_weight)
    approx = numerical_gradients(
        params, X, Y, acts, output, alpha=alpha, sample_weight=sample_weight, masks=masks,
        epsilon=epsilon,
    )
    keys = ["d" + key for key in params]
    g = np.concatenate([grads[k].ravel() for k in keys])
    a = np.concatenate([approx[k].ravel() for k in keys])
    cost = _cost(params, X, Y, acts, output, alpha, sample_weight, masks)
    if _zero_gradients(g, a, cost, epsilon):
        return 0.0  # both zero, the differences within J's rounding: they agree
    denominator = np.linalg.norm(g) + np.linalg.norm(a)
    return float(np.linalg.norm(g - a) / denominator) if denominator else 0.0


def _zero_gradients(backprop: np.ndarray, approx: np.ndarray, cost: float,
                   epsilon: float) -> bool:
    """Whether both gradients are zero within what central differences can tell apart
    from zero: a change of J by a few units of its last digit, over 2ε. The relative
    difference of two such vectors is about 1 however right backprop is."""
    scale = max(1.0, abs(float(cost))) if np.isfinite(cost) else 1.0
    tol = 100 * np.finfo(float).eps * scale / epsilon
    with np.errstate(invalid="ignore"):
        return bool(np.all(np.abs(backprop) <= tol) and np.all(np.abs(approx) <= tol))


def _check_epsilon(epsilon: float) -> None:
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float, np.number)) or \
            not np.isfinite(epsilon) or epsilon <= 0:
        raise ValueError("epsilon must be a small positive number (like 1e-6), got "
                         f"{short_repr(epsilon)}")
