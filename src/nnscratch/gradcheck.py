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
from .activations import Activation, leaky_relu, relu
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
    return _cost_and_signs(params, X, Y, acts, output, alpha, sample_weight, masks, [])[0]


def _kinked(acts: Sequence[Activation]) -> list[bool]:
    """Which hidden layers' activations have a kink at 0 (ReLU, leaky ReLU)."""
    return [getattr(act.forward, "func", act.forward) in (relu, leaky_relu) for act in acts]


def _cost_and_signs(params, X, Y, acts, output, alpha, sample_weight, masks, kinked
                    ) -> tuple[float, list[np.ndarray]]:
    """J, and ``Z[l] > 0`` of each hidden layer whose activation has a kink at 0."""
    _, caches = L_model_forward(X, params, acts, output, masks=masks)
    signs = [cache[1].Z > 0 for cache, kink in zip(caches, kinked) if kink]
    return compute_cost(caches[-1][1].Z, Y, output, params, alpha, sample_weight), signs


def _central_differences(params, X, Y, acts, output, alpha, sample_weight, masks, epsilon
                         ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The central differences of every parameter (float64 inputs, checked), and where
    θ ± ε put some ReLU's input on both sides of 0: there the difference spans the kink
    and is no derivative (a right backward propagation differs from it)."""
    kinked = _kinked(acts)
    work = {key: value.copy() for key, value in params.items()}
    grads, kinks = {}, {}
    for key, theta in work.items():
        g = np.empty_like(theta)
        crossed = np.zeros(theta.shape, dtype=bool)
        for i in np.ndindex(theta.shape):
            original = theta[i]
            theta[i] = original + epsilon
            plus, signs_plus = _cost_and_signs(work, X, Y, acts, output, alpha,
                                               sample_weight, masks, kinked)
            theta[i] = original - epsilon
            minus, signs_minus = _cost_and_signs(work, X, Y, acts, output, alpha,
                                                 sample_weight, masks, kinked)
            theta[i] = original
            g[i] = (plus - minus) / (2 * epsilon)
            crossed[i] = any(np.any(a != b) for a, b in zip(signs_plus, signs_minus))
        grads["d" + key] = g
        kinks["d" + key] = crossed
    return grads, kinks


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
    return _central_differences(params, X, Y, acts, output, alpha, sample_weight, masks,
                                epsilon)[0]


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
        ``‖grad - grad_approx‖ / (‖grad‖ + ‖grad_approx‖)`` over all parameters but
        those whose ``θ ± ε`` puts some ReLU's (or leaky ReLU's) input on both sides of
        0: there the central difference spans the kink and is no derivative (a ReLU
        network with zero biases has ``Z`` exactly 0 wherever the layer before is all
        off, and a right backward propagation differed by 0.17). Gradients of about
        1e-5 (the course's weights times 0.01) are near the rounding of J over 2ε: a
        right backward propagation can then give 1e-6; a larger ``epsilon`` (1e-4)
        tells it from a wrong one.

    Raises
    ------
    ValueError
        Inputs of other shapes, or an ``epsilon`` that is not a small positive number.

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
    approx, kinks = _central_differences(params, X, Y, acts, output, alpha, sample_weight,
                                         masks, epsilon)
    keys = ["d" + key for key in params]
    # the output layer's parameters never move a hidden Z: some always stay
    kept = ~np.concatenate([kinks[k].ravel() for k in keys])
    g = np.concatenate([grads[k].ravel() for k in keys])[kept]
    a = np.concatenate([approx[k].ravel() for k in keys])[kept]
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
