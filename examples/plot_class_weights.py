"""
Class weights on imbalanced data
================================

When one class is rare, the unweighted cross-entropy is lowest for a model that
mostly predicts the common class: its accuracy looks good while it misses most of
the rare examples. ``class_weight="balanced"`` weights each example's cost by
``n_samples / (n_classes · count of its class)``, so both classes count as much in
total; ``class_weight={0: 1, 1: 10}`` gives the weights by hand, and
``fit(X, y, sample_weight=...)`` one per example. The balanced model finds far more
of the rare class, at the price of some false alarms; balanced accuracy (the mean of
the per-class recalls) shows the gain that plain accuracy hides.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import ConfusionMatrixDisplay, balanced_accuracy_score
from sklearn.model_selection import train_test_split

from nnscratch import NeuralNetworkClassifier

X, y = make_classification(n_samples=4000, n_features=10, n_informative=4,
                           weights=[0.97, 0.03], class_sep=0.8, flip_y=0.0, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, stratify=y,
                                                    random_state=0)
print(f"rare class: {np.mean(y_train == 1):.1%} of the training examples")

fig, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
for ax, class_weight in zip(axes, (None, "balanced")):
    clf = NeuralNetworkClassifier(hidden_layer_sizes=(16,), solver="adam",
                                  learning_rate=0.01, max_iter=300, class_weight=class_weight,
                                  random_state=0).fit(X_train, y_train)
    predicted = clf.predict(X_test)
    accuracy = np.mean(predicted == y_test)
    balanced = balanced_accuracy_score(y_test, predicted)
    print(f"class_weight={class_weight!s:>8}: accuracy {accuracy:.1%}, "
          f"balanced accuracy {balanced:.1%}")
    ConfusionMatrixDisplay.from_predictions(y_test, predicted, ax=ax, colorbar=False,
                                            display_labels=["common", "rare"])
    ax.set_title(f"class_weight={class_weight!r}\n"
                 f"accuracy {accuracy:.1%}, balanced accuracy {balanced:.1%}")
fig.suptitle("The test set's confusion matrices (rows: true class)")
plt.show()
