"""The light embed, `/embed`: one HTML page, a few cached scripts, the data as JSON.

No Dash renderer: an article's readers get a few small scripts of ours and the
timeline's data, and nothing waits on a server round trip; plotly.js comes
only when a reader asks for a view the page's picture of the chart cannot
show (`engine/web/picture.js`). The same page, written to files, is the
static export (`static_export.py`).
Every script and data file has its content's hash or the data's version in
its address, so browsers and CDNs keep them until they change; the engine's
files are served for both reader pages (`engine/static_files.py`,
`engine/data_files.py`).
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Callable

import flask

from timeline.config import REPOSITORY, Config
from timeline.data.schema import DEFAULT_LANGUAGE
from timeline.data_store import DataStore
from timeline.embed.oembed import current_page_url, discovery_link
from timeline.engine import ENGINE_MAIN, ENGINE_PARTS, boxes, inline_messages, page_template
from timeline.engine import WEB as ENGINE_WEB
from timeline.engine.data_files import DataFiles, data_urls
from timeline.engine.static_files import Bundle, StaticFile, static_files
from timeline.serving.page_asks import ask_serving
from timeline.view.chart_preview import PREVIEW_GUARD_HASH, guard_script
from timeline.view.credit_line import credit_footer
from timeline.view.language import language_of, timeline_title
from timeline.view.view_state import THEMES, ViewState

WEB = Path(__file__).resolve().parent / "web"

# The page's files: name in the template → file. plotly.js comes when a reader needs
# it (picture.js); the scripts are one bundle, its parts in the order they run.
PLOTLY_KEY = "plotly_url"
EMBED_FILES = {
    "style_url": REPOSITORY / "assets" / "style.css",
    PLOTLY_KEY: REPOSITORY / "assets" / "vendor" / "plotly-scatter.min.js",
    "scripts_url": Bundle("embed.js", (*ENGINE_PARTS, ENGINE_WEB / "picture.js", ENGINE_MAIN,
                                       REPOSITORY / "assets" / "stepping.js", WEB / "resize.js")),
}


def render_page(title: str, urls: dict[str, str], head_extra: str = "",
                inline_events: bytes | None = None, preview: str = "", policy: str = "",
                theme: str | None = None, language: str = DEFAULT_LANGUAGE,
                language_links: str = "", credit: str = "") -> str:
    """The page. A small timeline's data goes inside it (one request fewer before the
    chart, and a repeat visit still costs a 304); a big one's is fetched, preloaded.
    `preview`: the chart as SVG (chart_preview), which answers for the chart until a
    reader needs plotly.js (picture.js). `policy`: a Content-Security-Policy the page
    carries itself, for a host that sends none (the static export). `theme`: the
    link's `theme=dark|light`, on <html> from the first paint (the engine keeps it
    after; the static export has only the style sheet's `prefers-color-scheme`).
    `language`: the interface's (view/language.py): its words, and its catalogue
    inline for the engine when not English. `language_links`: the static export's
    links to its pages in the other languages (static_export.language_links).
    `credit`: the footer with the timeline's credit line (view/credit_line.py)."""
    values = {key: html.escape(url) for key, url in urls.items()}
    values["policy_meta"] = (f'<meta http-equiv="Content-Security-Policy" '
                             f'content="{html.escape(policy)}">' if policy else "")
    # The list folded: an article shows the chart and the event's card, not pages
    # of list (the engine opens it for `list=open`).
    values["boxes"] = boxes(language).substitute(preview=preview, list_open="")
    values["language"] = language
    values["language_links"] = language_links
    values["credit"] = credit
    values["inline_messages"] = inline_messages(language)
    values["preview_guard"] = guard_script(urls.get(PLOTLY_KEY, "")) if preview else ""
    values["theme_class"] = f" theme-{theme}" if theme in THEMES else ""
    if inline_events is not None:
        # Not run as script (its type says so), and `<` is escaped in it (to_json_bytes).
        values["inline_data"] = ('<script type="application/json" id="timeline-data">'
                                 + inline_events.decode("utf-8") + "</script>")
        values["preload_tag"] = ""
    else:
        values["inline_data"] = ""
        values["preload_tag"] = (f'<link rel="preload" href="{values["events_url"]}" '
                                 f'as="fetch" crossorigin="anonymous">')
    page = page_template(WEB / "embed.html", language).substitute(
        title=html.escape(title), head_extra=head_extra, **values)
    # A file that is missing (none should be) leaves no empty script tag behind.
    return page.replace('<script src="" defer></script>\n', "")


def page_urls(files: dict[str, StaticFile], version: str, explorer_url: str,
              exported: bool = False, language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The addresses the page names, by their names in its template: its files',
    its data's (of `version`) and the explorer's. `exported`: the static export's,
    relative to its page."""
    urls = {key: file.fingerprinted_name if exported else file.url
            for key, file in files.items()}
    urls |= {f"{name.replace('-', '_')}_url": url
             for name, url in data_urls(version, exported, language).items()}
    urls["explorer_url"] = explorer_url
    return urls


def register_embed_page(server: flask.Flask, store: DataStore, config: Config,
                        explorer_base: Callable[[], str],
                        data_files: Callable[..., DataFiles]) -> None:
    """`/embed`; its files and data are served for both reader pages
    (engine.static_files, engine.data_files), `data_files` giving the current ones."""
    files = static_files(EMBED_FILES)

    @server.route("/embed")
    def embed():
        language = language_of(flask.request.args.get("lang"), store.snapshot.result.settings)
        data = data_files(language)
        result = store.snapshot.result
        title, _ = timeline_title(config.title_for(result), "", result, language)
        base = explorer_base()
        response = flask.make_response(render_page(
            title, page_urls(files, data.version, base, language=language),
            head_extra=discovery_link(current_page_url(base, "embed"), base, title),
            inline_events=data.inline_events(base), preview=data.preview(),
            theme=ViewState.from_query_string(flask.request.query_string.decode(
                "utf-8", "replace")).theme, language=language,
            credit=credit_footer(result, language)))
        response.headers["Cache-Control"] = "no-cache"
        # The same page for every reader of this data version (its picture of the
        # chart is most of it): compressed once, not per request. Not with a query:
        # its discovery link names it, and readers' queries are theirs to vary
        # without limit.
        ask_serving(response, script_hashes=[PREVIEW_GUARD_HASH],
                    compress_once=not flask.request.query_string)
        return response
