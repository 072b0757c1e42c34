"""
Softmax on digits: ten classes
==============================

With three classes or more the estimators end in a softmax layer of one unit per
class, ``A = exp(Z) / Σ exp(Z)``, trained with the categorical cross-entropy; two
classes stay the course's single sigmoid unit. The backward pass starts from the
same shortcut, ``dZ = A − Y`` with ``Y`` one-hot. Here scikit-learn's 8 × 8
handwritten digits (1797 pictures, 10 classes).
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split

from nnscratch import NeuralNetworkClassifier
from nnscratch.datasets import load_builtin

digits = load_builtin("digits")  # X: (1797, 64), columns standardised; raw: the 0-16 pixels
rows = np.arange(len(digits.y))
train, test = train_test_split(rows, test_size=0.3, stratify=digits.y, random_state=0)

clf = NeuralNetworkClassifier(hidden_layer_sizes=(64,), solver="adam", learning_rate=1e-3,
                              batch_size=32, max_iter=60, random_state=0)
clf.fit(digits.X[train], digits.y[train])
print(f"output layer: {clf.params_['W2'].shape[0]} softmax units; "
      f"test accuracy {clf.score(digits.X[test], digits.y[test]):.2%}")

proba = clf.predict_proba(digits.X[test])
print(f"each row of predict_proba sums to 1: {np.allclose(proba.sum(axis=1), 1.0)}")

# %%
# The confusion matrix on the test pictures
fig, ax = plt.subplots(figsize=(6, 5.5), layout="constrained")
ConfusionMatrixDisplay.from_predictions(digits.y[test], clf.predict(digits.X[test]), ax=ax,
                                        colorbar=False)
ax.set_title("Digits: true class (rows) against the predicted one")
plt.show()

# %%
# The test pictures it gets wrong, with the probability it gave its answer
predicted = clf.predict(digits.X[test])
wrong = np.flatnonzero(predicted != digits.y[test])
columns = 7
rows = max(1, -(-len(wrong) // columns))  # enough rows of seven for every mistake
fig, axes = plt.subplots(rows, columns, figsize=(1.5 * columns, 1.9 * rows),
                         layout="constrained", squeeze=False)
for ax, i in zip(axes.flat, wrong):
    ax.imshow(digits.raw[test[i]].reshape(8, 8), cmap="gray_r")
    ax.set_title(f"true {digits.y[test[i]]}\nsaid {predicted[i]} ({proba[i].max():.0%})",
                 fontsize=9)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle(f"The {len(wrong)} test digits labelled wrongly")
plt.show()
