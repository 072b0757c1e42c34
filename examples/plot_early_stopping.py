"""
Early stopping, with the best weights restored
==============================================

With ``early_stopping=True`` the estimator sets aside a stratified
``validation_fraction`` of the training data, measures the accuracy and the
cross-entropy on it after every epoch, and stops once the validation score has not
improved by ``tol`` for ``n_iter_no_change`` epochs. The weights it keeps are those
of the best epoch, not of the last one: the model you get is the one that did best
on data it did not train on.

Here a wide network trains with Adam on a synthetic problem whose labels are 15 %
noise: after a few epochs it starts to learn the noise, its validation
cross-entropy turns up and its validation accuracy falls, and training stops 20
epochs after the best one.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification

from nnscratch import NeuralNetworkClassifier

X, y = make_classification(n_samples=1000, n_features=20, n_informative=6, flip_y=0.15,
                           random_state=0)
X_train, y_train, X_test, y_test = X[:700], y[:700], X[700:], y[700:]

clf = NeuralNetworkClassifier(hidden_layer_sizes=(128, 128), solver="adam",
                              learning_rate=1e-3, batch_size=32, max_iter=300,
                              early_stopping=True, validation_fraction=0.2,
                              n_iter_no_change=20, random_state=0).fit(X_train, y_train)

scores = np.array(clf.validation_scores_)
losses = np.array(clf.validation_losses_)
best = int(np.argmax(scores)) + 1  # the first epoch with the best score, counted from 1
# (as the command line counts them: "kept the weights of epoch 6")
print(f"stopped after {clf.n_iter_} of 300 epochs; best validation accuracy "
      f"{clf.best_validation_score_:.2%} at epoch {best}")
print(f"validation accuracy at the last epoch: {scores[-1]:.2%}")
print(f"test accuracy with the restored weights: {clf.score(X_test, y_test):.2%}")

# %%
# The validation curves, and the epoch whose weights the model keeps.
fig, (ax_loss, ax_score) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
epochs = np.arange(1, len(scores) + 1)
ax_loss.plot(epochs, clf.loss_curve_, label="training cost")
ax_loss.plot(epochs, losses, label="validation cross-entropy")
ax_score.plot(epochs, scores, color="tab:green", label="validation accuracy")
for ax in (ax_loss, ax_score):
    ax.axvline(best, color="black", linestyle="--", label=f"best epoch ({best}), restored")
    ax.set_xlabel("epoch")
    ax.legend()
ax_loss.set_ylabel("cross-entropy")
ax_score.set_ylabel("accuracy")
fig.suptitle(f"Early stopping: {clf.n_iter_} epochs run, the weights of epoch {best} kept")
plt.show()
