"""Tools for pages that embed the timeline: `/embed.js` and `/oembed`.

`/embed.js` (source `timeline/embed/web/embed-loader.js`) keeps an article's iframe
as tall as the embed says it is. `/oembed` answers oEmbed 1.0 (`rich` type)
for links to this app's explorer (`/`) and embed (`/embed`), so a CMS that
speaks oEmbed turns a pasted link into the iframe for that view; the explorer
advertises it with a discovery `<link>` in its `<head>`.
"""
from __future__ import annotations

import hashlib
import re
from html import escape
from pathlib import Path
from typing import Callable
from urllib.parse import SplitResult, quote, urlsplit

import flask

from timeline.addresses import public_base
from timeline.config import Config
from timeline.embed.snippets import EMBED_HEIGHT_PX, EMBED_WIDTH_PX, embed_url, iframe_tag
from timeline.serving.plain_answers import plain
from timeline.view.view_state import ViewState

LOADER = Path(__file__).resolve().parent / "web" / "embed-loader.js"
# The loader is referenced by a stable URL, so browsers keep it an hour, then revalidate.
LOADER_CACHE = "public, max-age=3600"
OEMBED_CACHE = "public, max-age=3600"
OEMBED_TYPE = "application/json+oembed"
DEFAULT_PORTS = {"http": 80, "https": 443}


class OEmbedError(Exception):
    """A request oEmbed answers with an error status and a short message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def register_embed_tools(server: flask.Flask, config: Config,
                         current_title: Callable[[str | None], str] | None = None,
                         current_credit: Callable[[], str] | None = None) -> None:
    """`current_title(lang)` names the timeline now (the setting, else the data's title
    row) in the language a link's `lang` asks for (None: the timeline's own);
    `current_credit()`, who made it (the title row's `credit=`), oEmbed's author."""
    title = current_title or (lambda _language: config.title_for(None))
    credit = current_credit or (lambda: "")
    loader = LOADER.read_bytes()
    loader_etag = hashlib.sha256(loader).hexdigest()[:16]

    @server.route("/embed.js")
    def embed_loader():
        response = flask.Response(loader, mimetype="text/javascript")
        response.headers["Cache-Control"] = LOADER_CACHE
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.set_etag(loader_etag)
        return response.make_conditional(flask.request)

    @server.route("/oembed")
    def oembed():
        base = public_base(config)
        try:
            answer = oembed_answer(flask.request.args, base, title, credit())
        except OEmbedError as problem:
            response = plain(problem.status, str(problem))
            response.headers["Access-Control-Allow-Origin"] = "*"
            return response
        response = flask.jsonify(answer)
        response.headers["Cache-Control"] = OEMBED_CACHE
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    @server.after_request
    def advertise_oembed(response: flask.Response) -> flask.Response:
        """The explorer's page (Dash's index) gets the discovery link in its <head>."""
        if (flask.request.method == "GET" and flask.request.path == "/"
                and response.status_code == 200 and response.mimetype == "text/html"
                and not response.direct_passthrough and "Content-Encoding" not in response.headers):
            page = response.get_data(as_text=True)
            if OEMBED_TYPE not in page and "</head>" in page:
                base = public_base(config)
                link = discovery_link(current_page_url(base, ""), base,
                                      title(flask.request.args.get("lang")))
                response.set_data(page.replace("</head>", f"{link}\n</head>", 1))
        return response


def current_page_url(base: str, page: str) -> str:
    """The address of this request's page (`""` the explorer, `"embed"` the embed) as readers see it."""
    query = flask.request.query_string.decode("utf-8", "replace")
    return f"{base}{page}?{query}" if query else f"{base}{page}"


def discovery_link(page_url: str, base: str, title: str) -> str:
    """The oEmbed discovery tag for a page's <head>."""
    href = f"{base}oembed?url={quote(page_url, safe='')}&format=json"
    return (f'<link rel="alternate" type="{OEMBED_TYPE}" href="{escape(href)}" '
            f'title="{escape(title)}">')


def oembed_answer(args, base: str, title_in: Callable[[str | None], str],
                  author: str = "") -> dict:
    """The oEmbed answer for `args` (the request's parameters), which are
    checked in the spec's order: 400 unreadable, 501 a format other than JSON,
    404 not a link to this app's explorer or embed. Its title is the timeline's
    in the language the link asks for (`title_in(lang)`), as its page shows it."""
    target = parsed(args.get("url") or "")
    if target is None or not target.scheme or not target.hostname:
        raise OEmbedError(400, "url must be an absolute URL")
    max_width = dimension(args, "maxwidth")
    max_height = dimension(args, "maxheight")
    if (args.get("format") or "json").strip().lower() != "json":
        raise OEmbedError(501, "only format=json is available")
    home = parsed(base)
    query = view_query(target, home) if home is not None else None
    if query is None:
        raise OEmbedError(404, "not a link to this timeline's explorer or embed")
    title = title_in(ViewState.from_query_string(query).language)
    width = min(EMBED_WIDTH_PX, max_width or EMBED_WIDTH_PX)
    height = min(EMBED_HEIGHT_PX, max_height or EMBED_HEIGHT_PX)
    answer = {
        "version": "1.0",
        "type": "rich",
        "provider_name": home.hostname or title,
        "provider_url": base,
        "title": title,
        "html": iframe_tag(embed_url(base, query), title, width=width, height=height),
        "width": width,
        "height": height,
    }
    if author:  # the credit line's maker: a CMS shows it beside the embed
        answer["author_name"] = author
    return answer


def dimension(args, name: str) -> int | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if not re.fullmatch(r"[0-9]+", value) or not value.strip("0"):
        raise OEmbedError(400, f"{name} must be a positive whole number of pixels")
    value = value.lstrip("0")
    return int(value) if len(value) <= 9 else 10 ** 9


def parsed(url: str) -> SplitResult | None:
    """`url` split into its parts, None when it cannot be (a bad port, a broken IPv6 host)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        return None
    return parts


def view_query(target: SplitResult, home: SplitResult) -> str | None:
    """The query string of a link to this app's explorer or embed; None for any other link."""
    if target.scheme.lower() not in DEFAULT_PORTS:
        return None
    if target.hostname != home.hostname or (explicit_port(target.scheme, target.port)
                                            != explicit_port(home.scheme, home.port)):
        return None
    root = home.path if home.path.endswith("/") else home.path + "/"
    pages = {root, root.rstrip("/"), root + "embed", root + "embed/"}
    return target.query if target.path in pages else None


def explicit_port(scheme: str, port: int | None) -> int | None:
    """A port written out, None when it is the scheme's default (http and https links match)."""
    return None if port == DEFAULT_PORTS.get(scheme.lower()) else port
