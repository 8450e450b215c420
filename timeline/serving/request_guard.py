"""Bad requests get a short 4xx in plain text, never a 500 or a traceback.

`install_request_guard(server)` adds, for every Dash app on the server (the
explorer at `/` and, with editing on, the editor at `/edit/`):

- **Body size.** Flask's `MAX_CONTENT_LENGTH` is the editor's limit, an upload
  of the largest CSV the editor takes as `dcc.Upload` sends it, and only a
  request under `/edit/` that shows a live editor's session gets it; every
  other request (a reader's, or one to `/edit/` without a session) gets a much
  smaller one, set on the request before anything reads its body. Over the
  limit is a 413, before any other hook runs: at once when `Content-Length`
  says so, after reading up to the limit when the body comes in chunks.
- **Paths and methods.** Dash answers any unknown `GET` path with its page (a
  catch-all route): here an unknown path is a 404, and a `GET` of a path that
  exists only for other methods (`/_dash-update-component`) a 405, as it is
  for every other route.
- **Callback bodies.** A POST to a Dash app's `_dash-update-component` must
  have the shape Dash's renderer sends for one of that app's registered
  server-side callbacks (`callback_bodies`), else it is a 4xx, so a malformed
  body never reaches Dash, whose answer to most of them was a 500. A
  `dcc.Store` declares any JSON: a callback that reads one and needs a
  particular shape says so by annotating its parameter. This check runs after
  the editor's own guard, so the editor's callbacks are not described to
  anyone without a session.
- **Errors.** Every HTTP error is a short `text/plain` answer saying what went
  wrong (nothing from the request echoed back; a browser opening a reader's
  address gets it as a tiny page in the page's language: `plain_answers`). An
  exception inside a view or callback is logged with its traceback and answered
  with a plain 500.
"""
from __future__ import annotations

import logging
from typing import Callable

import flask
from dash.exceptions import DependencyException, InvalidResourceError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from timeline.addresses import is_editor_path
from timeline.serving.callback_bodies import CallbackShapes, check_callback
from timeline.serving.http_policy import DashApps
from timeline.serving.plain_answers import plain, translatable

log = logging.getLogger("timeline.requests")

# The editor takes CSV files up to 20 MiB (`editor_page.MAX_UPLOAD_BYTES`, not
# imported here: readers' processes never load the editor). dcc.Upload sends a
# file as a base64 data URL, 4/3 of its size (27.96 MB for 20 MiB), inside the
# callback's JSON; a save sends the table's rows, about 1.4 times the CSV.
EDITOR_MAX_BODY = 32 * 1024 * 1024
# Readers' callbacks carry a query string, the filters and a click: a few KB.
READER_MAX_BODY = 256 * 1024

CALLBACK_ROUTE = "_dash-update-component"
CATCH_ALL = "<path:path>"


def install_request_guard(server: flask.Flask,
                          editor_session: Callable[[flask.Request], bool] | None = None) -> None:
    """Install the limits, checks and plain error answers described above on `server`.
    `editor_session`: whether a request comes with an editor's live session (None
    with editing off), which alone may send the editor's large bodies."""
    server.config["MAX_CONTENT_LENGTH"] = EDITOR_MAX_BODY
    dash_apps = DashApps(server)
    callbacks = CallbackShapes()
    exact_paths: dict[str, set[str]] = {}

    def limit_body():
        request = flask.request
        limit = body_limit(request, editor_session)
        request.max_content_length = limit
        if request.content_length is not None:
            return too_large(limit) if request.content_length > limit else None
        if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            # No length said: read up to the limit now (kept for whoever reads the body;
            # Werkzeug would stop at the limit without a word), and refuse if more follows.
            if len(request.get_data(cache=True)) >= limit:
                try:
                    request.stream.read(1)
                except RequestEntityTooLarge:
                    return too_large(limit)
        return None

    def check_route_and_body():
        request = flask.request
        rule = request.url_rule
        if rule is None or dash_apps.for_endpoint(request.endpoint) is None:
            return None
        if rule.rule.endswith(CATCH_ALL):
            if not exact_paths:
                exact_paths.update(_exact_paths(server))
            allowed = exact_paths.get(request.path)
            if allowed:
                response = plain(405, WRONG_METHOD)
                response.headers["Allow"] = ", ".join(sorted(allowed))
                return response
            return plain(404, NOT_FOUND)
        if request.method == "POST" and rule.rule.endswith("/" + CALLBACK_ROUTE):
            return check_callback(dash_apps.for_endpoint(request.endpoint), callbacks)
        return None

    # The size limit first, before any hook reads a body (the editor's guard may
    # read a form); the callback check last, after the editor's guard.
    server.before_request_funcs.setdefault(None, []).insert(0, limit_body)
    server.before_request(check_route_and_body)
    server.register_error_handler(HTTPException, http_error)
    # Dash raises these for a component-suites path that names no file it serves.
    server.register_error_handler(DependencyException, lambda _e: plain(404, NOT_FOUND))
    server.register_error_handler(InvalidResourceError, lambda _e: plain(404, NOT_FOUND))
    server.register_error_handler(Exception, unexpected_error)


# What readers may see, in their page's language (plain_answers).
NOT_FOUND = translatable("There is nothing at this address.")
WRONG_METHOD = translatable("This address does not take this method.")
BAD_REQUEST = translatable("This address cannot answer this request as it was sent.")
TOO_LARGE = translatable("The request is too large (the limit here is {limit} bytes).")
SERVER_ERROR = translatable("Something went wrong on our side; it has been logged.")
# An HTTP error raised anywhere (flask.abort, Werkzeug) in those words, by its status.
SAID_FOR = {400: BAD_REQUEST, 404: NOT_FOUND, 405: WRONG_METHOD, 500: SERVER_ERROR}


def too_large(limit: int) -> flask.Response:
    return plain(413, TOO_LARGE, limit=limit)


def body_limit(request: flask.Request,
               editor_session: Callable[[flask.Request], bool] | None) -> int:
    """The editor's limit for a request to `/edit/` with a live session; the reader's for
    everyone else, so a client without the secret cannot make a worker read 32 MiB."""
    if is_editor_path(request.path):
        if editor_session is not None and editor_session(request):
            return EDITOR_MAX_BODY
    return READER_MAX_BODY


def http_error(error: HTTPException):
    if error.response is not None:  # an answer a view made on purpose (abort(response))
        return error.response
    if isinstance(error, RequestEntityTooLarge):
        return too_large(flask.request.max_content_length or READER_MAX_BODY)
    response = plain(error.code or 500, SAID_FOR.get(error.code, f"{error.code} {error.name}."))
    if error.code == 405 and isinstance(error.valid_methods, (list, tuple, set)):
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def unexpected_error(error: Exception) -> flask.Response:
    # Flask logs only exceptions it has no handler for; this one is logged here.
    request = flask.request
    log.error("Unexpected error answering %s %s", request.method, request.path,
              exc_info=(type(error), error, error.__traceback__))
    return plain(500, SERVER_ERROR)


def _exact_paths(server: flask.Flask) -> dict[str, set[str]]:
    """Every path a route serves exactly (no variable part), with its methods."""
    paths: dict[str, set[str]] = {}
    for rule in server.url_map.iter_rules():
        if not rule.arguments:
            paths.setdefault(rule.rule, set()).update(rule.methods or ())
    return paths
