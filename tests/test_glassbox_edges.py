"""Edge cases of the glass box (checker, trace, gradient check) and the playground
server found by QA: each test fails without its fix."""

import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from nnscratch.course import CheckError, check

SOLUTIONS = Path(__file__).parent / "learner_solutions"


def planted(tmp_path, assignment, old, new, name="my_solution.py"):
    text = (SOLUTIONS / f"{assignment}.py").read_text()
    assert text.count(old) == 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new))
    return path


# ------------------------------------------------------------------------------ checker

def test_check_prints_nothing_when_the_reference_predict_runs(tmp_path, capfd):
    """The hints run the reference's deep.predict, which prints its accuracy: that line
    must not reach stdout (``check --json`` prints JSON only)."""
    path = planted(tmp_path, "deep", "            p[0, i] = 1\n", "            p[0, i] = 2\n")
    report = check(path, functions=["predict"])
    assert report["predict"].status == "fail"
    out, _err = capfd.readouterr()
    assert out == ""


# --------------------------------------------------------------------------- playground

@pytest.fixture
def client():
    pytest.importorskip("starlette")
    pytest.importorskip("httpx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        from nnscratch.playground.server import create_app
    with TestClient(create_app(grace=300), raise_server_exceptions=False) as c:
        yield c


def one_line_refusal(response, status=422):
    assert response.status_code == status, response.text
    assert "\n" not in response.text and len(response.text) < 400, response.text
    return response.json()

JSON = {"content-type": "application/json"}  # what the page sends


@pytest.mark.parametrize("key", ["learning_rate", "noise", "test_fraction", "alpha", "dropout",
                                 "n_samples", "seed", "batch_size"])
def test_playground_refuses_huge_integers_by_name(client, key):
    body = one_line_refusal(client.post("/api/sessions", json={key: 10**400}))
    assert body["field"] == key and "401 digits" in body["error"]
    raw = f'{{"{key}": {"9" * 5000}}}'.encode()  # past Python's 4300-digit limit
    body = one_line_refusal(client.post("/api/sessions", content=raw, headers=JSON))
    assert body["field"] == key and "5,000 digits" in body["error"]


def test_playground_refuses_huge_numbers_elsewhere(client):
    body = one_line_refusal(client.post("/api/sessions", json={
        "hidden": [{"units": 1e300, "activation": "relu"}]}))
    assert body["field"] == "hidden[0].units"
    sid = client.post("/api/sessions", json={}).json()["session"]
    raw = b'{"iterations_per_frame": ' + b"9" * 5000 + b"}"
    body = one_line_refusal(client.post(f"/api/sessions/{sid}/control", content=raw,
                                                    headers=JSON))
    assert body["field"] == "iterations_per_frame"
    one_line_refusal(client.get(f"/api/sessions/{sid}/pictures/train/" + "9" * 5000), 404)


def test_playground_refuses_a_deeply_nested_body(client):
    body = one_line_refusal(client.post("/api/sessions", content=b"[" * 30000 + b"]" * 30000,
                                        headers=JSON), 400)
    assert "nested too deeply" in body["error"]


def test_playground_upload_errors_stay_short(client):
    sid = client.post("/api/sessions", json={}).json()["session"]
    rows = b"".join(f"{i},{i},label{i}\n".encode() for i in range(3000))
    body = one_line_refusal(client.post(f"/api/sessions/{sid}/upload",
                                        content=b"a,b,y\n" + rows))
    assert "3,000 classes" in body["error"] and "at most 20" in body["error"]
    rows = b"".join(f"{i},{i},label{i % 19 if i < 36 else 19}\n".encode() for i in range(40))
    assert client.post(f"/api/sessions/{sid}/upload", content=b"a,b,y\n" + rows).status_code \
        == 200
    body = one_line_refusal(client.post(f"/api/sessions/{sid}/config",
                                        json={"dataset": "upload"}))
    assert "single example" in body["error"]
    csv = b"a,b,y\n" + b"9" * 5000 + b",2,0\n" + b"1,2,0\n1,2,1\n" * 10
    one_line_refusal(client.post(f"/api/sessions/{sid}/upload", content=csv))


# ------------------------------------------------------------------ gradient check, trace

def _zero_network():
    from nnscratch.playground.data import playground_data

    d = playground_data("flower", n_samples=400, noise=0.2, classes=2, seed=1,
                        test_fraction=0.5, features=["x1", "x2"])
    assert np.mean(d.y_train) == 0.5  # balanced: even db[2] is 0
    params = {"W1": np.zeros((4, 2)), "b1": np.zeros((4, 1)), "W2": np.zeros((1, 4)),
              "b2": np.zeros((1, 1))}
    return params, d.X_train.T, d.y_train


def test_trace_gradient_check_of_all_zero_gradients_is_fine():
    from nnscratch.course import trace

    params, X, y = _zero_network()
    check = trace(params, X, y, activations="tanh").gradient_check
    assert check["verdict"] == "fine" and check["difference"] == 0.0
    assert "all zero" in check["note"]
    assert "all zero" in str(trace(params, X, y, activations="tanh"))
    params["W2"][0, 0] = 0.5  # gradients now: no note
    check = trace(params, X, y, activations="tanh").gradient_check
    assert check["verdict"] == "fine" and check["note"] is None


def test_gradcheck_of_all_zero_gradients_is_zero():
    from nnscratch.gradcheck import gradient_check

    params, X, y = _zero_network()
    assert gradient_check(params, X, y.reshape(1, -1).astype(float), "tanh",
                          epsilon=1e-5) == 0.0
    with pytest.raises(ValueError, match="epsilon"):
        gradient_check(params, X, y.reshape(1, -1).astype(float), epsilon=0)


@pytest.mark.parametrize(("kwargs", "word"), [
    ({"coordinates": 0}, "coordinates"), ({"coordinates": -1}, "coordinates"),
    ({"coordinates": 2.5}, "coordinates"), ({"epsilon": 0}, "epsilon"),
    ({"epsilon": float("nan")}, "epsilon"), ({"random_state": -1}, "random_state"),
])
def test_trace_refuses_gradient_check_settings_that_check_nothing(kwargs, word):
    from nnscratch.course import trace

    params, X, y = _zero_network()
    with pytest.raises(ValueError, match=word) as info:
        trace(params, X, y, **kwargs)
    assert "\n" not in str(info.value)


def test_trace_includes_the_l2_term_of_the_estimators_step():
    """λ = alpha: the traced cost is the estimator's (J + (λ/2m) Σ‖W‖²) and dW is its
    step over the learning rate (dW + (λ/m) W)."""
    from nnscratch import NeuralNetworkClassifier
    from nnscratch.course import trace
    from nnscratch.datasets import load_flower

    X, y = load_flower()
    kw = dict(hidden_layer_sizes=(4,), activation="tanh", learning_rate=0.5, alpha=0.7,
              random_state=1, init="lecun")
    before = NeuralNetworkClassifier(max_iter=3, **kw).fit(X, y)
    after = NeuralNetworkClassifier(max_iter=4, **kw).fit(X, y)
    t = trace(before, X, y)
    assert t.to_dict()["alpha"] == 0.7
    assert t.to_dict()["cost"] == pytest.approx(after.loss_curve_[3], rel=1e-12)
    for l in (1, 2):
        step = (before.params_[f"W{l}"] - after.params_[f"W{l}"]) / 0.5
        traced = t.layers[l - 1]["arrays"][f"dW[{l}]"]
        for key, value in (("norm", np.linalg.norm(step)), ("max", step.max()),
                           ("min", step.min()), ("mean", step.mean())):
            assert traced[key] == pytest.approx(value, rel=1e-9, abs=1e-15), (l, key)
        assert "(λ/m) W[" in t.layers[l - 1]["backward"][-2]["equation"]
    assert t.gradient_check["verdict"] == "fine"
    assert "λ = 0.7" in str(t)
    # without alpha: no L2 term, and the same parameters give a smaller cost
    plain = trace(before, X, y, alpha=0)
    assert plain.to_dict()["cost"] < t.to_dict()["cost"]
    assert "λ" not in plain.layers[0]["backward"][-2]["equation"]


def _fitted():
    from nnscratch import NeuralNetworkClassifier
    from nnscratch.datasets import load_flower

    X, y = load_flower()
    est = NeuralNetworkClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=1)
    return est.fit(X, y), X, y


@pytest.mark.parametrize(("call", "words"), [
    (lambda p, X, Y, est, y: ((p, X, Y), {"output": "tanh"}), "output must be"),
    (lambda p, X, Y, est, y: ((p, X[:, :0], Y[:, :0]), {}), "m = 0"),
    (lambda p, X, Y, est, y: ((est, X.T[:0], y[:0]), {}), "no rows"),
    (lambda p, X, Y, est, y: ((est, X.T, y[:10]), {}), "one label per row"),
    (lambda p, X, Y, est, y: ((est, X.T, np.where(y == 1, 7, 0)), {}), "not trained on (7)"),
    (lambda p, X, Y, est, y: ((p, X, Y * 2), {}), "0 and 1 only"),
    (lambda p, X, Y, est, y: ((p, X, Y), {"output": "softmax"}), "2 or more output units"),
    (lambda p, X, Y, est, y: ((dict(p, W9=np.zeros((1, 1))), X, Y), {}), "W9 not expected"),
    (lambda p, X, Y, est, y: ((p, X, Y), {"learning_rate": -1}), "learning_rate"),
    (lambda p, X, Y, est, y: ((p, X, Y), {"alpha": -1}), "alpha"),
])
def test_trace_refuses_bad_arguments_in_one_line(call, words):
    from nnscratch.course import trace

    est, X, y = _fitted()
    params = {k: v.copy() for k, v in est.params_.items()}
    args, kwargs = call(params, X.T, y.reshape(1, -1), est, y)
    with pytest.raises(ValueError) as info:
        trace(*args, **kwargs)
    message = str(info.value)
    assert words in message and "\n" not in message
    assert "missing" not in message  # an extra key is not reported as missing ones


def test_playground_trace_has_the_l2_term(client):
    sid = client.post("/api/sessions", json={"alpha": 0.5}).json()["session"]
    assert client.post(f"/api/sessions/{sid}/control", json={"action": "step"}).status_code \
        == 200
    traced = client.get(f"/api/sessions/{sid}/trace?gradient_check=1").json()
    assert traced["alpha"] == 0.5
    assert traced["layers"][0]["backward"][-2]["equation"].endswith("(λ/m) W[1]")
    assert traced["gradient_check"]["verdict"] == "fine"


@pytest.mark.slow  # waits out the checker's timeout
def test_a_file_whose_top_level_code_hangs_is_reported_once_in_time(tmp_path):
    path = planted(tmp_path, "logistic", "import numpy as np\n",
                   "import numpy as np\nimport time\ntime.sleep(100)\n")
    started = time.monotonic()
    report = check(path, timeout=1.5)
    assert time.monotonic() - started < 15
    assert report.functions == [] and report.file_error.type == "timeout"
    assert "top-level code did not finish within 1.5 s" in report.file_error.message
    assert str(report).count("did not finish") == 1 and not report.ok
    assert "endless loop" not in str(report)


@pytest.mark.slow  # waits out the checker's timeouts
def test_the_rerun_with_correct_callees_keeps_to_the_timeout(tmp_path):
    """propagate loops and sigmoid is wrong: the rerun of propagate with a correct sigmoid
    had 60 s whatever --timeout said."""
    path = tmp_path / "slow.py"
    path.write_text("import numpy as np\n\ndef sigmoid(z):\n    return z\n\n"
                    "def propagate(w, b, X, Y):\n    while True:\n        pass\n")
    started = time.monotonic()
    report = check(path, timeout=2, functions=["sigmoid", "propagate"])
    assert time.monotonic() - started < 20
    assert report["propagate"].status == "error"
    assert "did not finish within 2 s" in report["propagate"].message


def test_a_deep_file_begun_with_its_helpers_is_the_deep_assignment(tmp_path):
    """sigmoid, relu, their backward helpers and linear_forward: the deep assignment,
    not the logistic one (sigmoid is logistic's own function)."""
    text = (SOLUTIONS / "deep.py").read_text()
    path = tmp_path / "begun.py"
    path.write_text(text.split("def initialize_parameters(")[0]
                    + "def linear_forward(A, W, b):\n    return np.dot(W, A) + b, (A, W, b)\n")
    from nnscratch._course_cases import detect

    assert detect({"sigmoid", "relu", "sigmoid_backward", "relu_backward",
                   "linear_forward"})[0] == "deep"
    assert detect({"sigmoid", "layer_sizes"})[0] == "shallow"
    assert detect({"sigmoid", "propagate"})[0] == "logistic"
    report = check(path, functions=["linear_forward"])
    assert report.assignment == "deep" and report.detected
    assert report["linear_forward"].status == "pass"


SCALE = 1.0  # notebook globals the functions below read


def _notebook_helper(z):
    return SCALE / (1 + np.exp(-z))


def test_check_of_a_dict_uses_its_keys_and_the_notebook_globals():
    import numpy.linalg as la  # noqa: F401 - read by the lambda below through globals

    def my_sigmoid(z):
        return _notebook_helper(z)  # a notebook function and a constant, from its globals

    report = check({"sigmoid": my_sigmoid}, assignment="logistic", functions=["sigmoid"])
    assert report["sigmoid"].status == "pass", str(report)
    report = check({"sigmoid": lambda z: 1 / (1 + np.exp(-z))}, assignment="logistic",
                   functions=["sigmoid"])
    assert report["sigmoid"].status == "pass", str(report)
    with pytest.raises(CheckError, match="sigmoid is not a function"):
        check({"sigmoid": 3}, assignment="logistic")


def sigmoid(z):  # an old wrong attempt, still a global of the notebook
    return z


def test_the_dict_key_wins_over_a_notebook_function_of_that_name():
    def right(z):
        return 1 / (1 + np.exp(-z))

    def propagate(w, b, X, Y):
        m = X.shape[1]
        A = sigmoid(np.dot(w.T, X) + b)  # the notebook's sigmoid: the dict says `right`
        cost = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
        return {"dw": np.dot(X, (A - Y).T) / m, "db": np.sum(A - Y) / m}, cost

    report = check({"sigmoid": right, "propagate": propagate}, assignment="logistic",
                   functions=["sigmoid", "propagate"])
    assert report.ok and report.passed == 2, str(report)


@pytest.mark.parametrize(("assignment", "old", "new", "function", "hint_id", "words", "not_words"), [
    pytest.param("deep", "dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))",
                 "dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)", "L_model_backward",
                 "dAL_sign", "dAL = −(Y/AL", "the cost is", id="deep-dAL-sign"),
    pytest.param("shallow", "dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))",
                 "dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(np.tanh(A1), 2))",
                 "backward_propagation", "derivative_at_A", "tanh'(Z) = 1 − tanh(Z)²", "σ",
                 id="shallow-tanh-derivative-at-A"),
    pytest.param("shallow", "(1 - np.power(A1, 2))", "(1 - np.power(cache['Z1'], 2))",
                 "backward_propagation", "derivative_of_Z", "1 − A²", "σ",
                 id="shallow-tanh-derivative-of-Z"),
    pytest.param("shallow", "dZ2 = A2 - Y", "dZ2 = Y - A2", "backward_propagation",
                 "gradient_sign", "dZ2 = A2 − Y", "the cost is", id="shallow-dZ2-sign"),
    pytest.param("shallow", "(1 - np.power(A1, 2))", "(1 - A1)", "backward_propagation",
                 "wrong_derivative", "tanh'(Z1) = 1 − A1² (1 - np.power(A1, 2)), not 1 − A1 "
                 "(the square is missing)", "σ", id="shallow-tanh-square-missing"),
    pytest.param("logistic", "        b = b - learning_rate * db\n", "", "optimize",
                 "bias_not_updated", "b := b − α db as well as w := w − α dw", "W",
                 id="logistic-optimize-b-not-updated"),
    pytest.param("deep", "db = np.sum(dZ, axis=1, keepdims=True) / m",
                 "db = np.sum(dZ, axis=0, keepdims=True)", "linear_backward", "sum_axis",
                 "np.sum(dZ, axis=1, keepdims=True)", "transposed", id="deep-db-axis-0-no-m"),
])
def test_hints_name_the_right_formula(tmp_path, assignment, old, new, function, hint_id,
                                      words, not_words):
    path = planted(tmp_path, assignment, old, new)
    result = check(path, functions=[function])[function]
    assert result.status == "fail" and result.hint_id == hint_id, result
    assert words in result.hint and not_words not in result.hint, result.hint


def test_arrays_of_other_shapes_are_said_to_differ_in_shape(tmp_path):
    """A transposed dW holds the same numbers: "largest difference 0" read as a pass."""
    path = planted(tmp_path, "deep", "dW = np.dot(dZ, A_prev.T) / m",
                   "dW = np.dot(dZ, A_prev.T).T / m")
    report = check(path, functions=["linear_backward"])
    result = report["linear_backward"]
    assert result.status == "fail" and result.max_abs_diff is None
    text = str(report)
    assert "the shapes differ: expected shape (1, 3), got shape (3, 1)" in text
    assert "largest difference" not in text


def test_a_wrong_number_of_return_values_is_counted(tmp_path):
    path = planted(tmp_path, "logistic", "    return grads, cost\n",
                   "    return grads, cost, 0\n")
    result = check(path, functions=["propagate"])["propagate"]
    assert "returns a tuple of 3 values where 2 values (grads, cost) were expected" in \
        result.message


def test_no_relative_difference_where_zero_was_expected(tmp_path):
    path = tmp_path / "zero.py"
    path.write_text("import numpy as np\n\ndef initialize_with_zeros(dim):\n"
                    "    w = np.zeros((dim, 1))\n    w[0, 0] = 1.0\n    return w, 0.0\n")
    report = check(path, assignment="logistic", functions=["initialize_with_zeros"])
    result = report["initialize_with_zeros"]
    assert result.status == "fail" and result.max_rel_diff is None
    assert "expected 0, got 1 (difference 1)" in str(report)
    assert "e+12" not in str(report)


def test_playground_upload_errors_keep_their_words(client):
    """Only a long quoted value is cut, never the words between two quotes."""
    sid = client.post("/api/sessions", json={}).json()["session"]
    csv = b"a,b,y\n" + b"1,2,0\n1,2,1\n" * 5 + b"1e308,2,0\n"
    body = one_line_refusal(client.post(f"/api/sessions/{sid}/upload", content=csv))
    assert "..." not in body["error"], body


def test_runs_started_at_once_in_one_session_leave_none_behind():
    """Two requests of one tab starting runs at the same time (a page restoring a
    link): each run replaced is stopped, none left paused for ever holding threads."""
    import threading

    from nnscratch import _threads
    from nnscratch.playground import sessions as sessions_module
    from nnscratch.playground.config import check_config
    from nnscratch.playground.data import playground_data

    cfg, data = check_config({}, {}), playground_data("flower")
    session = sessions_module.Session()
    made, lock = [], threading.Lock()

    class Slow(sessions_module.Run):  # a run made slowly: the starts overlap
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            with lock:
                made.append(self)
            barrier.wait(10)

    barrier = threading.Barrier(4)
    original, sessions_module.Run = sessions_module.Run, Slow
    try:
        starters = [threading.Thread(target=session.start, args=(cfg, data)) for _ in range(4)]
        for t in starters:
            t.start()
        for t in starters:
            t.join(30)
    finally:
        sessions_module.Run = original
    assert len(made) == 4
    assert [r for r in made if not r.closed] == [session.run]
    session.close()
    for run in made:
        run._thread.join(10)
        assert not run._thread.is_alive()
    assert not _threads._ACTIVE.runs
