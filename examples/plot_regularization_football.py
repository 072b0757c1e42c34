"""
L2 regularisation and dropout on the football data
===================================================

The second course's regularisation lesson: a goalkeeper's kicks, and where the
team's players headed the ball (blue) or the other team's did (red). A (20, 3)
network without regularisation fits the training points' noise: its boundary
reaches out for single points, and it does worse on the validation set than on
the training set. L2 regularisation (``alpha``, the course's λ) and inverted
dropout (``dropout``, one minus the course's ``keep_prob``) both give a smoother
boundary that does better on the validation points.

The course trains with gradient descent, learning rate 0.3, for 30000 iterations
(``tests/test_course2.py`` checks its numbers: 94.8 % / 91.5 % without and 93.8 % /
93 % with ``alpha=0.7``); here Adam gets there in 3000 iterations.

The data are read from ``../shared/data/football/data.mat`` beside the checkout.
Where the file is absent the script says so and uses noisy moons instead.
"""

from pathlib import Path

import numpy as np
from scipy.io import loadmat
from sklearn.datasets import make_moons

from nnscratch import NeuralNetworkClassifier
from nnscratch.plotting import plot_decision_boundaries

# The checkout's root: the first folder above this script (or above the working
# folder, when the code is pasted into a session) that holds pyproject.toml.
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
REPO = next((p for p in (HERE, *HERE.parents) if (p / "pyproject.toml").is_file()), HERE)
FOOTBALL = REPO.parent / "shared" / "data" / "football" / "data.mat"

if FOOTBALL.is_file():
    mat = loadmat(FOOTBALL)
    X, y, X_val, y_val = mat["X"], mat["y"].ravel(), mat["Xval"], mat["yval"].ravel()
    data, class_names = "the football data", ["other team", "our team"]
else:
    print(f"{FOOTBALL} is absent: using noisy moons instead")
    X, y = make_moons(n_samples=200, noise=0.35, random_state=np.random.RandomState(0))
    X_val, y_val = make_moons(n_samples=200, noise=0.35, random_state=np.random.RandomState(1))
    data, class_names = "stand-in data (noisy moons)", ["class 0", "class 1"]

settings = {"no regularisation": {}, "L2, alpha=0.7": {"alpha": 0.7},
            "dropout 0.14": {"dropout": 0.14}}
panels = {}
for name, extra in settings.items():
    clf = NeuralNetworkClassifier(hidden_layer_sizes=(20, 3), init="lecun", solver="adam",
                                  learning_rate=0.01, max_iter=3000, random_state=3,
                                  **extra).fit(X, y)
    train, val = clf.score(X, y), clf.score(X_val, y_val)
    print(f"{name:>17}: train {train:.1%}, validation {val:.1%}")
    panels[f"{name}\ntrain {train:.1%}, validation {val:.1%}"] = clf.predict

fig = plot_decision_boundaries(panels, X, y, class_names,
                               title=f"Regularisation on {data} (training points)")
