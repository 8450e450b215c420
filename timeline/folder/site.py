"""A folder of timelines served from one app: the site in front of each timeline's own.

Every timeline keeps the app it always had (app_factory.create_app, its data watched
by its own DataStore), mounted at /t/<slug>/: this module only decides which app a
request goes to. The default timeline, `events.csv`, also answers at / and /embed as
before issue 18, so old links keep working.

A timeline's app is built on its first request and dropped when nobody has asked
for it for `IDLE_SECONDS`, and the least recently used go first beyond
`MOST_IN_MEMORY`: each costs about 4 MB with 500 events, and a newsroom's folder
grows by a story a week. What the site answers itself (the index at /t/, the
editors' list at /edit/, a missing timeline's 404) is a small Flask app with the
same guards as every timeline's.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlsplit

import flask
from werkzeug.wrappers import Request

from timeline.config import DEFAULT_FILE_NAME, Config, ConfigError
from timeline.data.schema import DEFAULT_LANGUAGE, LANGUAGES
from timeline.data_store import DataFileError
from timeline.editor.routes import EDITOR_ACCESS_KEY
from timeline.folder.catalogue import DEFAULT_SLUG, Catalogue, TimelineEntry, is_slug
from timeline.folder.index_page import EntryLinks, index_html, notice_html, searched
from timeline.folder.renaming import RenamedAddresses
from timeline.view.language import Messages, messages_for

log = logging.getLogger("timeline.folder")

TIMELINES_PREFIX = "/t/"
IDLE_SECONDS = 10 * 60
MOST_IN_MEMORY = 24
# Paths of the default timeline at the site's root that show its events (the rest,
# such as /static/, every timeline's pages load).
ROOT_READER_PATHS = ("/", "/embed", "/oembed")


def timeline_address(slug: str, page: str = "") -> str:
    """`/t/<slug>/` and its pages (`embed`, `edit/`)."""
    return f"{TIMELINES_PREFIX}{slug}/{page}"


@dataclass
class _Loaded:
    app: flask.Flask | None      # None: its file cannot be served (`failure` says why)
    signature: tuple
    used: float
    failure: str = ""


class TimelineApps:
    """Each timeline's app by slug, built when first asked for and dropped when unused."""

    def __init__(self, build: Callable[[str, Path], flask.Flask], *,
                 idle_seconds: float = IDLE_SECONDS, most: int = MOST_IN_MEMORY,
                 clock: Callable[[], float] = time.monotonic):
        self._build = build
        self.idle_seconds = idle_seconds
        self.most = most
        self._clock = clock
        self._loaded: OrderedDict[str, _Loaded] = OrderedDict()
        self._lock = threading.RLock()

    def get(self, slug: str, path: Path, signature: tuple) -> _Loaded:
        """The app of `slug` (its file `path`); built again when the file was
        replaced after a failure (a working app follows changes by itself)."""
        now = self._clock()
        with self._lock:
            self._drop_idle(now)
            loaded = self._loaded.get(slug)
            if loaded is not None and (loaded.app is not None or loaded.signature == signature):
                loaded.used = now
                self._loaded.move_to_end(slug)
                return loaded
            loaded = self._built(slug, path, signature, now)
            self._loaded[slug] = loaded
            self._loaded.move_to_end(slug)
            while len(self._loaded) > self.most:
                dropped, _ = self._loaded.popitem(last=False)
                log.info("Timeline %s dropped from memory (the %d most recently used stay)",
                         dropped, self.most)
            return loaded

    def _built(self, slug: str, path: Path, signature: tuple, now: float) -> _Loaded:
        try:
            return _Loaded(self._build(slug, path), signature, now)
        except DataFileError as error:
            log.warning("Timeline %s is not served: %s", slug, error)
            return _Loaded(None, signature, now, str(error))
        except ConfigError as error:
            log.error("Timeline %s is not served: %s", slug, error)
            return _Loaded(None, signature, now, str(error))

    def drop(self, slug: str) -> None:
        with self._lock:
            self._loaded.pop(slug, None)

    def loaded(self) -> list[str]:
        with self._lock:
            return list(self._loaded)

    def _drop_idle(self, now: float) -> None:
        for slug in [slug for slug, loaded in self._loaded.items()
                     if now - loaded.used > self.idle_seconds]:
            log.info("Timeline %s dropped from memory (unused for %d minutes)", slug,
                     self.idle_seconds // 60)
            del self._loaded[slug]


class FolderDispatch:
    """The WSGI app in front: /t/<slug>/… to that timeline's app, the default
    timeline's pages at the root to its app, the rest to the site's own (`hub`)."""

    def __init__(self, hub, catalogue: Catalogue, apps: TimelineApps,
                 root: Callable[[], flask.Flask | None],
                 renamed: Callable[[str], str | None] = lambda slug: None):
        self.hub = hub
        self.catalogue = catalogue
        self.apps = apps
        self.root = root
        self.renamed = renamed  # a renamed timeline's new slug (folder/renaming.py)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or "/"
        if path.startswith(TIMELINES_PREFIX) and len(path) > len(TIMELINES_PREFIX):
            slug, _, rest = path[len(TIMELINES_PREFIX):].partition("/")
            return self._timeline(slug, "/" + rest if _ else "", environ, start_response)
        if path == "/edit" or path.startswith("/edit/") or path in ("/t", TIMELINES_PREFIX):
            return self.hub(environ, start_response)
        if path == "/oembed" and (slug := _linked_timeline(environ)) is not None:
            # A CMS asks the site's /oembed about a link to /t/<slug>/: its app answers.
            return self._timeline(slug, "/oembed", environ, start_response)
        root = self.root()
        if root is None or (path in ROOT_READER_PATHS or path.startswith("/embed/")) \
                and not self._readers_may_see(DEFAULT_SLUG, environ):
            return self.hub(environ, start_response)
        return root(environ, start_response)

    def _timeline(self, slug: str, rest: str, environ, start_response):
        path = self.catalogue.path_of(slug)
        if path is None and is_slug(slug):
            # Made or renamed in another worker a moment ago (the editors' list sends
            # its editor there at once): look again before answering 404.
            self.catalogue.refresh()
            path = self.catalogue.path_of(slug)
        if path is None:
            self.apps.drop(slug)  # removed from the folder: gone from memory too
            moved = self.renamed(slug)
            if moved and self.catalogue.path_of(moved) is not None:
                return _moved(moved, rest, environ, start_response)
            return self.hub(environ, start_response)  # its 404 links to the index
        if not rest:  # /t/harbour → /t/harbour/, where its page's addresses resolve
            target = environ.get("SCRIPT_NAME", "") + timeline_address(slug)
            query = environ.get("QUERY_STRING", "")
            response = flask.redirect(target + ("?" + query if query else ""), 308)
            return response(environ, start_response)
        loaded = self.apps.get(slug, path, self.catalogue.signature_of(slug))
        if loaded.app is None:
            return self.hub(environ, start_response)
        if not rest.startswith("/edit") and not self._readers_may_see(slug, environ,
                                                                      loaded.app):
            return self.hub(environ, start_response)
        environ = dict(environ)
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + TIMELINES_PREFIX + slug
        environ["PATH_INFO"] = rest
        return loaded.app(environ, start_response)

    def _readers_may_see(self, slug: str, environ, app: flask.Flask | None = None) -> bool:
        """A draft is for its editors: readers (without an editor's session that
        opens it) are told there is no such timeline."""
        entry = self.catalogue.entry(slug)
        if entry is None or entry.status != "draft":
            return True
        if app is None:
            loaded = self.apps.get(slug, entry.path, self.catalogue.signature_of(slug))
            app = loaded.app
        access = app.extensions.get(EDITOR_ACCESS_KEY) if app is not None else None
        return access is not None and access.session_nonce(Request(environ)) is not None


def _linked_timeline(environ) -> str | None:
    """The slug of the timeline an oEmbed request's `url` links to (/t/<slug>/…), if any."""
    link = parse_qs(environ.get("QUERY_STRING", "")).get("url", [""])[0]
    path = urlsplit(link).path
    if not path.startswith(TIMELINES_PREFIX):
        return None
    slug = path[len(TIMELINES_PREFIX):].partition("/")[0]
    return slug or None


def _moved(slug: str, rest: str, environ, start_response):
    """A renamed timeline's old address: the same page at its new one, for good."""
    target = environ.get("SCRIPT_NAME", "") + timeline_address(slug) + rest.lstrip("/")
    query = environ.get("QUERY_STRING", "")
    response = flask.redirect(target + ("?" + query if query else ""), 301)
    return response(environ, start_response)


def create_site(config: Config, build: Callable[[Config], flask.Flask] | None = None,
                *, idle_seconds: float = IDLE_SECONDS,
                most_in_memory: int = MOST_IN_MEMORY) -> flask.Flask:
    """The site serving every timeline in `config.folder` (see the module's docstring).
    `build`: a timeline's app from its config (default: app_factory.create_app's
    server)."""
    from timeline.app_factory import create_app, harden
    from timeline.editor.page import EDITOR_FILES
    from timeline.embed.page import EMBED_FILES
    from timeline.engine.static_files import register_static_files
    from timeline.explorer.layout import EXPLORER_FILES
    from timeline.folder.index_page import FOLDER_FILES
    from timeline.serving.cache_folder import default_cache_dir
    from timeline.serving.compression import Compressor
    # One compressor for every timeline's app of this process: one memory budget
    # (64 MB) and one background thread, not one each.
    compressor = Compressor(Path(config.cache_dir or default_cache_dir(config.data_path)),
                            disk_budget=config.cache_max_mb * 1024 * 1024)
    build = build or (lambda timeline_config: create_app(
        timeline_config, compressor=compressor).server)
    folder = Path(config.folder)
    catalogue = Catalogue(folder)

    def build_timeline(slug: str, path: Path) -> flask.Flask:
        return build(replace(config, data_path=path, mount=TIMELINES_PREFIX.rstrip("/")
                             + "/" + slug))

    apps = TimelineApps(build_timeline, idle_seconds=idle_seconds, most=most_in_memory)
    default_path = folder / DEFAULT_FILE_NAME
    root = _RootTimeline(lambda: build(replace(
        # Its editor is at /t/events/edit/; /edit/ is the editors' list of timelines.
        config, data_path=default_path, edit_secret="", edit_secrets_path="")), default_path)

    hub = flask.Flask(__name__)
    # Every timeline's pages load their scripts from /static/, which the default
    # timeline's app serves; the hub too, for a folder without one.
    register_static_files(hub, EMBED_FILES, EXPLORER_FILES, EDITOR_FILES, FOLDER_FILES)
    register_site_pages(hub, config, catalogue, root)
    harden(hub, config, register_list(hub, config, catalogue))
    hub.extensions["timeline_catalogue"] = catalogue
    hub.extensions["timeline_apps"] = apps
    hub.wsgi_app = FolderDispatch(hub.wsgi_app, catalogue, apps, root.app,
                                  RenamedAddresses(folder).target)
    return hub


class _RootTimeline:
    """The default timeline's app at the root, built at start (a deploy whose default
    file is broken still serves the folder's others, and says so at /)."""

    def __init__(self, build: Callable[[], flask.Flask], path: Path):
        self._build = build
        self.path = path
        self._app: flask.Flask | None = None
        self.failure = ""
        self._lock = threading.Lock()
        self._tried_signature: tuple | None = None
        self.app()

    def app(self) -> flask.Flask | None:
        if self._app is not None:
            return self._app
        try:
            signature = _file_signature(self.path)
        except OSError:
            return None
        with self._lock:
            if self._app is None and signature != self._tried_signature:
                self._tried_signature = signature
                try:
                    self._app = self._build()
                except DataFileError as error:
                    self.failure = str(error)
                    log.warning("The default timeline is not served: %s", error)
        return self._app


def _file_signature(path: Path) -> tuple:
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def register_list(hub: flask.Flask, config: Config, catalogue: Catalogue):
    """/edit/: the editors' list behind the login, or the page saying editing is off."""
    from timeline.editor.access import EditorAccess
    from timeline.editor.routes import editor_keys, register_editing_off
    from timeline.folder.editors_list import register_editors_list
    keys = editor_keys(config)
    if not keys.opens_any(""):
        register_editing_off(hub)
        return None
    access = EditorAccess(keys, Path(config.folder) / DEFAULT_FILE_NAME,
                          config.edit_idle_minutes * 60, site_wide=True)
    register_editors_list(hub, access, config, catalogue)
    return lambda request: access.session_nonce(request) is not None


def register_site_pages(hub: flask.Flask, config: Config, catalogue: Catalogue,
                        root: _RootTimeline) -> None:
    """What the site answers itself: the index, and a page for a timeline that is not here."""
    from timeline.editor.routes import editor_keys
    keys = editor_keys(config)  # an Edit link only where some secret opens the editor

    @hub.route("/t/")
    def timelines_index():
        query = flask.request.args.get("q", "")[:200]
        entries = [entry for entry in catalogue.entries() if entry.for_readers]
        return index_html(searched(entries, query), query=query,
                          links=lambda entry: reader_links(entry, keys.opens_any(entry.slug)),
                          zone=config.zone, search_script=search_script_url(),
                          language=site_language(catalogue))

    @hub.route("/t")
    def timelines_index_slash():
        return flask.redirect(flask.request.script_root + TIMELINES_PREFIX, 308)

    @hub.route("/")
    def no_default_timeline():
        if not root.path.is_file():  # a folder without events.csv: its index is its front page
            return flask.redirect(flask.request.script_root + TIMELINES_PREFIX)
        say = messages_for(site_language(catalogue))
        return not_here(say, say.gettext("This timeline is not available"),
                        say.gettext("It cannot be shown right now."))

    @hub.errorhandler(404)
    def missing(_error):
        say = messages_for(site_language(catalogue))
        return not_here(say, say.gettext("No timeline here"), say.gettext(
            "There is no timeline at this address: it may have been removed or renamed."))


def site_language(catalogue: Catalogue) -> str:
    """The site's own pages' language: the link's `lang`, else the default timeline's."""
    default = catalogue.entry(DEFAULT_SLUG)
    asked = flask.request.args.get("lang")
    return asked if asked in LANGUAGES else default.language if default else DEFAULT_LANGUAGE


def reader_links(entry: TimelineEntry, editable: bool) -> EntryLinks:
    base = flask.request.script_root
    return EntryLinks(explore=base + timeline_address(entry.slug),
                      embed=base + timeline_address(entry.slug, "embed"),
                      edit=base + timeline_address(entry.slug, "edit/") if editable else "")


def search_script_url() -> str:
    from timeline.folder.index_page import search_script_file
    return flask.request.script_root + search_script_file().url


def not_here(say: Messages, title: str, message: str) -> tuple[str, int]:
    index = flask.request.script_root + TIMELINES_PREFIX
    return notice_html(title, message, index, say.language), 404
