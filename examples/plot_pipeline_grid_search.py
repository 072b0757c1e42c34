"""
A pipeline with grid search
===========================

The estimators follow scikit-learn's contract (``__init__`` only stores its
arguments, ``fit`` learns attributes ending in ``_``), so they go into a
:class:`~sklearn.pipeline.Pipeline` after a scaler, and
:class:`~sklearn.model_selection.GridSearchCV` searches their constructor
parameters like any other estimator's. Here the breast-cancer data (569 examples, 30
features), the hidden layers and the L2 strength searched with 3-fold
cross-validation, the scaler fitted inside each fold.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from nnscratch import NeuralNetworkClassifier

X, y = load_breast_cancer(return_X_y=True)  # raw features: the pipeline scales them
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y,
                                                    random_state=0)

pipeline = make_pipeline(StandardScaler(), NeuralNetworkClassifier(
    solver="adam", learning_rate=1e-3, batch_size=32, max_iter=40, random_state=0))
grid = {
    "neuralnetworkclassifier__hidden_layer_sizes": [(4,), (32,), (32, 16)],
    "neuralnetworkclassifier__alpha": [0.0, 1.0, 10.0],
}
search = GridSearchCV(pipeline, grid, cv=3).fit(X_train, y_train)
print("best parameters:", search.best_params_)
print(f"cross-validated accuracy {search.best_score_:.2%}, "
      f"test accuracy {search.score(X_test, y_test):.2%}")

# %%
# The mean cross-validated accuracy of every pair
sizes = grid["neuralnetworkclassifier__hidden_layer_sizes"]
alphas = grid["neuralnetworkclassifier__alpha"]
scores = np.array(search.cv_results_["mean_test_score"]).reshape(len(alphas), len(sizes))

fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
image = ax.imshow(scores, cmap="viridis")
ax.set_xticks(range(len(sizes)), [str(s) for s in sizes])
ax.set_yticks(range(len(alphas)), [str(a) for a in alphas])
ax.set_xlabel("hidden_layer_sizes")
ax.set_ylabel("alpha (L2)")
for (i, j), value in np.ndenumerate(scores):
    ax.text(j, i, f"{value:.1%}", ha="center", va="center",
            color="black" if value > scores.mean() else "white")
fig.colorbar(image, ax=ax, label="mean accuracy over 3 folds")
ax.set_title("Grid search: StandardScaler → NeuralNetworkClassifier")
plt.show()
