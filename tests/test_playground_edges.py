"""The playground's edges: how it starts, odd requests and odd uploads, in process.

The API is driven with Starlette's TestClient; ``serve`` runs in a thread of this
process, its stdout replaced by a writer that connects the moment the URL is printed.
"""

import socket
import sys
import threading
import time
import warnings

import pytest

pytest.importorskip("starlette", reason="the playground's tests need starlette "
                    "(pip install 'nnscratch[playground]')")
pytest.importorskip("uvicorn", reason="the playground's tests need uvicorn")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from nnscratch.playground import server as server_module
from nnscratch.playground.server import create_app

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def client():
    with TestClient(create_app(grace=300)) as c:
        yield c


def new_session(client, config=None):
    r = client.post("/api/sessions", json=config or {})
    assert r.status_code == 201, r.text
    return r.json()["session"]


def assert_one_line_error(response, status, *fragments):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "\n" not in response.text.strip() and "Traceback" not in response.text
    message = response.json()["error"]
    for fragment in fragments:
        assert fragment in message, message
    return message


# --------------------------------------------------------------------------- serve


class _ConnectOnURL:
    """A stdout that, the moment a URL is written, connects to it (as a script does)."""

    def __init__(self) -> None:
        self.url = None
        self.connected = None
        self.printed = threading.Event()

    def write(self, text: str) -> int:
        if text.startswith("http://") and self.url is None:
            self.url = text.strip()
            host, port = self.url.split("//")[1].rstrip("/").rsplit(":", 1)
            try:
                socket.create_connection((host, int(port)), timeout=5).close()
                self.connected = True
            except OSError:
                self.connected = False
            self.printed.set()
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def test_serve_prints_its_url_only_once_the_socket_listens(monkeypatch):
    out = _ConnectOnURL()
    servers = []
    make = server_module._Server.make

    def keep(*args, **kwargs):
        servers.append(make(*args, **kwargs))
        return servers[-1]

    monkeypatch.setattr(server_module._Server, "make", keep)
    monkeypatch.setattr(sys, "stdout", out)
    ready = threading.Event()
    thread = threading.Thread(target=server_module.serve, daemon=True,
                              kwargs={"port": 0, "open_browser": False, "ready": ready})
    thread.start()
    try:
        assert out.printed.wait(20), "serve printed no URL"
        assert ready.wait(5)
        assert out.connected, f"{out.url} was printed before the server listened"
    finally:
        for server in servers:
            server.should_exit = True
        thread.join(10)
    assert not thread.is_alive()


# --------------------------------------------------------------------------- divergence

DIVERGES = {"dataset": "xor", "learning_rate": 100, "init": "he",
            "hidden": [{"units": 8, "activation": "leaky_relu"}] * 4}


def diverged(client):
    """A session whose run diverged (at iteration 4 or so)."""
    sid = new_session(client, DIVERGES)
    r = client.post(f"/api/sessions/{sid}/control", json={"action": "play"})
    assert r.status_code == 200, r.text
    for _ in range(2000):
        state = client.get(f"/api/sessions/{sid}/state").json()
        if state["error"] is not None:
            return sid, state
        time.sleep(0.005)
    raise AssertionError(f"the run did not diverge: {state}")


def test_the_glass_box_of_a_diverged_run_is_refused_in_a_line_not_a_500(client):
    sid, state = diverged(client)
    assert state["state"] == "over" and "diverged" in state["error"]
    for query in ("", "?gradient_check=1"):
        message = assert_one_line_error(client.get(f"/api/sessions/{sid}/trace{query}"), 409,
                                        "this run failed: training diverged",
                                        "change a setting or press reset")
        assert "internal error" not in message and "not fitted" not in message


def test_a_diverged_run_s_refusals_read_as_one_sentence(client):
    sid, _ = diverged(client)
    for r in (client.post(f"/api/sessions/{sid}/control", json={"action": "play"}),
              client.post(f"/api/sessions/{sid}/control", json={"action": "step"}),
              client.get(f"/api/sessions/{sid}/model")):
        message = assert_one_line_error(r, 409, "this run failed: training diverged",
                                        "; change a setting or press reset")
        assert ".;" not in message, message


# --------------------------------------------------------------------------- uploads

ROWS = "".join(f"{i},{(i * 7) % 11},{i % 2}\n" for i in range(20))


def upload(client, body: bytes, name="data.csv", ctype="text/csv"):
    sid = new_session(client)
    return client.post(f"/api/sessions/{sid}/upload?name={name}", content=body,
                       headers={"content-type": ctype})


@pytest.mark.parametrize("body", [b"", b"  \n\r\n"], ids=["empty", "blank lines"])
def test_an_empty_upload_is_called_empty(client, body):
    message = assert_one_line_error(upload(client, body), 422, "data.csv: the file is empty",
                                    "header row", "label in the last column")
    assert "not a text" not in message


@pytest.mark.parametrize("body, fragments", [
    (("a,b,label\n" + ROWS.replace("0\n", "é\n")).encode("latin-1"),
     ["data.csv: is not UTF-8 text", "0xe9", "save it", "as CSV UTF-8"]),
    (("a,b,label\n" + ROWS).encode("utf-16"), ["data.csv: is UTF-16 text", "as CSV UTF-8"]),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)),
     ["data.csv: is not a text CSV file", "binary", "as CSV UTF-8"]),
], ids=["latin-1", "utf-16", "binary"])
def test_an_upload_that_is_not_utf8_text_says_what_it_is_and_how_to_resave_it(
        client, body, fragments):
    assert_one_line_error(upload(client, body), 415, *fragments)


@pytest.mark.parametrize("rows", [
    "name,b,label\n" + "".join(f"x{i},{i},{i % 2}\n" for i in range(20)),
    "a,b,label\n" + ROWS.replace("3,10,1", ",10,1"),
], ids=["text", "empty cell"])
def test_an_upload_s_non_numeric_feature_names_no_command_line_option(client, rows):
    message = assert_one_line_error(upload(client, rows.encode()), 422, "is not a number",
                                    "the label is the last column")
    assert "--label-column" not in message
