"""nnscratch.course.trace: shapes in the course's table, the gradient check, flags."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from nnscratch import NeuralNetworkClassifier
from nnscratch.course import trace
from nnscratch.datasets import load_flower
from nnscratch.initializers import initialize_parameters


@pytest.fixture(scope="module")
def flower_model():
    X, y = load_flower()
    clf = NeuralNetworkClassifier(hidden_layer_sizes=(4,), activation="tanh", init="small",
                                  learning_rate=1.2, max_iter=300, random_state=2).fit(X, y)
    return clf, X, y


def test_flower_trace_shapes_and_check(flower_model):
    clf, X, y = flower_model
    d = trace(clf, X, y).to_dict()
    json.dumps(d, allow_nan=False)
    assert d["m"] == 400 and d["n_x"] == 2 and d["input"]["X"]["shape"] == [2, 400]
    assert len(d["layers"]) == 2
    l1, l2 = d["layers"]
    assert {k: v["shape"] for k, v in l1["arrays"].items()} == {
        "W[1]": [4, 2], "b[1]": [4, 1], "Z[1]": [4, 400], "A[1]": [4, 400], "dA[1]": [4, 400],
        "dZ[1]": [4, 400], "dW[1]": [4, 2], "db[1]": [4, 1]}
    assert l2["arrays"]["W[2]"]["shape"] == [1, 4] and l2["arrays"]["dZ[2]"]["shape"] == [1, 400]
    assert l1["forward"][0]["equation"] == "Z[1] = W[1] A[0] + b[1]"
    assert l1["forward"][1]["equation"] == "A[1] = tanh(Z[1])"
    assert l2["backward"][0]["equation"] == "dZ[2] = A[2] − Y"
    assert l1["saturated_fraction"] is not None and l1["dead_fraction"] is None
    assert l1["flag"] is None and l2["flag"] is None
    gc = d["gradient_check"]
    assert gc["verdict"] == "fine" and gc["difference"] < 1e-7
    assert gc["threshold_fine"] == 1e-7 and gc["threshold_bug"] == 1e-3


def test_trace_dW_is_the_library_gradient(flower_model):
    from nnscratch import network

    clf, X, y = flower_model
    d = trace(clf, X, y, gradient_check=False).to_dict()
    acts = network.hidden_activations("tanh", 1)
    AL, caches = network.L_model_forward(X.T, clf.params_, acts)
    grads = network.L_model_backward(AL, y[None, :].astype(float), caches, acts)
    assert d["layers"][0]["arrays"]["dW[1]"]["norm"] == pytest.approx(
        np.linalg.norm(grads["dW1"]), rel=1e-10)
    assert d["gradient_check"] is None


def test_text_and_html(flower_model):
    clf, X, y = flower_model
    t = trace(clf, X, y)
    text = str(t)
    assert "dZ[1] = dA[1] * tanh'(Z[1])" in text and "gradient check" in text
    assert "<table>" in t._repr_html_()
    assert text.startswith("One training step on m = 400 examples of n_x = 2 features ")


def test_one_example_of_one_feature_is_said_in_the_singular():
    # "m = 1 examples of n_x = 1 features"
    X = np.array([[0.5]])
    clf = NeuralNetworkClassifier(hidden_layer_sizes=(2,), max_iter=1, random_state=0)
    clf.fit(np.array([[0.5], [-0.5]]), [1, 0])
    t = trace(clf, X, np.array([1]))
    assert str(t).startswith("One training step on m = 1 example of n_x = 1 feature (")
    assert "m = 1 example of n_x = 1 feature (" in t._repr_html_()
    # the output layer: "1 sigmoid unit", not "1 sigmoid units"
    assert "layer 2: 1 sigmoid unit\n" in str(t) and "layer 1: 2 relu units\n" in str(t)
    assert "1 sigmoid unit<br>" in t._repr_html_()


def test_vanishing_deep_sigmoid_network():
    X, y = load_flower()
    params = initialize_parameters([2] + [10] * 10 + [1], init="small", random_state=0)
    d = trace(params, X.T, y, activations="sigmoid", gradient_check=False).to_dict()
    assert len(d["layers"]) == 11
    assert d["layers"][0]["flag"] == "vanishing"
    assert "vanish" in d["layers"][0]["message"]
    assert d["layers"][-1]["flag"] is None


def test_exploding_learning_rate(flower_model):
    clf, X, y = flower_model
    d = trace(clf, X, y, learning_rate=1000.0, gradient_check=False).to_dict()
    assert any(layer["flag"] == "exploding" for layer in d["layers"])
    assert d["learning_rate"] == 1000.0


def test_exploding_weights_scaled_up():
    X, y = load_flower()
    params = initialize_parameters([2, 10, 10, 10, 10, 1], init="he", random_state=0)
    healthy = trace(params, X.T, y, learning_rate=0.1, gradient_check=False).to_dict()
    assert [layer["flag"] for layer in healthy["layers"]] == [None] * 5
    params = {k: v * 10 for k, v in params.items()}  # each ReLU layer multiplies by 10
    d = trace(params, X.T, y, learning_rate=0.1, gradient_check=False).to_dict()
    assert [layer["flag"] for layer in d["layers"]] == ["exploding"] * 5
    assert "lower the learning rate" in d["layers"][0]["message"]


def test_zero_initialisation_is_flagged_symmetric_not_healthy():
    X, y = load_flower()
    params = initialize_parameters([2, 4, 3, 1], init="zeros", random_state=0)
    layers = trace(params, X.T, y, activations="tanh", gradient_check=False).layers
    assert [layer["flag"] for layer in layers] == ["symmetric", "symmetric", None]
    assert layers[0]["message"].startswith("all 4 units have the same weights (the rows of "
                                           "W[1] and b[1] are equal)")
    one_unit = initialize_parameters([2, 1, 1], init="zeros", random_state=0)
    assert trace(one_unit, X.T, y, gradient_check=False).layers[0]["flag"] is None


_P = initialize_parameters([2, 4, 1], init="small", random_state=0)


@pytest.mark.parametrize("params, X_shape, m_y, words", [
    ({"W1": _P["W1"]}, (2, 6), 6, "it has 'W1': b1 missing"),
    ({k: v for k, v in _P.items() if k != "b2"}, (2, 6), 6, "b2 missing"),
    (dict(_P, costs=np.zeros(3)), (2, 6), 6, "costs not expected"),
    (dict(_P, b2=np.zeros(1)), (2, 6), 6, "b2 has shape (1,); b[2] is (n_2, 1) = (1, 1)"),
    (dict(_P, W2=np.zeros((1, 5))), (2, 6), 6,
     "W2 has shape (1, 5) but layer 1 has 4 units: W[2] is (n_2, n_1) = (1, 4)"),
    (_P, (6, 2), 6, "X has 6 rows; W1 takes 2"),
    (_P, (2, 6), 5, "Y has shape (1, 5) and X (2, 6): Y is (1, m) (or (m,)) with X's m = 6"),
    # the logistic assignment's parameters: "W1, b1 missing; w, b not expected"
    ({"w": np.zeros((2, 1)), "b": 0.5}, (2, 6), 6,
     "the logistic assignment's 'w' and 'b': a one-layer network's are W1 = w.T (1, n_x) "
     "and b1 = [[b]]"),
], ids=["one-key", "b-missing", "extra-key", "b-rank-1", "W-mismatch", "X-transposed",
        "Y-length", "logistic-w-b"])
def test_bad_parameters_X_or_Y_get_one_clear_error(params, X_shape, m_y, words):
    rng = np.random.RandomState(0)
    with pytest.raises(ValueError) as info:
        trace(params, rng.randn(*X_shape), (rng.rand(m_y) > 0.5).astype(float))
    assert words in str(info.value) and "\n" not in str(info.value)


def test_non_finite_becomes_null():
    params = {"W1": np.array([[np.inf, 1.0]]), "b1": np.zeros((1, 1))}
    d = trace(params, np.ones((2, 3)), np.array([1, 0, 1])).to_dict()
    json.dumps(d, allow_nan=False)
    assert d["layers"][0]["flag"] == "exploding"


@pytest.mark.slow
def test_cat_model_trace(cat_data):
    X_train, y_train, _, _ = cat_data
    dims = [12288, 20, 7, 5, 1]
    params = initialize_parameters(dims, init="lecun", random_state=1)  # the course's model
    d = trace(params, X_train.T, y_train).to_dict()
    assert d["cost"] == pytest.approx(0.771749, abs=5e-7)  # the course's cost at iteration 0
    assert len(d["layers"]) == 4 and d["input"]["X"]["shape"] == [12288, 209]
    for layer in d["layers"]:  # the course's table of shapes
        l = layer["l"]
        shapes = {k: v["shape"] for k, v in layer["arrays"].items()}
        assert shapes[f"W[{l}]"] == shapes[f"dW[{l}]"] == [dims[l], dims[l - 1]]
        assert shapes[f"b[{l}]"] == shapes[f"db[{l}]"] == [dims[l], 1]
        for name in ("Z", "A", "dZ"):
            assert shapes[f"{name}[{l}]"] == [dims[l], 209]
        assert layer["flag"] is None
    assert d["gradient_check"]["verdict"] == "fine"
    assert "coordinates" in d["gradient_check"]["coordinates"]  # a subset, said so
    # a learning rate of 10 explodes: the trace says so before the step...
    d10 = trace(params, X_train.T, y_train, learning_rate=10.0, gradient_check=False).to_dict()
    assert d10["layers"][0]["flag"] == "exploding"
    # ...and after one step the first layer's ReLUs are dead
    clf = NeuralNetworkClassifier(hidden_layer_sizes=(20, 7, 5), init="lecun",
                                  learning_rate=10.0, max_iter=1, random_state=1)
    clf.fit(X_train, y_train)
    after = trace(clf, X_train, y_train, gradient_check=False).to_dict()
    assert after["layers"][0]["flag"] == "dead"


def test_cli_trace_and_check(tmp_path):
    from nnscratch.cli import cli

    runner = CliRunner()
    model = tmp_path / "flower.npz"
    result = runner.invoke(cli, ["train", "flower", "--hidden", "4", "--activation", "tanh",
                                 "--init", "small", "--learning-rate", "1.2", "--iterations",
                                 "50", "--seed", "2", "--output", str(model)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["trace", str(model), "flower", "--json"])
    assert result.exit_code == 0
    d = json.loads(result.stdout)
    assert len(d["layers"]) == 2 and d["gradient_check"]["verdict"] == "fine"
    # a training step, on the part the model was trained on (it took the held-out
    # test part, 100 samples)
    assert d["m"] == 300
    assert "using the training part of 'flower' (300 samples)" in result.stderr


def test_html_says_what_the_text_says(flower_model):
    import html
    import re

    clf, X, y = flower_model
    t = trace(clf, X, y)
    page, text = t._repr_html_(), str(t)
    plain = html.unescape(re.sub(r"<[^>]+>", " ", page))
    headline = text.splitlines()[0]
    assert headline in plain  # m, n_x, output, learning rate, cost J to 6 decimals
    assert re.search(r"cost J = \d+\.\d{6}\b", headline)
    for line in text.splitlines():  # each layer's measurements and the check's line
        if line.startswith(("  dead units", "  saturated", "gradient check")):
            assert " ".join(line.replace("[", "").replace("]", "").split()) in \
                " ".join(plain.replace("[", "").replace("]", "").split())


def test_overflowing_step_is_not_called_a_bug_and_warns_nothing():
    import warnings

    X, y = load_flower()
    clf = NeuralNetworkClassifier(hidden_layer_sizes=(3,), max_iter=10, random_state=1,
                                  alpha=0.1).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = trace(clf, X * 1e200, y)
        text, page = str(t), t._repr_html_()
    gc = t.gradient_check
    assert gc["verdict"] == "not finite" and gc["difference"] is None
    assert "overflow" in gc["note"] and "standardise X" in gc["note"]
    assert "-> not finite" in text and "standardise X" in page
    assert "e+" in text.splitlines()[0]  # a huge cost in short form, not 200 digits
    assert len(text.splitlines()[0]) < 200


def test_weights_whose_norm_overflows_have_no_ratio_and_are_not_healthy():
    # ‖W‖ overflowed to inf, so ‖dW‖/‖W‖ was 0: "gradients are healthy"
    rng = np.random.RandomState(0)
    X = rng.randn(3, 40)
    y = (X[0] > 0).astype(float)
    params = {"W1": np.array([[3e299, -2e299, 1e299]]), "b1": np.array([[1e298]])}
    t = trace(params, X, y, learning_rate=0.1)
    d = t.to_dict()
    json.dumps(d, allow_nan=False)
    layer = d["layers"][0]
    assert layer["grad_ratio"] is None and layer["flag"] == "exploding"
    assert layer["message"] == ("‖W‖ overflows float64 (weights up to 3e+299: the training "
                                "diverged): no ratio; lower the learning rate and train again")
    text = str(t)
    assert "‖dW‖/‖W‖ = n/a: [EXPLODING] ‖W‖ overflows float64" in text
    assert "healthy" not in text
    # the gradients are not zero: J's rounding hides them, and the note says that
    note = d["gradient_check"]["note"]
    assert "all zero" not in note and "all zero" not in text
    assert note.startswith("the cost J = ") and "central differences cannot tell" in note
    assert "training diverged" in note


@pytest.mark.parametrize("bad, words", [
    (np.nan, "the weights are not finite (the training diverged): no ratio"),
    (-np.inf, "the weights are not finite (the training diverged): no ratio"),
])
def test_weights_that_are_not_finite_are_said_so(bad, words):
    X, y = load_flower()
    params = initialize_parameters([2, 4, 1], init="small", random_state=0)
    params["W2"][0, 1] = bad
    layers = trace(params, X.T, y, gradient_check=False).layers
    assert layers[1]["flag"] == "exploding" and layers[1]["message"].startswith(words)
    assert layers[1]["grad_ratio"] is None


def _diverged_sigmoid_network():
    """What a learning rate of 1e10 leaves: weights of about 1e9, every σ saturated."""
    X, y = load_flower()
    params = initialize_parameters([2, 5, 1], init="small", random_state=0)
    return {k: v * 1e11 for k, v in params.items()}, X.T, y


def test_a_diverged_saturated_network_is_not_called_healthy():
    # the output layer's ratio of 1e-11 read "gradients are healthy", the hidden layer's
    # 0 "vanishing ... use ReLU", and the check's note "the gradients are all zero"
    params, X, y = _diverged_sigmoid_network()
    t = trace(params, X, y, activations="sigmoid")
    d = t.to_dict()
    json.dumps(d, allow_nan=False)
    hidden, output = d["layers"]
    assert output["grad_ratio"] < 1e-6 and output["saturated_fraction"] > 0.5
    for layer in (hidden, output):
        assert layer["flag"] == "vanishing", layer["message"]
        assert layer["message"].startswith("the weights are too large (‖W‖ = ")
        assert "% of the σ activations are saturated, so this layer barely learns; lower the " \
               "learning rate" in layer["message"]
    text = str(t)
    assert "healthy" not in text and "all zero" not in text
    assert "[VANISHING] the weights are too large" in text
    gc = d["gradient_check"]
    assert "all zero" not in gc["note"] and "central differences cannot tell" in gc["note"]


def test_saturated_units_of_a_converged_model_are_no_problem():
    """Saturated and a tiny ratio, but a cost far below a coin toss's: converged."""
    params, X, y = _diverged_sigmoid_network()
    with np.errstate(over="ignore"):
        A1 = 1 / (1 + np.exp(-(params["W1"] @ X + params["b1"])))
    Y = (params["W2"] @ A1 + params["b2"] > 0).astype(float)  # the labels it predicts
    layers = trace(params, X, Y.ravel(), activations="sigmoid", gradient_check=False).layers
    assert [layer["flag"] for layer in layers] == [None, None]
    assert layers[1]["message"] == "gradients are healthy"


def test_all_zero_note_only_for_gradients_that_are_zero():
    X, y = load_flower()
    zero = initialize_parameters([2, 4, 1], init="zeros", random_state=0)
    balanced = np.arange(X.shape[0]) % 2  # balanced labels: every gradient is 0
    assert "all zero" in trace(zero, X.T, balanced, activations="tanh").gradient_check["note"]


def test_cli_trace_of_a_diverged_model(tmp_path):
    from nnscratch.cli import cli

    runner = CliRunner()
    model = tmp_path / "diverged.npz"
    result = runner.invoke(cli, ["train", "breast-cancer", "--hidden", "5", "--activation",
                                 "sigmoid", "--learning-rate", "1e10", "--iterations", "50",
                                 "--output", str(model)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["trace", str(model), "breast-cancer", "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert [layer["flag"] for layer in d["layers"]] == ["vanishing", "vanishing"]
    assert all(layer["message"] != "gradients are healthy" for layer in d["layers"])
    assert "all zero" not in d["gradient_check"]["note"]
    result = runner.invoke(cli, ["trace", str(model), "breast-cancer"])
    assert result.exit_code == 0 and "healthy" not in result.stdout
    assert "all zero" not in result.stdout and "the weights are too large" in result.stdout
    model = tmp_path / "overflowed.npz"
    result = runner.invoke(cli, ["train", "breast-cancer", "--learning-rate", "1e300",
                                 "--iterations", "50", "--output", str(model)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["trace", str(model), "breast-cancer", "--json"])
    layer = json.loads(result.stdout)["layers"][0]
    assert layer["flag"] == "exploding" and layer["grad_ratio"] is None
    assert layer["message"].startswith("‖W‖ overflows float64 (weights up to ")


# ------------------------------------------- found by the audit of 2026-12-07


def test_a_sigmoid_output_of_several_units_is_refused_naming_softmax():
    """Its cost averaged over n_L * m values and its dW over m: the gradient check
    called correct gradients a bug (difference 0.5)."""
    from nnscratch.course import trace

    rng = np.random.default_rng(0)
    P = {"W1": rng.standard_normal((3, 2)), "b1": np.zeros((3, 1)),
         "W2": rng.standard_normal((3, 3)), "b2": np.zeros((3, 1))}
    X, Y = rng.standard_normal((2, 10)), np.eye(3)[rng.integers(0, 3, 10)].T
    with pytest.raises(ValueError, match="output='sigmoid' takes one output unit .* pass "
                                         "output='softmax'"):
        trace(P, X, Y)
    assert trace(P, X, Y, output="softmax").gradient_check["verdict"] == "fine"


def test_a_saturated_right_output_has_its_dA():
    """dA[L] = -(Y/A - (1-Y)/(1-A)) gave 0/0 where A rounded to exactly 1 for Y = 1:
    every summary value n/a, where the value is -1."""
    from nnscratch.course import trace

    t = trace({"W1": [[50.0]], "b1": [[0.0]]}, X=[[1.0, -1.0, 2.0]], y=[1, 0, 1])
    line = next(row for row in str(t).splitlines() if row.startswith("dA[1]"))
    assert "n/a" not in line and line.split()[5:7] == ["-1", "1"], line  # min, max


def test_trace_of_an_estimator_takes_sparse_rows_and_refuses_nan():
    import scipy.sparse as sp

    from nnscratch import NeuralNetworkClassifier
    from nnscratch.course import trace

    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 4))
    y = (X[:, 0] > 0).astype(int)
    est = NeuralNetworkClassifier((3,), max_iter=5, random_state=0).fit(sp.csr_matrix(X), y)
    assert str(trace(est, sp.csr_matrix(X[:5]), y[:5])) == str(trace(est, X[:5], y[:5]))
    X[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"row X\[2\] holds NaN or infinity"):
        trace(est, X[:5], y[:5])


def test_a_model_trained_otherwise_than_the_traced_step_is_told_so(flower_model):
    # the playground's glass box says it; the trace of a saved Adam / mini-batch model
    # showed the course's step with no word of the difference
    clf, X, y = flower_model
    assert trace(clf, X[:50], y[:50]).to_dict()["step_note"] is None
    assert "note: this is the course's step" not in str(trace(clf, X[:50], y[:50]))
    other = NeuralNetworkClassifier(hidden_layer_sizes=(4, 3), solver="adam", batch_size=64,
                                    dropout=(0.1, 0.0), class_weight="balanced",
                                    max_iter=2, random_state=0).fit(X, y)
    shown = trace(other, X[:50], y[:50])
    note = ("this is the course's step: gradient descent on all 50 examples at once, no "
            "dropout. The model trained with Adam, mini-batches of 64, dropout 0.1, 0, "
            "class weights: its steps start from gradients like these but move the weights "
            "differently.")
    assert shown.to_dict()["step_note"] == note
    assert str(shown).splitlines()[1] == f"note: {note}"
    assert f"note: {note}" in shown._repr_html_().replace("&#x27;", "'")


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_a_difference_within_the_rounding_of_small_gradients_is_fine(activation):
    # the step-by-step notebook's weights (randn x 0.01) give gradients near 1e-5: a
    # right backward pass got 2.3e-7 -> "check" from J's last digits over 2 epsilon
    from nnscratch.course import deep

    X, y = load_flower()
    params = deep.initialize_parameters_deep([2, 5, 3, 1])
    check = trace(params, X.T, y, activations=activation, learning_rate=0.1).gradient_check
    assert 1e-7 < check["difference"] < 1e-5 and check["verdict"] == "fine"
    assert check["note"].startswith(f"the difference {check['difference']:.2g} is within "
                                    "what the rounding of J (= 0.693) over 2ε can make")
    # a backward pass 1 % off (a relative difference of 0.005) is not excused: the
    # rounding these gradients allow is under 1e-5
    from nnscratch._trace import _rounding_difference

    g = np.full(29, 1e-5)
    assert _rounding_difference(g, g * 1.01, 0.693, 1e-5) < 1e-5


def test_the_coordinates_tried_are_counted_apart_from_those_left_out():
    # "5 of 17 coordinates: in each array the 10 largest gradients and 10 chosen at
    # random" where every coordinate was tried and 12 were left out as kinks
    from nnscratch.course import deep

    X, y = load_flower()
    check = trace(deep.initialize_parameters_deep([2, 5, 3, 1]), X.T, y,
                  learning_rate=0.1).gradient_check
    assert check["coordinates"].startswith("every coordinate; ")
    assert check["coordinates"].endswith(
        f"{check['n_kinks']} of them left out where a ReLU crossed 0 (a kink, no derivative "
        f"there), {check['n_checked']} compared")
    assert check["n_kinks"] + check["n_checked"] == check["n_parameters"] == 37


def test_leaky_relu_units_are_never_called_dead():
    # "100 % of the ReLU units are never positive on this batch and get no gradient" of
    # leaky ReLU units, whose negative slope gets a gradient
    rng = np.random.RandomState(0)
    X, y = load_flower()
    params = {"W1": 0.1 * rng.randn(4, 2), "b1": np.full((4, 1), -5.0),
              "W2": rng.randn(1, 4), "b2": np.zeros((1, 1))}
    relu = trace(params, X.T, y, activations="relu", learning_rate=0.1).layers[0]
    assert relu["flag"] == "dead" and relu["dead_fraction"] == 1.0
    leaky = trace(params, X.T, y, activations="leaky_relu", learning_rate=0.1).layers[0]
    assert leaky["flag"] != "dead" and leaky["dead_fraction"] is None
    assert leaky["grad_ratio"] > 0


@pytest.mark.parametrize("given", [[1, 2], None, "model.npz"])
def test_something_that_is_no_estimator_is_not_called_unfitted(given):
    # "the estimator is not fitted; call fit first" of a list or None
    X, y = load_flower()
    with pytest.raises(ValueError, match=r"^trace takes a fitted estimator or a parameters "
                                         rf"dict \{{'W1': \.\.\., 'b1': \.\.\.\}}, not "
                                         rf"{type(given).__name__}$"):
        trace(given, X.T, y)


def test_da_of_a_right_saturated_output_at_z_1000_is_its_value_not_nan():
    # -Y (1 + e^-Z) + (1 - Y)(1 + e^Z) gave 0 * inf = NaN at z = ±1000 ("n/a")
    params = {"W1": np.array([[1000.0, -1000.0]]), "b1": np.zeros((1, 1))}
    t = trace(params, np.array([[1.0, -1.0], [0.0, 1.0]]), np.array([[1, 0]]),
              gradient_check=False)
    summary = t.to_dict()["layers"][0]["arrays"]["dA[1]"]
    assert (summary["min"], summary["max"]) == (-1.0, 1.0)
