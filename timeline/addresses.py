"""Where things are: the addresses more than one layer needs.

The editor's pages are under EDIT_PREFIX (serving keeps them private: no-store,
the editor's body limit only with a session); the embed's page and its data
under EMBED_PATH (serving lets other sites frame them). `public_base` is the
address readers reach the app at, for links and snippets.
"""
from __future__ import annotations

import flask

from timeline.config import Config

EDIT_PREFIX = "/edit/"
EMBED_PATH = "/embed"


def is_editor_path(path: str) -> bool:
    return path == EDIT_PREFIX.rstrip("/") or path.startswith(EDIT_PREFIX)


def is_embed(path: str) -> bool:
    """The embed's page and its data (`/embed`, `/embed/...`), not `/embed.js` or others."""
    return path == EMBED_PATH or path.startswith(EMBED_PATH + "/")


def public_base(config: Config) -> str:
    """The address readers use to reach this timeline, ending in '/' (in a folder of
    timelines, its own: `https://news.example/t/harbour/`)."""
    if config.public_url:
        return config.public_url.rstrip("/") + config.mount + "/"
    if flask.has_request_context():
        return flask.request.host_url + (mounted(config) + "/").lstrip("/")
    return mounted(config) + "/"


def mounted(config: Config) -> str:
    """Where this timeline's app answers ('' at the site's root, `/t/harbour` in a
    folder): the request's own mount, which a front proxy may add to, else the config's."""
    if flask.has_request_context():
        return flask.request.script_root
    return config.mount


def here(path: str) -> str:
    """`path` (from this app's root, '/edit/') as the browser must ask for it."""
    return (flask.request.script_root if flask.has_request_context() else "") + path


def site_root(config: Config) -> str:
    """The address of the site this timeline is part of ('' at the host's root): in a
    folder of timelines, where its index (/t/) and the editors' list (/edit/) are."""
    mount = mounted(config)
    return mount[:-len(config.mount)] if config.mount and mount.endswith(config.mount) else mount
