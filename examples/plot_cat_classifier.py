"""
The cat classifier and the pictures it gets wrong
=================================================

The course's deep network, ``[LINEAR → RELU] × 3 → LINEAR → SIGMOID`` with layers
(20, 7, 5), trained for 2500 iterations of gradient descent on 209 pictures of
64 × 64 × 3 values, reaches 98.6 % on its training pictures and 80 % on the 50 test
pictures. This script trains it, draws its cost curve and shows the test pictures it
labels wrongly.

The pictures are the course's ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``,
read from ``../shared/data/catvnoncat/`` beside the checkout. Where they are absent
the script says so and uses a stand-in: scikit-learn's 8 × 8 digits, "3" against
every other digit, shown as pictures.
"""

# %%
# The data
# --------
# :func:`nnscratch.datasets.load_hdf5` reads the course's files and prepares them
# as the course does (flattened and divided by 255); ``raw`` keeps the pictures.
from pathlib import Path

import numpy as np

from nnscratch import NeuralNetworkClassifier
from nnscratch.datasets import load_builtin, load_hdf5
from nnscratch.plotting import plot_costs, plot_mislabeled

# The checkout's root: the first folder above this script (or above the working
# folder, when the code is pasted into a session) that holds pyproject.toml.
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
REPO = next((p for p in (HERE, *HERE.parents) if (p / "pyproject.toml").is_file()), HERE)
CAT = REPO.parent / "shared" / "data" / "catvnoncat"

if (CAT / "train_catvnoncat.h5").is_file() and (CAT / "test_catvnoncat.h5").is_file():
    train = load_hdf5(CAT / "train_catvnoncat.h5")
    test = load_hdf5(CAT / "test_catvnoncat.h5", preprocessor=train.preprocessor)
    X_train, y_train, X_test, y_test = train.X, train.y, test.X, test.y
    pictures, class_names, data = test.raw, test.class_names, "the course's cat pictures"
else:
    print(f"{CAT} is absent: using scikit-learn's digits, '3' against the rest, instead")
    digits = load_builtin("digits")
    y = (digits.y == 3).astype(np.int64)
    rng = np.random.RandomState(0)
    order = rng.permutation(len(y))
    train_rows, test_rows = order[:1200], order[1200:]
    X_train, y_train = digits.X[train_rows], y[train_rows]
    X_test, y_test = digits.X[test_rows], y[test_rows]
    gray = digits.raw[test_rows].reshape(-1, 8, 8) * (255 / 16)
    pictures = np.repeat(gray[..., None], 3, axis=3).astype(np.uint8)
    class_names, data = ["not 3", "3"], "stand-in data (digits), not the cat pictures"

print(f"{data}: {X_train.shape[0]} training and {X_test.shape[0]} test examples "
      f"of {X_train.shape[1]} values")

# %%
# The course's deep model
# -----------------------
# The course's settings; ``init="lecun"`` is its ``randn / sqrt(n_{l-1})``.
clf = NeuralNetworkClassifier(hidden_layer_sizes=(20, 7, 5), init="lecun",
                              learning_rate=0.0075, max_iter=2500, random_state=1)
clf.fit(X_train, y_train)
print(f"cost after iteration 0: {clf.costs_[0]:.6f}, after 2400: {clf.costs_[24]:.6f}")
print(f"train accuracy {clf.score(X_train, y_train):.2%}, "
      f"test accuracy {clf.score(X_test, y_test):.2%}")

fig = plot_costs(clf.costs_, clf.cost_every, label="(20, 7, 5)",
                 title=f"Cost of the deep network ({data})")

# %%
# The test pictures it gets wrong
# -------------------------------
# Each picture carries its true label and the model's. The course points out what
# they share: unusual poses, a cat's colour close to the background's, a cat that is
# small in the frame, odd lighting.
predicted = clf.predict(X_test)
wrong = np.flatnonzero(predicted != y_test)
fig = plot_mislabeled(pictures[wrong], y_test[wrong], predicted[wrong], class_names,
                      title=f"The test pictures the deep network labels wrongly ({data})")
