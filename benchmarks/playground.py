"""The playground's speed: training while streaming, frames, first frame, page load.

On the course's flower data with a (4,) tanh network (the playground's defaults), with
a server in a thread of this process and a client reading its event stream:

- iterations per second while streaming (``--ipf`` iterations per frame, default 500);
- frames per second of the 100 x 100 decision boundary reaching the client (one
  iteration per frame, so that frames are the bottleneck; the server caps them at
  ``MAX_FPS``), and how many the server could compute a second (the frame alone);
- the time from "play" to the first new frame at the client;
- the page's load time in headless Chromium (Playwright), up to its first drawn frame,
  when Playwright and Debian's ``chromium`` are installed.

Targets (issue 10): at least 5000 iterations per second, 20 frames per second, the
first frame within 0.5 s. Run from the repository root::

    PYTHONPATH=src python3 benchmarks/playground.py            # ~15 s
    PYTHONPATH=src python3 benchmarks/playground.py --seconds 1 --no-browser
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time

import httpx

from nnscratch.playground.config import DEFAULTS
from nnscratch.playground.data import playground_data
from nnscratch.playground.server import BackgroundServer, create_app
from nnscratch.playground.sessions import MAX_FPS, Run


class StreamReader(threading.Thread):
    """Reads a session's event stream, noting when each frame arrives."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.frames: list[tuple[float, int, bool]] = []  # (time, iteration, has boundary)
        self.ready = threading.Event()
        self.stop = False

    def run(self) -> None:
        with httpx.Client(timeout=60) as http, http.stream("GET", self.url) as response:
            self.ready.set()
            for line in response.iter_lines():
                if self.stop:
                    return
                if line.startswith("data: "):
                    frame = json.loads(line[6:]).get("frame")
                    if frame:
                        self.frames.append((time.perf_counter(), frame["iteration"],
                                            "boundary" in frame))


def _control(http, sid, **body):
    r = http.post(f"/api/sessions/{sid}/control", json=body)
    r.raise_for_status()
    return r.json()


def stream_rates(url: str, seconds: float, ipf: int) -> dict:
    with httpx.Client(base_url=url, timeout=60) as http:
        sid = http.post("/api/sessions", json={}).json()["session"]
        reader = StreamReader(f"{url}/api/sessions/{sid}/stream")
        reader.start()
        reader.ready.wait(30)
        while not reader.frames:  # the paused frame of iteration 0
            time.sleep(0.01)
        # play -> first new frame
        _control(http, sid, iterations_per_frame=1)
        seen = len(reader.frames)
        start = time.perf_counter()
        _control(http, sid, action="play")
        while len(reader.frames) == seen:
            time.sleep(0.0005)
        first_frame = reader.frames[seen][0] - start
        # frames per second, one iteration per frame
        time.sleep(0.3)
        n0, t0 = len(reader.frames), time.perf_counter()
        time.sleep(seconds)
        fps = (len(reader.frames) - n0) / (time.perf_counter() - t0)
        boundary = all(has for _, _, has in reader.frames[n0:])
        # iterations per second with ipf iterations per frame
        _control(http, sid, iterations_per_frame=ipf)
        time.sleep(0.3)
        i0 = http.get(f"/api/sessions/{sid}/state").json()["iteration"]
        t0 = time.perf_counter()
        time.sleep(seconds)
        i1 = http.get(f"/api/sessions/{sid}/state").json()["iteration"]
        its = (i1 - i0) / (time.perf_counter() - t0)
        _control(http, sid, action="pause")
        reader.stop = True
        http.post(f"/api/sessions/{sid}/close")
    return {"first_frame_s": first_frame, "fps": fps, "boundary_in_every_frame": boundary,
            "iterations_per_s": its}


def frame_compute_rate(repeat: int = 50) -> float:
    """Frames a second the server can compute (boundary, hidden units, scores)."""
    cfg = dict(DEFAULTS)
    data = playground_data("flower", features=cfg["features"])
    run = Run(cfg, data, 1, lambda: None)
    run.control("step", None)
    run.wait_paused()
    start = time.perf_counter()
    for _ in range(repeat):
        run._compute_frame()
    rate = repeat / (time.perf_counter() - start)
    run.close()
    return rate


def fit_rate(iterations: int = 3000) -> float:
    """Iterations a second of the same fit without the playground (the engine alone)."""
    from nnscratch import NeuralNetworkClassifier
    from nnscratch.playground.config import estimator_params

    cfg = dict(DEFAULTS)
    data = playground_data("flower", features=cfg["features"])
    est = NeuralNetworkClassifier(**estimator_params(cfg), max_iter=iterations)
    start = time.perf_counter()
    est.fit(data.X_train, data.y_train)
    return iterations / (time.perf_counter() - start)


def page_load(url: str) -> float | str:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "skipped: Playwright is not installed"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return "skipped: no chromium (apt-get install -y chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto("about:blank")  # the browser is up: time the page alone
        start = time.perf_counter()
        page.goto(url + "/")
        page.wait_for_function("typeof state !== 'undefined' && state.frame && state.frame.boundary")
        seconds = time.perf_counter() - start
        browser.close()
    return seconds


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="how long each rate is measured (default 3)")
    parser.add_argument("--ipf", type=int, default=500,
                        help="iterations per frame for the it/s figure (default 500)")
    parser.add_argument("--no-browser", action="store_true", help="skip the page load")
    args = parser.parse_args(argv)
    server = BackgroundServer(create_app())
    try:
        print("measuring the stream ...", file=sys.stderr)
        rates = stream_rates(server.url, args.seconds, args.ipf)
        print("measuring the frame computation ...", file=sys.stderr)
        compute = frame_compute_rate()
        alone = fit_rate()
        load = "skipped" if args.no_browser else page_load(server.url)
    finally:
        server.stop()
    load_text = f"{load:.2f} s" if isinstance(load, float) else load
    print(f"flower, (4,) tanh network, load average {os.getloadavg()[0]:.1f}")
    print("| measure | value | target |")
    print("| --- | ---: | ---: |")
    print(f"| iterations per second while streaming ({args.ipf} per frame) | "
          f"{rates['iterations_per_s']:,.0f} | >= 5,000 |")
    print(f"| iterations per second of the same fit alone (no server) | {alone:,.0f} | |")
    print(f"| frames per second of the 100 x 100 boundary at the client "
          f"(cap {MAX_FPS}) | {rates['fps']:.1f} | >= 20 |")
    print(f"| frames per second the server can compute | {compute:.0f} | |")
    print(f"| play to first frame | {rates['first_frame_s']:.3f} s | <= 0.5 s |")
    print(f"| page load to first drawn frame | {load_text} | |")


if __name__ == "__main__":
    main()
