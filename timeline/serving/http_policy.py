"""Security headers: a Content-Security-Policy on every page, and who may frame it.

`install_http_policy(server, config)` adds one `after_request` hook:

- every answer: `X-Content-Type-Options: nosniff` and
  `Referrer-Policy: strict-origin-when-cross-origin`;
- every HTML page: a Content-Security-Policy that runs only this site's own
  script files plus the inline scripts Dash writes into its own page, by
  hash (`Dash.csp_hashes()` of the Dash app that served the page: the
  explorer's or the editor's). No `unsafe-eval`, no `unsafe-inline` for
  scripts; styles may be inline because plotly.js writes its own;
- every answer under `/edit/` (pages, Dash's routes, errors): `Cache-Control:
  no-store`, as the editor's layout and callbacks carry the notes and the
  whole file; the fingerprinted library bundles (the same bytes for anyone)
  are the compression hook's to mark immutable;
- every answer: a `Permissions-Policy` that denies the browser features the app
  never uses (camera, microphone, geolocation, …), to it and to anything it
  frames; `Cross-Origin-Opener-Policy: same-origin` everywhere but the embed
  (which an article's page, framing it or opening it, must still reach); and
  `Strict-Transport-Security` when `Config.public_url` is https;
- framing, on every answer: `/embed` and its JSON may be framed by the sites
  in `Config.frame_ancestors` (`TIMELINE_FRAME_ANCESTORS`, any site by
  default) and get no `X-Frame-Options`; everything else only by this site
  (`frame-ancestors 'self'` and `X-Frame-Options: SAMEORIGIN`).
"""
from __future__ import annotations

import re
from typing import Iterable

import flask
from dash import Dash

from timeline.addresses import is_editor_path, is_embed
from timeline.config import Config, ConfigError
from timeline.data.media import PLAYER_ORIGINS
from timeline.serving.page_asks import asked_of

FRAME_ANCESTORS_VARIABLE = "TIMELINE_FRAME_ANCESTORS"

_SCHEME = r"[a-z][a-z0-9+.-]*"
_HOST = r"(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*|\*|\[[0-9a-f:.]+\]"
_SOURCE = re.compile(rf"^(({_SCHEME}):|({_SCHEME}://)?({_HOST})(:([0-9]{{1,5}}|\*))?/?)$",
                     re.IGNORECASE)
KEYWORDS = {"'self'", "'none'"}
# Features a page could ask the browser for; the app uses none but these two. Only
# names Chromium knows: it reports an unknown one as an error in the console.
DENIED_FEATURES = ("accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
                   "fullscreen", "geolocation", "gyroscope", "hid", "idle-detection",
                   "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
                   "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
                   "xr-spatial-tracking")
# Full screen and picture-in-picture for the card's video files (self) and the
# video players (media.js asks no more for their frames in `allow`); nothing else.
PLAYER_FEATURES = ("fullscreen", "picture-in-picture")
_PLAYER_ALLOWLIST = " ".join(["self", *(f'"{origin}"' for origin in PLAYER_ORIGINS)])
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=({_PLAYER_ALLOWLIST if feature in PLAYER_FEATURES else ''})"
    for feature in DENIED_FEATURES)
HSTS = "max-age=31536000"  # a year; not includeSubDomains: the app owns one name only


def frame_ancestor_sources(value: str) -> str:
    """The `frame-ancestors` sources for the embed from the setting (space-separated origins).

    `*` (the default) lets any site frame the embed; `'none'` no site; `'self'`
    this one. Origins are written as in a browser's address bar, e.g.
    `https://news.example https://*.news.example`. Raises ConfigError on
    anything a browser would ignore, so a typo fails at start, not silently.
    """
    tokens = value.replace(",", " ").split()
    if not tokens:
        return "*"
    sources = []
    for token in tokens:
        if token.lower() in ("self", "none"):
            token = f"'{token.lower()}'"
        if token.lower() in KEYWORDS:
            sources.append(token.lower())
        elif _SOURCE.match(token) and "'" not in token and ";" not in token:
            sources.append(token.rstrip("/"))
        else:
            raise ConfigError(f"{FRAME_ANCESTORS_VARIABLE}: {token!r} is not an origin such as "
                              f"https://news.example, a scheme such as https:, * or 'self'")
    if "'none'" in sources and len(sources) > 1:
        raise ConfigError(f"{FRAME_ANCESTORS_VARIABLE}: 'none' cannot be combined with origins")
    return " ".join(dict.fromkeys(sources))


def content_security_policy(script_hashes: Iterable[str], frame_ancestors: str) -> str:
    directives = _page_directives(script_hashes) | {"frame-ancestors": frame_ancestors}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def meta_content_security_policy(script_hashes: Iterable[str]) -> str:
    """The policy for a `<meta http-equiv>` of a page served by someone else's host
    (the static export): the same, but for `frame-ancestors`, which browsers read
    only from a header (and warn about in a meta element)."""
    return "; ".join(f"{name} {value}" for name, value in _page_directives(script_hashes).items())


def _page_directives(script_hashes: Iterable[str]) -> dict[str, str]:
    return {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": "'self' 'unsafe-inline'",
        # Event pictures live on other sites; http too, as the data may name them so.
        # blob: for Plotly's toImage, which draws the chart's picture for a reader's
        # download (engine/web/downloads.js) from a blob of its own making.
        "img-src": "'self' data: blob: https: http:",
        # So do their sounds and video files (timeline.data.media), as pictures do.
        "media-src": "'self' https: http:",
        # The only frames: the privacy-enhanced YouTube and Vimeo players, made when
        # a reader opens an event with such a video (engine/web/media.js).
        "frame-src": " ".join(PLAYER_ORIGINS),
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }



class DashApps:
    """Which Dash app serves an endpoint, found from the Flask server's own views.

    Dash registers its views as closures over the app (or its bound methods),
    so the explorer (`/`) and the editor (`/edit/`), two Dash apps on one
    server, are both found without either having to be handed over.
    """

    def __init__(self, server: flask.Flask, apps: Iterable[Dash] = ()):
        self._server = server
        self._explicit = list(apps)
        self._by_view: dict[int, Dash | None] = {}

    def for_endpoint(self, endpoint: str | None) -> Dash | None:
        view = self._server.view_functions.get(endpoint or "")
        if view is None:
            return None
        if id(view) not in self._by_view:
            self._by_view[id(view)] = self._owner(view)
        return self._by_view[id(view)]

    def _owner(self, view) -> Dash | None:
        candidates = [getattr(view, "__self__", None)]
        candidates += [cell.cell_contents for cell in (getattr(view, "__closure__", None) or ())
                       if _has_contents(cell)]
        for candidate in candidates:
            if isinstance(candidate, Dash) and (not self._explicit
                                                or candidate in self._explicit):
                return candidate
        return None


def _has_contents(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018 (an empty cell raises)
    except ValueError:
        return False
    return True


def install_http_policy(server: flask.Flask, config: Config, apps: Iterable[Dash] = ()) -> None:
    """Set the security headers on every answer of `server` (see the module's docstring).

    `apps`: the Dash apps whose inline scripts are allowed; by default every
    Dash app on the server. Raises ConfigError when `config.frame_ancestors`
    is malformed.
    """
    embed_ancestors = frame_ancestor_sources(config.frame_ancestors)
    dash_apps = DashApps(server, apps)
    https = config.public_url.lower().startswith("https://")

    @server.after_request
    def security_headers(response: flask.Response) -> flask.Response:
        request = flask.request
        headers = response.headers
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        if https:
            headers["Strict-Transport-Security"] = HSTS
        if is_editor_path(request.path):
            headers["Cache-Control"] = "no-store"
        embed = is_embed(request.path)
        if embed:
            headers.pop("X-Frame-Options", None)  # frame-ancestors alone decides
        else:
            headers["X-Frame-Options"] = "SAMEORIGIN"
            # Another site's window gets no handle on ours (the embed keeps it: pym.js
            # parents open it and talk to it).
            headers["Cross-Origin-Opener-Policy"] = "same-origin"
        ancestors = embed_ancestors if embed else "'self'"
        if response.mimetype == "text/html":
            app = dash_apps.for_endpoint(request.endpoint)
            # A page of ours that is not Dash names its inline scripts' hashes itself.
            hashes = (app.csp_hashes() if app is not None
                      else asked_of(response).script_hashes)
            headers["Content-Security-Policy"] = content_security_policy(hashes, ancestors)
        else:
            # A script or JSON opened on its own is a document too: framed by the same rule.
            headers["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
        return response
