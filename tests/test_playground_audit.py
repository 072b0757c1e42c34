"""The playground server as an attacker or a buggy client meets it: the defects its
audit found, each checked by what the server (or the page) does.

A frame the stream could not send ended it with a traceback, once a second; a gradient
check asked for before a run had started its fit answered 500; one tab's waiting steps
held every worker thread of the server; stopping waited for the runs one after the
other; twenty downloads of one model made it twenty times; the flower and the spiral
dropped points; a name of loopback was warned about as not loopback; uvicorn's own
advice reached the terminal; the page sent settings and files it could have refused
(each refusal a console error) and called a data set "empty"; quoted column names were
counted by their commas.

Slow runs are made by holding the training thread at an iteration's end (a gate the
test opens): what is checked is what happens meanwhile, never how long it takes. The
timeouts are guards against a hang only. The browser tests (headless Chromium through
Playwright, ``executable_path``, never ``playwright install``) are skipped, naming what
is missing, without either.
"""

import concurrent.futures
import json
import logging
import shutil
import signal
import socket
import sys
import threading
import time
import types
import warnings

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the playground's tests need starlette "
                    "(pip install 'nnscratch[playground]')")
pytest.importorskip("uvicorn", reason="the playground's tests need uvicorn "
                    "(pip install 'nnscratch[playground]')")
httpx = pytest.importorskip("httpx", reason="the playground's tests need httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import nnscratch.playground.server as server_module
from nnscratch.datasets import load_flower
from nnscratch.playground.data import make_points
from nnscratch.playground.server import BackgroundServer, allowed_hosts, create_app
from nnscratch.playground.sessions import Run
from test_playground_api import CANNED_TRACE, _raw_answer, assert_one_line_error

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

#: The seed that marks the runs the gate holds.
HELD = 77
#: Seconds a test waits for what must happen before it calls it a hang.
GUARD = 60


def new_session(client, config=None) -> str:
    r = client.post("/api/sessions", json=config or {})
    assert r.status_code == 201, r.text
    return r.json()["session"]


def control(client, sid, **body) -> dict:
    r = client.post(f"/api/sessions/{sid}/control", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def wait_until(condition, what: str) -> None:
    for _ in range(GUARD * 100):
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError(f"{what}: not within {GUARD} s")


@pytest.fixture
def client():
    with TestClient(create_app(grace=300)) as c:  # no stream here: keep the sessions
        yield c


@pytest.fixture
def live():
    """A server in a thread of this process, and an HTTP client for it."""
    background = BackgroundServer(create_app(grace=300))
    with httpx.Client(base_url=background.url, timeout=GUARD) as http:
        http.server = background
        yield http
    background.stop()


@pytest.fixture
def gate(monkeypatch):
    """Runs of seed :data:`HELD` stop at the end of each iteration until the gate is
    set: a long iteration, as long as the test wants."""
    opened = threading.Event()
    boundary = Run._boundary

    def held(self, begin=False):
        if not begin and self.config["seed"] == HELD:
            opened.wait(GUARD * 2)
        return boundary(self, begin)

    monkeypatch.setattr(Run, "_boundary", held)
    yield opened
    opened.set()


@pytest.fixture
def canned_trace(monkeypatch):
    """A stand-in ``nnscratch.course`` whose trace is the canned one (the real one is
    tested where it lives)."""
    class Trace:
        def __init__(self, gradient_check):
            self.gradient_check = gradient_check

        def to_dict(self):
            out = json.loads(json.dumps(CANNED_TRACE))
            if self.gradient_check:
                out["gradient_check"] = {"difference": 2.1e-9, "verdict": "fine",
                                         "threshold_fine": 1e-7, "threshold_bug": 1e-3}
            return out

    module = types.ModuleType("nnscratch.course")
    module.trace = lambda estimator, X, y, *, gradient_check=True, **kw: Trace(gradient_check)
    monkeypatch.setitem(sys.modules, "nnscratch.course", module)


def stream_events(http, sid):
    """The data events of the session's stream, decoded, as they come."""
    with http.stream("GET", f"/api/sessions/{sid}/stream") as answer:
        for line in answer.iter_lines():
            if line.startswith("data: "):
                yield json.loads(line[len("data: "):])


def next_frame(events, run: int | None = None) -> dict:
    """The next event that carries a frame (of run ``run`` where given)."""
    for event in events:
        if "frame" in event and (run is None or event["run"] == run):
            return event
    raise AssertionError("the stream ended")


# ----------------------------------------------------- 4. a frame the stream cannot send


def test_weights_too_large_to_round_are_sent_finite():
    """Rounding to 4 decimals multiplies by 1e4: a weight of 1e305 became infinite
    again after nan_to_num, and the frame could not be sent."""
    from nnscratch.playground.sessions import _sent

    sent = _sent(np.array([[1e305, -1e305, np.inf, np.nan, 0.123456]]))
    assert all(np.isfinite(sent[0])) and sent[0][3] == 0.0 and sent[0][4] == 0.1235
    json.dumps(sent, allow_nan=False)


@pytest.mark.slow
def test_a_run_paused_at_huge_but_finite_weights_is_streamed(live):
    """The audit's settings: after four steps the weights are near 1e160, their row
    norms overflow, and the stream died with a traceback at every reconnection."""
    sid = live.post("/api/sessions", json={
        "learning_rate": 50, "hidden": [{"units": 32, "activation": "relu"}] * 6,
        "init": "he", "features": ["x1", "x2", "x1^2", "x2^2", "x1*x2"]}).json()["session"]
    for step in range(1, 6):
        r = live.post(f"/api/sessions/{sid}/control", json={"action": "step"})
        if r.status_code == 409:  # the next step says it diverged: a message, no traceback
            assert_one_line_error(r, 409, "diverged")
            break
        assert r.status_code == 200, r.text
        event = next_frame(stream_events(live, sid))  # each reconnection gets it again
        if "error" in event["frame"]:  # the step that diverged: said in one message
            assert "diverged" in event["frame"]["error"] and step > 1
            break
        assert event["frame"]["iteration"] == step
        for layer in event["frame"]["weights"]:
            values = np.asarray(layer.get("W", layer.get("norms")), dtype=float)
            assert np.isfinite(values).all()


@pytest.mark.slow
def test_a_frame_json_cannot_carry_fails_the_run_with_a_message_and_the_stream_goes_on(
        live, monkeypatch):
    """Whatever slips through (here: an accuracy made infinite): an error frame the page
    shows, the run paused for good, and the same stream serves the next run."""
    compute = Run._compute_frame

    def overflowing(self):
        frame = compute(self)
        if self.iteration >= 1 and self.config["seed"] == HELD:
            frame["train_accuracy"] = float("inf")
        return frame

    monkeypatch.setattr(Run, "_compute_frame", overflowing)
    sid = live.post("/api/sessions", json={"seed": HELD}).json()["session"]
    events = stream_events(live, sid)
    assert next_frame(events)["frame"]["iteration"] == 0
    assert live.post(f"/api/sessions/{sid}/control", json={"action": "step"}).status_code == 200
    event = next_frame(events)
    while "error" not in event["frame"]:
        event = next_frame(events)
    assert "overflowed at iteration 1" in event["frame"]["error"]
    assert "lower the learning rate and press reset" in event["frame"]["error"]
    assert event["frame"]["state"] == "paused"
    state = live.get(f"/api/sessions/{sid}/state").json()
    assert state["error"] == event["frame"]["error"]
    assert_one_line_error(live.post(f"/api/sessions/{sid}/control", json={"action": "play"}),
                          409, "this run failed")
    # the stream is still there: the next settings' run comes through it
    assert live.post(f"/api/sessions/{sid}/config", json={"seed": 2}).status_code == 200
    event = next_frame(events, run=2)
    assert "error" not in event["frame"] and event["frame"]["iteration"] == 0


# ------------------------------------------- 1. a gradient check before the fit has begun


@pytest.fixture
def fit_held(monkeypatch):
    """New runs' training threads wait at their start (before the fit sets params_)."""
    opened = threading.Event()
    train = Run._train

    def held(self):
        opened.wait(GUARD * 2)
        train(self)

    monkeypatch.setattr(Run, "_train", held)
    yield opened
    opened.set()


def test_a_gradient_check_of_a_large_network_not_yet_started_is_a_409(client, canned_trace,
                                                                      fit_held):
    sid = new_session(client, {"hidden": [{"units": 256, "activation": "relu"}] * 8})
    n = (2 + 1) * 256 + 7 * (256 + 1) * 256 + (256 + 1) * 1
    assert_one_line_error(client.get(f"/api/sessions/{sid}/trace?gradient_check=1"), 409,
                          "at most 20,000 parameters", f"this one has {n:,}")


@pytest.mark.slow
def test_a_gradient_check_asked_before_the_fit_has_begun_waits_for_it(live, canned_trace,
                                                                      fit_held):
    """Asked right after new settings, it read params_ before the training thread had
    made it: 500 AttributeError. It is the fit's first job now."""
    sid = live.post("/api/sessions", json={}).json()["session"]
    app_session = live.server.app.state.sessions.get(sid)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        asked = pool.submit(live.get, f"/api/sessions/{sid}/trace?gradient_check=1")
        wait_until(lambda: asked.done() or app_session.run._jobs, "the check queued")
        fit_held.set()
        r = asked.result(GUARD)
    assert r.status_code == 200, r.text
    assert r.json()["iteration"] == 0 and r.json()["gradient_check"]["verdict"] == "fine"


# ---------------------------------------- 2. waiting steps and the server's worker threads


@pytest.mark.slow
def test_steps_waiting_on_a_busy_run_leave_the_threads_to_the_other_tabs(live, gate,
                                                                        monkeypatch):
    """45 steps on a run in a long iteration (more than the 40 worker threads): another
    tab's new settings are served while they wait, not after them."""
    monkeypatch.setattr(server_module, "CONTROL_WAIT", GUARD * 2)
    busy = live.post("/api/sessions", json={"seed": HELD}).json()["session"]
    other = live.post("/api/sessions", json={}).json()["session"]
    run = live.server.app.state.sessions.get(busy).run
    n = 45
    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        steps = [pool.submit(live.post, f"/api/sessions/{busy}/control",
                             json={"action": "step"}) for _ in range(n)]
        wait_until(lambda: run.control_seq >= n, "every step taken")
        try:
            r = live.post(f"/api/sessions/{other}/config", json={"seed": 5}, timeout=20)
            assert r.status_code == 200, r.text
            r = live.get(f"/api/sessions/{other}/state", timeout=20)
            assert r.status_code == 200, r.text
            assert not any(step.done() for step in steps)  # all still waiting on their run
        finally:
            gate.set()
        answers = [step.result(GUARD) for step in steps]
    assert [a.status_code for a in answers] == [200] * n
    assert run.iteration == n


# ------------------------------------------------------------------ 3. stopping


def test_stopping_tells_every_run_first_then_waits_for_them_together(client, gate):
    sessions = client.app.state.sessions
    runs = []
    for _ in range(3):
        sid = new_session(client, {"seed": HELD})
        control(client, sid, action="play")
        runs.append(sessions.get(sid).run)
    seen = []

    def waiting(busy):
        seen.append((busy, [run.closed for run in runs]))
        sessions.hurry()  # as a second Ctrl-C does

    stopper = threading.Thread(target=sessions.close_all, args=(GUARD * 2, waiting))
    stopper.start()
    stopper.join(GUARD)
    assert not stopper.is_alive()
    assert seen == [(3, [True, True, True])]  # all told before any was waited for
    assert all(run.alive for run in runs)  # in their iteration still: not waited out
    assert_one_line_error(client.post("/api/sessions", json={}), 409, "stopping")


def test_a_second_ctrl_c_stops_without_waiting_for_the_runs(client, gate):
    app = client.app
    sid = new_session(client, {"seed": HELD})
    control(client, sid, action="play")
    run = app.state.sessions.get(sid).run
    server = server_module._Server.make(app, server_module._uvicorn_config(app))
    server.handle_exit(signal.SIGINT, None)
    server.handle_exit(signal.SIGINT, None)
    stopper = threading.Thread(target=app.state.sessions.close_all, args=(GUARD * 2,))
    stopper.start()
    stopper.join(GUARD)
    assert not stopper.is_alive()
    assert run.closed and run.alive  # told to stop, not waited for


def test_the_command_says_what_it_waits_for_when_stopping(capsys):
    server_module._say_stopping(3)
    err = capsys.readouterr().err
    assert err == ("nnscratch playground: stopping: 3 runs end the iteration under way (at "
                   "most 5 s; Ctrl-C again to stop at once)\n")


# ------------------------------------------------------------ 5. concurrent model downloads


@pytest.mark.slow
def test_downloads_of_one_iteration_make_its_model_file_once(live, monkeypatch):
    made, at_once, lock = [], [0, 0], threading.Lock()
    model_file = server_module.model_file

    def counted(*args):
        with lock:
            at_once[0] += 1
            at_once[1] = max(at_once)
        try:
            made.append(args[0].n_iter_)
            return model_file(*args)
        finally:
            with lock:
                at_once[0] -= 1

    monkeypatch.setattr(server_module, "model_file", counted)
    sid = live.post("/api/sessions", json={}).json()["session"]
    live.post(f"/api/sessions/{sid}/control", json={"action": "step"})
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: live.get(f"/api/sessions/{sid}/model"), range(8)))
    assert [a.status_code for a in answers] == [200] * 8
    assert len({a.content for a in answers}) == 1
    assert made == [1] and at_once[1] == 1
    live.post(f"/api/sessions/{sid}/control", json={"action": "step"})
    r = live.get(f"/api/sessions/{sid}/model")
    assert r.status_code == 200 and r.content != answers[0].content
    assert made == [1, 2]
    assert r.headers["content-disposition"] == 'attachment; filename="playground-flower-2.npz"'


# ---------------------------------------------------------- 6. the points asked for


@pytest.mark.parametrize(("classes", "n"), [(6, 400), (4, 403), (3, 20), (5, 4999)])
def test_every_spiral_point_asked_for_is_drawn_the_first_arms_one_longer(classes, n):
    X, y = make_points("spiral", n_samples=n, classes=classes, seed=3)
    assert X.shape == (n, 2) and y.shape == (n,)
    counts = np.bincount(y, minlength=classes)
    extra = n % classes
    assert counts.tolist() == [n // classes + (j < extra) for j in range(classes)]


@pytest.mark.parametrize("n", [401, 21, 4999])
def test_the_flower_of_any_number_of_points_is_load_flower_s(n):
    """The documented flower is the course's point for point: an odd number of points
    too, the extra one blue, as nnscratch.load_flower draws it (it was dropped)."""
    X, y = make_points("flower", n_samples=n, noise=0.2, seed=1)
    X0, y0 = load_flower(n)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    assert np.bincount(y).tolist() == [n // 2, n - n // 2]


def _old_spiral(m, noise, classes, rng):
    N = m // classes
    X, y = np.zeros((N * classes, 2)), np.zeros(N * classes, dtype=np.int64)
    for j in range(classes):
        ix = range(N * j, N * (j + 1))
        r = np.linspace(0.0, 4.0, N)
        t = np.linspace(j * 4.0, (j + 1) * 4.0, N) + rng.randn(N) * noise
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


@pytest.mark.parametrize(("classes", "n"), [(2, 400), (3, 300), (6, 600)])
def test_points_that_the_classes_share_evenly_are_drawn_as_before(classes, n):
    X, y = make_points("spiral", n_samples=n, noise=0.2, classes=classes, seed=4)
    X0, y0 = _old_spiral(n, 0.2, classes, np.random.RandomState(4))
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_points_too_few_for_the_split_are_refused_naming_the_points(client):
    r = client.post("/api/sessions", json={"dataset": "spiral", "classes": 6, "n_samples": 20,
                                           "test_fraction": 0.1})
    message = assert_one_line_error(r, 422, "got 20", "use more points")
    assert r.json()["field"] == "n_samples"
    assert "18" not in message
    # the least number that splits is named, and taken
    need = int(message.split("at least ")[1].split()[0].replace(",", ""))
    r = client.post("/api/sessions", json={"dataset": "spiral", "classes": 6,
                                           "n_samples": need, "test_fraction": 0.1})
    assert r.status_code == 201, r.text
    assert r.json()["data"]["n_train"] + r.json()["data"]["n_test"] == need
    r = client.post("/api/sessions", json={"dataset": "spiral", "classes": 6,
                                           "n_samples": need - 1, "test_fraction": 0.1})
    assert_one_line_error(r, 422, f"got {need - 1}")


# --------------------------------------- (found meanwhile) the first run and the warm-up


def test_a_run_s_modules_are_imported_by_one_thread_at_a_time(monkeypatch):
    """The first settings, taken while serve()'s warm-up thread imported scikit-learn,
    met it partially initialised: a 500 (ImportError: cannot import name 'clone')."""
    inside, most, entered, release = [0], [0], threading.Event(), threading.Event()
    imported = []

    def import_module(name):
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        entered.set()
        release.wait(GUARD)
        imported.append(name)
        inside[0] -= 1

    monkeypatch.setattr(server_module, "_IMPORTED", threading.Event())
    monkeypatch.setattr(server_module, "importlib",
                        types.SimpleNamespace(import_module=import_module))
    first = threading.Thread(target=server_module._import_for_runs)
    first.start()
    assert entered.wait(GUARD)
    second = threading.Thread(target=server_module._import_for_runs)
    second.start()
    assert server_module._IMPORTING.locked()  # the second waits for the first
    release.set()
    first.join(GUARD)
    second.join(GUARD)
    assert most == [1]
    assert imported == ["nnscratch.estimators", "sklearn.model_selection", "sklearn.datasets"]


# ------------------------------------------------------------------ 7. --host and Host


def test_a_host_name_of_loopback_is_served_as_loopback(monkeypatch, capsys):
    """A name that resolves to 127.0.0.1 (an /etc/hosts alias) was warned about as "not
    on loopback", and answered as if other machines could reach it."""
    import uvicorn

    resolve = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "playground-loopback.test":
            host = "127.0.0.1"
        return resolve(host, port, *args, **kwargs)

    made = []
    create = server_module.create_app

    def recorded(*args, **kwargs):
        made.append(kwargs)
        return create(*args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(server_module, "create_app", recorded)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    server_module.serve("playground-loopback.test", 0, open_browser=False)
    captured = capsys.readouterr()
    assert "not on loopback" not in captured.err and "warning" not in captured.err
    assert captured.out.startswith("http://playground-loopback.test:")
    assert made[0]["ip_hosts"] is False
    assert "playground-loopback.test" in made[0]["allowed_hosts"]


def test_a_wrong_host_is_told_every_name_the_server_answers_to():
    app = create_app(allowed_hosts=allowed_hosts("127.0.0.1"))
    with TestClient(app) as c:
        r = c.get("/api/options", headers={"Host": "vm:32945"})
    assert_one_line_error(r, 400, "answers to 127.0.0.1, localhost or [::1] only",
                          "(vm:32945)")


# ------------------------------------------------------------ 8. uvicorn's own messages


class _Kept(logging.Handler):
    """Keeps what uvicorn's error log lets through to its handlers (added once the
    server's settings have configured the log: that removes the handlers there were)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def uvicorn_server():
    server = BackgroundServer(create_app())
    kept = _Kept()
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(kept)
    server.log = kept.messages
    yield server
    logger.removeHandler(kept)
    server.stop()


@pytest.mark.slow
def test_a_websocket_upgrade_brings_no_advice_to_install_a_websocket_library(uvicorn_server):
    status, _, body = _raw_answer(uvicorn_server.url, (
        b"GET /api/options HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade, close\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        b"Sec-WebSocket-Version: 13\r\n\r\n"))
    assert status.startswith("HTTP/1.1 200"), status
    assert "limits" in json.loads(body)
    log = uvicorn_server.log
    assert not [m for m in log if "upgrade" in m.lower() or "websocket" in m.lower()], log


@pytest.mark.slow
def test_https_typed_for_http_is_told_to_use_http(uvicorn_server, capsys):
    hello = bytes.fromhex("16030100a5010000a10303") + bytes(32) + b"\x00\x00\x02\x13\x01"
    port = uvicorn_server.url.rsplit(":", 1)[1]
    status, headers, body = _raw_answer(uvicorn_server.url, hello)
    _raw_answer(uvicorn_server.url, hello)  # a browser tries again: said once
    uvicorn_log = uvicorn_server.log
    assert status.startswith("HTTP/1.1 400"), status
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"error": "this server speaks plain HTTP, not HTTPS: open "
                                         f"http://127.0.0.1:{port}/"}
    assert not [m for m in uvicorn_log if "Invalid HTTP request" in m]
    err = capsys.readouterr().err
    assert err.count("nnscratch playground: a browser asked for https://; this server "
                     f"speaks plain HTTP: open http://127.0.0.1:{port}/\n") == 1


# ------------------------------------------------------------- 9, 10, 11: uploads, data set


def _upload(client, sid, name, body):
    return client.post(f"/api/sessions/{sid}/upload?name={name}", content=body,
                       headers={"content-type": "text/csv"})


def test_a_file_over_the_size_limit_is_refused_naming_it(client):
    sid = new_session(client)
    r = _upload(client, sid, "big.csv", b"a,b,c\n" + b"1,2,x\n" * 400_000)
    message = assert_one_line_error(r, 413, "larger than 2 MB")
    assert message.startswith("big.csv: ")


def test_quoted_column_names_holding_a_comma_are_one_column_each(client):
    sid = new_session(client)
    header = ",".join(f'"sensor {j}, mV"' for j in range(119)) + ",label\n"
    rows = "".join(",".join(str(i + j) for j in range(119)) + f",{i % 2}\n" for i in range(30))
    r = _upload(client, sid, "quoted_header.csv", (header + rows).encode())
    assert r.status_code == 200, r.text
    assert r.json()["n_features"] == 119 and r.json()["columns"][0] == "sensor 0, mV"
    # and more than 200 columns, quoted or not, are still refused, naming the file
    header = ",".join(f'"c {j}, x"' for j in range(201)) + "\n"
    rows = "".join(",".join(["1"] * 200) + f",{i % 2}\n" for i in range(20))
    message = assert_one_line_error(_upload(client, sid, "wide.csv", (header + rows).encode()),
                                    413, "more than 200 columns")
    assert message.startswith("wide.csv: ")


def test_the_upload_data_set_refused_before_an_upload_says_so_in_the_page_s_words(client):
    r = client.post("/api/sessions", json={"dataset": "upload"})
    assert_one_line_error(r, 422, "needs a CSV file uploaded in this session first")
    assert "POST" not in r.json()["problem"] and "/api/" not in r.json()["problem"]
    assert "Upload a CSV file" in r.json()["problem"]


# --------------------------------------------------------------------------- the page


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the browser tests need Playwright (pip install playwright)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("the browser tests need Chromium: apt-get install -y chromium")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium,
                                              args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def page_server():
    background = BackgroundServer(create_app(max_sessions=16))
    yield background
    background.stop()


def open_page(browser, server, hash_=""):
    """A fresh page, its console errors and its requests to the API recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.console_errors, page.api_posts = [], []
    page.on("console", lambda m: page.console_errors.append(m.text)
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on("request", lambda r: page.api_posts.append(r.url.split("/api/", 1)[1])
            if r.method == "POST" and "/api/" in r.url else None)
    page.set_default_timeout(20_000)
    page.goto(f"{server.url}/{hash_}")
    page.wait_for_function("state.session && state.frame")
    return page


def message_of(page, fragment):
    page.wait_for_function(f"document.getElementById('message').textContent"
                           f".includes({json.dumps(fragment)})")
    return page.inner_text("#message")


@pytest.mark.browser
@pytest.mark.slow
def test_a_setting_out_of_range_is_refused_in_the_page_without_a_console_error(
        browser, page_server):
    page = open_page(browser, page_server)
    try:
        sent = len(page.api_posts)
        page.fill("#learning_rate", "-3")
        page.locator("#learning_rate").blur()
        assert message_of(page, "must be between") == (
            "Learning rate must be between 0.000001 and 100, got -3; training goes on with "
            "the previous settings until this is corrected")
        assert page.get_attribute("#learning_rate", "aria-invalid") == "true"
        page.fill("#units-0", "300")
        page.locator("#units-0").blur()
        message_of(page, "Units in hidden layer 1 must be between 1 and 256, got 300")
        assert page.api_posts[sent:] == []  # refused here: nothing sent
        page.fill("#units-0", "5")
        page.locator("#units-0").blur()
        page.fill("#learning_rate", "0.5")  # corrected: sent, taken
        page.locator("#learning_rate").blur()
        page.wait_for_function("state.config.learning_rate === 0.5 && "
                               "state.described.network.sizes.join() === '2,5,1'")
        assert page.is_hidden("#message")
        assert page.console_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_link_with_bad_values_is_refused_in_the_page_without_a_console_error(
        browser, page_server):
    page = open_page(browser, page_server, "#lr=abc&layers=300:tanh&test=0.95")
    try:
        message = message_of(page, "refused")
        assert message == (
            "The link's setup was refused (Test part (%) must be between 10 and 90, got 95; "
            "Units in hidden layer 1 must be between 1 and 256, got 300; Learning rate must "
            "be a number, got 'abc'); the default setup is shown instead.")
        assert page.evaluate("state.config.learning_rate") == 1.2
        assert page.api_posts.count("sessions") == 1  # the defaults' session only
        assert page.console_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_file_over_the_size_limit_is_refused_in_the_page_before_it_is_sent(
        browser, page_server):
    page = open_page(browser, page_server)
    try:
        page.set_input_files("#upload", files=[{
            "name": "big.csv", "mimeType": "text/csv",
            "buffer": b"a,b,label\n" + b"1.5,2.5,0\n" * 300_000}])
        assert message_of(page, "big.csv") == "big.csv: the file is larger than 2 MB"
        assert not [p for p in page.api_posts if "/upload" in p]
        assert page.console_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_data_set_the_server_does_not_have_is_not_called_an_empty_field(
        browser, page_server):
    page = open_page(browser, page_server, "#data=file")
    try:
        message = message_of(page, "refused")
        assert "Data set 'file' needs a --data file" in message
        assert "the field is empty" not in message
        page.evaluate("location.hash = '#data=upload&lr=0.5'")
        message = message_of(page, "'upload' needs")
        assert message.startswith("Data set 'upload' needs a CSV file uploaded in this "
                                  "session first (on the page: Upload a CSV file)")
        assert "the field is empty" not in message and "/api/" not in message
    finally:
        page.context.close()
