"""The README's screenshots: the bundled timeline as readers first see it.

    make screenshots        (or: .venv/bin/python tools/screenshots.py [--data FILE])

Serves the app on loopback and photographs, in headless Chromium, the first
screen of each page in SHOTS at a phone's width (375 x 740) and a desktop's
(1,280 x 800), once the page says it is interactive (`data-timeline`), into
docs/screenshots/. Rerun after a change a reader would see; the README shows
the files by name (tests/test_docs.py checks that each one it names exists).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser import chromium, serving  # noqa: E402
from timeline.app_factory import create_app  # noqa: E402
from timeline.config import Config  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZES = {"375": (375, 740), "1280": (1280, 800)}
# (file name, address, sizes): the explorer, the embed as an article shows it, a
# Korean article's embed on a phone, and the explorer on a dark page.
SHOTS = (("explorer", "/", ("375", "1280")), ("embed", "/embed", ("375", "1280")),
         ("embed-ko", "/embed?lang=ko&event=aurus-delivered", ("375",)),
         ("explorer-dark", "/?theme=dark", ("1280",)))


def shoot(base: str, browser, out: Path) -> list[Path]:
    written = []
    for name, address, sizes in SHOTS:
        for size in sizes:
            width, height = SIZES[size]
            context = browser.new_context(viewport={"width": width, "height": height},
                                          device_scale_factor=1)
            page = context.new_page()
            page.goto(base + address)
            page.wait_for_selector("html[data-timeline=interactive]", timeout=60_000)
            page.wait_for_timeout(500)  # web fonts and the list settled
            path = out / f"{name}-{size}.png"
            page.screenshot(path=str(path))
            written.append(path)
            context.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "events.csv",
                        help="the timeline to photograph (default: the bundled one)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with serving(create_app(Config(data_path=args.data)).server) as base, chromium() as browser:
        for path in shoot(base, browser, OUT):
            print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
