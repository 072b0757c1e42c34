"""The course's "Improving Deep Neural Networks" results that seeded recipes reproduce.

Each recipe is the course's own: its data sets drawn after ``np.random.seed(k)`` (here
``RandomState(k)``, which draws the same numbers without touching the global state),
its layer sizes, initialisation seed, learning rate and iteration count.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_circles, make_moons
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from conftest import shared_file
from nnscratch import NeuralNetworkClassifier

# Every test here trains the second course's recipes in full (5000-30000 iterations).
pytestmark = pytest.mark.slow


def test_he_initialisation_on_circles():
    """Week 1, "Initialization": He initialisation, 15000 iterations."""
    X_train, y_train = make_circles(n_samples=300, noise=0.05, random_state=np.random.RandomState(1))
    X_test, y_test = make_circles(n_samples=100, noise=0.05, random_state=np.random.RandomState(2))
    clf = NeuralNetworkClassifier((10, 5), init="he", learning_rate=0.01, max_iter=15000,
                                  random_state=3).fit(X_train, y_train)
    assert clf.costs_[0] == pytest.approx(0.8830537463419761, rel=1e-12)
    assert clf.costs_[140] == pytest.approx(0.07357895962677366, rel=1e-9)  # iteration 14000
    assert clf.score(X_train, y_train) == pytest.approx(0.9933333333333333)
    assert clf.score(X_test, y_test) == pytest.approx(0.96)


@pytest.fixture(scope="module")
def football():
    scipy_io = pytest.importorskip("scipy.io")
    data = scipy_io.loadmat(shared_file("football/data.mat"))
    return data["X"], data["y"].ravel(), data["Xval"], data["yval"].ravel()


@pytest.mark.parametrize(
    "alpha, costs, train, test",
    [
        (0.0, (0.6557412523481002, 0.16329987525724216, 0.13851642423255986), 0.9478672985781991,
         0.915),
        (0.7, (0.6974484493131264, 0.2684918873282239, 0.2680916337127301), 0.9383886255924171,
         0.93),
    ],
)
def test_l2_regularisation_on_the_football_data(football, alpha, costs, train, test):
    """Week 1, "Regularization": layers (20, 3), seed 3, learning rate 0.3, 30000 iterations."""
    X, y, X_val, y_val = football
    clf = NeuralNetworkClassifier((20, 3), init="lecun", learning_rate=0.3, max_iter=30000,
                                  random_state=3, alpha=alpha).fit(X, y)
    # Costs printed after iterations 0, 10000 and 20000 (with the penalty when alpha > 0).
    assert clf.costs_[0] == pytest.approx(costs[0], rel=1e-12)
    assert clf.costs_[100] == pytest.approx(costs[1], rel=1e-9)
    assert clf.costs_[200] == pytest.approx(costs[2], rel=1e-9)
    assert clf.score(X, y) == pytest.approx(train)
    assert clf.score(X_val, y_val) == pytest.approx(test)


def test_adam_beats_plain_minibatch_gradient_descent_on_moons():
    """Week 2, "Optimization methods": mini-batches of 64, 5000 epochs, lr 0.0007."""
    X, y = make_moons(n_samples=300, noise=0.2, random_state=np.random.RandomState(3))
    scores = {}
    for solver in ("gd", "adam"):
        clf = NeuralNetworkClassifier((5, 2), init="he", solver=solver, learning_rate=0.0007,
                                      batch_size=64, max_iter=5000, random_state=3)
        scores[solver] = clf.fit(X, y).score(X, y)
    assert scores["adam"] == pytest.approx(0.94, abs=0.01)  # the course: 94 %
    assert scores["gd"] == pytest.approx(0.7167, abs=0.02)  # the course: 71.67 %


def test_digits_at_least_as_accurate_as_scikit_learn_mlp():
    """10 classes, the same architecture and optimizer: (64,), Adam, lr 1e-3, batch 32."""
    X, y = load_digits(return_X_y=True)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    ours, theirs = [], []
    for seed in range(3):
        ours.append(cross_val_score(make_pipeline(StandardScaler(), NeuralNetworkClassifier(
            (64,), solver="adam", learning_rate=1e-3, batch_size=32, max_iter=50,
            random_state=seed)), X, y, cv=cv).mean())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # MLPClassifier's ConvergenceWarning
            theirs.append(cross_val_score(make_pipeline(StandardScaler(), MLPClassifier(
                (64,), solver="adam", learning_rate_init=1e-3, batch_size=32, max_iter=50,
                alpha=0.0, tol=0.0, n_iter_no_change=10**6, random_state=seed)), X, y,
                cv=cv).mean())
    assert np.mean(ours) > 0.96
    assert np.mean(ours) >= np.mean(theirs)
