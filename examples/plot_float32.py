"""
float32 against float64
=======================

Data given as float32 train and predict in float32 throughout: the weights, every
activation and gradient, and no float64 copy of the data. That halves the memory of
the data and the weights and speeds up the matrix products. Rounding differs from
the first step, and the difference grows a little over the steps of training, so
the probabilities are not identical, but the predictions almost always are. The
course's exact numbers are float64's, which stays the default for float64 input.
"""

import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification

from nnscratch import NeuralNetworkClassifier

X, y = make_classification(n_samples=6000, n_features=100, n_informative=30,
                           n_classes=3, random_state=0)
X64, X32 = X.astype(np.float64), X.astype(np.float32)

results = {}
for name, data in (("float64", X64), ("float32", X32)):
    clf = NeuralNetworkClassifier(hidden_layer_sizes=(256, 128), solver="adam",
                                  learning_rate=1e-3, batch_size=256, max_iter=3,
                                  random_state=0)
    start = time.perf_counter()
    clf.fit(data, y)
    seconds = time.perf_counter() - start
    proba = clf.predict_proba(data)
    nbytes = data.nbytes + sum(w.nbytes for w in clf.params_.values())
    results[name] = (clf, proba, seconds, nbytes)
    print(f"{name}: weights {clf.params_['W1'].dtype}, probabilities {proba.dtype}, "
          f"fit {seconds:.2f} s, data + weights {nbytes / 2**20:.1f} MiB, "
          f"accuracy {clf.score(data, y):.2%}")

p64, p32 = results["float64"][1], results["float32"][1]
agree = np.mean(p64.argmax(axis=1) == p32.argmax(axis=1))
print(f"largest difference in a probability: {np.max(np.abs(p64 - p32)):.1e}; "
      f"the two agree on {agree:.2%} of the predictions")

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 3.2), layout="constrained")
names = list(results)
for ax, (index, label, scale) in zip(axes, ((2, "fit time (s)", 1),
                                            (3, "data + weights (MiB)", 2**20))):
    ax.bar(names, [results[n][index] / scale for n in names], color=["tab:blue", "tab:orange"])
    ax.set_title(label)
axes[2].hist(np.abs(p64 - p32).ravel(), bins=40, color="tab:gray")
axes[2].set_yscale("log")
axes[2].set_title("how far the probabilities differ")
axes[2].set_xlabel("|p64 − p32|")
axes[2].set_ylabel("number of probabilities")
fig.suptitle("The same network trained on the same data in float64 and in float32")
plt.show()
