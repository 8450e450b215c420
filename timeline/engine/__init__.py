"""The engine both reader pages run in the browser (`web/`): the figure built
once per data version, then filtered, laned, zoomed and drawn in the reader's
browser. Here: its scripts and the page boxes it fills; `data_files`, the data
it fetches, built once per data version and served; `static_files`, the pages'
scripts served under their content's hash."""
from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

from timeline.data.schema import DEFAULT_LANGUAGE
from timeline.view.language import browser_catalogue, translated_markup

WEB = Path(__file__).resolve().parent / "web"
# The engine's scripts in the order they run: each puts its part on `window`; the
# main one, last, starts the page with them. A page may add its own parts (the
# embed's picture.js) between them, and its shell after.
ENGINE_PARTS = tuple(WEB / name for name in (
    "timeline-core.js", "figure-packing.js", "virtual-list.js", "density.js", "label-fit.js",
    "overview.js", "actor-picker.js", "media.js", "announcer.js", "downloads.js"))
ENGINE_MAIN = WEB / "timeline-engine.js"


@cache
def page_template(path: Path, language: str) -> Template:
    """A page's template (its [[words]] in `language`: view/language.py), read once."""
    return Template(translated_markup(path.read_text("utf-8"), language))


def boxes(language: str) -> Template:
    """The engine's boxes (chart, legend, stepper, details, list): both pages have
    them. `list_open`: " open" for a list open from the start (the explorer's), else ""."""
    return page_template(WEB / "timeline-boxes.html", language)


def inline_messages(language: str) -> str:
    """The catalogue the engine reads (timeline-core.js `t`), inside the page: no
    request more. Nothing for English, whose words are the engine's own."""
    if language == DEFAULT_LANGUAGE:
        return ""
    return ('<script type="application/json" id="timeline-messages">'
            + browser_catalogue(language).decode("utf-8") + "</script>")
