"""The baseline of benchmark 1: the course's vectorized L-layer network, transcribed.

This is a faithful transcription of the vectorized NumPy code of the course's
"Deep Neural Network - Application" assignment (course 1, week 4, the helper file
``dnn_app_utils``): ``initialize_parameters_deep``, ``linear_forward``,
``linear_activation_forward`` with caches, ``L_model_forward``, ``compute_cost``
with the log formula, ``L_model_backward`` starting from
``dAL = -(Y/AL - (1-Y)/(1-AL))``, ``sigmoid_backward``, ``relu_backward``,
``update_parameters`` and ``L_layer_model``, whose Python loop records the cost
every 100 iterations.

It is the yardstick the library is measured against, so it keeps the course's own
choices on purpose (the naive sigmoid ``1/(1+exp(-z))``, the global NumPy random
state seeded with ``np.random.seed(1)``, float64 everywhere, a new array for every
intermediate). It lives only in ``benchmarks/`` and is never imported by the
library.

Run it alone::

    python3 benchmarks/seeds_baseline.py          # cat data from ../shared/data

Expected on the cat data (pixels/255): cost 0.771749 at iteration 0, 0.092878 at
iteration 2400, train accuracy 98.56 %, test accuracy 80 %.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "catvnoncat"


def load_cat_data(data_dir: Path = DATA_DIR):
    """Load the cat/non-cat sets the way the course does (flatten, divide by 255).

    Returns
    -------
    train_x : ndarray of shape (12288, 209), float64
    train_y : ndarray of shape (1, 209)
    test_x : ndarray of shape (12288, 50), float64
    test_y : ndarray of shape (1, 50)
    """
    import h5py

    with h5py.File(data_dir / "train_catvnoncat.h5", "r") as f:
        train_x_orig = np.array(f["train_set_x"][:])
        train_y = np.array(f["train_set_y"][:]).reshape(1, -1)
    with h5py.File(data_dir / "test_catvnoncat.h5", "r") as f:
        test_x_orig = np.array(f["test_set_x"][:])
        test_y = np.array(f["test_set_y"][:]).reshape(1, -1)
    train_x = train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255.0
    test_x = test_x_orig.reshape(test_x_orig.shape[0], -1).T / 255.0
    return train_x, train_y, test_x, test_y


def sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    cache = Z
    return A, cache


def relu(Z):
    A = np.maximum(0, Z)
    cache = Z
    return A, cache


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    return dZ


def initialize_parameters_deep(layer_dims):
    np.random.seed(1)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(
            layer_dims[l - 1]
        )
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def linear_forward(A, W, b):
    Z = W.dot(A) + b
    cache = (A, W, b)
    return Z, cache


def linear_activation_forward(A_prev, W, b, activation):
    if activation == "sigmoid":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache


def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(
            A_prev, parameters["W" + str(l)], parameters["b" + str(l)], activation="relu"
        )
        caches.append(cache)
    AL, cache = linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], activation="sigmoid"
    )
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = (1.0 / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    cost = np.squeeze(cost)
    return cost


def linear_backward(dZ, cache):
    A_prev, W, _b = cache
    m = A_prev.shape[1]
    dW = 1.0 / m * np.dot(dZ, A_prev.T)
    db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = (
        linear_activation_backward(dAL, current_cache, activation="sigmoid")
    )
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, activation="relu"
        )
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = (
            parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        )
        parameters["b" + str(l + 1)] = (
            parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
        )
    return parameters


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """The course's training loop; returns ``(parameters, costs)``.

    ``costs`` holds the cost every 100 iterations, the first at iteration 0 (the
    course records it only when printing; here it is always recorded so that the
    benchmark can compare it).
    """
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 100 == 0:
            print(f"Cost after iteration {i}: {cost:f}", file=sys.stderr)
        if i % 100 == 0:
            costs.append(float(cost))
    return parameters, costs


def predict(X, y, parameters):
    """The course's prediction; returns ``(p, accuracy)`` instead of printing."""
    m = X.shape[1]
    p = np.zeros((1, m))
    probas, _caches = L_model_forward(X, parameters)
    for i in range(probas.shape[1]):
        if probas[0, i] > 0.5:
            p[0, i] = 1
        else:
            p[0, i] = 0
    return p, float(np.sum((p == y) / m))


def main() -> int:
    if not (DATA_DIR / "train_catvnoncat.h5").exists():
        print(f"missing {DATA_DIR / 'train_catvnoncat.h5'}", file=sys.stderr)
        return 2
    train_x, train_y, test_x, test_y = load_cat_data()
    layers_dims = [train_x.shape[0], 20, 7, 5, 1]
    t0 = time.perf_counter()
    parameters, costs = L_layer_model(
        train_x, train_y, layers_dims, learning_rate=0.0075, num_iterations=2500
    )
    elapsed = time.perf_counter() - t0
    _, train_acc = predict(train_x, train_y, parameters)
    _, test_acc = predict(test_x, test_y, parameters)
    print(f"cost[0] = {costs[0]:.6f}  cost[2400] = {costs[24]:.6f}")
    print(f"train accuracy {train_acc:.4f}  test accuracy {test_acc:.4f}")
    print(f"L_layer_model, 2500 iterations: {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
