"""Build the Dash app from a config, so tests, `app.py` and gunicorn each make their own."""
from __future__ import annotations

import html
from typing import Callable

import flask
from dash import Dash

from timeline.addresses import public_base
from timeline.config import REPOSITORY, Config
from timeline.data.schema import DEFAULT_LANGUAGE
from timeline.data_store import DataFileError, DataStore
from timeline.editor.page import EDITOR_FILES
from timeline.editor.routes import register_editor
from timeline.embed.oembed import register_embed_tools
from timeline.embed.page import EMBED_FILES, register_embed_page
from timeline.engine.data_files import data_urls, register_data_files
from timeline.engine.static_files import register_static_files
from timeline.explorer.layout import (
    EXPLORER_FILES,
    ReaderDash,
    build_layout,
    explorer_page,
    explorer_scripts,
)
from timeline.folder.index_page import FOLDER_FILES
from timeline.memory import map_large_blocks_apart
from timeline.serving.compression import Compressor, install_compression
from timeline.serving.hosts import install_host_check
from timeline.serving.http_policy import install_http_policy
from timeline.serving.plain_answers import install_answer_language
from timeline.serving.proxies import install_trusted_proxies
from timeline.serving.request_guard import install_request_guard
from timeline.view.credit_line import credit_footer
from timeline.view.language import language_of, timeline_title
from timeline.view.view_state import ViewState

__all__ = ["DataFileError", "create_app"]


def create_app(config: Config | None = None, *, compressor: Compressor | None = None) -> Dash:
    """The app of one timeline. `compressor`: shared with the other timelines' apps of
    this process (folder/site.py), else its own."""
    config = config or Config.from_environment()
    map_large_blocks_apart()  # a big timeline's JSON, freed, goes back to the system
    store = DataStore(config.data_path)  # raises DataFileError on a file with errors
    app = ReaderDash(__name__, assets_folder=str(REPOSITORY / "assets"),
               title=html_title(config.title_for(store.snapshot.result)), update_title=None,
               serve_locally=True, external_scripts=explorer_scripts(),
               # In a folder of timelines the browser asks under /t/<slug>/ (folder/site.py).
               requests_pathname_prefix=config.mount + "/")
    # Dash's page names no language; screen readers pick a voice by it.
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    server = app.server

    @server.before_request
    def use_latest_data():
        # First, so every request of every worker sees the latest good data.
        store.refresh()
        app.title = html_title(config.title_for(store.snapshot.result))

    app.layout = build_layout()
    place_the_page(app, store, config)

    def explorer_base() -> str:
        return public_base(config)
    # What both reader pages fetch: the engine's data files and the pages' scripts.
    data_files = register_data_files(server, store, config, explorer_base)
    register_static_files(server, EMBED_FILES, EXPLORER_FILES, EDITOR_FILES, FOLDER_FILES)
    register_embed_page(server, store, config, explorer_base, data_files)
    register_health(server, store)
    register_embed_tools(server, config, lambda link_language: title_in(
        config, store.snapshot.result, link_language), lambda: store.snapshot.result.credit)
    editor_session = register_editor(server, store, config)
    # Errors readers see in the page's language: the link's `lang`, else the timeline's.
    install_answer_language(server, lambda: language_of(flask.request.args.get("lang"),
                                                        store.snapshot.result.settings))
    harden(server, config, editor_session)
    install_compression(server, config.cache_dir or None, data_path=config.data_path,
                        disk_budget=config.cache_max_mb * 1024 * 1024, compressor=compressor)
    return app


def harden(server: flask.Flask, config: Config,
           editor_session: Callable[[flask.Request], bool] | None) -> None:
    """The guards every app of ours answers behind: a timeline's, and a folder's site."""
    install_http_policy(server, config)
    install_request_guard(server, editor_session)
    install_host_check(server, config)  # after the guard: its check runs first of all
    install_trusted_proxies(server, config.trusted_proxies)


def place_the_page(app: Dash, store: DataStore, config: Config) -> None:
    """The explorer's page around Dash's entry point (layout.explorer_page), and a
    request for its events' file at once, while Dash's own scripts load: the
    engine needs it to draw anything."""
    interpolate = app.interpolate_index

    def with_the_page(**parts):
        result = store.snapshot.result
        # The link's `lang`, else the timeline's (view/language.py); never the browser's.
        language = (language_of(flask.request.args.get("lang"), result.settings)
                    if flask.has_request_context() else DEFAULT_LANGUAGE)
        urls = data_urls(store.snapshot.version, language=language)
        parts["metas"] += (f'<link rel="preload" href="{html.escape(urls["events"])}" '
                           'as="fetch" crossorigin="anonymous">')
        title, subtitle = timeline_title(config.title_for(result), config.subtitle_for(result),
                                         result, language)
        parts["title"] = html_title(title)
        parts["app_entry"] = explorer_page(parts["app_entry"], title=title, subtitle=subtitle,
                                           data_urls=urls, language=language,
                                           credit=credit_footer(result, language))
        page = interpolate(**parts).replace('<html lang="en">', f'<html lang="{language}">', 1)
        # The link's theme on <html> from the first paint (the engine keeps it after).
        theme = (ViewState.from_query_string(
            flask.request.query_string.decode("utf-8", "replace")).theme
            if flask.has_request_context() else None)
        return page.replace("<html ", f'<html class="theme-{theme}" ', 1) if theme else page
    app.interpolate_index = with_the_page


def title_in(config: Config, result, link_language: str | None) -> str:
    """The timeline's title as its page in the link's `lang` (else the timeline's) shows it."""
    return timeline_title(config.title_for(result), "", result,
                          language_of(link_language, result.settings))[0]


def html_title(title: str) -> str:
    """The title as Dash needs it: Dash writes `app.title` into its page's <title>
    unescaped, and the title comes from editors (the data's title row)."""
    return html.escape(title, quote=False)


# What /healthz tells anyone who asks. Not what is wrong with the file: its cells,
# its path and its notes are unpublished; the log and the editor's page say that.
PUBLIC_HEALTH = ("status", "events", "version", "loaded_at", "errors", "worker")


def register_health(server: flask.Flask, store: DataStore) -> None:
    @server.route("/healthz")
    def healthz():
        health = store.health()
        response = flask.jsonify({name: health[name] for name in PUBLIC_HEALTH})
        response.headers["Cache-Control"] = "no-store"
        return response
