"""
The row-space speed-up against the number of features
=====================================================

In full-batch gradient descent every update of the first layer's weights is
``dW1 = dZ1 · Xᵀ``: a combination of the examples' rows. So after any number of steps
``W1 = s · W1_0 + C · Xᵀ``, and the first layer's product is
``W1 · X = s · W1_0 · X + C · (Xᵀ X)``. The training loop can then update the small
``(n_1, m)`` matrix ``C`` instead of the ``(n_1, n_x)`` matrix ``W1``, and an iteration
no longer costs in proportion to the number of features ``n_x`` (the user guide's
"Speed" page derives it). When there are fewer examples than features, as with the
course's 209 cat pictures of 12288 values, that is much less work, with the same
weights up to rounding.

The estimators choose this form themselves (``algorithm="auto"``); here
``algorithm="plain"`` and ``algorithm="rowspace"`` force one or the other on
random data with m = 100 examples and a growing number of features, each fit timed
twice and the faster time kept. The times are measured where this page was built,
with one BLAS thread and
whatever else that machine was doing.
"""

import time

import matplotlib.pyplot as plt
import numpy as np

from nnscratch import NeuralNetworkClassifier

rng = np.random.RandomState(0)
m, iterations = 100, 20
feature_counts = [100, 1000, 4000, 12000]
times = {"plain": [], "rowspace": []}
for n_x in feature_counts:
    X = rng.rand(m, n_x)
    y = (X[:, :10].sum(axis=1) > 5).astype(int)
    weights = {}
    for algorithm, spent in times.items():
        clf = NeuralNetworkClassifier(hidden_layer_sizes=(20, 7, 5), init="lecun",
                                      learning_rate=0.0075, max_iter=iterations,
                                      random_state=1, algorithm=algorithm)
        seconds = []
        for _ in range(2):
            start = time.perf_counter()
            clf.fit(X, y)
            seconds.append(time.perf_counter() - start)
        spent.append(min(seconds))
        weights[algorithm] = clf.params_["W1"]
    gap = np.max(np.abs(weights["plain"] - weights["rowspace"]))
    print(f"n_x = {n_x:5d}: plain {times['plain'][-1] * 1e3:6.0f} ms, "
          f"row-space {times['rowspace'][-1] * 1e3:5.0f} ms, largest W1 difference {gap:.1e}")

# %%
# The plain time grows in proportion to n_x. The row-space time grows far less: only
# its set-up (``Xᵀ X`` and ``W1_0 · X``, computed once) and the recovery of ``W1`` at
# the end touch all n_x features, never an iteration.
fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
for algorithm, label in (("plain", "plain: W1 · X"), ("rowspace", "row space: C · (Xᵀ X)")):
    ax.plot(feature_counts, np.array(times[algorithm]) * 1e3, "o-", label=label)
ax.set_xlabel("number of features n_x (m = 100 examples)")
ax.set_ylabel(f"time of {iterations} iterations (ms)")
ax.set_title("(20, 7, 5) network, full-batch gradient descent")
ax.set_ylim(bottom=0)
ax.legend()
plt.show()
