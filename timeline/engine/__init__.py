"""The engine both reader pages run in the browser (`web/`): the figure built
once per data version, then filtered, laned, zoomed and drawn in the reader's
browser. Here: its scripts and the page boxes it fills; `data_files`, the data
it fetches, built once per data version and served; `static_files`, the pages'
scripts served under their content's hash."""
from __future__ import annotations

from pathlib import Path
from string import Template

WEB = Path(__file__).resolve().parent / "web"
# The engine's boxes (chart, legend, stepper, details, list): both pages have them.
# `list_open`: " open" for a list open from the start (the explorer's), else "".
BOXES = Template((WEB / "timeline-boxes.html").read_text("utf-8"))
# The engine's scripts in the order they run: each puts its part on `window`; the
# main one, last, starts the page with them. A page may add its own parts (the
# embed's picture.js) between them, and its shell after.
ENGINE_PARTS = tuple(WEB / name for name in (
    "timeline-core.js", "figure-packing.js", "virtual-list.js", "density.js", "label-fit.js",
    "overview.js", "actor-picker.js", "media.js"))
ENGINE_MAIN = WEB / "timeline-engine.js"
