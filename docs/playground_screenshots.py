"""Take the playground's screenshots in docs/images/ (headless Chromium, Playwright).

Run from the repository root (needs Debian's ``chromium`` and the course's cat files
in ``../shared/data`` for the third picture)::

    PYTHONPATH=src python3 docs/playground_screenshots.py [flower] [spiral] [cat]

Without arguments it takes all three.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from nnscratch.playground.server import BackgroundServer, create_app, load_file

IMAGES = Path(__file__).resolve().parent / "images"
CAT = (Path(__file__).resolve().parents[2] / "shared" / "data" / "catvnoncat"
       / "train_catvnoncat.h5")


def shot(page, name: str) -> None:
    """A full-page screenshot, quantised to 256 colours (a third of the size; the
    page's flat colours and the boundary's shades survive it)."""
    from PIL import Image

    path = IMAGES / name
    page.screenshot(path=str(path), full_page=True)
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def play(page, until: int, ipf: str = "50") -> None:
    page.select_option("#ipf", ipf)
    page.click("#play")
    page.wait_for_function("Number(document.getElementById('iteration').textContent"
                           f".replace(/[^0-9]/g, '')) >= {until}", timeout=900_000)
    page.click("#play")
    page.wait_for_function("state.frame && state.frame.state === 'paused'")
    # the glass box traces the step it was paused at (not an earlier one)
    page.wait_for_function("state.traceIteration === state.frame.iteration", timeout=60_000)


def main() -> None:
    wanted = set(sys.argv[1:]) or {"flower", "spiral", "cat"}
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("needs Debian's chromium: apt-get install -y chromium")
    file_data = load_file(str(CAT)) if CAT.is_file() else None
    server = BackgroundServer(create_app(file_data))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 960})
            page.goto(server.url + "/")
            page.wait_for_selector("#network canvas.unit")
            if "flower" in wanted:
                play(page, 3000, "100")
                page.check("#show-test")
                page.click("#gradcheck")  # the glass box: this step's trace and its check
                page.wait_for_selector("#gradcheck-result", timeout=120_000)
                shot(page, "playground-flower.png")
            if "spiral" in wanted:
                page.goto(server.url + "/#data=spiral&n=600&noise=0.2&classes=3&test=0.3&dseed=2"
                          "&init=he&lr=0.01&solver=adam&batch=64&l2=0&dropout=0&seed=1"
                          "&features=x1%2Cx2%2Csin(x1)%2Csin(x2)&layers=12%3Atanh%2C8%3Atanh"
                          "&ipf=20")
                page.wait_for_function(
                    "state.described && state.described.config.dataset === 'spiral'")
                play(page, 600, "20")
                shot(page, "playground-spiral.png")
            if "cat" in wanted and file_data is not None:
                page.goto(server.url + "/#data=file&test=0.5&dseed=1&init=lecun&lr=0.0075"
                          "&solver=gd&l2=0&dropout=0&seed=1&features=x1%2Cx2"
                          "&layers=20%3Arelu%2C7%3Arelu%2C5%3Arelu&ipf=50")
                page.wait_for_function("state.described && state.described.data.kind === 'images'")
                play(page, 100, "10")
                shot(page, "playground-cat.png")
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
