"""The playground's edges: how it starts, odd requests and odd uploads, in process.

The API is driven with Starlette's TestClient; ``serve`` runs in a thread of this
process, its stdout replaced by a writer that connects the moment the URL is printed.
"""

import re
import shutil
import socket
import sys
import threading
import time
import warnings

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the playground's tests need starlette "
                    "(pip install 'nnscratch[playground]')")
pytest.importorskip("uvicorn", reason="the playground's tests need uvicorn")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from conftest import wait_for_held
from nnscratch.cli import run as cli_run
from nnscratch.datasets import DatasetError
from nnscratch.playground import server as server_module
from nnscratch.playground.server import BackgroundServer, create_app, load_file

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


@pytest.fixture
def made_servers(monkeypatch):
    """The servers serve() makes, to shut down at the test's end."""
    servers = []
    make = server_module._Server.make

    def keep(*args, **kwargs):
        servers.append(make(*args, **kwargs))
        return servers[-1]

    monkeypatch.setattr(server_module._Server, "make", keep)
    return servers


def test_serve_prints_its_url_only_once_the_socket_listens(monkeypatch, made_servers):
    out = _ConnectOnURL()
    servers = made_servers
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
    "a,b,label\n" + ROWS.replace("3,10,1", "3,ten,1"),
], ids=["first column", "middle column"])
def test_an_upload_s_non_numeric_feature_names_no_command_line_option(client, rows):
    message = assert_one_line_error(upload(client, rows.encode()), 422, "is not a number",
                                    "the label is the last column")
    assert "--label-column" not in message


def test_what_reading_an_upload_said_is_sent_to_the_page_with_the_file_s_name(client):
    # it went to the server's terminal alone, naming a temporary file
    semicolons = ("a;b;label\n" + ROWS.replace(",", ";")).encode()
    answer = upload(client, semicolons, name="points.csv")
    assert answer.status_code == 200
    assert answer.json()["notes"] == ["points.csv: read as a CSV file separated by ';'"]
    assert answer.json()["columns"] == ["a", "b"]
    missing = ("a,b,label\n" + ROWS.replace("3,10,1", "3,10,NA")).encode()
    [note] = upload(client, missing).json()["notes"]
    assert note.startswith("data.csv: 1 row has the label 'NA' in 'label'")
    assert "nnscratch-upload" not in note
    assert upload(client, ("a,b,label\n" + ROWS).encode()).json()["notes"] == []


def test_a_warning_of_another_thread_while_an_upload_is_read_is_still_shown(monkeypatch):
    import warnings

    from nnscratch import datasets
    from nnscratch.playground import server

    real = datasets.load_dataset

    def load_dataset(path):  # another thread warns while the upload is read
        warnings.warn("another thread's warning", RuntimeWarning)
        return real(path)

    monkeypatch.setattr(datasets, "load_dataset", load_dataset)
    with pytest.warns(RuntimeWarning, match="another thread's warning"):
        data, notes = server._read_upload("a,b,label\n" + ROWS, "data.csv")
    assert data.n_samples == 20 and notes == []


# --------------------------------------------------------------------------- the page
# Headless Chromium from the OS, driven by Playwright (never `playwright install`).

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DIVERGES_HASH = ("#data=xor&lr=100&init=he&layers="
                 + ",".join(["8:leaky_relu"] * 4))


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need "
                                   "Playwright (pip install playwright)")
    if CHROMIUM is None:
        pytest.skip("the browser tests need Chromium: apt-get install -y chromium")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def live():
    server = BackgroundServer(create_app(max_sessions=16))
    yield server
    server.stop()


def open_page(browser, live, width=1400, hash="", init_script=None):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.set_default_timeout(20_000)
    if init_script:
        page.add_init_script(init_script)
    page.goto(live.url + "/" + hash)
    page.wait_for_selector("#network canvas.unit")
    page.wait_for_function("document.getElementById('iteration').textContent === 'iteration 0'")
    return page


# the page's width and where things are, measured at one instant (the glass box's
# tables arrive a moment after the page, and move what is below them)
MEASURE = """() => {
  const box = (sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                         return {x: r.x, y: r.y, width: r.width, height: r.height}; };
  const out = {scroll: document.documentElement.scrollWidth,
               client: document.documentElement.clientWidth, boxes: {}};
  for (const sel of ["#boundary", "#cost-chart", "#accuracy-chart", "#show-test",
                     "label[for=show-test]", "#discretize", "label[for=discretize]"]) {
    out.boxes[sel] = box(sel);
  }
  out.wide = [...document.querySelectorAll("body *")].filter((e) =>
    e.getBoundingClientRect().right > out.client + 1 && !e.closest(".trace details"))
    .map((e) => e.tagName + "#" + e.id).slice(0, 5);
  return out;
}"""


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [360, 800])
def test_a_narrow_window_scrolls_only_down_never_sideways(browser, live, width):
    page = open_page(browser, live, width)
    try:
        page.wait_for_function("state.frame && state.frame.boundary")
        page.wait_for_selector("#trace table")  # the glass box's tables are the widest
        m = page.evaluate(MEASURE)
        assert m["scroll"] <= m["client"], (
            f"the page is {m['scroll']} px wide in a {m['client']} px window: {m['wide']}")
        assert m["wide"] == []
        boxes = m["boxes"]
        for canvas in ("#boundary", "#cost-chart", "#accuracy-chart"):
            box = boxes[canvas]
            assert box["x"] >= 0 and box["x"] + box["width"] <= m["client"], canvas
        box = boxes["#boundary"]
        assert abs(box["width"] - box["height"]) <= 1  # still square: the plane undistorted
        for name in ("show-test", "discretize"):  # a checkbox stays on its label's line
            check, label = boxes[f"#{name}"], boxes[f"label[for={name}]"]
            middle = check["y"] + check["height"] / 2
            assert label["y"] <= middle <= label["y"] + label["height"], name
        assert page.console_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_glass_box_says_when_the_run_steps_otherwise_than_the_traced_step(browser, live):
    # the glass box traces plain gradient descent on all the training examples; a run
    # with Adam on mini-batches read "learning rate 0.01" as if that were its step
    page = open_page(browser, live, hash="#solver=adam&batch=64&dropout=0.1&l2=0.5&lr=0.01")
    try:
        page.wait_for_selector("#trace-step-note")
        assert page.inner_text("#trace-step-note") == (
            "This is the course's step: gradient descent on all 200 examples at once, no "
            "dropout. The run trains with Adam, mini-batches of 64, dropout 0.1: its steps "
            "start from gradients like these but move the weights differently.")
        assert "(with the L2 term, λ = 0.5) on m = 200 examples" in page.inner_text("#trace")
    finally:
        page.context.close()
    page = open_page(browser, live)  # the defaults: the course's own step
    try:
        page.wait_for_selector("#trace table")
        assert page.locator("#trace-step-note").count() == 0
        assert "L2 term" not in page.inner_text("#trace")
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width, layers", [(1400, 8), (360, 3)])
def test_the_network_s_labels_never_run_into_each_other(browser, live, width, layers):
    # 8 layers of 256 units read "256 relu256 relu256 relu...", and their "+240 more"
    # labels ran together; in a 360 px window 3 layers did the same
    hash = "#layers=" + ",".join(["256:relu"] * layers)
    page = open_page(browser, live, width, hash=hash)
    try:
        boxes = page.evaluate("""() => {
            const row = (selector) => [...document.querySelectorAll(selector)]
              .map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.right]);
            return {titles: row('#network .layer-title'),
                    more: row('#network .label:not(.layer-title):not(.input-label)')};
        }""")
        for name in ("titles", "more"):
            spans = sorted(boxes[name])
            assert len(spans) >= layers, (name, spans)
            assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), (name, spans)
        stacked = page.locator("#network .layer-title.stacked")
        assert stacked.count() == layers
        assert stacked.first.get_attribute("title") == "256 relu"
        assert page.console_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("layers", [6, 8])
def test_many_layers_on_a_phone_keep_their_units_and_titles_apart(browser, live, layers):
    # in 390 px, units 34 px wide stood 32 px apart (columns touching, their links
    # hidden) and the last hidden layer's title ran into the output's ("1softmax")
    hash = ("#data=spiral&classes=6&layers=" + ",".join(["16:relu"] * layers)
            if layers == 8 else "#data=moons&layers=" + ",".join(["4:tanh"] * layers))
    page = open_page(browser, live, 390, hash=hash)
    try:
        found = page.evaluate("""() => {
            const titles = [...document.querySelectorAll('#network .layer-title')]
              .map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.right]);
            const columns = {};
            for (const u of document.querySelectorAll('#network canvas.unit')) {
              const r = u.getBoundingClientRect();
              (columns[Math.round(r.left + r.width / 2)] ||= []).push(r.width);
            }
            return {titles, columns};
        }""")
        titles = sorted(found["titles"])
        assert len(titles) == layers + 2
        assert all(a[1] <= b[0] + 0.5 for a, b in zip(titles, titles[1:])), titles
        centres = sorted(float(c) for c in found["columns"])
        widths = [max(found["columns"][str(int(c))]) for c in centres]
        gaps = [b - a for a, b in zip(centres, centres[1:])]
        assert len(centres) == layers + 2
        assert all(w <= 0.6 * min(gaps) + 1 for w in widths), (widths, gaps)
        assert page.console_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_copy_the_link_says_it_copied(browser, live):
    # the clipboard got the link, but nothing on the page changed
    page = open_page(browser, live)
    try:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.click("#copy-link")
        page.wait_for_function("document.getElementById('copy-link').textContent !== "
                               "'Copy the link'")
        assert page.inner_text("#copy-link") in ("Copied", "Selected: copy it")
        page.wait_for_function("document.getElementById('copy-link').textContent === "
                               "'Copy the link'", timeout=5000)
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_refused_field_s_message_is_in_sight_wherever_the_page_is_scrolled(browser, live):
    # on a phone the message stood at the page's top, out of sight of the field far
    # below it, which showed a red border and no reason
    page = open_page(browser, live, 390)
    try:
        page.fill("#dropout", "0.95")
        page.keyboard.press("Tab")
        page.wait_for_function("!document.getElementById('message').hidden")
        box = page.evaluate("""(() => {
            const r = document.getElementById('message').getBoundingClientRect();
            return [r.top, r.bottom, innerHeight, scrollY];
        })()""")
        assert box[3] > 300  # the page was scrolled down to the field
        assert 0 <= box[0] and box[1] <= box[2], box
        assert "Dropout" in page.inner_text("#message")
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_window_made_narrow_redraws_the_network_to_fit(browser, live):
    # the network was drawn once for the width the page opened at: a window narrowed
    # afterwards (a tablet turned, a window dragged) scrolled sideways by 64 px
    page = open_page(browser, live, 1280)
    try:
        page.wait_for_selector("#trace table")
        viewbox_width = "Number(document.querySelector('#network svg')" \
                        ".getAttribute('viewBox').split(' ')[2])"
        wide = page.evaluate(viewbox_width)
        units = page.locator("#network canvas.unit").count()
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_function(f"{viewbox_width} < {wide}")
        m = page.evaluate(MEASURE)
        assert m["scroll"] <= m["client"] and m["wide"] == [], m["wide"]
        assert page.locator("#network canvas.unit").count() == units == 2 + 4 + 1
        page.set_viewport_size({"width": 1280, "height": 900})
        page.wait_for_function(f"{viewbox_width} === {wide}")
        assert page.console_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_wide_window_keeps_the_400_px_plane(browser, live):
    page = open_page(browser, live, 1400)
    try:
        box = page.locator("#boundary").bounding_box()
        assert (round(box["width"]), round(box["height"])) == (402, 402)  # 400 + borders
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [1210, 1280])
def test_the_glass_box_tables_fit_the_window(browser, live, width):
    # at 1280 px the norm column of a trained flower network's first layer was cut off
    # (its box scrolled sideways by 30 px); from 1201 to 1259 px, where the page had
    # three columns too, by up to 45 px
    page = open_page(browser, live, width, hash="#data=flower&lr=1.2&ipf=100")
    try:
        page.click("#play")
        page.wait_for_function("state.frame && state.frame.iteration >= 1000", timeout=60_000)
        page.click("#play")
        page.wait_for_function("state.frame && state.frame.state === 'paused'")
        page.wait_for_function("state.traceIteration === state.frame.iteration",
                               timeout=60_000)
        over = page.evaluate("[...document.querySelectorAll('.trace details')]"
                             ".map((d) => d.scrollWidth - d.clientWidth)")
        assert len(over) == 2 and over == [0, 0], over
    finally:
        page.context.close()


# records the text drawn on each canvas (by its id) since the page loaded
RECORD_TEXT = """
(() => {
  window.drawnText = {};
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
    const id = this.canvas.id || "";
    (window.drawnText[id] = window.drawnText[id] || []).push(String(text));
    return fill.call(this, text, x, y, ...rest);
  };
})();
"""


@pytest.mark.browser
@pytest.mark.slow
def test_a_diverged_run_reads_failed_and_offers_play_not_pause(browser, live):
    page = open_page(browser, live, hash=DIVERGES_HASH, init_script=RECORD_TEXT)
    try:
        page.click("#play")
        page.wait_for_function("state.frame && state.frame.error")
        page.wait_for_selector("#message:not([hidden])")
        assert "training diverged" in page.inner_text("#message")
        page.wait_for_function("document.getElementById('run-state').textContent === 'failed'")
        assert page.inner_text("#play") == "Play"
        assert page.get_attribute("#play", "aria-pressed") == "false"
        # Play again: the server says why not, in the message
        page.click("#play")
        page.wait_for_function("document.getElementById('message').textContent"
                               ".includes('this run failed')")
        assert page.inner_text("#run-state") == "failed" and page.inner_text("#play") == "Play"
        # the cost chart's axis reads a short number, not 2.161044425915885e+111
        page.evaluate("window.drawnText = {}; drawCharts()")
        numbers = [t for t in page.evaluate("window.drawnText['cost-chart']")
                   if re.fullmatch(r"[-+.,e\d]+", t)]
        assert any("e+" in t for t in numbers), numbers  # the cost did reach 1e+111
        assert numbers and all(len(t) <= 6 for t in numbers), numbers
        # Reset trains again: paused, no message
        page.click("#reset")
        page.wait_for_function("document.getElementById('run-state').textContent === 'paused'")
        assert page.is_hidden("#message")
        assert page.console_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_refused_link_says_why_and_what_is_shown_instead(browser, live):
    page = open_page(browser, live, hash="#lr=abc&layers=8:relu")
    try:
        page.wait_for_function("document.getElementById('message').textContent"
                               ".includes('refused')", timeout=5000)
        message = page.inner_text("#message")
        assert "The link's setup was refused" in message
        assert "Learning rate must be a number, got 'abc'" in message
        assert "the field is empty" not in message and "default setup" in message
        assert page.evaluate("state.config.learning_rate") == 1.2  # the defaults run
        assert page.console_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_refused_link_pasted_into_the_tab_keeps_its_message(browser, live):
    page = open_page(browser, live)
    try:
        run = page.evaluate("state.run")
        page.evaluate("location.hash = '#lr=abc'")
        page.wait_for_function("document.getElementById('message').textContent"
                               ".includes(\"got 'abc'\")")
        # what follows the refused settings (nothing may clear the message)
        page.evaluate("state.pending.then(() => new Promise((r) => setTimeout(r, 300)))")
        assert page.is_visible("#message")
        assert "Learning rate must be a number, got 'abc'" in page.inner_text("#message")
        assert page.evaluate("state.run") == run  # the run goes on as it was
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_link_to_an_uploaded_file_keeps_its_other_settings(browser, live):
    page = open_page(browser, live, hash="#data=upload&lr=0.5&layers=6:relu,3:tanh")
    try:
        page.wait_for_function("document.getElementById('message').textContent"
                               ".includes('upload it again')", timeout=5000)
        config = page.evaluate("state.config")
        assert config["dataset"] == "flower" and config["learning_rate"] == 0.5
        assert [layer["units"] for layer in config["hidden"]] == [6, 3]
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_refused_upload_can_be_chosen_again_once_fixed(browser, live, tmp_path):
    page = open_page(browser, live)
    try:
        data = tmp_path / "points.csv"
        data.write_text("a,b,label\n1,2\n")
        page.set_input_files("#upload", str(data))
        page.wait_for_function("document.getElementById('message').textContent"
                               ".includes('row 1 has 2 values')")
        # a browser fires no change event for the file it already holds: the input is
        # emptied, so that the same file, fixed, is a new choice
        assert page.evaluate("document.getElementById('upload').files.length") == 0
        data.write_text("a;b;label\n" + ROWS.replace(",", ";"))
        page.set_input_files("#upload", str(data))
        page.wait_for_function("state.config && state.config.dataset === 'upload'")
        assert page.is_hidden("#message")
        assert "points.csv" in page.inner_text("#dataset-note")
        # what reading it said is shown under its name, and only while it is chosen
        assert page.inner_text("#upload-notes") == "Read as a CSV file separated by ';'."
        # what the file holds: x₁ and x₂ said nothing of it
        assert page.inner_text("#upload-facts") == (
            "20 rows; columns a (x₁) and b (x₂); classes 0, 1 (the output: the "
            "probability of 1).")
        # the greyed Points and Noise show the file's rows and no noise (they showed
        # the built-in set's 400 and 0.2), and the link gives neither
        fields = "['n_samples', 'noise'].map((id) => document.getElementById(id).value)"
        assert page.evaluate(fields) == ["20", ""]
        assert page.get_attribute("#noise", "placeholder") == "—"
        keys = "[...new URLSearchParams(location.hash.slice(1)).keys()]"
        assert "data" in page.evaluate(keys)
        assert "n" not in page.evaluate(keys) and "noise" not in page.evaluate(keys)
        page.select_option("#dataset", "flower")
        assert page.is_hidden("#upload-notes") and page.is_hidden("#upload-facts")
        # the built-in set's own come back, and are what its run is given
        page.wait_for_function("state.config && state.config.dataset === 'flower'")
        assert page.evaluate(fields) == ["400", "0.2"]
        assert page.evaluate("[state.config.n_samples, state.config.noise]") == [400, 0.2]
        assert {"n", "noise"} <= set(page.evaluate(keys))
    finally:
        page.context.close()


@pytest.mark.parametrize("ctype", ["text/x-csv", "text/comma-separated-values",
                                   "text/x-comma-separated-values", "application/x-csv"])
def test_an_upload_is_taken_whatever_name_the_system_gives_the_csv_type(client, ctype):
    r = upload(client, ("a,b,label\n" + ROWS).encode(), ctype=ctype)
    assert r.status_code == 200, r.text
    assert r.json()["n_samples"] == 20


@pytest.mark.parametrize("ctype", ["application/json", "image/png", "multipart/form-data"])
def test_an_upload_of_another_type_is_still_refused(client, ctype):
    assert_one_line_error(upload(client, ("a,b,label\n" + ROWS).encode(), ctype=ctype), 415,
                          "upload a CSV file", ctype)


# --------------------------------------------------------------------------- file data


def test_a_data_file_of_too_few_rows_is_refused_at_start_as_an_upload_is(tmp_path):
    small = tmp_path / "small.csv"
    small.write_text("a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    with pytest.raises(DatasetError, match=r"small.csv: has 4 rows; give at least 10$"):
        load_file(str(small))
    assert cli_run(["playground", "--no-browser", "--port", "0", "--data", str(small)]) != 0


@pytest.mark.parametrize("body, rows", [
    (b"a,b,c\n1,2,0\n", "1 row"), (b"a,b,c\n1,2,0\n3,4,0\n5,6,1\n", "3 rows")])
def test_an_upload_of_too_few_rows_is_refused_by_its_rows_first(client, body, rows):
    """One row holds one class: the rows are the real limit, said first."""
    r = upload(client, body)
    message = assert_one_line_error(r, 422, f"data.csv: has {rows}; give at least 10")
    assert "class" not in message


def test_a_data_file_of_one_row_is_refused_by_its_rows(tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("a,b,label\n1,2,0\n")
    with pytest.raises(DatasetError, match=r"one.csv: has 1 row; give at least 10$"):
        load_file(str(one))


def test_a_file_that_cannot_be_split_asks_for_more_rows_not_more_points(client):
    rows = "a,b,label\n" + ROWS + "5,5,2\n"  # class 2 has a single row
    sid = new_session(client)
    r = client.post(f"/api/sessions/{sid}/upload?name=data.csv", content=rows.encode(),
                    headers={"content-type": "text/csv"})
    assert r.status_code == 200, r.text
    message = assert_one_line_error(
        client.post(f"/api/sessions/{sid}/config", json={"dataset": "upload"}), 422,
        "1 of the 3 classes", "give a file with more rows of each class")
    assert "more points" not in message  # the points setting is a built-in set's
    # a built-in set still names its points
    assert_one_line_error(client.post("/api/sessions", json={
        "dataset": "spiral", "classes": 6, "n_samples": 20, "test_fraction": 0.9}),
        422, "use more points")


@pytest.mark.browser
@pytest.mark.slow
def test_a_stopped_server_is_named_not_failed_to_fetch(browser):
    server = BackgroundServer(create_app())
    page = open_page(browser, server)
    try:
        server.stop()
        page.click("#play")
        page.wait_for_selector("#message:not([hidden])")
        message = page.inner_text("#message")
        assert "cannot reach the playground's server" in message and "reload" in message
        assert "Failed to fetch" not in message
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_session_closed_by_the_server_tells_the_tab_to_reload(browser, live):
    page = open_page(browser, live)
    try:
        live.app.state.sessions.close(page.evaluate("state.session"))
        page.wait_for_function("document.getElementById('message').textContent"
                               ".includes('reload the page')")
        assert "closed this tab's session" in page.inner_text("#message")
        assert page.console_errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize("name, shown", [
    ("data, v2.csv", "data_ v2.csv"), ("iris [copy].csv", "iris _copy_.csv"),
    ("file#1.csv", "file_1.csv"), ("données.csv", "données.csv"), ("X.CSV", "X.CSV"),
    ("C:\\Users\\me\\points.csv", "points.csv"), ("a" * 150 + ".csv", "a" * 96 + ".csv"),
])
def test_a_csv_file_is_taken_whatever_its_name_holds(client, name, shown):
    sid = new_session(client)
    r = client.post(f"/api/sessions/{sid}/upload", params={"name": name},
                    content=("a,b,label\n" + ROWS).encode(), headers={"content-type": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == shown
    r = client.post(f"/api/sessions/{sid}/config", json={"dataset": "upload"})
    assert r.status_code == 200, r.text
    client.post(f"/api/sessions/{sid}/control", json={"action": "step"})
    code = client.get(f"/api/sessions/{sid}/snippet").text
    assert repr(shown) in code
    compile(code, "snippet.py", "exec")


@pytest.mark.parametrize("name", ["notes.txt", "data.csv.gz", "picture.png"])
def test_a_file_not_named_csv_is_refused_by_its_name(client, name):
    sid = new_session(client)
    r = client.post(f"/api/sessions/{sid}/upload", params={"name": name},
                    content=("a,b,label\n" + ROWS).encode(), headers={"content-type": "text/csv"})
    assert_one_line_error(r, 415, "upload a .csv file", repr(name))


def rows_of(n, end="\n", sep=","):
    return "".join(f"{i}{sep}{(i * 7) % 11}{sep}{i % 2}{end}" for i in range(n))


@pytest.mark.parametrize("end", ["\r", "\r\n", "\n\n"], ids=["CR", "CRLF", "blank lines"])
def test_the_upload_limits_count_rows_whatever_ends_the_lines(client, end):
    # 100 rows ending in a lone CR ("CSV (Macintosh)") were one line of 300 values
    r = upload(client, ("a,b,label" + end + rows_of(100, end)).encode())
    assert r.status_code == 200, r.text
    assert r.json()["n_samples"] == 100
    # the row limit counts rows, not line ends
    r = upload(client, ("a,b,label" + end + rows_of(20_000, end)).encode())
    assert r.status_code == 200, r.text
    r = upload(client, ("a,b,label" + end + rows_of(20_001, end)).encode())
    assert_one_line_error(r, 413, "more than 20,000 rows")


def test_the_column_limit_counts_the_columns_of_any_separator(client):
    header = ";".join(f"c{j}" for j in range(201))
    rows = "".join(";".join(["1"] * 200) + f";{i % 2}\n" for i in range(20))
    assert_one_line_error(upload(client, (header + "\n" + rows).encode()), 413,
                          "more than 200 columns")


@pytest.mark.browser
@pytest.mark.slow
def test_the_controls_wait_for_the_session_instead_of_answering_no_such_session(
        browser, live):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    held = []
    page.route("**/api/sessions", lambda route: held.append(route))  # held: a slow start
    try:
        page.goto(live.url + "/")
        page.wait_for_function("document.querySelector('#dataset option')")
        start = wait_for_held(page, held, "session")
        for name in ("play", "step", "reset", "ipf", "upload", "download-model"):
            assert page.is_disabled(f"#{name}"), name
        page.click("#play", force=True)
        assert page.is_hidden("#message")
        start.continue_()
        page.wait_for_selector("#network canvas.unit")
        page.wait_for_function("!document.getElementById('play').disabled")
        for name in ("step", "reset", "ipf", "upload", "download-csv"):
            assert page.is_enabled(f"#{name}"), name
        # no model before the first iteration: its buttons wait for it (they were
        # answered "train at least one iteration first")
        for name in ("download-model", "show-snippet"):
            assert page.is_disabled(f"#{name}"), name
            assert "at least one iteration" in page.get_attribute(f"#{name}", "title")
        page.click("#step")
        page.wait_for_function("document.getElementById('iteration').textContent === "
                               "'iteration 1'")
        assert page.is_hidden("#message")
        for name in ("download-model", "show-snippet"):
            assert page.is_enabled(f"#{name}"), name
        page.click("#reset")
        page.wait_for_function("document.getElementById('download-model').disabled")
    finally:
        context.close()


# --------------------------------------------------------------------------- addresses


def test_an_unknown_address_is_named_in_its_404(client):
    for path in ("/api/nothing", "/static/missing.js"):
        message = assert_one_line_error(client.get(path), 404, f"no such address: GET {path}",
                                        "the playground's page is /")
        assert message != "Not Found"


@pytest.mark.parametrize("method, path, allowed", [
    ("GET", "/api/sessions", "POST"), ("POST", "/api/options", "GET"),
    ("DELETE", "/api/sessions/abc/close", "POST"),
])
def test_a_wrong_method_names_the_right_one(client, method, path, allowed):
    r = client.request(method, path)
    assert_one_line_error(r, 405, f"{method} {path} is not allowed; use {allowed}")
    assert allowed in r.headers["allow"]


@pytest.mark.browser
@pytest.mark.slow
def test_the_network_s_focusable_units_are_in_the_accessibility_tree(browser, live):
    # a role="img" container hides its children from screen readers: the units one can
    # tab to were announced as nothing
    page = open_page(browser, live)
    try:
        for name in ("input x₁", "input x₂", "hidden layer 1, unit 1", "hidden layer 1, unit 4"):
            assert page.get_by_role("img", name=name, exact=True).count() == 1, name
        assert page.get_by_role("group", name="Network: 2 → 4 → 1 units").count() == 1
    finally:
        page.context.close()


# --------------------------------------------------------------------------- exports


@pytest.mark.parametrize("steps, said", [(1, "1 iteration,"), (2, "2 iterations,")])
def test_the_snippet_counts_its_iterations_in_words(client, capsys, steps, said):
    sid = new_session(client)
    for _ in range(steps):
        client.post(f"/api/sessions/{sid}/control", json={"action": "step"})
    code = client.get(f"/api/sessions/{sid}/snippet").text
    assert f"run: {said} reproduced" in code
    exec(compile(code, "snippet.py", "exec"), {})  # noqa: S102 - as a user runs it
    out = capsys.readouterr().out
    assert out.startswith(f"after {said.rstrip(',')}: train cost "), out


def test_the_file_data_set_without_data_says_what_is_missing(client):
    r = client.post("/api/sessions", json={"dataset": "file"})
    message = assert_one_line_error(r, 422, "needs a --data file",
                                    "nnscratch playground --data FILE")
    assert r.json()["field"] == "dataset" and "must be one of" not in message
    sid = new_session(client)
    assert_one_line_error(client.post(f"/api/sessions/{sid}/config", json={"dataset": "file"}),
                          422, "needs a --data file")


def test_the_upload_data_set_before_an_upload_says_to_upload_first(client):
    r = client.post("/api/sessions", json={"dataset": "upload"})
    assert_one_line_error(r, 422, "needs a CSV file uploaded in this session first")
    sid = new_session(client)
    r = client.post(f"/api/sessions/{sid}/config", json={"dataset": "upload"})
    assert_one_line_error(r, 422, "needs a CSV file uploaded in this session first", "upload")
    assert r.json()["field"] == "dataset"
    r = client.post(f"/api/sessions/{sid}/upload?name=data.csv",
                    content=("a,b,label\n" + ROWS).encode(), headers={"content-type": "text/csv"})
    assert r.status_code == 200, r.text
    r = client.post(f"/api/sessions/{sid}/config", json={"dataset": "upload"})
    assert r.status_code == 200, r.text


# --------------------------------------------------------------------------- links and the page's drawing


def open_link(browser, live, hash, width=1400):
    """A page opened on a link, its console's warnings and errors kept (an unparsable
    value written into a number field is a console warning)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda m: page.console_messages.append(m.text)
            if m.type in ("warning", "error") else None)
    page.set_default_timeout(20_000)
    page.goto(live.url + "/" + hash)
    page.wait_for_function("document.getElementById('message').textContent"
                           ".includes('refused')")
    return page


REFUSED = "The link's setup was refused ({}); the default setup is shown instead."


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("hash, said", [
    ("#data=flower&lr=abc&layers=300%3Atanh",
     "Units in hidden layer 1 must be between 1 and 256, got 300; "
     "Learning rate must be a number, got 'abc'"),
    ("#data=flower&lr=1e400", "Learning rate must be a number, got '1e400'"),
    ("#layers=" + "%2C".join(["4%3Atanh"] * 9), "Hidden layers must be between 0 and 8, got 9"),
    ("#features=x1%2Cx1", "Features must name each feature once, got 'x1' twice"),
    ("#features=", "Features must not be empty: choose at least one"),
    ("#data=flower&classes=3",
     "Classes must be 2 for flower (only blobs and spiral take 2 to 6 classes), got 3"),
], ids=["two-problems", "lr-1e400", "9-layers", "a-feature-twice", "no-feature",
        "flower-3-classes"])
def test_a_bad_link_names_every_problem_under_the_form_s_labels(browser, live, hash, said):
    """Every problem of the link in the one message, each under its field's label, its
    value as the link gave it ('1e400', not '∞'); no text written into a number field."""
    page = open_link(browser, live, hash)
    try:
        assert page.inner_text("#message") == REFUSED.format(said)
        assert not [m for m in page.console_messages if "cannot be parsed" in m]
        assert page.evaluate("state.config.learning_rate") == 1.2  # the defaults run
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_bad_link_pasted_into_the_tab_marks_every_refused_field(browser, live):
    page = open_page(browser, live)
    try:
        page.on("console", lambda m: page.console_errors.append(m.text)
                if "cannot be parsed" in m.text else None)
        page.evaluate("location.hash = '#data=flower&lr=abc&layers=300%3Atanh'")
        page.wait_for_function("document.getElementById('message').textContent"
                               ".includes(\"got 'abc'\")")
        message = page.inner_text("#message")
        assert message.startswith("Units in hidden layer 1 must be between 1 and 256, got 300; "
                                  "Learning rate must be a number, got 'abc'; training goes on")
        assert page.get_attribute("#units-0", "aria-invalid") == "true"
        assert page.get_attribute("#learning_rate", "aria-invalid") == "true"
        assert page.input_value("#learning_rate") == ""  # no text in a number field
        assert page.console_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_classes_are_sent_for_blobs_and_spiral_only(browser, live):
    """The classes field keeps the spiral's 3 while the flower is chosen: the flower is
    not refused for it, and spiral chosen again gets a number of classes it takes."""
    page = open_page(browser, live)
    try:
        page.select_option("#dataset", "spiral")
        page.wait_for_function("state.config.dataset === 'spiral'")
        page.fill("#classes", "3")
        page.dispatch_event("#classes", "change")
        page.wait_for_function("state.config.classes === 3")
        page.select_option("#dataset", "flower")
        page.wait_for_function("state.config.dataset === 'flower'")
        assert page.evaluate("state.config.classes") == 2 and page.is_hidden("#message")
        assert "classes=" not in page.url  # the flower's link names no classes
        page.select_option("#dataset", "blobs")
        page.wait_for_function("state.config.dataset === 'blobs'")
        assert page.evaluate("state.config.classes") == 2 and page.is_hidden("#message")
    finally:
        page.context.close()


NETWORK_HEIGHT = "document.getElementById('network').getBoundingClientRect().height"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [1366, 390])
def test_the_network_is_as_tall_as_its_tallest_column(browser, live, width):
    """A (4,) network had 100-250 px of empty space above and below it (the drawing
    was 380 px tall whatever it held)."""
    page = open_page(browser, live, width)
    try:
        units = page.locator("#network canvas.unit[data-layer]")
        top = min(u.bounding_box()["y"] for u in units.all())
        bottom = max(u.bounding_box()["y"] + u.bounding_box()["height"] for u in units.all())
        box = page.locator("#network").bounding_box()
        assert top - box["y"] <= 40 and box["y"] + box["height"] - bottom <= 24, (box, top, bottom)
        assert page.evaluate(NETWORK_HEIGHT) < 230
        page.fill("#units-0", "16")
        page.dispatch_event("#units-0", "change")
        page.wait_for_function("state.described.network.sizes.join() === '2,16,1'")
        assert 370 <= page.evaluate(NETWORK_HEIGHT) <= 380  # a full column: the whole height
        assert page.console_errors == []
    finally:
        page.context.close()


OUTPUT_PIXELS = """(name) => {
  const canvas = [...document.querySelectorAll('#network canvas.unit')]
    .find((c) => c.getAttribute('aria-label') === name);
  if (!canvas) return null;
  const d = canvas.getContext('2d').getImageData(0, 0, 50, 50).data;
  const colours = new Set();
  for (let i = 0; i < d.length; i += 4) colours.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
  return colours.size;
}"""


@pytest.mark.browser
@pytest.mark.slow
def test_the_output_unit_pictures_the_network_s_output_over_the_plane(browser, live):
    """The output unit was an empty circle while the hidden units had pictures."""
    page = open_page(browser, live)
    try:
        assert page.get_by_role("img", name="output: the probability of blue").count() == 1
        page.wait_for_function(f"({OUTPUT_PIXELS})('output: the probability of blue') > 20")
        # softmax: one picture per class
        page.select_option("#dataset", "spiral")
        page.fill("#classes", "3")
        page.dispatch_event("#classes", "change")
        # the 3-class run described, and a frame of that run (not of the previous one)
        page.wait_for_function("state.config.classes === 3 && "
                               "state.run === state.described.run && state.frame")
        for k, name in enumerate(["0", "1", "2"], start=1):
            label = f"output unit {k}: the probability of {name}"
            page.wait_for_function(f"({OUTPUT_PIXELS})({label!r}) > 20")
        assert page.console_errors == []
    finally:
        page.context.close()


RECORD_TEXT_AT = """
window.drawnTexts = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
  if (this.canvas && this.canvas.id) window.drawnTexts.push([this.canvas.id, String(text), x, y]);
  return fillText.call(this, text, x, y, ...rest);
};
"""

TRAIN_PIXELS_BELOW_THE_LEGEND = """() => {
  const canvas = document.getElementById('cost-chart');
  const ratio = window.devicePixelRatio || 1;
  const top = Math.ceil(16 * ratio);  // the legend's square is above: not counted
  const d = canvas.getContext('2d').getImageData(0, top, canvas.width, canvas.height - top).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] === 31 && d[i + 1] === 95 && d[i + 2] === 191) n++;
  return n;
}"""


@pytest.mark.browser
@pytest.mark.slow
def test_one_step_draws_the_train_cost_as_a_dot_and_the_axis_starts_at_0(browser, live):
    """After one step the train curve has one point: it was not drawn at all (a line
    needs two), and the x axis named only its last iteration."""
    page = open_page(browser, live, hash="#layers=", init_script=RECORD_TEXT_AT)
    try:
        page.wait_for_function("state.described.network.sizes.join() === '2,1'")
        page.click("#step")
        page.wait_for_function("state.frame && state.frame.iteration === 1 && "
                               "state.costs.length === 1")
        page.evaluate("window.drawnTexts = []; scheduleDraw()")
        page.wait_for_function("window.drawnTexts.some((t) => t[0] === 'cost-chart')")
        assert page.evaluate(TRAIN_PIXELS_BELOW_THE_LEGEND) > 0
        texts = page.evaluate("window.drawnTexts")
        for chart in ("cost-chart", "accuracy-chart"):
            drawn = [t for t in texts if t[0] == chart]
            zero = [t for t in drawn if t[1] == "0"]
            last = [t for t in drawn if t[1] == "1"]
            assert zero and last, drawn
            assert zero[0][2] < last[0][2] and zero[0][3] == last[0][3]  # one axis, 0 first
        assert page.console_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_two_quick_setting_changes_train_the_later_one_and_the_page_shows_it(browser, live):
    """The data set, then the number of classes, changed at once: the page sent both
    settings together, the server could take the later one first, and then trained the
    earlier (spiral with 2 classes) while the page showed the 3-class settings and drew
    that run's 2-class frames on a 3-class network. A settings request is now sent once
    the previous one is answered (here the first is held, as a slow connection would)."""
    page = open_page(browser, live)
    held, sent = [], []

    def hold_the_first(route):
        sent.append(route.request.post_data_json)
        if held:
            route.continue_()
        else:
            held.append(route)  # the first settings answered late: a slow connection

    page.route("**/config", hold_the_first)
    try:
        page.select_option("#dataset", "spiral")
        first = wait_for_held(page, held, "settings")
        assert first.request.post_data_json["classes"] == 2
        page.fill("#classes", "3")
        page.dispatch_event("#classes", "change")
        page.wait_for_timeout(500)  # the second settings reach the server first, if sent
        sent_while_held = len(sent)
        first.continue_()
        page.wait_for_function("state.described.config.classes === 3 && state.frame")
        page.wait_for_timeout(500)  # frames of any other run arrive meanwhile
        shown = page.evaluate("""async () => {
          const live = await (await fetch(`/api/sessions/${state.session}/state`)).json();
          return {described: state.described.run, run: state.run, live: live.run,
                  outputs: state.frame.outputs.length,
                  classes: state.config.classes};
        }""")
        assert shown["described"] == shown["run"] == shown["live"], shown
        assert shown["outputs"] == 3 and shown["classes"] == 3, shown
        assert sent_while_held == 1  # the second sent once the first were answered
        assert [s["classes"] for s in sent] == [2, 3]
        for k, name in enumerate(["0", "1", "2"], start=1):
            label = f"output unit {k}: the probability of {name}"
            page.wait_for_function(f"({OUTPUT_PIXELS})({label!r}) > 20")
        assert page.console_errors == []
    finally:
        page.context.close()


SERVER_AND_PAGE = """async () => {
  const live = await (await fetch(`/api/sessions/${state.session}/state`)).json();
  return {page: state.playing, button: document.getElementById('play').textContent,
          server: live.state, run: state.run, live: live.run};
}"""


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("then_pause", [False, True], ids=["play", "play-then-pause"])
def test_a_setting_changed_while_play_is_on_its_way_leaves_the_button_right(
        browser, live, then_pause):
    """Play pressed, then a setting changed before Play's request reached the server
    (a slow connection; here Play's request is held): the settings request went out at
    once, the server started the new run and then took Play for it. The page set Play's
    answer aside when it named a run the page did not know yet, and showed the new run
    paused while the server trained it; and Pause, pressed meanwhile, waited for the
    settings and was then sent as Play (Play, Pause, and state.playing still true 20 s
    later: the symptom of test_a_bad_value_shows_the_message in CI). Settings and
    controls now go to the server one at a time, in the order they were asked for, and
    the button does what it said when pressed."""
    page = open_page(browser, live)
    held_play, held_settings = [], []

    def hold_play(route):
        if '"play"' in (route.request.post_data or "") and not held_play:
            held_play.append(route)  # Play's request is slow to reach the server
        else:
            route.continue_()

    def hold_the_answer(route):
        if held_settings:
            route.continue_()
        else:  # the server takes the settings (its new run starts), the answer comes late
            held_settings.append((route, route.fetch()))

    page.route("**/control", hold_play)
    page.route("**/config", hold_the_answer)
    try:
        run = page.evaluate("state.run")
        page.click("#play")
        play = wait_for_held(page, held_play, "Play request")
        # a setting changed while Play is on its way (a select: no second change event
        # when the focus moves on to the button)
        page.select_option("#solver", "adam")
        page.wait_for_timeout(500)  # the settings reach the server first, if sent now
        if then_pause:
            assert page.inner_text("#play") == "Pause"
            page.click("#play")  # Pause, Play and the settings still on their way
            page.wait_for_timeout(300)
        play.continue_()
        route, answer = wait_for_held(page, held_settings, "settings")
        route.fulfill(response=answer)
        page.wait_for_function(f"state.described.run > {run} && state.awaitingControl === 0")
        page.wait_for_timeout(500)  # anything still to come from the server
        shown = page.evaluate(SERVER_AND_PAGE)
        # the new run, paused (a new setting starts a paused run; Pause pauses it)
        assert shown == {"page": False, "button": "Play", "server": "paused",
                         "run": shown["live"], "live": shown["live"]}, shown
        assert page.evaluate("state.config.solver") == "adam"
        assert page.console_errors == []
    finally:
        page.context.close()


# --------------------------------------------------------------------------- other sites


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1"])
def test_a_post_from_another_site_s_page_is_refused(client, origin):
    """A page of another site may post to the playground (a "simple" request needs no
    CORS preflight): its browser names its Origin, and the server refuses it."""
    r = client.post("/api/sessions", json={}, headers={"origin": origin})
    assert_one_line_error(r, 403, "takes requests from its own page (http://testserver) only",
                          f"not from {origin}")
    assert len(client.app.state.sessions) == 0  # nothing started


def test_a_post_from_the_playground_s_own_page_or_without_an_origin_is_taken(client):
    sid = new_session(client)  # no Origin: curl, a script
    r = client.post(f"/api/sessions/{sid}/control", json={"iterations_per_frame": 3},
                    headers={"origin": "http://testserver"})
    assert r.status_code == 200, r.text
    # reading is not refused for an Origin: a GET changes nothing
    assert client.get("/api/options", headers={"origin": "http://evil.example"}).status_code == 200


@pytest.mark.parametrize("ctype", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_settings_not_sent_as_json_are_refused(client, ctype):
    headers = {} if ctype is None else {"content-type": ctype}
    r = client.post("/api/sessions", content=b"{}", headers=headers)
    assert_one_line_error(r, 415, "send the request body as JSON (Content-Type: "
                          "application/json), not " + (ctype or "without a type"))
    r = client.post("/api/sessions", content=b"{}",
                    headers={"content-type": "application/json; charset=utf-8"})
    assert r.status_code == 201, r.text


# --------------------------------------------------------------------------- defaults


@pytest.mark.parametrize("dataset, noise", [("flower", 0.2), ("circles", 0.1), ("blobs", 1.0)])
def test_a_left_out_noise_is_the_data_set_s_own_as_the_menu_chooses_it(client, dataset, noise):
    r = client.post("/api/sessions", json={"dataset": dataset})
    assert r.status_code == 201, r.text
    assert r.json()["config"]["noise"] == noise
    r = client.post("/api/sessions", json={"dataset": dataset, "noise": 0.3})
    assert r.json()["config"]["noise"] == 0.3


# --------------------------------------------------------------------------- races


def test_a_control_for_a_replaced_run_says_it_was_replaced_not_over(client):
    from nnscratch.playground.sessions import ConflictError

    sid = new_session(client)
    run = client.app.state.sessions.get(sid).run
    assert client.post(f"/api/sessions/{sid}/config", json={"seed": 2}).status_code == 200
    with pytest.raises(ConflictError, match="^this run was replaced by newer settings "
                                            r"\(or reset\) while the request was on its way; "
                                            "send it again$"):
        run.control("play", None)


@pytest.mark.parametrize("max_iterations, said", [(1, "(1 iteration)"), (2, "(2 iterations)")])
def test_a_run_that_is_over_counts_its_iterations_in_words(max_iterations, said):
    with TestClient(create_app(grace=300, max_iterations=max_iterations)) as client:
        sid = new_session(client)
        for _ in range(max_iterations):
            r = client.post(f"/api/sessions/{sid}/control", json={"action": "step"})
            assert r.status_code == 200, r.text
        r = client.post(f"/api/sessions/{sid}/control", json={"action": "play"})
        assert_one_line_error(r, 409, f"the run is over {said}; press reset to train again")


# --------------------------------------------------------------------------- the page


@pytest.mark.browser
@pytest.mark.slow
def test_a_stopped_server_is_named_without_a_click(browser):
    """The page notices by its event stream, within seconds, not at the next click."""
    server = BackgroundServer(create_app())
    page = open_page(browser, server)
    try:
        page.click("#play")
        page.wait_for_function("document.getElementById('run-state').textContent === 'training'")
        # Play answered: no request of the page's own is under way when the server stops,
        # so what notices it is the event stream
        page.wait_for_function("state.awaitingControl === 0 && state.frame !== null")
        server.stop()
        page.wait_for_selector("#message:not([hidden])", timeout=10_000)
        assert "cannot reach the playground's server" in page.inner_text("#message")
        page.wait_for_function("document.getElementById('run-state').textContent !== "
                               "'training'", timeout=5_000)
        assert page.inner_text("#run-state") != "training"
        assert page.inner_text("#play") == "Play"
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("ipf", ["1", "100"])
def test_a_link_s_iterations_per_frame_are_kept(browser, live, ipf):
    page = open_page(browser, live, hash=f"#data=flower&ipf={ipf}")
    try:
        page.wait_for_function(f"location.hash.includes('ipf={ipf}')")
        assert page.input_value("#ipf") == ipf
        sid = page.evaluate("state.session")
        run = live.app.state.sessions.get(sid).run
        deadline = time.monotonic() + 10
        while run.iterations_per_frame != int(ipf) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run.iterations_per_frame == int(ipf)
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_a_link_without_noise_gets_the_data_set_s_own(browser, live):
    page = open_page(browser, live, hash="#data=circles")
    try:
        page.wait_for_function("state.config && state.config.dataset === 'circles'")
        assert page.evaluate("state.config.noise") == 0.1
        assert page.input_value("#noise") == "0.1"
    finally:
        page.context.close()


@pytest.mark.slow
def test_a_body_shorter_than_its_length_is_answered_408_not_held_open(monkeypatch):
    """A body that never arrives in full held its connection (and a server task) open
    for ever."""
    monkeypatch.setattr(server_module, "BODY_TIMEOUT", 0.5)
    server = BackgroundServer(create_app())
    try:
        host, port = server.url.split("//")[1].rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(b"POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{}")
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
        head, _, body = answer.decode().partition("\r\n\r\n")
        assert head.startswith("HTTP/1.1 408")
        assert body.strip() == ('{"error":"the request body did not arrive within 0.5 seconds '
                                '(shorter than its Content-Length?); send it again"}')
        assert len(server.app.state.sessions) == 0
    finally:
        server.stop()


# --------------------------------------------------------------------------- an audit

SLOW_SETTINGS = {"n_samples": 5000, "test_fraction": 0.1, "batch_size": 1, "solver": "adam",
                 "learning_rate": 1e-6, "hidden": [{"units": 256, "activation": "relu"}] * 8}


@pytest.mark.slow
def test_settings_whose_iterations_take_a_minute_are_refused_before_any_work(client):
    """4,500 points in batches of 1 through 8 layers of 256 units took some 50 s an
    iteration: a step, a pause or new settings waited for it, and the old run went on
    computing after new settings were taken."""
    r = client.post("/api/sessions", json=SLOW_SETTINGS)
    message = assert_one_line_error(
        r, 422, "per iteration (4,500 points in batches of 1 through 8 layers of 256 units",
        "use fewer points or units, or larger batches")
    assert re.match(r"these settings take about \d+ s per iteration", message), message
    assert "field" not in r.json()  # about several settings: the page shows it whole
    assert len(client.app.state.sessions) == 0  # refused before a session was made
    sid = new_session(client)
    session = client.app.state.sessions.get(sid)
    run = session.run
    r = client.post(f"/api/sessions/{sid}/config", json=SLOW_SETTINGS)
    assert_one_line_error(r, 422, "per iteration")
    assert session.run is run and not run.closed  # the run trains on as it was


@pytest.mark.parametrize("settings", [
    {},  # the page's defaults
    # the most the page's fields offer with the units it gives an added layer (4)
    {"n_samples": 5000, "test_fraction": 0.1, "batch_size": 1, "solver": "adam",
     "hidden": [{"units": 4, "activation": "tanh"}] * 8},
    # the widest network on the most points, in one batch or in batches of 32
    {"n_samples": 5000, "test_fraction": 0.1, "hidden": [{"units": 256, "activation": "relu"}] * 8},
    {"n_samples": 5000, "test_fraction": 0.1, "batch_size": 32, "solver": "adam",
     "hidden": [{"units": 256, "activation": "relu"}] * 8},
    {"dataset": "spiral", "classes": 6, "n_samples": 5000, "batch_size": 1,
     "hidden": [{"units": 16, "activation": "relu"}] * 2},
], ids=["defaults", "8x4-batch-1", "8x256-full", "8x256-batch-32", "spiral-batch-1"])
def test_settings_the_page_offers_pass_the_time_check(settings):
    from nnscratch.playground.config import check_config

    check_config(settings, {})


def test_the_time_check_counts_a_file_s_rows():
    from nnscratch.playground.config import ConfigError, check_config

    slow = {"dataset": "upload", "batch_size": 1, "test_fraction": 0.2,
            "hidden": [{"units": 256, "activation": "relu"}] * 8}
    with pytest.raises(ConfigError, match=r"\(4,000 examples in batches of 1 through 8 "
                                          r"layers of 256 units") as info:
        check_config(slow, {"upload": 0}, {"upload": 2}, {"upload": (5000, True)})
    assert "use fewer units, or larger batches" in str(info.value)
    # a --data file with its own test file trains on all its rows
    with pytest.raises(ConfigError, match=r"\(5,000 examples in batches of 1"):
        check_config({**slow, "dataset": "file"}, {"file": 0}, {"file": 2},
                     {"file": (5000, False)})
    check_config(slow, {"upload": 0}, {"upload": 2}, {"upload": (40, True)})


def test_a_step_still_waiting_after_its_time_is_answered_409_busy_not_a_stale_200(
        client, monkeypatch):
    """A step that timed out waiting for a long iteration was answered 200 with the
    state of before the step, as if it were done."""
    monkeypatch.setattr(server_module, "CONTROL_WAIT", 0.3, raising=False)
    sid = new_session(client)
    run = client.app.state.sessions.get(sid).run
    busy, release = threading.Event(), threading.Event()

    def long_iteration():  # the training thread held, as by an iteration of a minute
        busy.set()
        release.wait(20)

    holder = threading.Thread(target=run.call, args=(long_iteration,), daemon=True)
    holder.start()
    assert busy.wait(10)
    timer = threading.Timer(10.0, release.set)  # the old code's step ends meanwhile
    timer.start()
    try:
        r = client.post(f"/api/sessions/{sid}/control", json={"action": "step"})
        assert_one_line_error(r, 409, "busy in an iteration", "the step is taken")
    finally:
        release.set()
        timer.cancel()
        holder.join(10)
    for _ in range(500):  # the step is done once the iteration ends
        if client.get(f"/api/sessions/{sid}/state").json()["iteration"] == 1:
            break
        time.sleep(0.01)
    assert client.get(f"/api/sessions/{sid}/state").json()["iteration"] == 1


def _upload_big(client, sid, scale):
    rng = np.random.RandomState(0)
    rows = ["a,b,label"] + [f"{rng.uniform(-1, 1) * scale!r},{rng.uniform(-1, 1) * scale!r},"
                            f"{i % 2}" for i in range(50)]
    r = client.post(f"/api/sessions/{sid}/upload?name=big.csv",
                    content="\n".join(rows).encode(), headers={"content-type": "text/csv"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("scale", [1e100, 1e150])
@pytest.mark.parametrize("features, said", [
    (["x1^2", "x2"], "x1^2 of column 'a' overflows"),
    (["x1", "x1*x2"], "x1*x2 of columns 'a' and 'b' overflows"),
])
def test_a_file_s_feature_that_overflows_is_refused_naming_it_and_its_column(
        client, scale, features, said):
    """Squares of values near 1e150 were taken: their standardisation made the feature
    all zeros (it trained silently), and the model download answered 422."""
    sid = new_session(client)
    _upload_big(client, sid, scale)
    r = client.post(f"/api/sessions/{sid}/config",
                    json={"dataset": "upload", "features": features})
    assert_one_line_error(r, 422, said, "rescale the column")
    # the columns themselves are fine: trained, and the model file written
    r = client.post(f"/api/sessions/{sid}/config",
                    json={"dataset": "upload", "features": ["x1", "x2"]})
    assert r.status_code == 200, r.text
    r = client.post(f"/api/sessions/{sid}/control", json={"action": "step"})
    assert r.status_code == 200, r.text
    assert client.get(f"/api/sessions/{sid}/model").status_code == 200


@pytest.mark.parametrize("path, header", [
    ("/", "bytes=5-1"),
    ("/", "bytes=0-10"),
    ("/static/playground.css", "bytes=999999-"),
    ("/static/playground.css", "items=0-1"),
    ("/static/playground.js", "bytes=-5, 10-"),
])
def test_a_range_asked_of_the_page_s_files_gets_the_whole_file(client, path, header):
    """A bad range was answered 400 in plain text or 416 with an empty body."""
    whole = client.get(path)
    assert whole.status_code == 200 and "accept-ranges" not in whole.headers
    r = client.get(path, headers={"Range": header})
    assert r.status_code == 200, r.text[:200]
    assert r.content == whole.content
    r = client.get(path, headers={"Range": header, "If-Range": '"x"'})
    assert r.status_code == 200 and r.content == whole.content


@pytest.fixture
def off_loopback():
    """The app ``serve --host 0.0.0.0`` makes."""
    app = create_app(grace=300, allowed_hosts=server_module.allowed_hosts("0.0.0.0"),
                     ip_hosts=True)
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "10.0.0.7:8765", "192.168.1.20",
                                  "[::1]:8765", "[fe80::1]", "localhost:8765",
                                  socket.gethostname(), socket.getfqdn()])
def test_off_loopback_the_server_answers_to_its_addresses_and_names(off_loopback, host):
    assert off_loopback.get("/api/options", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8765",
                                  "127.0.0.1.nip.io", "localhost.attacker.example", ""])
def test_off_loopback_a_dns_rebinding_host_name_is_refused(off_loopback, host):
    """With --host 0.0.0.0 any Host was taken: a page of another site whose name was
    rebound to this machine could drive it."""
    headers = {"Host": host, "Origin": f"http://{host}"}
    r = off_loopback.post("/api/sessions", json={}, headers=headers)
    assert_one_line_error(r, 400, "answers to its IP addresses, localhost",
                          f"({host or 'none'})")
    assert off_loopback.get("/", headers={"Host": host}).status_code == 400
    assert len(off_loopback.app.state.sessions) == 0


@pytest.mark.slow
def test_serve_off_loopback_says_which_hosts_it_answers_and_refuses_others(monkeypatch,
                                                                           made_servers):
    """serve() off loopback made its app with no host check at all."""
    import http.client
    import io

    out, err = _ConnectOnURL(), io.StringIO()
    servers = made_servers
    # served as if off loopback (the warning, the checks), listening on 127.0.0.1 only
    monkeypatch.setattr(server_module, "is_loopback", lambda host: False)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    thread = threading.Thread(target=server_module.serve, daemon=True,
                              kwargs={"port": 0, "open_browser": False})
    thread.start()
    try:
        assert out.printed.wait(20), "serve printed no URL"
        port = int(out.url.rstrip("/").rsplit(":", 1)[1])

        def ask(host):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("POST", "/api/sessions", body=b"{}", headers={
                    "Host": host, "Origin": f"http://{host}",
                    "Content-Type": "application/json"})
                answer = conn.getresponse()
                return answer.status, answer.read()
            finally:
                conn.close()

        status, body = ask("attacker.example")
        assert status == 400 and b"attacker.example" in body and b"\n" not in body.strip()
        status, body = ask(f"127.0.0.1:{port}")
        assert status == 201, body
    finally:
        for server in servers:
            server.should_exit = True
        thread.join(10)
    warning = err.getvalue()
    assert "not on loopback" in warning
    assert "answers only to requests that name it by an IP address or as localhost" in warning


def test_a_model_whose_last_step_diverged_is_not_offered(client):
    # paused after a step to weights whose outputs overflow, the run served a model file
    # that no data could be predicted with ("scale the features"); the divergence was
    # said only at the next step
    cfg = {"dataset": "moons", "hidden": [{"units": 64, "activation": "relu"}] * 4,
           "learning_rate": 100}
    sid = new_session(client, cfg)
    statuses = []
    for _ in range(6):
        assert client.post(f"/api/sessions/{sid}/control",
                           json={"action": "step"}).status_code == 200
        answer = client.get(f"/api/sessions/{sid}/model")
        statuses.append(answer.status_code)
        if answer.status_code == 200:
            assert answer.content[:2] == b"PK"  # a model file (an .npz archive)
        else:
            assert_one_line_error(answer, 409, "the training diverged by iteration",
                                  "lower the learning rate and press reset")
    assert statuses[0] == 200 and 409 in statuses
