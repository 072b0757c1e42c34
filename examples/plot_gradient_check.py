"""
Gradient checking your own network
==================================

Backward propagation is easy to get subtly wrong: a missing factor, a transposed
product, a sign. The course's remedy is the gradient check: perturb each parameter
θ by ±ε, take the centred difference ``(J(θ + ε) − J(θ − ε)) / 2ε``, and compare it
with the gradient backward propagation computes. The relative difference

.. math:: \\frac{\\lVert g - g_{\\text{approx}} \\rVert_2}
          {\\lVert g \\rVert_2 + \\lVert g_{\\text{approx}} \\rVert_2}

is about 1e-7 or smaller when backward propagation is right, and large when it
is not.

:func:`nnscratch.gradcheck.gradient_check` does this for any network the core can
run, including one with an activation of your own: a
:class:`~nnscratch.activations.Activation` is a ``(forward, backward)`` pair, written
side by side. Here the softplus, ``log(1 + e^z)``, whose derivative is the logistic
``σ(z)``, with a right backward pass and one with a typical slip.
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy.special import expit

from nnscratch.activations import Activation
from nnscratch.gradcheck import gradient_check, numerical_gradients
from nnscratch.initializers import initialize_parameters
from nnscratch.network import L_model_backward, L_model_forward


def softplus(Z):
    """``A = log(1 + e^Z)``, computed without overflow."""
    return np.logaddexp(0.0, Z)


def softplus_backward(dA, Z, A):
    """``dZ = dA · σ(Z)``."""
    return dA * expit(Z)


def softplus_backward_wrong(dA, Z, A):
    """The slip: the derivative taken at the output ``A`` instead of the input ``Z``."""
    return dA * expit(A)


right = Activation(softplus, softplus_backward)
wrong = Activation(softplus, softplus_backward_wrong)

# A small network, in the course's notation: X is (n_x, m), Y is (1, m).
rng = np.random.RandomState(0)
X = rng.randn(4, 30)
Y = (X[0:1] * X[1:2] > 0).astype(float)
params = initialize_parameters([4, 5, 3, 1], init="he", random_state=1)

for name, activation in (("right", right), ("wrong", wrong)):
    difference = gradient_check(params, X, Y, [activation, activation])
    verdict = "backward propagation agrees" if difference < 1e-7 else "there is a mistake"
    print(f"{name} backward pass: difference {difference:.1e}: {verdict}")

# %%
# Where the mistake is
# --------------------
# The same comparison, parameter by parameter, points at the layers the wrong
# derivative reaches: every weight below the hidden layers that use it, none above.
approx = numerical_gradients(params, X, Y, [right, right])


def per_parameter(activation):
    AL, caches = L_model_forward(X, params, [activation, activation])
    grads = L_model_backward(AL, Y, caches, [activation, activation])
    return {key: np.linalg.norm(grads["d" + key] - approx["d" + key])
            / (np.linalg.norm(grads["d" + key]) + np.linalg.norm(approx["d" + key]))
            for key in params}


names = list(params)
positions = np.arange(len(names))
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
for offset, (label, activation) in zip((-0.2, 0.2), (("right", right), ("wrong", wrong))):
    values = per_parameter(activation)
    # A difference of exactly 0 is drawn at 1e-17 so that it shows on the log scale.
    ax.bar(positions + offset, [max(values[k], 1e-17) for k in names], width=0.4,
           label=f"{label} backward pass")
ax.axhline(1e-7, color="black", linestyle="--", label="1e-7")
ax.set_yscale("log")
ax.set_xticks(positions, names)
ax.set_ylabel("relative difference")
ax.set_title("Backward propagation against centred differences, per parameter")
ax.legend(loc="center left")
plt.show()
