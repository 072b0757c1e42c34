"""The playground in a real browser: headless Chromium driven by Playwright.

Chromium comes from the operating system (Debian's ``chromium`` package) and is
launched with ``executable_path``; Playwright comes from PyPI. Never ``playwright
install``: it downloads browsers from a host these machines cannot reach. Without
either, the tests are skipped with a message naming what is missing.

One server (in a thread of this process) and one browser serve the whole module; each
test opens its own page (its own session).
"""

import base64
import hashlib
import json
import re
import shutil
import sys
import types

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the playground needs starlette "
                    "(pip install 'nnscratch[playground]')")
pytest.importorskip("uvicorn", reason="the playground needs uvicorn "
                    "(pip install 'nnscratch[playground]')")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the browser tests need Playwright (pip install playwright)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("the browser tests need Chromium: apt-get install -y chromium",
                allow_module_level=True)

from conftest import wait_for_held
from nnscratch.cli import run as cli_run
from nnscratch.playground.server import BackgroundServer, create_app, load_file
from test_playground_api import CANNED_TRACE

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server():
    app = create_app(max_sessions=16)
    background = BackgroundServer(app)
    yield background
    background.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh page on the playground, loaded, its console watched for errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda m: tab.console_errors.append(m.text)
           if m.type in ("error", "warning") else None)
    tab.on("pageerror", lambda e: tab.console_errors.append(str(e)))
    tab.set_default_timeout(20_000)
    tab.goto(server.url + "/")
    tab.wait_for_selector("#network canvas.unit")
    tab.wait_for_function("document.getElementById('iteration').textContent === 'iteration 0'")
    yield tab
    context.close()


def session_of(page):
    return page.evaluate("state.session")


def run_of(server, page):
    return server.app.state.sessions.get(session_of(page)).run


def iteration(page):
    return int(page.inner_text("#iteration").removeprefix("iteration ").replace(",", ""))


def boundary_digest(page):
    data = page.evaluate("document.getElementById('boundary').toDataURL()")
    return hashlib.sha256(base64.b64decode(data.split(",", 1)[1])).hexdigest()


def enter(page, selector, value):
    """Type ``value`` into the field and leave it, as a learner's Tab does: one change
    event, the browser's own. (A change dispatched by the test is followed by the
    browser's when the focus moves on, to another field or a button: a second settings
    request at a moment the test does not choose.)"""
    page.fill(selector, value)
    page.locator(selector).blur()


def play_until(page, n):
    page.click("#play")
    page.wait_for_function(
        f"Number(document.getElementById('iteration').textContent"
        f".replace(/[^0-9]/g, '')) >= {n}")
    page.click("#play")  # pause
    page.wait_for_function("document.getElementById('run-state').textContent === 'paused'")
    page.wait_for_function("state.frame && state.frame.state === 'paused'")


def test_the_page_loads_without_console_errors(page):
    assert page.inner_text("#iteration") == "iteration 0"
    # iteration 0 has both costs (the untrained network's), as it has both accuracies
    page.wait_for_function("state.frame && state.frame.iteration === 0")
    for cost in ("#train-cost", "#test-cost"):
        assert 0.3 < float(page.inner_text(cost)) < 3, page.inner_text(cost)
    assert page.get_attribute("#play", "aria-pressed") == "false"
    # every form control has a label
    unlabelled = page.evaluate("""
        [...document.querySelectorAll('input, select')].filter(el =>
            !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.id)
    """)
    assert unlabelled == []
    assert page.console_errors == []


def test_play_makes_the_cost_fall_and_the_boundary_change(page):
    page.wait_for_function("state.frame && state.frame.boundary")
    before = boundary_digest(page)
    page.select_option("#ipf", "20")
    play_until(page, 300)
    costs = page.evaluate("state.costs")
    assert len(costs) == iteration(page) >= 300
    assert costs[-1] < 0.8 * costs[0]
    assert float(page.inner_text("#train-cost")) < costs[0]
    assert boundary_digest(page) != before
    assert page.console_errors == []


def test_one_step_advances_the_iteration_by_exactly_one(page, server):
    page.click("#step")
    page.wait_for_function("document.getElementById('iteration').textContent === 'iteration 1'")
    page.click("#step")
    page.wait_for_function("document.getElementById('iteration').textContent === 'iteration 2'")
    assert run_of(server, page).iteration == 2
    assert len(page.evaluate("state.costs")) == 2


def test_changing_the_layers_redraws_the_network(page):
    assert page.locator("#network canvas.unit[data-layer]").count() == 4
    page.fill("#n_layers", "2")
    page.dispatch_event("#n_layers", "change")
    page.wait_for_function("state.described.network.sizes.length === 4")
    assert page.locator("#network canvas.unit[data-layer]").count() == 8
    page.fill("#units-1", "3")
    page.dispatch_event("#units-1", "change")
    page.wait_for_function("state.described.network.sizes.join() === '2,4,3,1'")
    assert page.locator("#network canvas.unit[data-layer='2']").count() == 3
    assert "layers=4%3Atanh%2C3%3Atanh" in page.url  # the link follows
    assert page.console_errors == []


def test_a_bad_value_shows_the_message(page, server):
    goes_on = "; training goes on with the previous settings until this is corrected"
    enter(page, "#units-0", "1000000")
    page.wait_for_selector("#message:not([hidden])")
    assert page.inner_text("#message") == ("Units in hidden layer 1 must be between 1 and "
                                           "256, got 1,000,000" + goes_on)
    assert page.get_attribute("#units-0", "aria-invalid") == "true"
    # the run is untouched and still usable
    assert page.evaluate("state.described.network.sizes.join()") == "2,4,1"
    enter(page, "#units-0", "5")
    page.wait_for_function("state.described.network.sizes.join() === '2,5,1'")
    assert page.is_hidden("#message")
    enter(page, "#learning_rate", "-3")
    page.wait_for_function("document.getElementById('message').textContent"
                           ".includes('must be between')")
    # the form's label, not the setting's name in the API
    # its bounds as a learner reads them, not as Python's :g writes them ("1e-06")
    assert page.inner_text("#message") == ("Learning rate must be between 0.000001 and 100, "
                                           "got -3" + goes_on)
    enter(page, "#learning_rate", "0.0000001")
    page.wait_for_function("document.getElementById('message').textContent"
                           ".includes('got 0.0000001')")
    assert page.inner_text("#message") == ("Learning rate must be between 0.000001 and 100, "
                                           "got 0.0000001" + goes_on)
    assert page.get_attribute("#learning_rate", "aria-invalid") == "true"
    enter(page, "#learning_rate", "")
    page.wait_for_function("document.getElementById('message').textContent"
                           ".includes('empty')")
    assert page.inner_text("#message") == ("Learning rate must be a number (the field is "
                                           "empty)" + goes_on)
    run = page.evaluate("state.run")
    enter(page, "#learning_rate", "1.2")  # corrected: taken (a new run), the message goes
    page.wait_for_function(f"state.described.run > {run}")
    assert page.is_hidden("#message")
    assert page.get_attribute("#learning_rate", "aria-invalid") is None
    enter(page, "#test_fraction", "95")  # typed in %, sent as a fraction: told in %
    page.wait_for_function("document.getElementById('message').textContent"
                           ".includes('Test part')")
    assert page.inner_text("#message") == ("Test part (%) must be between 10 and 90, got 95"
                                           + goes_on)
    assert page.get_attribute("#test_fraction", "aria-invalid") == "true"
    page.click("#step")
    page.wait_for_function("document.getElementById('iteration').textContent === 'iteration 1'")
    # One step and Play leave the refusal on show: the field still says 95 (it once
    # cleared the message and the mark, and the run went on at 50 % with 95 in the form)
    assert page.inner_text("#message").startswith("Test part (%) must be between 10 and 90")
    assert page.get_attribute("#test_fraction", "aria-invalid") == "true"
    page.click("#play")
    page.wait_for_function("state.playing")
    page.click("#play")
    page.wait_for_function("!state.playing")
    assert page.inner_text("#message").startswith("Test part (%) must be between 10 and 90")
    assert page.get_attribute("#test_fraction", "aria-invalid") == "true"
    assert page.evaluate("state.config.test_fraction") == 0.5
    # a corrected value is taken, and the message goes
    enter(page, "#test_fraction", "40")
    page.wait_for_function("state.config.test_fraction === 0.4")
    assert page.is_hidden("#message")
    assert page.get_attribute("#test_fraction", "aria-invalid") is None


def test_an_emptied_hidden_layers_field_is_refused_not_taken_for_none(page, server):
    """An emptied Hidden layers field, left, trained a network of no hidden layer
    (Number("") is 0): every other emptied field is refused."""
    run = run_of(server, page)
    enter(page, "#n_layers", "")
    page.wait_for_selector("#message:not([hidden])", timeout=5_000)
    assert page.inner_text("#message") == (
        "Hidden layers must be a whole number between 0 and 8 (the field is empty); "
        "training goes on with the previous settings until this is corrected")
    assert page.get_attribute("#n_layers", "aria-invalid") == "true"
    # nothing sent: the run and its network are as they were
    assert run_of(server, page) is run and run.config["hidden"] == [
        {"units": 4, "activation": "tanh"}]
    assert page.evaluate("state.described.network.sizes.join()") == "2,4,1"
    assert page.locator("#units-0").count() == 1
    page.click("#step")  # the refusal stays while the run goes on
    page.wait_for_function("document.getElementById('iteration').textContent === 'iteration 1'")
    assert page.inner_text("#message").startswith("Hidden layers must be a whole number")
    enter(page, "#n_layers", "1")  # corrected to the layers training: the message goes
    page.wait_for_selector("#message", state="hidden")
    assert page.get_attribute("#n_layers", "aria-invalid") is None
    assert run_of(server, page) is run
    enter(page, "#n_layers", "2")  # and a new number is taken
    page.wait_for_function("state.described.network.sizes.join() === '2,4,4,1'")
    assert page.console_errors == []


def test_while_training_the_glass_box_says_its_step_is_an_old_one(page):
    page.wait_for_function("state.traceIteration === 0")
    assert page.is_hidden("#trace-stale")
    page.click("#play")
    page.wait_for_function("state.frame && state.frame.iteration >= 50")
    assert "the step of iteration 0; the network is at iteration" in page.inner_text(
        "#trace-stale")
    assert "stale" in page.get_attribute("#trace", "class")
    page.click("#play")  # pause: the current step is traced
    page.wait_for_function("state.frame && state.frame.state === 'paused'")
    page.wait_for_function("state.traceIteration === state.frame.iteration")
    page.wait_for_selector("#trace-stale", state="hidden")
    iteration = page.evaluate("state.frame.iteration")
    assert page.inner_text("#trace p").startswith(f"iteration {iteration:,}:")


def test_a_paused_frame_arriving_after_play_does_not_retrace(page):
    """A paused frame sent before the server took Play, arriving after it, traced the
    step then under way: the glass box said 'the step of iteration 20' where it had
    been showing iteration 0's."""
    page.wait_for_function("state.traceIteration === 0")
    page.evaluate("clearTimeout(state.traceTimer)")  # a first frame's trace still scheduled
    traced = []
    page.on("request", lambda r: traced.append(r.url) if "/trace" in r.url else None)
    # a frame drawn before the Play (an older control number), as the server sends it
    late = "onMessage({run: state.run, frame: {...state.frame, state: 'paused', control: -1}})"
    page.evaluate(f"() => {{ state.playing = true; {late}; }}")
    page.wait_for_timeout(500)  # three times the trace's 150 ms delay
    assert traced == []
    page.evaluate(f"() => {{ state.playing = false; {late}; }}")  # paused: traced again
    wait_for_held(page, traced, "trace after the pause", timeout_ms=10_000)
    page.wait_for_timeout(500)  # a second trace would follow within the same delay
    assert len(traced) == 1


def test_a_trace_answered_after_play_is_not_shown(page):
    """A trace asked for while paused, answered after Play was pressed (the server had
    trained on meanwhile), was shown as the glass box's step: 'the step of iteration
    12' where the test expected iteration 0's."""
    page.wait_for_function("state.traceIteration === 0")
    page.wait_for_timeout(500)  # the first frames' own traces, already scheduled
    held = []
    page.route("**/trace?*", lambda route: held.append(route))
    page.evaluate("scheduleTrace(false)")
    request = wait_for_held(page, held, "trace")
    page.evaluate("state.playing = true")  # Play, pressed while the server traces
    response = request.fetch()
    trace = response.json()
    trace["iteration"] = 12
    request.fulfill(response=response, json=trace)
    page.wait_for_timeout(300)
    assert page.evaluate("state.traceIteration") == 0


def test_a_gradient_check_is_not_replaced_by_an_earlier_trace_answered_later(page):
    """The trace a paused frame schedules, asked for before the Gradient check button
    and answered after it, replaced the check with a plain trace (CI: no
    #gradcheck-result after the click)."""
    page.wait_for_function("state.traceIteration === 0")
    page.wait_for_timeout(500)  # the first frames' own traces, already scheduled
    held = []

    def route(request_route):
        if "gradient_check=1" in request_route.request.url:
            request_route.continue_()
        else:
            held.append(request_route)

    page.route("**/trace?*", route)
    page.evaluate("scheduleTrace(false)")
    request = wait_for_held(page, held, "trace")
    page.click("#gradcheck")
    page.wait_for_selector("#gradcheck-result")
    request.continue_()  # the earlier, plain trace answers now
    page.wait_for_timeout(500)
    assert page.is_visible("#gradcheck-result")


def test_play_then_pause_reach_the_server_in_that_order(page, server):
    """Play and Pause pressed quickly were two requests at once: the server could take
    Pause first and then Play, and the page showed 'training' (CI: Pause pressed, and
    state.playing still true 20 s later)."""
    held = []

    def route(request_route):
        if '"play"' in (request_route.request.post_data or ""):
            held.append(request_route)  # Play's request is slow to reach the server
        else:
            request_route.continue_()

    page.route("**/control", route)
    page.click("#play")
    play = wait_for_held(page, held, "Play request")
    page.click("#play")  # Pause, while Play has not reached the server yet
    page.wait_for_timeout(300)  # the Pause request would go out now, were it not queued
    play.continue_()
    page.wait_for_function("!state.playing && state.awaitingControl === 0")
    sid = page.evaluate("state.session")
    import httpx

    page.wait_for_timeout(300)
    assert httpx.get(f"{server.url}/api/sessions/{sid}/state").json()["state"] == "paused"
    assert page.evaluate("state.playing") is False


def test_every_choice_in_the_settings_fits_its_select(page):
    """'gradient descent' and 'zeros (symmetry!)' were cut off at the default width."""
    cut = page.evaluate("""() => {
        const ctx = document.createElement('canvas').getContext('2d'); const cut = [];
        for (const el of document.querySelectorAll('#settings select')) {
            const style = getComputedStyle(el);
            ctx.font = `${style.fontSize} ${style.fontFamily}`;
            for (const o of el.options) {  // 20 px: the arrow and the padding
                const need = ctx.measureText(o.textContent).width + 20;
                if (need > el.clientWidth) cut.push(`${el.id}: ${o.textContent}`);
            }
        }
        return cut; }""")
    assert cut == []


LONG_NAME = "train_catvnoncat_points_of_the_second_week_exported_from_the_notebook.csv"


def test_a_long_data_file_name_is_shortened_to_fit_and_readable_whole(browser, tmp_path):
    """'file: train_catvnonc' was cut off by the select: now it is shortened in the
    middle (its ending kept), and whole in the tooltip and in a note under the list."""
    rng = np.random.default_rng(0)
    (tmp_path / LONG_NAME).write_text("u,v,label\n" + "".join(
        f"{a:.4f},{b:.4f},{'yes' if a * b > 0 else 'no'}\n" for a, b in rng.normal(size=(60, 2))))
    server = BackgroundServer(create_app(load_file(str(tmp_path / LONG_NAME))))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        tab = context.new_page()
        tab.goto(server.url + "/")
        tab.wait_for_selector("#network canvas.unit")
        option = tab.locator("#dataset option[value='file']")
        text = option.inner_text()
        assert text.startswith("file: train_") and text.endswith(".csv") and "…" in text
        assert option.get_attribute("title") == LONG_NAME
        fits = tab.evaluate("""() => {
            const el = document.getElementById('dataset'), style = getComputedStyle(el);
            const ctx = document.createElement('canvas').getContext('2d');
            ctx.font = `${style.fontSize} ${style.fontFamily}`;
            const o = el.querySelector('option[value=file]');
            return ctx.measureText(o.textContent).width + 20 <= el.clientWidth; }""")
        assert fits
        assert tab.is_hidden("#dataset-note")  # the flower: no file to name
        tab.select_option("#dataset", "file")
        tab.wait_for_function("state.config && state.config.dataset === 'file'")
        assert tab.inner_text("#dataset-note") == f"File: {LONG_NAME}"
        assert tab.get_attribute("#dataset", "title") == LONG_NAME
        box = tab.locator("#dataset-note").bounding_box()
        panel = tab.locator("#settings").bounding_box()
        assert box["x"] + box["width"] <= panel["x"] + panel["width"]  # wrapped inside
    finally:
        context.close()
        server.stop()


def input_labels_and_boxes(tab):
    """Each input's label and box on the page, as (text, label box, unit box)."""
    labels = tab.locator("#network .label").all()
    boxes = tab.locator("#network canvas.unit").all()
    by_name = {box.get_attribute("aria-label").removeprefix("input "): box.bounding_box()
               for box in boxes if box.get_attribute("aria-label").startswith("input ")}
    return [(label.inner_text(), label.bounding_box(), by_name[label.inner_text()])
            for label in labels if label.inner_text() in by_name]


def overlaps(a, b):
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def assert_input_labels_readable(tab, names):
    """Every input label is whole, inside the Network panel, and under no input box."""
    found = input_labels_and_boxes(tab)
    assert [text for text, _, _ in found] == names
    panel = tab.locator(".panel.middle").bounding_box()
    all_boxes = [box for _, _, box in found]
    for text, label, _ in found:
        assert not any(overlaps(label, box) for box in all_boxes), text
        assert label["x"] >= panel["x"], text
    whole = tab.evaluate("""[...document.querySelectorAll('#network .label')]
        .every(el => el.scrollWidth <= el.clientWidth)""")
    assert whole


def test_the_input_labels_are_not_hidden_behind_the_input_boxes(browser, tmp_path):
    """A CSV column's name was drawn under its box, where the next box covered it: now
    each input's label sits to the left of its box, the drawing's margin sized to fit."""
    rng = np.random.default_rng(0)
    data = tmp_path / "measures.csv"
    data.write_text("u,petal_width_cm,sepal length,label\n" + "".join(
        f"{a:.4f},{b:.4f},{c:.4f},{'yes' if a * b > 0 else 'no'}\n"
        for a, b, c in rng.normal(size=(60, 3))))
    server = BackgroundServer(create_app(load_file(str(data))))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        tab = context.new_page()
        tab.goto(server.url + "/#data=flower&features=x1%2Cx2%2Csin(x1)%2Csin(x2)")
        tab.wait_for_selector("#network canvas.unit")
        tab.wait_for_function("document.querySelectorAll('#network canvas.unit').length >= 4")
        assert_input_labels_readable(tab, ["x₁", "x₂", "sin x₁", "sin x₂"])
        tab.select_option("#dataset", "file")
        tab.wait_for_function("state.config && state.config.dataset === 'file'")
        tab.wait_for_function("document.querySelector('#network canvas.unit')"
                              ".getAttribute('aria-label') === 'input u'")
        assert_input_labels_readable(tab, ["u", "petal_width_cm", "sepal length"])
    finally:
        context.close()
        server.stop()


def test_picture_data_hides_what_only_the_plane_has(browser, tmp_path):
    """On pictures the hidden units draw no plane: the note inviting to hover a unit to
    enlarge its activation over the plane is hidden, and shown again for a plane."""
    import h5py

    rng = np.random.default_rng(0)
    path = tmp_path / "train_pictures.h5"
    with h5py.File(path, "w") as f:
        f["train_set_x"] = rng.integers(0, 256, size=(30, 8, 8, 3), dtype=np.uint8)
        f["train_set_y"] = np.arange(30) % 2
        f["list_classes"] = np.array([b"non-cat", b"cat"])
    server = BackgroundServer(create_app(load_file(str(path))))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        tab = context.new_page()
        tab.goto(server.url + "/#data=file")
        tab.wait_for_function("state.described && state.described.data.kind === 'images'")
        assert tab.is_hidden("#hover-note") and tab.is_hidden("#plane-view")
        tab.select_option("#dataset", "flower")
        tab.wait_for_function("state.described && state.described.data.kind === 'plane'")
        assert tab.is_visible("#hover-note")
    finally:
        context.close()
        server.stop()


def test_a_value_typed_while_an_earlier_change_is_answered_is_kept(page):
    """A slow answer to one change must not overwrite the field being typed in."""
    page.evaluate("""() => { const real = window.fetch; window.fetch = async (...a) => {
        const answer = await real(...a);
        if (String(a[0]).endsWith('/config')) await new Promise((ok) => setTimeout(ok, 600));
        return answer; }; }""")
    page.select_option("#solver", "adam")  # its answer comes 0.6 s later
    page.click("#learning_rate")
    page.keyboard.press("Control+A")
    page.keyboard.type("0.01")
    page.wait_for_function("state.config.solver === 'adam'")  # the answer has arrived
    assert page.input_value("#learning_rate") == "0.01"
    page.keyboard.press("Tab")
    page.wait_for_function("state.config.learning_rate === 0.01")
    assert page.input_value("#learning_rate") == "0.01"


def test_the_exported_model_predicts_the_same_labels_through_nnscratch_predict(
        page, server, tmp_path, capsys):
    play_until(page, 60)
    with page.expect_download() as model_download:
        page.click("#download-model")
    model = tmp_path / model_download.value.suggested_filename
    model_download.value.save_as(model)
    with page.expect_download() as csv_download:
        page.click("#download-csv")
    test_csv = tmp_path / "test.csv"
    csv_download.value.save_as(test_csv)
    capsys.readouterr()
    assert cli_run(["predict", str(model), str(test_csv), "--json"]) == 0
    labels = [row["label"] for row in json.loads(capsys.readouterr().out)]
    run = run_of(server, page)
    codes = run.estimator.predict(run.data.X_test)  # paused: the live network
    assert labels == [run.data.class_names[c] for c in codes]
    truth = [line.rsplit(",", 1)[1] for line in test_csv.read_text().splitlines()[1:]]
    accuracy = np.mean(np.array(labels) == np.array(truth))
    assert page.inner_text("#test-accuracy") == f"{100 * accuracy:.1f} %"


def test_the_snippet_run_gives_the_same_costs(page):
    page.select_option("#solver", "adam")
    page.wait_for_function("state.config.solver === 'adam'")
    page.fill("#learning_rate", "0.05")
    page.dispatch_event("#learning_rate", "change")
    page.wait_for_function("state.config.learning_rate === 0.05")
    play_until(page, 40)
    page.click("#show-snippet")
    page.wait_for_selector("#snippet:not([hidden])")
    code = page.inner_text("#snippet")
    namespace = {}
    exec(compile(code, "snippet.py", "exec"), namespace)  # noqa: S102 - the snippet, as a user runs it
    assert namespace["clf"].loss_curve_ == page.evaluate("state.costs")


def test_the_link_reproduces_the_setup(page, server):
    page.select_option("#dataset", "spiral")
    page.wait_for_function("state.config.dataset === 'spiral'")
    page.fill("#classes", "3")
    page.dispatch_event("#classes", "change")
    page.check("#feature-sin\\(x1\\)")
    page.wait_for_function("state.config.features.includes('sin(x1)') && state.config.classes === 3")
    link = page.input_value("#link")
    config = page.evaluate("state.config")
    other = page.context.new_page()
    other.goto(link)
    other.wait_for_function("state.described && state.described.config.dataset === 'spiral'")
    assert other.evaluate("state.config") == config
    assert other.input_value("#classes") == "3"
    assert other.is_checked("#feature-sin\\(x1\\)")
    assert other.evaluate("state.described.network.output") == "softmax"
    other.close()


def test_the_glass_box_panel_shows_the_trace_and_the_gradient_check(browser, server,
                                                                    monkeypatch):
    calls = []

    class Trace:
        def __init__(self, check):
            self.check = check

        def to_dict(self):
            out = json.loads(json.dumps(CANNED_TRACE))
            if self.check:
                out["gradient_check"] = {"difference": 2.1e-9, "verdict": "fine",
                                         "threshold_fine": 1e-7, "threshold_bug": 1e-3}
            return out

    def trace(estimator, X, y, *, gradient_check=True, **kwargs):
        calls.append(gradient_check)
        return Trace(gradient_check)

    module = types.ModuleType("nnscratch.course")
    module.trace = trace
    monkeypatch.setitem(sys.modules, "nnscratch.course", module)
    context = browser.new_context()
    tab = context.new_page()
    errors = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.goto(server.url + "/")
    tab.wait_for_selector("#trace details")
    text = tab.inner_text("#trace")
    assert "Z[1] = W[1] A[0] + b[1]" in text and "vanishing" in text
    assert "gradients are vanishing" in text and "4 × 2" in text
    tab.click("#gradcheck")
    tab.wait_for_selector("#gradcheck-result")
    assert "fine" in tab.inner_text("#gradcheck-result")
    assert calls[-1] is True and errors == []
    context.close()


def test_without_the_course_module_the_panel_says_so(browser, server, monkeypatch):
    monkeypatch.setitem(sys.modules, "nnscratch.course", None)  # import fails
    context = browser.new_context()
    tab = context.new_page()
    errors = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.goto(server.url + "/")
    tab.wait_for_function("document.getElementById('trace').textContent.length > 0")
    assert re.search(r"nnscratch\.course\.trace", tab.inner_text("#trace"))
    assert errors == []
    context.close()
