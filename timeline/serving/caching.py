"""How long browsers and caches keep an answer, and the ETags that let them ask again.

- Fingerprinted files (Dash's `/_dash-component-suites/` with a version in the
  name, Dash assets asked for with their current `?m=` modification time) get
  `IMMUTABLE`. Any other `GET` answer that says nothing about caching (HTML
  pages, Dash's layout and dependencies, JSON) gets `no-cache` (`private,
  no-cache` under `/edit/`) and an ETag of its content, so a repeat visit is a
  304 with no body. A `Cache-Control` a route sets itself is kept.
- An encoded body gets its own ETag (`retag`: `"<tag>-br"`, `"<tag>-gzip"`), as
  HTTP requires for a different representation.

The compression hook (`compression.install_compression`) applies both.
"""
from __future__ import annotations

import hashlib
import re

import flask
from dash.fingerprint import check_fingerprint

from timeline.addresses import is_editor_path

IMMUTABLE = "public, max-age=31536000, immutable"

# Dash writes a new signed `end_id` into every copy of its page; it only binds
# background callbacks (this app has none) to a page load, so two copies that
# differ only there are the same page: they share a weak ETag.
DASH_END_ID = re.compile(rb'"end_id":\s*"[^"]*"')


def is_fingerprinted(request: flask.Request, response: flask.Response) -> bool:
    """A URL whose bytes never change: Dash's versioned bundles, assets with their `?m=`."""
    path = request.path
    marker = "/_dash-component-suites/"
    if marker in path:
        return check_fingerprint(path.split(marker, 1)[1])[1]
    endpoint = request.endpoint or ""
    if endpoint.endswith("dash_assets.static") and request.args.get("m"):
        # Only the current file's time: an old `?m=` must not pin today's bytes for a year.
        modified = response.last_modified
        try:
            return modified is not None and int(float(request.args["m"])) == int(
                modified.timestamp())
        except ValueError:
            return False
    return False


def set_caching(response: flask.Response, request: flask.Request) -> None:
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return
    if is_fingerprinted(request, response):
        # Dash's own `max-age` and Flask's `no-cache` for assets are generic defaults.
        response.headers["Cache-Control"] = IMMUTABLE
        return
    if response.is_streamed:
        return
    if "Cache-Control" not in response.headers:
        private = is_editor_path(request.path)
        response.headers["Cache-Control"] = "private, no-cache" if private else "no-cache"
    if not response.cache_control.no_store and not response.get_etag()[0]:
        add_content_etag(response)  # a repeat visit revalidates: 304, no body


def add_content_etag(response: flask.Response) -> None:
    data = response.get_data()
    if response.mimetype == "text/html" and b'id="_dash-config"' in data:
        masked = DASH_END_ID.sub(b'"end_id":""', data)
        response.set_etag(hashlib.sha1(masked).hexdigest(), weak=masked != data)
    else:
        response.set_etag(hashlib.sha1(data).hexdigest())


def retag(response: flask.Response, encoding: str, weak: bool) -> None:
    tag, was_weak = response.get_etag()
    if tag:
        response.set_etag(f"{tag}-{encoding}", weak=was_weak or weak)
