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
- **Callback bodies.** A POST to a Dash app's `_dash-update-component` must be
  JSON (else 415), parse (else 400), and have the shape Dash's renderer sends
  for one of that app's registered server-side callbacks: `output` naming it,
  `outputs`, `inputs` and `state` listing exactly its dependencies, in order,
  each value of the type the callback function annotates for its parameter,
  or else of the type the component declares for the prop (Dash 4's generated
  components annotate their props; a text `dcc.Input` and a single
  `dcc.Dropdown` are narrowed to what they send). Anything else is a 400, so a
  malformed body never reaches Dash, whose answer to most of them was a 500.
  A `dcc.Store` declares any JSON: a callback that reads one and needs a
  particular shape says so by annotating its parameter. A string holding half
  of a UTF-16 surrogate pair (JSON's `\\ud800` escape; no text has one, and
  encoding it failed in the callbacks) is a 400 too.
  This check runs after the editor's own guard, so the editor's callbacks are
  not described to anyone without a session.
- **Errors.** Every HTTP error is a short `text/plain` answer naming the status
  (no HTML, nothing from the request echoed back). An exception inside a view
  or callback is logged with its traceback and answered with a plain 500.
"""
from __future__ import annotations

import inspect
import logging
import re
import sys
import threading
import typing
from typing import Any, Callable, Optional, Union

import flask
from dash import Dash, dcc
from dash.development.base_component import Component
from dash.exceptions import DependencyException, InvalidResourceError
from pydantic import TypeAdapter, ValidationError
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from timeline.addresses import is_editor_path
from timeline.serving.http_policy import DashApps

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
                response = plain(405, "This address does not take this method.")
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


NOT_FOUND = "There is nothing at this address."


def too_large(limit: int) -> flask.Response:
    return plain(413, f"The request is too large (the limit here is {limit} bytes).")


def body_limit(request: flask.Request,
               editor_session: Callable[[flask.Request], bool] | None) -> int:
    """The editor's limit for a request to `/edit/` with a live session; the reader's for
    everyone else, so a client without the secret cannot make a worker read 32 MiB."""
    if is_editor_path(request.path):
        if editor_session is not None and editor_session(request):
            return EDITOR_MAX_BODY
    return READER_MAX_BODY


def plain(status: int, message: str) -> flask.Response:
    """A short plain-text answer; `message` is ours, never the request's."""
    response = flask.make_response(f"{message}\n", status)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    return response


def http_error(error: HTTPException):
    if error.response is not None:  # an answer a view made on purpose (abort(response))
        return error.response
    response = plain(error.code or 500, f"{error.code} {error.name}.")
    if error.code == 405 and isinstance(error.valid_methods, (list, tuple, set)):
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def unexpected_error(error: Exception) -> flask.Response:
    # Flask logs only exceptions it has no handler for; this one is logged here.
    request = flask.request
    log.error("Unexpected error answering %s %s", request.method, request.path,
              exc_info=(type(error), error, error.__traceback__))
    return plain(500, "500 Internal Server Error: something went wrong on our side; it has "
                      "been logged.")


def _exact_paths(server: flask.Flask) -> dict[str, set[str]]:
    """Every path a route serves exactly (no variable part), with its methods."""
    paths: dict[str, set[str]] = {}
    for rule in server.url_map.iter_rules():
        if not rule.arguments:
            paths.setdefault(rule.rule, set()).update(rule.methods or ())
    return paths


# ------------------------------------------------------------------ callbacks

def check_callback(app: Dash, callbacks: CallbackShapes) -> flask.Response | None:
    request = flask.request
    if not request.is_json:
        return plain(415, "A callback request must be JSON (Content-Type: application/json).")
    try:
        body = request.get_json()  # cached: Dash reads the same parsed body
    except (BadRequest, RecursionError):  # RecursionError: nested too deep to parse
        return plain(400, "The callback request is not valid JSON.")
    if has_lone_surrogate(request.get_data(cache=True), body):
        return plain(400, "Malformed callback request: a string in it is not valid text.")
    problem = callbacks.problem(app, body)
    if problem:
        return plain(400, f"Malformed callback request: {problem}.")
    return None


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(raw: bytes, body: Any) -> bool:
    """Whether a string in the body holds half of a surrogate pair. JSON's `\\ud800`
    escape can carry one (no text can), and it broke callbacks where the string was
    encoded (a 500). Only such an escape in the raw body can make one: look then."""
    if not _SURROGATE_ESCAPE.search(raw):
        return False
    stack = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
    return False


class CallbackShapes:
    """What each Dash app's callbacks accept, learnt from the app the first time."""

    def __init__(self) -> None:
        self._components: dict[int, dict[str, Component]] = {}
        self._validators: dict[tuple, Callable[[Any], bool] | None] = {}
        self._lock = threading.Lock()

    def problem(self, app: Dash, body: Any) -> str | None:
        """Why `body` is not a call of one of `app`'s server-side callbacks, or None."""
        if not isinstance(body, dict):
            return "the body must be a JSON object"
        output = body.get("output")
        if not isinstance(output, str):
            return "'output' must name a callback"
        callback = app.callback_map.get(output)
        if not isinstance(callback, dict) or "callback" not in callback:
            # Unknown, or a clientside callback, which never runs on the server.
            return "'output' names no callback of this page"
        if problem := _outputs_problem(output, callback, body.get("outputs")):
            return problem
        changed = body.get("changedPropIds", [])
        if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
            return "'changedPropIds' must be a list of strings"
        position = 0  # of the dependency among inputs then state, as the function takes them
        for key in ("inputs", "state"):
            registered = callback.get(key, [])
            sent = body.get(key, [] if key == "state" else None)
            if not isinstance(sent, list) or len(sent) != len(registered):
                return f"'{key}' must list the callback's {len(registered)} {key}"
            for item, wanted in zip(sent, registered):
                if problem := self._dependency_problem(app, output, position, key, item,
                                                       wanted):
                    return problem
                position += 1
        return None

    def _dependency_problem(self, app: Dash, output: str, position: int, key: str, item: Any,
                            wanted: dict) -> str | None:
        wanted_id, wanted_property = wanted.get("id"), wanted.get("property")
        if isinstance(wanted_id, dict):  # pattern-matching: one item, or a list of them
            items = item if isinstance(item, list) else [item]
            for one in items:
                if not (isinstance(one, dict) and isinstance(one.get("id"), dict)
                        and set(one["id"]) == set(wanted_id)
                        and one.get("property") == wanted_property):
                    return f"an item of '{key}' is not one of the callback's {key}"
            return None
        if not (isinstance(item, dict) and item.get("id") == wanted_id
                and item.get("property") == wanted_property):
            return f"'{key}' do not match the callback's {key}"
        if "value" in item:
            check = self._validator(app, output, position, wanted_id, wanted_property)
            if check is not None and not check(item["value"]):
                return f"a value in '{key}' has the wrong type"
        return None

    def _validator(self, app: Dash, output: str, position: int, component_id: str,
                   prop: str) -> Callable[[Any], bool] | None:
        """The check for one dependency's value: the callback function's own annotation
        of that parameter when it has one (as Dash's own tools read them), else the
        type the component declares for the prop."""
        key = (id(app), output, position)
        if key not in self._validators:
            annotation = _parameter_annotations(app.callback_map[output])[position]
            if annotation is None:
                component = self._components_of(app).get(component_id)
                annotation = _prop_annotation(component, prop) if component is not None else None
            self._validators[key] = _checker(annotation) if annotation is not None else None
        return self._validators[key]

    def _components_of(self, app: Dash) -> dict[str, Component]:
        """Component id → the component, from the app's layout (built once)."""
        known = self._components.get(id(app))
        if known is None:
            with self._lock:
                known = self._components.get(id(app))
                if known is None:
                    known = self._components[id(app)] = _components(app)
        return known


def _components(app: Dash) -> dict[str, Component]:
    try:
        layout = app.layout() if callable(app.layout) else app.layout
    except Exception:  # a layout that cannot be built now: check shapes only
        log.exception("Could not build the layout to learn its components' types")
        return {}
    roots = layout if isinstance(layout, (list, tuple)) else [layout]
    found: dict[str, Component] = {}
    for root in roots:
        if not isinstance(root, Component):
            continue
        for component in [root, *root._traverse()]:
            component_id = getattr(component, "id", None)
            if isinstance(component_id, str):
                found.setdefault(component_id, component)
    return found


# What some components send, narrower than the type of the prop they declare.
_TEXT = Optional[str]
_ONE_OPTION = Optional[Union[str, float, bool]]


def _prop_annotation(component: Component, prop: str) -> Any:
    """The prop's type in the component's constructor (Dash 4's generated
    components annotate every prop), narrowed where the component says more:
    a `dcc.Input` that is not a number field sends text, a `dcc.Dropdown` that
    is not `multi` one option."""
    if isinstance(component, dcc.Input) and prop == "value" and \
            getattr(component, "type", None) not in ("number", "range"):
        return _TEXT
    if isinstance(component, dcc.Dropdown) and prop == "value" and \
            not getattr(component, "multi", False):
        return _ONE_OPTION
    cls = type(component)
    try:
        annotation = inspect.signature(cls.__init__).parameters[prop].annotation
        if annotation is inspect.Parameter.empty:
            return None
        # Generated components name their own TypedDicts ('SelectedRows') as strings,
        # defined in the class: resolve them there.
        holder = type("_Annotation", (), {"__annotations__": {"value": annotation}})
        return typing.get_type_hints(holder, globalns=vars(sys.modules[cls.__module__]),
                                     localns=dict(vars(cls)), include_extras=True)["value"]
    except Exception:  # no such parameter, or a name that cannot be resolved
        return None


def _parameter_annotations(callback: dict) -> list[Any]:
    """The callback function's annotation of each dependency's parameter (None where
    it has none), inputs then state."""
    count = len(callback.get("inputs", [])) + len(callback.get("state", []))
    annotations: list[Any] = [None] * count
    function = callback.get("callback")
    function = getattr(function, "__wrapped__", function)
    try:
        hints = typing.get_type_hints(function, include_extras=True)
        parameters = list(inspect.signature(function).parameters.values())
    except Exception:  # not introspectable: no annotations to use
        return annotations
    indices = callback.get("inputs_state_indices")
    if isinstance(indices, dict):  # flexible signature: parameters named by keyword
        for name, index in indices.items():
            if isinstance(index, int) and index < count:
                annotations[index] = hints.get(name)
        return annotations
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    for index, parameter in enumerate(parameters[:count]):
        if parameter.kind not in positional:
            break  # *args and after: no annotation per dependency
        annotations[index] = hints.get(parameter.name)
    return annotations


def _checker(annotation: Any) -> Callable[[Any], bool] | None:
    """Whether a value fits `annotation` (pydantic, as lax as JSON values need),
    or None when pydantic cannot read the annotation."""
    try:
        adapter = TypeAdapter(annotation)
        adapter.validate_python(None)  # builds the validator now: fails here if it cannot
    except ValidationError:
        pass
    except Exception:  # an annotation pydantic cannot read: nothing to check against
        return None

    def valid(value: Any) -> bool:
        try:
            adapter.validate_python(value)
        except ValidationError:
            return False
        except Exception:  # pydantic itself choked: do not refuse on its account
            return True
        return True

    return valid


def _outputs_problem(output: str, callback: dict, outputs: Any) -> str | None:
    registered = callback.get("output")
    many = output.startswith("..")
    wanted = list(registered) if many and isinstance(registered, (list, tuple)) else [registered]
    sent = outputs if many else [outputs]
    if not isinstance(sent, list) or len(sent) != len(wanted):
        return "'outputs' must list the callback's outputs"
    for item, dependency in zip(sent, wanted):
        component_id = getattr(dependency, "component_id", None)
        prop = getattr(dependency, "component_property", None)
        if isinstance(component_id, dict):
            items = item if isinstance(item, list) else [item]
            if not all(isinstance(one, dict) and isinstance(one.get("id"), dict)
                       and isinstance(one.get("property"), str) for one in items):
                return "'outputs' do not match the callback's outputs"
            continue
        if not (isinstance(item, dict) and item.get("id") == component_id
                and isinstance(item.get("property"), str)
                and item["property"].split("@")[0] == prop):
            return "'outputs' do not match the callback's outputs"
    return None
