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
    """The address readers use to reach the app, ending in '/'."""
    if config.public_url:
        return config.public_url.rstrip("/") + "/"
    return flask.request.host_url if flask.has_request_context() else "/"
