"""The course's published results on the cat / non-cat set, to the printed digits.

Each number here is printed in the course's notebooks ("Logistic Regression with a
Neural Network mindset", "Deep Neural Network - Application").
"""

import numpy as np
import pytest

from nnscratch import LogisticRegression, NeuralNetworkClassifier

# Every test here trains the course's cat models in full (2000-2500 iterations on 12288 features).
pytestmark = pytest.mark.slow


def accuracy_percent(clf, X, y):
    return 100.0 * clf.score(X, y)


def test_logistic_regression(cat_data):
    X_train, y_train, X_test, y_test = cat_data
    clf = LogisticRegression(learning_rate=0.005, max_iter=2000).fit(X_train, y_train)
    assert len(clf.costs_) == 20
    assert clf.costs_[0] == pytest.approx(0.693147, abs=5e-7)
    assert clf.costs_[19] == pytest.approx(0.140872, abs=5e-7)  # iteration 1900
    assert accuracy_percent(clf, X_train, y_train) == pytest.approx(99.04306220095694, abs=1e-9)
    assert accuracy_percent(clf, X_test, y_test) == pytest.approx(70.0)


@pytest.mark.parametrize(
    "learning_rate, train, test",
    [(0.01, 99.52153110047847, 68.0), (0.001, 88.99521531100478, 64.0),
     (0.0001, 68.42105263157895, 36.0)],
)
def test_logistic_regression_learning_rate_sweep(cat_data, learning_rate, train, test):
    X_train, y_train, X_test, y_test = cat_data
    clf = LogisticRegression(learning_rate=learning_rate, max_iter=1500).fit(X_train, y_train)
    assert accuracy_percent(clf, X_train, y_train) == pytest.approx(train, abs=1e-9)
    assert accuracy_percent(clf, X_test, y_test) == pytest.approx(test)


def test_two_layer_model(cat_data):
    """The default algorithm (the row-space form here): the published numbers."""
    X_train, y_train, X_test, y_test = cat_data
    clf = NeuralNetworkClassifier(
        hidden_layer_sizes=(7,), init="small", learning_rate=0.0075, max_iter=2500,
        random_state=1,
    ).fit(X_train, y_train)
    assert [W.shape for W in clf.params_.values()] == [(7, 12288), (7, 1), (1, 7), (1, 1)]
    assert clf.costs_[0] == pytest.approx(0.693050, abs=5e-7)
    assert clf.costs_[24] == pytest.approx(0.048555, abs=5e-7)  # iteration 2400
    assert accuracy_percent(clf, X_train, y_train) == 100.0
    assert accuracy_percent(clf, X_test, y_test) == pytest.approx(72.0)


def test_two_layer_model_plain_takes_the_same_steps(cat_data):
    """The plain algorithm (the course's own products: its 2500 steps took 23 s here,
    the row-space form's 0.5 s) takes the same first 100 steps as the row-space form,
    cost by cost and weight by weight; the published numbers' 2500 steps are the
    default's, above."""
    X_train, y_train, _, _ = cat_data
    params = dict(hidden_layer_sizes=(7,), init="small", learning_rate=0.0075,
                  max_iter=100, cost_every=1, random_state=1)
    plain = NeuralNetworkClassifier(algorithm="plain", **params).fit(X_train, y_train)
    rowspace = NeuralNetworkClassifier(algorithm="rowspace", **params).fit(X_train, y_train)
    assert plain.costs_[0] == pytest.approx(0.693050, abs=5e-7)
    assert len(plain.costs_) == 100
    np.testing.assert_allclose(plain.costs_, rowspace.costs_, rtol=1e-10, atol=0)
    for key, W in plain.params_.items():
        np.testing.assert_allclose(rowspace.params_[key], W, rtol=1e-9, atol=1e-12)


def test_L_layer_model(cat_data):
    X_train, y_train, X_test, y_test = cat_data
    clf = NeuralNetworkClassifier(
        hidden_layer_sizes=(20, 7, 5), init="lecun", learning_rate=0.0075, max_iter=2500,
        random_state=1,
    ).fit(X_train, y_train)
    assert clf.costs_[0] == pytest.approx(0.771749, abs=5e-7)
    assert clf.costs_[24] == pytest.approx(0.092878, abs=5e-7)
    assert accuracy_percent(clf, X_train, y_train) == pytest.approx(98.56459330143541, abs=1e-9)
    assert accuracy_percent(clf, X_test, y_test) == pytest.approx(80.0)


def test_the_course_modules_application_models_print_the_notebooks_costs(cat_data):
    """``two_layer_model`` and ``L_layer_model`` of ``nnscratch.course.deep`` are the
    Application notebook's, and print its costs at iterations 0 and 100.
    ``L_layer_model`` draws its weights as that notebook's
    ``dnn_app_utils_v3.initialize_parameters_deep`` does (seed 1, ``/ √n``); it drew them
    as the step-by-step ``initialize_parameters_deep`` does (seed 3, ``* 0.01``) and
    printed 0.693148 and 0.678011."""
    from nnscratch.course import deep

    X_train, y_train, _, _ = cat_data
    _, costs = deep.two_layer_model(X_train.T, y_train.reshape(1, -1), (12288, 7, 1),
                                    num_iterations=101)
    assert costs == [pytest.approx(0.693050, abs=5e-7), pytest.approx(0.646432, abs=5e-7)]
    _, costs = deep.L_layer_model(X_train.T, y_train.reshape(1, -1), [12288, 20, 7, 5, 1],
                                  num_iterations=101)
    assert costs == [pytest.approx(0.771749, abs=5e-7), pytest.approx(0.672053, abs=5e-7)]
