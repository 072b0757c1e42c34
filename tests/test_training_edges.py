"""Edges of training options, callbacks, streaming and model files: each test here
failed before the fix it names."""

import numpy as np
import pytest

from nnscratch import NeuralNetworkClassifier
from nnscratch.callbacks import Callback, History
from nnscratch.exceptions import InvalidParameterError


def _xy(n=60, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


class _Count(Callback):
    def __init__(self):
        self.n = 0

    def on_iteration_end(self, estimator, iteration, logs):
        self.n += 1


# ----------------------------------------------------------------------- callbacks


def test_a_single_callback_is_taken_as_a_list_of_one():
    X, y = _xy()
    history = History(cost_every=1)
    clf = NeuralNetworkClassifier((3,), max_iter=4, callbacks=history, random_state=0).fit(X, y)
    assert history.loss_curve == pytest.approx(clf.loss_curve_)
    assert len(history.loss_curve) == 4


def test_a_generator_of_callbacks_is_refused_not_used_up_silently():
    X, y = _xy()
    count = _Count()
    clf = NeuralNetworkClassifier((3,), max_iter=3, callbacks=(c for c in [count]))
    with pytest.raises(InvalidParameterError, match=r"callbacks=.*generator.*give a list"):
        clf.fit(X, y)
    assert count.n == 0
