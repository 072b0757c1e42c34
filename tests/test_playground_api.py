"""The playground's data, settings and HTTP API, in process (no browser).

The API is driven with Starlette's TestClient, and, where the event stream matters, with
httpx against a server running in a thread (:class:`BackgroundServer`). The glass box's
``nnscratch.course.trace`` is replaced by a canned trace that follows the real one's
schema (the dict that ``Trace.to_dict()`` in ``src/nnscratch/_trace.py`` returns, whose
``--json`` form docs/course.md describes): the real one is tested where it lives.
"""

import json
import re
import subprocess
import sys
import time
import types
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the playground's API tests need starlette "
                    "(pip install 'nnscratch[playground]')")
pytest.importorskip("httpx", reason="the playground's API tests need httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from conftest import shared_file
from nnscratch import NeuralNetworkClassifier, load
from nnscratch.cli import run as cli_run
from nnscratch.datasets import load_dataset, load_flower
from nnscratch.playground.config import DEFAULTS, ConfigError, check_config
from nnscratch.playground.data import DATASETS, expand, from_dataset, make_points, playground_data
from nnscratch.playground.server import (
    BackgroundServer,
    bad_http,
    create_app,
    is_loopback,
    load_file,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SPIRAL = {"dataset": "spiral", "classes": 3, "features": ["x1", "x2", "sin(x1)"],
          "hidden": [{"units": 8, "activation": "relu"}, {"units": 5, "activation": "tanh"}],
          "solver": "adam", "learning_rate": 0.01, "batch_size": 64, "dropout": 0.1,
          "alpha": 0.01, "init": "he", "seed": 3}


@pytest.fixture
def client():
    with TestClient(create_app(grace=300)) as c:  # no stream here: keep the sessions
        yield c


def new_session(client, config=None):
    r = client.post("/api/sessions", json=config or {})
    assert r.status_code == 201, r.text
    return r.json()


def control(client, sid, **body):
    r = client.post(f"/api/sessions/{sid}/control", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def train_a_while(client, sid, until=30, ipf=7):
    """Play until at least ``until`` iterations are done, then pause."""
    control(client, sid, action="play", iterations_per_frame=ipf)
    for _ in range(2000):
        if client.get(f"/api/sessions/{sid}/state").json()["iteration"] >= until:
            break
        time.sleep(0.01)
    return control(client, sid, action="pause")


def assert_one_line_error(response, status, *fragments):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "\n" not in response.text.strip() and "Traceback" not in response.text
    message = response.json()["error"]
    for fragment in fragments:
        assert fragment in message, message
    return message


# --------------------------------------------------------------------------- data


def test_flower_is_the_course_planar_set_point_for_point():
    X, y = make_points("flower", n_samples=400, noise=0.2, seed=1)
    X0, y0 = load_flower()
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_set_is_drawn_from_its_seed_and_split_stratified(name):
    classes = 4 if name in ("blobs", "spiral") else 2
    a = playground_data(name, n_samples=300, classes=classes, seed=5, test_fraction=0.3)
    b = playground_data(name, n_samples=300, classes=classes, seed=5, test_fraction=0.3)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert a.X_train.shape[1] == 2 and a.raw_train.shape[1] == 2
    assert len(np.unique(a.y_train)) == classes
    assert abs(len(a.y_test) / (len(a.y_train) + len(a.y_test)) - 0.3) < 0.02
    c = playground_data(name, n_samples=300, classes=classes, seed=6, test_fraction=0.3)
    assert not np.array_equal(a.raw_train, c.raw_train)


def test_features_of_the_plane():
    points = np.array([[1.0, 2.0], [-0.5, 3.0]])
    X = expand(points, ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"])
    np.testing.assert_allclose(X[0], [1, 2, 1, 4, 2, np.sin(1), np.sin(2)])
    np.testing.assert_allclose(X[1], [-0.5, 3, 0.25, 9, -1.5, np.sin(-0.5), np.sin(3)])


def test_a_two_column_csv_is_a_plane_with_named_feature_columns(tmp_path):
    path = tmp_path / "pts.csv"
    X, y = make_points("moons", n_samples=100, seed=2)
    path.write_text("u,v,label\n" + "".join(f"{a},{b},{'yes' if c else 'no'}\n"
                                             for (a, b), c in zip(X, y)))
    data = from_dataset(load_dataset(path), test_fraction=0.25, seed=1,
                        features=["x1", "x2", "x1*x2"])
    assert data.plane and data.feature_names == ["u", "v", "u*v"]
    assert data.class_names == ["no", "yes"]
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0, atol=1e-12)  # standardised
    np.testing.assert_allclose(data.transform(data.raw_train), data.X_train)


# --------------------------------------------------------------------------- settings


def test_defaults_are_the_course_flower_network():
    cfg = check_config({}, {})
    assert cfg == {**DEFAULTS, "features": ["x1", "x2"]}


@pytest.mark.parametrize("raw, fragment", [
    ({"hidden": [{"units": 1_000_000, "activation": "tanh"}]}, "between 1 and 256"),
    ({"hidden": [{"units": 4, "activation": "swish"}]}, "activation of hidden layer 1"),
    ({"hidden": [{"units": 4, "activation": "tanh"}] * 9},
     "the number of hidden layers must be between 0 and 8, got 9"),
    ({"learning_rate": "fast"}, "learning_rate must be a number"),
    ({"learning_rate": 0}, "learning_rate must be between"),
    ({"noise": -1}, "noise must be between"),
    ({"n_samples": 10 ** 9}, "n_samples must be between"),
    ({"n_samples": 2.5}, "n_samples must be a whole number"),
    ({"features": []}, "features must not be empty: choose at least one"),
    ({"features": ["x3"]}, "each feature"),
    ({"dataset": "/etc/passwd"}, "dataset must be one of"),
    ({"dataset": "file"}, "dataset 'file' needs a --data file"),
    ({"batch_size": True}, "batch_size must be a whole number"),
    ({"dropout": 0.95}, "dropout must be between"),
    ({"solver": "lbfgs"}, "solver must be one of"),
    ({"path": "/etc/passwd"}, "unknown setting 'path'"),
    ([1, 2], "JSON object"),
])
def test_bad_settings_are_refused_with_a_message(raw, fragment):
    with pytest.raises(ConfigError, match=None) as info:
        check_config(raw, {})
    assert fragment in str(info.value)


def test_a_network_too_large_for_the_data_is_refused():
    big = [{"units": 256, "activation": "relu"}] * 2
    with pytest.raises(ConfigError, match="parameters") as info:
        check_config({"dataset": "file", "hidden": big}, {"file": 20000})
    assert info.value.field == "hidden"  # the page names its field, as every refusal's
    assert info.value.problem.startswith("would give the network 5,")


# --------------------------------------------------------------------------- the API


def test_a_session_starts_paused_at_iteration_zero(client):
    described = new_session(client)
    assert described["network"] == {"sizes": [2, 4, 1], "activations": ["tanh"],
                                     "output": "sigmoid"}
    data = described["data"]
    assert data["kind"] == "plane" and data["n_train"] == 200 and data["n_test"] == 200
    assert len(data["train"]) == 200 and len(data["extent"]) == 4
    state = client.get(f"/api/sessions/{described['session']}/state").json()
    assert state["iteration"] == 0 and state["state"] == "paused"


@pytest.mark.parametrize("body, status, fragment", [
    ({"hidden": [{"units": 1_000_000, "activation": "tanh"}]}, 422, "between 1 and 256"),
    ({"learning_rate": "fast"}, 422, "learning_rate must be a number"),
    ({"dataset": "../../etc/passwd"}, 422, "dataset must be one of"),
])
def test_bad_settings_get_a_4xx_and_one_line_of_json(client, body, status, fragment):
    assert_one_line_error(client.post("/api/sessions", json=body), status, fragment)
    sid = new_session(client)["session"]
    assert_one_line_error(client.post(f"/api/sessions/{sid}/config", json=body), status,
                          fragment)
    # the session is not stuck: it still steps
    assert control(client, sid, action="step")["iteration"] == 1


@pytest.mark.parametrize("body, answer", [
    ({"learning_rate": -3}, {"error": "learning_rate must be between 1e-06 and 100, got -3",
                             "field": "learning_rate",
                             "problem": "must be between 1e-06 and 100, got -3"}),
    ({"hidden": [{"units": 4, "activation": "tanh"}, {"units": 10 ** 6, "activation": "relu"}]},
     {"error": "the units of hidden layer 2 must be between 1 and 256, got 1,000,000",
      "field": "hidden[1].units", "problem": "must be between 1 and 256, got 1,000,000"}),
    ({"features": []}, {"error": "features must not be empty: choose at least one",
                        "field": "features", "problem": "must not be empty: choose at least one"}),
    ({"path": "/etc"}, {"error": "unknown setting 'path'; the settings are "
                                 + ", ".join(DEFAULTS)}),
])
def test_a_refused_setting_is_named_for_the_page_too(client, body, answer):
    """The error stays the API's message; "field" and "problem" let the page put its
    form's label in front ("Learning rate must be ...")."""
    response = client.post("/api/sessions", json=body)
    assert_one_line_error(response, 422)
    assert response.json() == answer


@pytest.mark.parametrize("body, field", [
    ({"hidden": [4, 4]}, "hidden[0]"),
    ({"hidden": [{"units": 4, "activation": "tanh"}] * 9}, "hidden"),
    ({"hidden": [{"units": 4, "activation": "tanh"}] * 20}, "hidden"),
    ({"hidden": "4"}, "hidden"),
    ({"features": []}, "features"),
    ({"features": ["x1", "x2", "x1"]}, "features"),
    ({"features": "x1"}, "features"),
    ({"features": ["x3"]}, "features"),
    ({"dataset": "flower", "classes": 3}, "classes"),
    ({"dataset": "file"}, "dataset"),
    ({"dataset": "upload"}, "dataset"),
    ({"dataset": "nope"}, "dataset"),
    ({"seed": -1}, "seed"),
], ids=["layers-not-objects", "9-layers", "20-layers", "hidden-not-a-list", "no-feature",
        "a-feature-twice", "features-not-a-list", "unknown-feature", "flower-3-classes",
        "file-without-data", "upload-before-uploading", "unknown-dataset", "seed"])
def test_every_refused_setting_names_its_field_and_problem(client, body, field):
    """Every refusal of a setting is said alike: the page puts its form's label before
    the problem ("Hidden layers must be between 0 and 8, got 20"), for every setting."""
    r = client.post("/api/sessions", json=body)
    assert_one_line_error(r, 422)
    answer = r.json()
    assert answer["field"] == field, answer
    assert answer["problem"] and answer["error"].endswith(" " + answer["problem"]), answer
    assert not answer["problem"][0].isupper()  # the label goes first: "Features must ..."


def test_the_hidden_layers_beyond_the_limit_are_counted_in_the_refusal(client):
    r = client.post("/api/sessions", json={"hidden": [{"units": 4, "activation": "tanh"}] * 20})
    assert r.json()["problem"] == "must be between 0 and 8, got 20"


def test_a_feature_named_twice_is_named(client):
    r = client.post("/api/sessions", json={"features": ["x1", "x2", "x1"]})
    assert r.json()["problem"] == "must name each feature once, got 'x1' twice"


def test_every_problem_of_the_settings_is_named_at_once(client):
    """A link with two bad values is refused naming both (it named the first only)."""
    body = {"learning_rate": "abc", "hidden": [{"units": 300, "activation": "tanh"}]}
    r = client.post("/api/sessions", json=body)
    message = assert_one_line_error(r, 422)
    assert message == ("the units of hidden layer 1 must be between 1 and 256, got 300; "
                       "learning_rate must be a number, got 'abc'")
    answer = r.json()
    assert (answer["field"], answer["problem"]) == ("hidden[0].units",
                                                    "must be between 1 and 256, got 300")
    assert answer["problems"] == [
        {"error": "the units of hidden layer 1 must be between 1 and 256, got 300",
         "field": "hidden[0].units", "problem": "must be between 1 and 256, got 300"},
        {"error": "learning_rate must be a number, got 'abc'", "field": "learning_rate",
         "problem": "must be a number, got 'abc'"},
    ]
    # one problem: no list (the answer as before)
    assert "problems" not in client.post("/api/sessions", json={"seed": -1}).json()


@pytest.mark.parametrize("dataset", ["flower", "moons", "circles", "xor"])
def test_the_two_class_sets_refuse_another_number_of_classes(client, dataset):
    r = client.post("/api/sessions", json={"dataset": dataset, "classes": 3})
    assert_one_line_error(r, 422, f"classes must be 2 for {dataset} (only blobs and spiral "
                                  "take 2 to 6 classes), got 3")
    assert new_session(client, {"dataset": dataset, "classes": 2})["config"]["classes"] == 2
    assert new_session(client, {"dataset": dataset})["config"]["classes"] == 2


@pytest.mark.parametrize("dataset", ["blobs", "spiral"])
def test_blobs_and_spiral_take_their_number_of_classes(client, dataset):
    described = new_session(client, {"dataset": dataset, "classes": 4})
    assert described["config"]["classes"] == 4
    assert len(described["data"]["class_names"]) == 4
    assert_one_line_error(client.post("/api/sessions", json={"dataset": dataset, "classes": 7}),
                          422, "classes must be between 2 and 6, got 7")


def test_an_uploaded_file_s_classes_are_its_own(client):
    sid = new_session(client)["session"]
    rows = "".join(f"{i % 7},{i % 5},{'abc'[i % 3]}\n" for i in range(60))
    r = client.post(f"/api/sessions/{sid}/upload?name=three.csv", content="a,b,label\n" + rows,
                    headers={"content-type": "text/csv"})
    assert r.status_code == 200, r.text
    r = client.post(f"/api/sessions/{sid}/config", json={"dataset": "upload"})
    assert r.status_code == 200, r.text
    assert r.json()["config"]["classes"] == 3  # the file's, shown in the form
    r = client.post(f"/api/sessions/{sid}/config", json={"dataset": "upload", "classes": 3})
    assert r.status_code == 200, r.text
    r = client.post(f"/api/sessions/{sid}/config", json={"dataset": "upload", "classes": 2})
    assert_one_line_error(r, 422, "classes must be 3 for the uploaded file (the classes it "
                                  "holds), got 2")


@pytest.mark.parametrize("body", [{}, {"action": None}], ids=["empty", "null-action"])
def test_a_control_request_without_an_action_is_refused(client, body):
    sid = new_session(client)["session"]
    r = client.post(f"/api/sessions/{sid}/control", json=body)
    assert_one_line_error(r, 422, "action is required: one of play, pause, step")
    assert r.json()["field"] == "action"
    assert client.post(f"/api/sessions/{sid}/control", content=b"").status_code == 422
    # the iterations per frame alone are a request
    assert control(client, sid, iterations_per_frame=20)["iterations_per_frame"] == 20


def test_malformed_requests_get_a_4xx_and_one_line_of_json(client):
    json_type = {"content-type": "application/json"}
    assert_one_line_error(client.post("/api/sessions", content=b"{not json", headers=json_type),
                          400, "JSON")
    assert_one_line_error(client.post("/api/sessions", content=b"[" * 70000), 413, "larger")
    assert_one_line_error(client.get("/api/sessions/nope/state"), 404, "no such session")
    assert_one_line_error(client.get("/no/such/page"), 404)
    sid = new_session(client)["session"]
    assert_one_line_error(client.post(f"/api/sessions/{sid}/control", json={"action": "fly"}),
                          422, "action must be one of")
    assert_one_line_error(client.post(f"/api/sessions/{sid}/control",
                                      json={"iterations_per_frame": 0}), 422, "between")
    assert_one_line_error(client.get(f"/api/sessions/{sid}/model"), 409, "at least one")
    assert_one_line_error(client.get(f"/api/sessions/{sid}/pictures/test/0"), 404, "pictures")


def _raw_answer(url: str, request: bytes) -> tuple[str, dict, bytes]:
    """What the server answers to these bytes: status line, headers, body."""
    import socket

    host, port = url.split("//")[1].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):  # the server closes the connection
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
    return status, headers, body


@pytest.mark.parametrize("request_bytes", [
    b"this is not HTTP\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nbad header line\r\n\r\n",
    b"GET /\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n",
], ids=["not-http", "bad-header", "nul-in-target", "bad-length"])
def test_bytes_that_are_not_http_get_a_400_and_one_line_of_json(request_bytes):
    """uvicorn answers what it cannot parse itself, before the application sees it: in
    plain text, unless the server gives it the protocol that answers in JSON."""
    server = BackgroundServer(create_app())
    try:
        status, headers, body = _raw_answer(server.url, request_bytes)
        # the server still serves well-formed requests afterwards
        ok, _, options = _raw_answer(
            server.url, b"GET /api/options HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"Connection: close\r\n\r\n")
    finally:
        server.stop()
    assert status.startswith("HTTP/1.1 400"), status
    assert headers["content-type"] == "application/json"
    assert b"\n" not in body.strip()
    assert json.loads(body) == bad_http("Invalid HTTP request received.") == {
        "error": "the request is not valid HTTP/1.1 (uvicorn: Invalid HTTP request "
                 "received); send a well-formed request"}
    assert ok.startswith("HTTP/1.1 200"), ok


def test_one_step_is_exactly_one_iteration(client):
    sid = new_session(client)["session"]
    for n in (1, 2, 3):
        state = control(client, sid, action="step")
        assert state["iteration"] == n and state["frame_iteration"] == n
        assert state["state"] == "paused"
    costs = client.get(f"/api/sessions/{sid}/costs").json()["costs"]
    reference = NeuralNetworkClassifier(hidden_layer_sizes=(4,), activation="tanh",
                                        init="lecun", learning_rate=1.2, random_state=1,
                                        max_iter=3)
    data = playground_data("flower", features=["x1", "x2"])
    assert costs == reference.fit(data.X_train, data.y_train).loss_curve_


def _paused_state(client, sid, iteration):
    for _ in range(500):
        state = client.get(f"/api/sessions/{sid}/state").json()
        if state["frame_iteration"] == iteration:
            return state
        time.sleep(0.01)
    raise AssertionError(f"no paused frame at iteration {iteration}: {state}")


@pytest.mark.parametrize("config", [{}, {"dataset": "blobs", "classes": 3}],
                         ids=["sigmoid", "softmax"])
def test_train_and_test_costs_are_both_shown_from_iteration_zero(client, config):
    """Both costs are those of the weights shown (the train cost with its L2 term), so
    iteration 0 has both, and the train cost shown is the curve's next point."""
    sid = new_session(client, {**config, "alpha": 0.7})["session"]
    shown = [_paused_state(client, sid, 0)]
    for n in (1, 2):
        control(client, sid, action="step")
        shown.append(_paused_state(client, sid, n))
    for state in shown:
        assert state["train_cost"] is not None and state["test_cost"] is not None
    costs = client.get(f"/api/sessions/{sid}/costs").json()["costs"]
    np.testing.assert_allclose([s["train_cost"] for s in shown[:2]], costs, rtol=1e-10)
    assert shown[2]["train_cost"] < shown[0]["train_cost"]


def _cpu_ticks(thread):
    stat = Path(f"/proc/self/task/{thread.native_id}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
@pytest.mark.slow
def test_a_paused_session_uses_no_cpu(client):
    described = new_session(client)
    sid = described["session"]
    train_a_while(client, sid, until=50)
    run = client.app.state.sessions.get(sid).run
    time.sleep(0.1)  # let it reach its wait
    before = _cpu_ticks(run._thread)
    time.sleep(0.5)
    assert _cpu_ticks(run._thread) == before
    assert run._thread.is_alive()


@pytest.mark.parametrize("config", [
    {}, pytest.param(SPIRAL, marks=pytest.mark.slow)], ids=["flower", "spiral-adam-minibatch"])
def test_the_snippet_and_the_model_file_reproduce_the_run_exactly(client, config, tmp_path):
    sid = new_session(client, config)["session"]
    state = train_a_while(client, sid, until=25, ipf=7)
    n = state["iteration"]
    costs = client.get(f"/api/sessions/{sid}/costs").json()["costs"]
    assert len(costs) == n >= 25
    code = client.get(f"/api/sessions/{sid}/snippet").text
    namespace = {}
    exec(compile(code, "snippet.py", "exec"), namespace)  # noqa: S102 - the snippet, as a user runs it
    clf = namespace["clf"]
    assert clf.loss_curve_ == costs  # exactly, number for number
    path = tmp_path / "model.npz"
    path.write_bytes(client.get(f"/api/sessions/{sid}/model").content)
    model = load(path)
    assert model.n_iter_ == n and model.loss_curve_ == costs
    for key, value in clf.params_.items():
        np.testing.assert_array_equal(model.params_[key], value)


@pytest.mark.parametrize("config", [{}, {"alpha": 0.7}], ids=["flower", "with-l2"])
def test_the_snippet_prints_the_costs_the_page_shows(client, config, capsys):
    """The snippet's costs are those of the weights it fitted, the page's: not
    loss_curve_[-1], the cost computed before the last update (one step older)."""
    sid = new_session(client, config)["session"]
    state = train_a_while(client, sid, until=25, ipf=7)
    n = state["iteration"]
    code = client.get(f"/api/sessions/{sid}/snippet").text
    capsys.readouterr()
    namespace = {}
    exec(compile(code, "snippet.py", "exec"), namespace)  # noqa: S102 - as a user runs it
    out = capsys.readouterr().out
    said = re.search(r"^after ([\d,]+) iterations: train cost ([\d.]+), test cost ([\d.]+)$",
                     out, re.MULTILINE)
    assert said, out
    assert int(said[1].replace(",", "")) == n
    assert float(said[2]) == pytest.approx(state["train_cost"], abs=5e-7)
    assert float(said[3]) == pytest.approx(state["test_cost"], abs=5e-7)
    last = namespace["clf"].loss_curve_[-1]
    assert abs(last - state["train_cost"]) > 1e-6  # one step older: another number


def test_the_exported_model_predicts_through_the_cli(client, tmp_path, capsys):
    sid = new_session(client, {"features": ["x1", "x2", "x1*x2", "sin(x2)"]})["session"]
    train_a_while(client, sid, until=40)
    (tmp_path / "model.npz").write_bytes(client.get(f"/api/sessions/{sid}/model").content)
    (tmp_path / "test.csv").write_text(
        client.get(f"/api/sessions/{sid}/data.csv?part=test").text)
    capsys.readouterr()
    assert cli_run(["predict", str(tmp_path / "model.npz"), str(tmp_path / "test.csv"),
                    "--json"]) == 0
    labels = [row["label"] for row in json.loads(capsys.readouterr().out)]
    run = client.app.state.sessions.get(sid).run
    expected = run.snapshot().predict(run.data.X_test)
    assert labels == [run.data.class_names[c] for c in expected]
    assert set(labels) <= {"red", "blue"}


def test_too_many_sessions_are_refused():
    with TestClient(create_app(max_sessions=2)) as c:
        new_session(c)
        new_session(c)
        assert_one_line_error(c.post("/api/sessions", json={}), 429, "2 sessions")
        first = next(iter(c.app.state.sessions._sessions))
        assert c.post(f"/api/sessions/{first}/close").json() == {"closed": True}
        new_session(c)


def test_the_iteration_limit_bounds_a_run():
    with TestClient(create_app(max_iterations=5)) as c:
        sid = new_session(c)["session"]
        control(c, sid, action="play", iterations_per_frame=1)
        for _ in range(500):
            state = c.get(f"/api/sessions/{sid}/state").json()
            if state["state"] == "over":
                break
            time.sleep(0.01)
        assert state["iteration"] == 5 and "5 iterations" in state["message"]
        assert_one_line_error(c.post(f"/api/sessions/{sid}/control", json={"action": "play"}),
                              409, "press reset")


@pytest.mark.slow
def test_a_diverging_run_says_so_and_is_not_stuck(client):
    sid = new_session(client, {"learning_rate": 50, "init": "he", "solver": "momentum",
                               "features": ["x1", "x2", "x1^2", "x2^2", "x1*x2"],
                               "hidden": [{"units": 16, "activation": "leaky_relu"}] * 2}
                      )["session"]
    control(client, sid, action="play", iterations_per_frame=1)
    for _ in range(1000):
        state = client.get(f"/api/sessions/{sid}/state").json()
        if state["error"]:
            break
        time.sleep(0.01)
    assert "diverged" in state["error"] and "learning_rate" in state["error"]
    assert_one_line_error(client.get(f"/api/sessions/{sid}/model"), 409, "failed")
    assert client.post(f"/api/sessions/{sid}/config", json={}).status_code == 200
    assert control(client, sid, action="step")["iteration"] == 1


# --------------------------------------------------------------------------- uploads


def _moons_csv(n=120):
    X, y = make_points("moons", n_samples=n, seed=4)
    return "a,b,kind\n" + "".join(f"{p:.6f},{q:.6f},{'up' if c else 'down'}\n"
                                  for (p, q), c in zip(X, y))


def test_an_uploaded_csv_trains_and_its_snippet_names_it(client, tmp_path):
    sid = new_session(client)["session"]
    r = client.post(f"/api/sessions/{sid}/upload?name=my%20moons.csv",
                    content=_moons_csv().encode(), headers={"content-type": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.json()["plane"] is True and r.json()["class_names"] == ["down", "up"]
    described = client.post(f"/api/sessions/{sid}/config",
                            json={"dataset": "upload", "features": ["x1", "x2"]}).json()
    assert described["data"]["kind"] == "plane"
    assert described["data"]["feature_names"] == ["a", "b"]
    train_a_while(client, sid, until=10)
    code = client.get(f"/api/sessions/{sid}/snippet").text
    assert "load_dataset('my moons.csv')" in code
    (tmp_path / "my moons.csv").write_text(_moons_csv())
    namespace = {}
    import os
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(code, "snippet.py", "exec"), namespace)  # noqa: S102 - as a user would
    finally:
        os.chdir(cwd)
    assert namespace["clf"].loss_curve_ == client.get(f"/api/sessions/{sid}/costs").json()["costs"]


@pytest.mark.parametrize("name, body, ctype, status, fragment", [
    ("big.csv", b"a,b,c\n" + b"1,2,x\n" * 400_000, "text/csv", 413, "larger than"),
    ("pic.png", b"\x89PNG....", "image/png", 415, ".csv"),
    ("data.csv", b"\x00\x01\x02\xff\xfe", "text/csv", 415, "not a text CSV"),
    ("data.csv", b"a,b,c\n1,2,x\n", "application/json", 415, "CSV"),
    ("data.csv", b"a,b,c\n1,oops,x\n" * 20, "text/csv", 422, "not a number"),
    ("data.csv", b"a,b,c\n" + b"1,2,x\n" * 20, "text/csv", 422, "one class"),
    ("../../etc/passwd.csv", b"a,b,c\n1,2,x\n", "text/csv", 422, None),
], ids=["too-big", "a-picture", "binary", "wrong-type", "not-numbers", "one-class",
        "a-path"])
def test_bad_uploads_are_refused(client, name, body, ctype, status, fragment):
    sid = new_session(client)["session"]
    r = client.post(f"/api/sessions/{sid}/upload", params={"name": name}, content=body,
                    headers={"content-type": ctype})
    if fragment is None:  # a path in the name is cut to its last part, never opened
        assert r.status_code in (200, 422)
        assert "passwd" not in json.dumps(client.get(f"/api/sessions/{sid}/state").json())
        return
    assert_one_line_error(r, status, fragment)


# --------------------------------------------------------------------------- the glass box


CANNED_TRACE = {
    "m": 200, "n_x": 2, "output": "sigmoid", "cost": 0.69, "learning_rate": 1.2,
    "layers": [{
        "l": 1, "units": 4, "activation": "tanh",
        "forward": [{"equation": "Z[1] = W[1] A[0] + b[1]"}, {"equation": "A[1] = tanh(Z[1])"}],
        "backward": [{"equation": "dZ[1] = dA[1] * (1 - A[1]²)"},
                     {"equation": "dW[1] = (1/m) dZ[1] A[0]ᵀ"}],
        "arrays": {"W[1]": {"shape": [4, 2], "mean": 0.0, "std": 0.5, "min": -1.0, "max": 1.0,
                            "norm": 2.0}},
        "dead_fraction": None, "saturated_fraction": 0.0, "grad_ratio": 0.003,
        "flag": "vanishing", "message": "gradients are vanishing",
    }],
    "input": {"X": {"shape": [2, 200], "mean": 0.0, "std": 1.0, "min": -4.0, "max": 4.0,
                    "norm": 40.0}},
    "gradient_check": None,
}


@pytest.fixture
def canned_trace(monkeypatch):
    """Install a stand-in ``nnscratch.course`` whose trace records its calls."""
    calls = []

    class Trace:
        def __init__(self, gradient_check):
            self.gradient_check = gradient_check

        def to_dict(self):
            out = json.loads(json.dumps(CANNED_TRACE))
            if self.gradient_check:
                out["gradient_check"] = {"difference": 2.1e-9, "verdict": "fine",
                                         "threshold_fine": 1e-7, "threshold_bug": 1e-3}
            return out

    def trace(estimator, X, y, *, gradient_check=True, **kwargs):
        calls.append((estimator, X.shape, y.shape, gradient_check))
        return Trace(gradient_check)

    module = types.ModuleType("nnscratch.course")
    module.trace = trace
    monkeypatch.setitem(sys.modules, "nnscratch.course", module)
    return calls


def test_the_glass_box_answers_501_without_the_course_module(client, monkeypatch):
    monkeypatch.setitem(sys.modules, "nnscratch.course", None)  # import fails
    sid = new_session(client)["session"]
    assert_one_line_error(client.get(f"/api/sessions/{sid}/trace"), 501, "nnscratch.course")
    assert "nnscratch.course" in client.get("/api/options").json()["glass_box"]


def test_the_glass_box_serves_the_trace_of_the_live_network(client, canned_trace):
    sid = new_session(client)["session"]
    control(client, sid, action="step")
    r = client.get(f"/api/sessions/{sid}/trace?gradient_check=1")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["iteration"] == 1 and body["gradient_check"]["verdict"] == "fine"
    estimator, x_shape, y_shape, checked = canned_trace[-1]
    assert isinstance(estimator, NeuralNetworkClassifier)
    assert x_shape == (200, 2) and y_shape == (200,) and checked is True
    assert client.get("/api/options").json()["glass_box"] is None
    assert_one_line_error(client.get(f"/api/sessions/{sid}/trace?gradient_check=yes"), 422)


def test_the_glass_box_serves_the_real_trace_of_the_live_network(client):
    """With the glass box itself (nnscratch.course): one entry per layer, the check fine."""
    pytest.importorskip("nnscratch.course")
    sid = new_session(client)["session"]
    control(client, sid, action="step")
    r = client.get(f"/api/sessions/{sid}/trace?gradient_check=1")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["iteration"] == 1
    assert [layer["l"] for layer in body["layers"]] == list(range(1, len(body["layers"]) + 1))
    assert body["layers"][-1]["arrays"][f"W[{len(body['layers'])}]"]["shape"][0] == 1
    assert body["gradient_check"]["verdict"] == "fine"


# --------------------------------------------------------------------------- the stream


def _events(lines, count):
    """The next ``count`` data events from an iterator over a stream's lines."""
    out = []
    for line in lines:
        if line.startswith("data: "):
            out.append(json.loads(line[6:]))
            if len(out) == count:
                break
    return out


@pytest.mark.slow
def test_the_stream_sends_every_cost_and_boundary_frames():
    httpx = pytest.importorskip("httpx")
    server = BackgroundServer(create_app())
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            sid = http.post("/api/sessions", json={"dataset": "blobs", "classes": 3}).json()[
                "session"]
            with http.stream("GET", f"/api/sessions/{sid}/stream") as response:
                assert response.headers["content-type"].startswith("text/event-stream")
                response = response.iter_lines()
                first = _events(response, 1)[0]
                assert first["run"] == 1 and first["costs_from"] == 0
                assert first["metrics"] is not None  # a new stream gets the history
                while "frame" not in first:  # the run may not have drawn its first frame
                    first = _events(response, 1)[0]
                assert first["frame"]["iteration"] == 0 and first["costs"] == []
                http.post(f"/api/sessions/{sid}/control",
                          json={"action": "play", "iterations_per_frame": 5})
                events = _events(response, 6)
                http.post(f"/api/sessions/{sid}/control", json={"action": "pause"})
        costs = []
        for event in events:
            assert event["costs_from"] == len(costs)
            costs += event["costs"]
        frames = [e["frame"] for e in events if "frame" in e]
        assert [f["iteration"] % 5 for f in frames] == [0] * len(frames)
        boundary = frames[-1]["boundary"]
        import base64
        assert len(base64.b64decode(boundary["class"])) == 100 * 100
        assert len(frames[-1]["units"][0]) == 4
        assert len(base64.b64decode(frames[-1]["units"][0][0])) == 50 * 50
        assert len(costs) >= frames[-1]["iteration"]
    finally:
        server.stop()


@pytest.mark.slow
def test_a_closed_tab_stops_its_training_and_frees_its_session():
    httpx = pytest.importorskip("httpx")
    app = create_app(grace=0.3)
    server = BackgroundServer(app)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            sid = http.post("/api/sessions", json={}).json()["session"]
            run = app.state.sessions.get(sid).run
            with http.stream("GET", f"/api/sessions/{sid}/stream") as stream:
                response = stream.iter_lines()
                _events(response, 1)
                http.post(f"/api/sessions/{sid}/control",
                          json={"action": "play", "iterations_per_frame": 1})
                _events(response, 3)
            for _ in range(1000):  # the stream is gone: the reaper closes the session
                if len(app.state.sessions) == 0 and not run._thread.is_alive():
                    break
                time.sleep(0.02)
            assert len(app.state.sessions) == 0
            assert not run._thread.is_alive()
            assert http.get(f"/api/sessions/{sid}/state").status_code == 404
    finally:
        server.stop()


def test_a_closed_session_starts_no_run_not_even_one_made_while_it_closed(monkeypatch):
    """A request that starts a run races the tab's closing (or the server stopping):
    the run made meanwhile is stopped, never left paused for ever in its thread."""
    from nnscratch.playground import sessions as sessions_module

    cfg, data = check_config({}, {}), playground_data("flower")
    session = sessions_module.Session()
    first = session.start(cfg, data)
    made = []

    class ClosedMeanwhile(sessions_module.Run):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)
            session.close()  # the tab closes while this run is being made

    monkeypatch.setattr(sessions_module, "Run", ClosedMeanwhile)
    with pytest.raises(sessions_module.ConflictError, match="session was closed"):
        session.start(cfg, data)
    for run in (first, *made):
        run._thread.join(10)
        assert not run._thread.is_alive()
    assert session.run is first  # the late run was never installed
    with pytest.raises(sessions_module.ConflictError, match="reload the page"):
        session.start(cfg, data)  # and a closed session starts nothing more
    assert len(made) == 1
    store = sessions_module.Sessions()
    store.new()
    store.close_all()  # the server stops: a request still in flight gets no new session
    assert len(store) == 0
    with pytest.raises(sessions_module.ConflictError, match="playground is stopping"):
        store.new()


def test_two_tabs_train_independently(client):
    a = new_session(client)["session"]
    b = new_session(client, {"dataset": "xor"})["session"]
    control(client, a, action="step")
    control(client, a, action="step")
    control(client, b, action="step")
    assert client.get(f"/api/sessions/{a}/state").json()["iteration"] == 2
    assert client.get(f"/api/sessions/{b}/state").json()["iteration"] == 1


# --------------------------------------------------------------------------- --data


@pytest.mark.slow
def test_the_cat_pictures_from_data_give_curves_scores_and_mislabeled_pictures():
    train = shared_file("catvnoncat/train_catvnoncat.h5")
    shared_file("catvnoncat/test_catvnoncat.h5")
    file_data = load_file(str(train))
    assert file_data.test is not None and not file_data.plane
    with TestClient(create_app(file_data)) as c:
        assert c.get("/api/options").json()["file"]["kind"] == "image"
        described = new_session(c, {"dataset": "file", "init": "lecun",
                                    "learning_rate": 0.0075,
                                    "hidden": [{"units": 7, "activation": "relu"}]})
        assert described["data"]["kind"] == "images"
        assert described["network"]["sizes"] == [12288, 7, 1]
        assert described["data"]["n_train"] == 209 and described["data"]["n_test"] == 50
        sid = described["session"]
        control(c, sid, action="step")
        frame = c.get(f"/api/sessions/{sid}/state").json()
        assert frame["iteration"] == 1 and frame["test_accuracy"] is not None
        run = c.app.state.sessions.get(sid).run
        assert "mislabeled" in run.frame and "boundary" not in run.frame
        index = run.frame["mislabeled"][0][0]
        png = c.get(f"/api/sessions/{sid}/pictures/test/{index}")
        assert png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
        assert_one_line_error(c.get(f"/api/sessions/{sid}/pictures/test/50"), 404)
        code = c.get(f"/api/sessions/{sid}/snippet").text
        assert "load_train_test(" in code and "test_catvnoncat.h5" in code


def test_data_file_errors_are_one_line(tmp_path):
    from nnscratch.datasets import DatasetError

    with pytest.raises(DatasetError, match="no such file"):
        load_file(str(tmp_path / "missing.csv"))
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(DatasetError, match=".csv file or the course's .h5"):
        load_file(str(tmp_path / "x.txt"))


# --------------------------------------------------------------------------- the command


def test_loopback_is_recognised():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")


def test_a_missing_extra_is_named_in_one_line(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "nnscratch.playground.server", None)
    assert cli_run(["playground", "--no-browser"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "pip install 'nnscratch[playground]'" in err


def test_a_busy_port_is_a_one_line_error(capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli_run(["playground", "--no-browser", "--port", str(port)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "cannot listen" in err and "--port" in err


@pytest.mark.slow  # a fresh interpreter imports scikit-learn: seconds
def test_the_url_comes_before_scikit_learn_whose_import_the_server_starts_meanwhile():
    """The command printed its URL only after importing scikit-learn (2-3 s on a slow
    machine): the server imports none of it, and serve() starts that import in a thread
    once the URL is out, while the browser opens the page."""
    code = (
        "import sys, threading\n"
        "import uvicorn\n"
        "import nnscratch.playground.server as server\n"
        "before = 'sklearn' in sys.modules\n"
        "warm = []\n"
        "def run(self, sockets=None):\n"
        "    for thread in threading.enumerate():\n"
        "        if thread.name == 'playground-warm-up':\n"
        "            thread.join(120)\n"
        "    warm.append('nnscratch.estimators' in sys.modules)\n"
        "uvicorn.Server.run = run\n"
        "server.serve('127.0.0.1', 0, open_browser=False)\n"
        "print(before, warm, file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=180, check=False)
    assert out.stdout.startswith("http://127.0.0.1:"), out.stderr
    assert out.stderr.strip().splitlines()[-1] == "False [True]", out.stderr


def test_a_host_that_is_not_loopback_is_warned_about(monkeypatch, capsys):
    import uvicorn

    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    assert cli_run(["playground", "--no-browser", "--host", "0.0.0.0", "--port", "0"]) == 0
    captured = capsys.readouterr()
    assert "warning: listening on 0.0.0.0" in captured.err
    assert captured.out.startswith("http://127.0.0.1:")
