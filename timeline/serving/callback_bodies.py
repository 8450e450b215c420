"""Whether a POST to Dash's `_dash-update-component` is a call of one of the app's
own server-side callbacks, as Dash's renderer sends it; `request_guard` answers
anything else with a plain 4xx before it reaches Dash.

The body must be JSON (else 415) and parse (else 400); `output` must name a
registered server-side callback, and `outputs`, `inputs` and `state` list
exactly its dependencies, in order, each value of the type the callback
function annotates for its parameter, or else of the type the component
declares for the prop (a text `dcc.Input` and a single `dcc.Dropdown` are
narrowed to what they send). A string holding half of a UTF-16 surrogate pair
(JSON's `\\ud800` escape) is refused too.

What it reads of Dash, none of it public API (after a Dash upgrade, look here
first; `tests/test_bad_requests.py` sends every editor callback the page's own
first call, and well-formed and malformed bodies):
- `Dash.callback_map`: the output's id (`..a.b...c.d..` for several) → a dict
  with `"callback"` (the function; absent for a clientside callback), `"inputs"`
  and `"state"` (lists of `{"id", "property"}`), `"output"` (`Output` objects,
  with `component_id` and `component_property`) and, for a callback with a
  flexible signature, `"inputs_state_indices"` (parameter name → position);
- the function's `__wrapped__`: Dash wraps each callback, and the annotations
  are the original function's;
- `Component._traverse()`: every component under a layout's root, to find the
  component behind an id;
- generated components' `__init__` annotations (Dash 4 writes one per prop,
  naming its own TypedDicts as strings, resolved in the class).
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
from pydantic import TypeAdapter, ValidationError
from werkzeug.exceptions import BadRequest

from timeline.serving.plain_answers import plain

log = logging.getLogger("timeline.requests")


def check_callback(app: Dash, callbacks: CallbackShapes) -> flask.Response | None:
    """A plain 4xx for this request's body unless it is a call of one of `app`'s
    server-side callbacks; None (on to Dash) if it is."""
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
