"""The engine's data files for one data version, which both reader pages fetch: the
events (with the figure by category), the details in chunks, the search text and
the figure by actor; and the embed's picture of the chart. Built once per version
(for every worker, with shared builds), served under the version's name
(`data_urls`) and written by the static export under another."""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Callable, Sequence

import flask
import pandas as pd

from timeline.addresses import here
from timeline.config import Config
from timeline.data.schema import DEFAULT_LANGUAGE, LANGUAGE_COLUMNS, LANGUAGES
from timeline.data_store import DataStore, Snapshot
from timeline.serving.caching import IMMUTABLE
from timeline.serving.shared_builds import SharedBuilds, build_key, shared_builds_for
from timeline.view.chart_preview import chart_preview
from timeline.view.language import localised_eras, localised_events, timeline_title
from timeline.view.payload import (
    actor_figure,
    detail_chunks,
    figure_json,
    payload,
    search_texts,
    to_json_bytes,
)

INLINE_EVENTS_LIMIT = 200  # events; about 10 KB compressed with their figure
# From this many events the files are built in a child process, which takes the
# memory building leaves behind with it (serving/shared_builds.py).
BUILT_APART_EVENTS = 5_000

# Each file by the engine's name for it (the data-* attributes of the page's
# #timeline): its address on the server, and its name in a static export.
# `{chunk}` stays for the engine to fill.
DATA_ADDRESSES = {
    "events": ("/embed/data/{version}.json", "events-{version}.json"),
    "details": ("/embed/details/{version}/{{chunk}}.json", "details-{version}-{{chunk}}.json"),
    "actor-figure": ("/embed/figure/{version}/actor.json", "figure-actor-{version}.json"),
    "search": ("/embed/search/{version}.json", "search-{version}.json"),
}


def files_name(version: str, language: str = DEFAULT_LANGUAGE) -> str:
    """What names one data version's files in one language: the version (English),
    else the version and the language ('3f2a…-ko'): their words and dates differ."""
    return version if language == DEFAULT_LANGUAGE else f"{version}-{language}"


def read_files_name(name: str) -> tuple[str, str]:
    """files_name's (version, language), read back from an address."""
    version, _, language = name.rpartition("-")
    if version and language in LANGUAGES:
        return version, language
    return name, DEFAULT_LANGUAGE


def data_urls(version: str, exported: bool = False,
              language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The addresses of one data version's files in `language`, by the engine's
    names for them: the server's, or (`exported`) the static export's, relative
    to its page."""
    name = files_name(version, language)
    return {key: (exported_name if exported else here(address)).format(version=name)
            for key, (address, exported_name) in DATA_ADDRESSES.items()}


class DataFiles:
    """The JSON files for one data version, built once and kept while it is current.

    With `builds` sharing a folder (serving/shared_builds.py), built once for every
    worker: the first that needs a file builds it, the others read it there.
    Each file's name says what it depends on besides the data's version.
    `language`: the reader's (view/language.py): the events' per-language words and
    their dates in that language's words."""

    def __init__(self, snapshot: Snapshot, config: Config, today: date,
                 builds: SharedBuilds | None = None, language: str = DEFAULT_LANGUAGE):
        self.version = snapshot.version
        self.language = language
        self.name = files_name(snapshot.version, language)
        self.today = today
        self._snapshot = snapshot
        self._config = config
        self._builds = builds or SharedBuilds(None)

    @property
    def key(self) -> tuple[str, date]:
        return self.version, self.today

    @property
    def events(self) -> pd.DataFrame:
        """The events as this language's readers see them (the snapshot's, in English)."""
        return self._localised()[0]

    @property
    def eras(self) -> pd.DataFrame | None:
        return self._localised()[1]

    @lru_cache(maxsize=1)
    def _localised(self) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        result = self._snapshot.result
        if self.language == DEFAULT_LANGUAGE and not any(
                column in self._snapshot.events.columns for column in LANGUAGE_COLUMNS):
            return self._snapshot.events, result.eras
        return (localised_events(self._snapshot.events, self.language),
                localised_eras(result.eras, self.language))

    def _shared(self, product: str, build: Callable[[], list[bytes]],
                *depends_on: str) -> Sequence[bytes]:
        return self._builds.get(
            build_key(product, self.name, self.today.isoformat(), *depends_on), build,
            apart=len(self._snapshot.events) >= BUILT_APART_EVENTS)

    @lru_cache(maxsize=1)
    def _figure_file(self) -> Sequence[bytes]:
        return self._shared("category-figure", lambda: [json.dumps(figure_json(
            self.events, "category", self.today, self.eras,
            self._snapshot.result.window, self.language),
            separators=(",", ":")).encode("utf-8")])

    def category_figure(self) -> dict:
        """The figure by category, read again each time: a big timeline's is large,
        and once its files are built nothing needs it."""
        return json.loads(self._figure_file()[0])

    @lru_cache(maxsize=1)
    def _events_file(self, explorer_url: str) -> Sequence[bytes]:
        snapshot, config = self._snapshot, self._config
        title, subtitle = timeline_title(config.title_for(snapshot.result),
                                         config.subtitle_for(snapshot.result),
                                         snapshot.result, self.language)
        return self._shared("events", lambda: [to_json_bytes(payload(
            self.events, version=self.version, title=title, subtitle=subtitle,
            today=self.today, eras=self.eras, explorer_url=explorer_url,
            category_figure=self.category_figure(),
            story="story" in snapshot.result.settings, language=self.language,
            downloads="downloads" in snapshot.result.settings))],
            title, subtitle, explorer_url)

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
        return self._shared("search", lambda: [to_json_bytes(search_texts(self.events))])

    def search_json(self) -> bytes:
        return self._search_file()[0]

    @lru_cache(maxsize=1)
    def details(self) -> Sequence[bytes]:
        """The chunks of details, each read when asked for."""
        return self._shared("details", lambda: [
            to_json_bytes(chunk) for chunk in detail_chunks(self.events)])

    @lru_cache(maxsize=1)
    def _actor_figure_file(self) -> Sequence[bytes]:
        return self._shared("actor-figure", lambda: [to_json_bytes(actor_figure(
            self.events, self.today, self.eras,
            self._snapshot.result.window, self.language))])

    def actor_figure_json(self) -> bytes:
        return self._actor_figure_file()[0]


def register_data_files(server: flask.Flask, store: DataStore, config: Config,
                        explorer_base: Callable[[], str]
                        ) -> Callable[..., DataFiles]:
    """Serve the data files of the store's current version at `data_urls`; returns
    what gives those files in a language (the embed's page reads them too)."""
    current: dict[str, DataFiles] = {}
    builds = shared_builds_for(config)  # every worker's, in the cache folder
    server.extensions["timeline_builds"] = builds

    def data_files(language: str = DEFAULT_LANGUAGE) -> DataFiles:
        snapshot, today = store.snapshot, date.today()
        found = current.get(language)
        if found is None or found.key != (snapshot.version, today):
            found = current[language] = DataFiles(snapshot, config, today, builds, language)
        return found

    def json_response(body: bytes, version: str) -> flask.Response:
        response = flask.make_response(body)
        response.headers["Content-Type"] = "application/json; charset=utf-8"
        # A version's files never change; an old version asked for gets today's
        # data, which must not be cached under the old name.
        response.headers["Cache-Control"] = (IMMUTABLE if version == store.snapshot.version
                                             else "no-cache")
        return response

    # `name`: files_name's, the version and maybe a language.
    @server.route("/embed/data/<name>.json")
    def embed_events(name: str):
        version, language = read_files_name(name)
        return json_response(data_files(language).events_json(explorer_base()), version)

    @server.route("/embed/details/<name>/<int:chunk>.json")
    def embed_details(name: str, chunk: int):
        version, language = read_files_name(name)
        chunks = data_files(language).details()
        if chunk >= len(chunks):
            flask.abort(404)
        return json_response(chunks[chunk], version)

    @server.route("/embed/search/<name>.json")
    def embed_search(name: str):
        version, language = read_files_name(name)
        return json_response(data_files(language).search_json(), version)

    @server.route("/embed/figure/<name>/actor.json")
    def embed_actor_figure(name: str):
        version, language = read_files_name(name)
        return json_response(data_files(language).actor_figure_json(), version)

    return data_files
