"""The light embed, `/embed`: one HTML page, a few cached scripts, the data as JSON.

No Dash renderer: an article's readers get a few small scripts of ours and the
timeline's data, and nothing waits on a server round trip; plotly.js comes
only when a reader asks for a view the page's picture of the chart cannot
show (`engine/web/picture.js`). The
same page, written to files, is the static export (`timeline/export.py`).
Every script and data file has its content's hash or the data's version in
its address, so browsers and CDNs keep them until they change.
"""
from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Callable, Sequence

import flask

from timeline.config import REPOSITORY, Config
from timeline.data_store import DataStore, Snapshot
from timeline.embed.oembed import current_page_url, discovery_link
from timeline.engine import BOXES
from timeline.engine import WEB as ENGINE_WEB
from timeline.serving.shared_builds import SharedBuilds, build_key, shared_builds_for
from timeline.view.chart_preview import PREVIEW_GUARD_HASH, chart_preview, guard_script
from timeline.view.payload import (
    actor_figure,
    detail_chunks,
    figure_json,
    payload,
    search_texts,
    to_json_bytes,
)

WEB = Path(__file__).resolve().parent / "web"
EXPLORER_WEB = REPOSITORY / "timeline" / "explorer" / "web"
TEMPLATE = Template((WEB / "embed.html").read_text("utf-8"))
IMMUTABLE = "public, max-age=31536000, immutable"
INLINE_EVENTS_LIMIT = 200  # events; about 10 KB compressed with their figure
# From this many events the files are built in a child process, which takes the
# memory building leaves behind with it (serving/shared_builds.py).
BUILT_APART_EVENTS = 5_000

# The page's files: name in the template → file. Order is the order they run in,
# but for plotly.js, which the page loads when a reader needs it (picture.js).
PLOTLY_KEY = "plotly_url"
PAGE_FILES = {
    "style_url": REPOSITORY / "assets" / "style.css",
    PLOTLY_KEY: REPOSITORY / "assets" / "vendor" / "plotly-scatter.min.js",
    "core_url": ENGINE_WEB / "timeline-core.js",
    "list_url": ENGINE_WEB / "virtual-list.js",
    "density_url": ENGINE_WEB / "density.js",
    "actor_picker_url": ENGINE_WEB / "actor-picker.js",
    "picture_url": ENGINE_WEB / "picture.js",
    "engine_url": ENGINE_WEB / "timeline-engine.js",
    "stepping_url": REPOSITORY / "assets" / "stepping.js",
    "resize_url": WEB / "resize.js",
}
# The explorer (`/`) is a Dash page: Dash serves its style sheet, stepping.js and
# plotly.js from assets/; it adds the engine and its own shell, in this order.
EXPLORER_FILES = {
    "core_url": ENGINE_WEB / "timeline-core.js",
    "list_url": ENGINE_WEB / "virtual-list.js",
    "density_url": ENGINE_WEB / "density.js",
    "engine_url": ENGINE_WEB / "timeline-engine.js",
    "shell_url": EXPLORER_WEB / "timeline-explorer.js",
}


@dataclass(frozen=True)
class StaticFile:
    name: str
    path: Path
    digest: str

    @property
    def fingerprinted_name(self) -> str:
        stem, dot, suffix = self.name.rpartition(".")
        return f"{stem}.{self.digest}.{suffix}" if dot else f"{self.name}.{self.digest}"


def static_files(page_files: dict[str, Path] = PAGE_FILES) -> dict[str, StaticFile]:
    files = {}
    for key, path in page_files.items():
        if path.is_file():
            files[key] = StaticFile(path.name, path,
                                    hashlib.sha256(path.read_bytes()).hexdigest()[:12])
    return files


def render_page(title: str, urls: dict[str, str], head_extra: str = "",
                inline_events: bytes | None = None, preview: str = "") -> str:
    """The page. A small timeline's data goes inside it (one request fewer before the
    chart, and a repeat visit still costs a 304); a big one's is fetched, preloaded.
    `preview`: the chart as SVG (chart_preview), which answers for the chart until a
    reader needs plotly.js (picture.js)."""
    values = {key: html.escape(url) for key, url in urls.items()}
    values["boxes"] = BOXES.substitute(preview=preview)
    values["preview_guard"] = guard_script(urls.get(PLOTLY_KEY, "")) if preview else ""
    values.setdefault("resize_url", "")
    if inline_events is not None:
        # Not run as script (its type says so), and `<` is escaped in it (to_json_bytes).
        values["inline_data"] = ('<script type="application/json" id="timeline-data">'
                                 + inline_events.decode("utf-8") + "</script>")
        values["preload_tag"] = ""
    else:
        values["inline_data"] = ""
        values["preload_tag"] = (f'<link rel="preload" href="{values["events_url"]}" '
                                 f'as="fetch" crossorigin="anonymous">')
    page = TEMPLATE.substitute(title=html.escape(title), head_extra=head_extra, **values)
    # A file that is missing (none should be) leaves no empty script tag behind.
    return page.replace('<script src="" defer></script>\n', "")


class EmbedData:
    """The JSON files for one data version, built once and kept while it is current.

    With `builds` sharing a folder (serving/shared_builds.py), built once for every
    worker: the first that needs a file builds it, the others read it there.
    Each file's name says what it depends on besides the data's version."""

    def __init__(self, snapshot: Snapshot, config: Config, today: date,
                 builds: SharedBuilds | None = None):
        self.version = snapshot.version
        self.today = today
        self._snapshot = snapshot
        self._config = config
        self._builds = builds or SharedBuilds(None)

    @property
    def key(self) -> tuple[str, date]:
        return self.version, self.today

    def _shared(self, product: str, build: Callable[[], list[bytes]],
                *depends_on: str) -> Sequence[bytes]:
        return self._builds.get(
            build_key(product, self.version, self.today.isoformat(), *depends_on), build,
            apart=len(self._snapshot.events) >= BUILT_APART_EVENTS)

    @lru_cache(maxsize=1)
    def _figure_file(self) -> Sequence[bytes]:
        return self._shared("category-figure", lambda: [json.dumps(figure_json(
            self._snapshot.events, "category", self.today, self._snapshot.result.eras),
            separators=(",", ":")).encode("utf-8")])

    def category_figure(self) -> dict:
        """The figure by category, read again each time: a big timeline's is large,
        and once its files are built nothing needs it."""
        return json.loads(self._figure_file()[0])

    @lru_cache(maxsize=1)
    def _events_file(self, explorer_url: str) -> Sequence[bytes]:
        snapshot, config = self._snapshot, self._config
        title, subtitle = timeline_title(snapshot, config), timeline_subtitle(snapshot, config)
        return self._shared("events", lambda: [to_json_bytes(payload(
            snapshot.events, version=self.version, title=title, subtitle=subtitle,
            today=self.today, eras=snapshot.result.eras, explorer_url=explorer_url,
            category_figure=self.category_figure()))], title, subtitle, explorer_url)

    def events_json(self, explorer_url: str) -> bytes:
        return self._events_file(explorer_url)[0]

    @lru_cache(maxsize=1)
    def _preview_file(self) -> Sequence[bytes]:
        return self._shared("preview", lambda: [
            chart_preview(self.category_figure()).encode("utf-8")])

    def preview(self) -> str:
        return self._preview_file()[0].decode("utf-8")

    def inline_events(self, explorer_url: str) -> bytes | None:
        """The events' JSON when it is small enough to travel inside the page."""
        return (self.events_json(explorer_url)
                if len(self._snapshot.events) <= INLINE_EVENTS_LIMIT else None)

    @lru_cache(maxsize=1)
    def _search_file(self) -> Sequence[bytes]:
        return self._shared("search", lambda: [to_json_bytes(search_texts(self._snapshot.events))])

    def search_json(self) -> bytes:
        return self._search_file()[0]

    @lru_cache(maxsize=1)
    def details(self) -> Sequence[bytes]:
        """The chunks of details, each read when asked for."""
        return self._shared("details", lambda: [
            to_json_bytes(chunk) for chunk in detail_chunks(self._snapshot.events)])

    @lru_cache(maxsize=1)
    def _actor_figure_file(self) -> Sequence[bytes]:
        return self._shared("actor-figure", lambda: [to_json_bytes(actor_figure(
            self._snapshot.events, self.today, self._snapshot.result.eras))])

    def actor_figure_json(self) -> bytes:
        return self._actor_figure_file()[0]


def data_urls(version: str) -> dict[str, str]:
    """The addresses of one data version's files, by the engine's names for them
    (the data-* attributes of the page's #timeline)."""
    return {"events": f"/embed/data/{version}.json",
            "details": f"/embed/details/{version}/{{chunk}}.json",
            "actor-figure": f"/embed/figure/{version}/actor.json",
            "search": f"/embed/search/{version}.json"}


def explorer_scripts() -> list[str]:
    """The explorer's scripts of ours, by their fingerprinted addresses."""
    return [f"/static/{f.fingerprinted_name}" for f in static_files(EXPLORER_FILES).values()]


def timeline_title(snapshot: Snapshot, config: Config) -> str:
    return config.title_for(snapshot.result)


def timeline_subtitle(snapshot: Snapshot, config: Config) -> str:
    return config.subtitle_for(snapshot.result)


def register_embed_page(server: flask.Flask, store: DataStore, config: Config,
                        explorer_base: Callable[[], str]) -> None:
    files = static_files()
    by_name = {f.fingerprinted_name: f
               for f in [*files.values(), *static_files(EXPLORER_FILES).values()]}
    current: dict[str, EmbedData] = {}
    builds = shared_builds_for(config)  # every worker's, in the cache folder
    server.extensions["timeline_builds"] = builds

    def embed_data() -> EmbedData:
        snapshot, today = store.snapshot, date.today()
        found = current.get("data")
        if found is None or found.key != (snapshot.version, today):
            found = current["data"] = EmbedData(snapshot, config, today, builds)
        return found

    def json_response(body: bytes, version: str) -> flask.Response:
        response = flask.make_response(body)
        response.headers["Content-Type"] = "application/json; charset=utf-8"
        # A version's files never change; an old version asked for gets today's
        # data, which must not be cached under the old name.
        response.headers["Cache-Control"] = (IMMUTABLE if version == store.snapshot.version
                                             else "no-cache")
        return response

    @server.route("/embed")
    def embed():
        data = embed_data()
        urls = {key: f"/static/{f.fingerprinted_name}" for key, f in files.items()}
        urls |= {f"{name.replace('-', '_')}_url": url
                 for name, url in data_urls(data.version).items()}
        urls["explorer_url"] = explorer_base()
        title = timeline_title(store.snapshot, config)
        base = explorer_base()
        response = flask.make_response(render_page(
            title, urls, head_extra=discovery_link(current_page_url(base, "embed"), base, title),
            inline_events=data.inline_events(base), preview=data.preview()))
        response.headers["Cache-Control"] = "no-cache"
        response.script_hashes = [PREVIEW_GUARD_HASH]  # read by http_policy
        # The same page for every reader of this data version (its picture of the
        # chart is most of it): compressed once, not per request (serving/compression.py).
        # Not with a query: its discovery link names it, and readers' queries are
        # theirs to vary without limit.
        response.compress_once = not flask.request.query_string
        return response

    @server.route("/embed/data/<version>.json")
    def embed_events(version: str):
        return json_response(embed_data().events_json(explorer_base()), version)

    @server.route("/embed/details/<version>/<int:chunk>.json")
    def embed_details(version: str, chunk: int):
        chunks = embed_data().details()
        if chunk >= len(chunks):
            flask.abort(404)
        return json_response(chunks[chunk], version)

    @server.route("/embed/search/<version>.json")
    def embed_search(version: str):
        return json_response(embed_data().search_json(), version)

    @server.route("/embed/figure/<version>/actor.json")
    def embed_actor_figure(version: str):
        return json_response(embed_data().actor_figure_json(), version)

    @server.route("/static/<name>")
    def static_file(name: str):
        found = by_name.get(name)
        if found is None:
            flask.abort(404)
        response = flask.send_file(found.path, conditional=True, max_age=31536000)
        response.headers["Cache-Control"] = IMMUTABLE
        return response

