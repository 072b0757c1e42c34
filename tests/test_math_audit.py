"""Training state that the first layer's faster forms kept apart from ``params_``
(found by an audit of the training maths against PyTorch)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from nnscratch import NeuralNetworkClassifier
from nnscratch.callbacks import LambdaCallback


def _data(m=60, n=5, classes=3, seed=0):
    r = np.random.RandomState(seed)
    X, y = r.randn(m, n), r.randint(0, classes, m)
    y[:classes] = np.arange(classes)
    return X, y


def _val_loss(params, X, y):  # the cross-entropy of (X, y) from the weights given
    A = X.T
    for l in (1, 2):
        A = np.maximum(params[f"W{l}"] @ A + params[f"b{l}"], 0)
    Z = params["W3"] @ A + params["b3"]
    top = Z.max(0)
    return np.mean(np.log(np.exp(Z - top).sum(0)) + top - Z[y, np.arange(len(y))])


def _continued(make_sparse, **params):
    # a full-batch fit lays W1 out in C order; the sparse first layer wants Fortran
    X, y = _data()
    clf = NeuralNetworkClassifier(hidden_layer_sizes=(4, 3), random_state=3, max_iter=1,
                                  learning_rate=0.3).fit(X, y)
    assert not clf.params_["W1"].flags.f_contiguous
    clf.set_params(warm_start=True, **params)
    return clf, (sp.csr_matrix(X) if make_sparse else X), y


@pytest.mark.parametrize("make_sparse", [False, True])
def test_a_fit_continued_on_sparse_data_scores_the_weights_it_trains(make_sparse):
    # the sparse first layer trained a private Fortran copy of a C-ordered W1: the
    # validation was scored with the W1 the fit began with
    Xv, yv = _data(40, seed=1)
    clf, X, y = _continued(make_sparse, max_iter=4, learning_rate=0.5)
    clf.fit(X, y, X_val=Xv, y_val=yv)
    assert clf.validation_losses_[-1] == pytest.approx(_val_loss(clf.params_, Xv, yv),
                                                       rel=1e-12)


def _clip(est, iteration, logs):
    np.clip(est.params_["W1"], -0.1, 0.1, out=est.params_["W1"])


@pytest.mark.parametrize("make_sparse", [False, True])
def test_a_callbacks_writes_into_w1_are_kept_on_sparse_data_too(make_sparse):
    clf, X, y = _continued(make_sparse, max_iter=3,
                           callbacks=[LambdaCallback(on_iteration_end=_clip)])
    clf.fit(X, y)
    assert np.abs(clf.params_["W1"]).max() <= 0.1


def test_the_row_space_form_keeps_the_momentum_velocity_at_momentum_zero():
    # it skipped the velocity at momentum=0 and handed back zeros: a warm start with
    # momentum 0.9 then took other steps than the plain form (9.6e-03 apart)
    r = np.random.RandomState(0)
    X, y = r.randn(20, 200), r.randint(0, 2, 20)
    y[:2] = [0, 1]
    done = {}
    for algorithm in ("plain", "rowspace"):
        clf = NeuralNetworkClassifier(hidden_layer_sizes=(4, 3), random_state=3,
                                      algorithm=algorithm, solver="momentum", momentum=0.0,
                                      learning_rate=0.05, max_iter=5, warm_start=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(X, y)
        done[algorithm] = {"v": clf.optimizer_.v["dW1"].copy()}
        # (the row-space form cannot take a velocity over: the continuation is plain)
        clf.set_params(momentum=0.9, max_iter=3, algorithm="plain").fit(X, y)
        done[algorithm]["params"] = clf.params_
    np.testing.assert_allclose(done["rowspace"]["v"], done["plain"]["v"], atol=1e-12)
    assert np.abs(done["plain"]["v"]).max() > 1e-3
    for k, v in done["plain"]["params"].items():
        np.testing.assert_allclose(done["rowspace"]["params"][k], v, atol=1e-12)
