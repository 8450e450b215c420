"""Bad requests get a short plain-text 4xx, never a 5xx or a traceback (timeline/serving/request_guard.py).

Flask's test client, against the explorer (`/`) and the editor (`/edit/`, a
second Dash app on the same server), with and without an editor's session.
The explorer registers no callback (its controls are the engine's plain HTML,
wired in the browser): a reader's page has no server-side callback, so every
POST to its `/_dash-update-component` is refused. The guard's checks of callback bodies are tested on the editor's
callbacks and on a small app of their own.
"""
from __future__ import annotations

import base64
import copy
import http.client
import io
import json
import logging
import re
import shutil
from urllib.parse import urlsplit

import pytest
from dash import Dash, Input, Output, dcc, html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from browser import serving
from support import EVENTS_FIXTURE
from timeline.app_factory import create_app
from timeline.config import Config
from timeline.editor.access import CSRF_COOKIE, CSRF_HEADER
from timeline.serving.request_guard import EDITOR_MAX_BODY, READER_MAX_BODY, install_request_guard

SECRET = "a newsroom passphrase"
UPDATE = "/_dash-update-component"
MARKER = "<script>alert(1)</script>"


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "events.csv"
    shutil.copy(EVENTS_FIXTURE, path)
    return path


@pytest.fixture(scope="module")
def app(data):
    return create_app(Config(data_path=data, edit_secret=SECRET))


@pytest.fixture(scope="module")
def reader(app):
    return app.server.test_client()


@pytest.fixture(scope="module")
def editor(app):
    """A client logged in to the editor, sending the cross-site token as the page does."""
    return logged_in(app.server.test_client())


def logged_in(client):
    page = client.get("/edit/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert client.post("/edit/login", data={"secret": SECRET, "name": "Test editor", "csrf_token": token}
                       ).status_code == 302
    client.csrf = client.get_cookie(CSRF_COOKIE, path="/edit/").value
    return client


@pytest.fixture(scope="module")
def stranger(app):
    return app.server.test_client()


def as_json(body) -> dict:
    """Test-client arguments that send `body` as JSON, even `None` (JSON null)."""
    return {"data": json.dumps(body), "content_type": "application/json"}


def editor_post(client, body=..., **kwargs):
    headers = {CSRF_HEADER: client.csrf, **kwargs.pop("headers", {})}
    if body is not ...:
        kwargs.update(as_json(body))
    return client.post("/edit" + UPDATE, headers=headers, **kwargs)


# ------------------------------------------------------------------ helpers

def assert_plain_error(response, status: int) -> None:
    """The status, as short plain text with no traceback, HTML or echo of the request."""
    body = response.get_data(as_text=True)
    assert response.status_code == status, (response.status_code, body[:300])
    assert response.mimetype == "text/plain", response.mimetype
    assert len(body) < 300, body
    for sign in ("Traceback", 'File "', "<", "alert"):
        assert sign not in body, body


def layout_values(client, prefix: str = "") -> dict[tuple[str, str], object]:
    """(component id, prop) → its value in the page's layout, as the browser starts."""
    values: dict[tuple[str, str], object] = {}

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict):
                if isinstance(props.get("id"), str):
                    values.update({(props["id"], k): v for k, v in props.items()})
                walk(props.get("children"))
            else:
                for child in node.values():
                    walk(child)

    walk(client.get(prefix + "/_dash-layout").json)
    return values


def outputs_of(output: str):
    """The `outputs` Dash's renderer sends with `output` (a list when it names several)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    targets = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in parts]
    return targets if output.startswith("..") else targets[0]


def valid_bodies(client, prefix: str = "", clientside: bool = False) -> dict[str, dict]:
    """A well-formed body for each server-side callback of the page (or, with
    `clientside`, for each of its callbacks that run in the browser, as if the
    renderer sent them), by output, with the values the page starts with (and
    buttons clicked once)."""
    values = layout_values(client, prefix)

    def value(dependency):
        found = values.get((dependency["id"], dependency["property"]))
        return 1 if dependency["property"] == "n_clicks" and found is None else found

    bodies = {}
    for dependency in client.get(prefix + "/_dash-dependencies").json:
        if bool(dependency.get("clientside_function")) != clientside:
            continue
        first = dependency["inputs"][0]
        body = {"output": dependency["output"], "outputs": outputs_of(dependency["output"]),
                "inputs": [{**d, "value": value(d)} for d in dependency["inputs"]],
                "changedPropIds": [f"{first['id']}.{first['property']}"]}
        if dependency["state"]:
            body["state"] = [{**d, "value": value(d)} for d in dependency["state"]]
        bodies[dependency["output"]] = body
    return bodies


def body_for(bodies: dict[str, dict], *input_ids: str) -> dict:
    """The body of the one callback whose inputs are these components."""
    [body] = [b for b in bodies.values() if [i["id"] for i in b["inputs"]] == list(input_ids)]
    return copy.deepcopy(body)


@pytest.fixture(scope="module")
def made_up_body():
    """A body of the shape Dash's renderer sends, for an output no callback has."""
    return {"output": "event-count.children",
            "outputs": {"id": "event-count", "property": "children"},
            "inputs": [{"id": "search", "property": "value", "value": "aurus"}],
            "changedPropIds": ["search.value"]}


@pytest.fixture(scope="module")
def history_body(editor):
    """The editor's read-only callback (a version chosen in the history): safe to call."""
    return body_for(valid_bodies(editor, "/edit"), "edit-history")


def scratch_editor(tmp_path):
    """An editor logged in to an app of its own, on a copy of the data it may change."""
    path = tmp_path / "events.csv"
    shutil.copy(EVENTS_FIXTURE, path)
    return logged_in(create_app(Config(data_path=path, edit_secret=SECRET)).server.test_client())


def without(body: dict, key: str) -> dict:
    return {k: v for k, v in body.items() if k != key}


def with_(body: dict, **changes) -> dict:
    return {**copy.deepcopy(body), **changes}


def with_input(body: dict, index: int, **changes) -> dict:
    changed = copy.deepcopy(body)
    changed["inputs"][index].update(changes)
    return changed


# Each takes a well-formed body and makes it malformed; all must be 400.
MALFORMED = {
    "the body is a list": lambda b: [b],
    "the body is a number": lambda b: 3,
    "the body is null": lambda b: None,
    "the body is a string": lambda b: "output",
    "the body is true": lambda b: True,
    "an empty object": lambda b: {},
    "no output": lambda b: without(b, "output"),
    "output not a string": lambda b: with_(b, output=["x"]),
    "output names no callback": lambda b: with_(b, output="nothing.children"),
    "output reflected": lambda b: with_(b, output=MARKER + ".children"),
    "no outputs": lambda b: without(b, "outputs"),
    "outputs of the wrong shape": lambda b: with_(b, outputs={"id": "x", "property": "y"}),
    "outputs naming other components": lambda b: with_(
        b, outputs=[{"id": "other", "property": o["property"]} for o in b["outputs"]]
        if isinstance(b["outputs"], list) else {"id": "other", "property": "children"}),
    "no inputs": lambda b: without(b, "inputs"),
    "inputs an object": lambda b: with_(b, inputs={"a": 1}),
    "inputs strings": lambda b: with_(b, inputs=["url.search"] * len(b["inputs"])),
    "inputs null": lambda b: with_(b, inputs=None),
    "one input too few": lambda b: with_(b, inputs=b["inputs"][:-1]),
    "one input too many": lambda b: with_(b, inputs=b["inputs"] + b["inputs"][:1]),
    "an input id that does not exist": lambda b: with_input(b, 0, id="no-such-component"),
    "an input id reflected": lambda b: with_input(b, 0, id=MARKER),
    "an input with another property": lambda b: with_input(b, 0, property="children"),
    "an input id of the wrong type": lambda b: with_input(b, 0, id=["url"]),
    "state for a callback without state": lambda b: with_(
        b, state=[*b.get("state", []), {"id": "x", "property": "y", "value": 1}]),
    "changedPropIds a number": lambda b: with_(b, changedPropIds=5),
    "changedPropIds of numbers": lambda b: with_(b, changedPropIds=[5]),
}

# The editor's show_version: edit-history is a single dcc.Dropdown, one option
# (text, a number or true/false) or none.
WRONG_TYPES = {
    "edit-history.value a list": lambda b: with_input(b, 0, value=["a-version"]),
    "edit-history.value an object": lambda b: with_input(b, 0, value={"value": "a-version"}),
    "edit-history.value a list of objects": lambda b: with_input(b, 0, value=[{}]),
}


# ------------------------------------------------------------------ methods and paths

@pytest.mark.parametrize("method, path", [
    ("DELETE", "/"), ("PUT", "/"), ("POST", "/"), ("PATCH", "/"),
    ("PUT", "/embed"), ("POST", "/embed"), ("DELETE", "/embed"),
    ("POST", "/healthz"), ("POST", "/oembed"), ("POST", "/embed.js"),
    ("GET", UPDATE), ("PUT", UPDATE), ("DELETE", UPDATE),
    ("POST", "/_dash-layout"), ("POST", "/_dash-dependencies"),
    ("DELETE", "/nothing-here"),
])
def test_a_wrong_method_is_405_with_allow(reader, method, path):
    response = reader.open(path, method=method)
    assert_plain_error(response, 405)
    assert response.headers.get("Allow"), "a 405 names the methods that work"
    assert method not in response.headers["Allow"].split(", ")


def test_the_editors_wrong_methods_are_405_with_a_session(editor, stranger):
    for method, path in [("GET", "/edit" + UPDATE), ("GET", "/edit/logout"),
                         ("DELETE", "/edit/"), ("PUT", "/edit" + UPDATE)]:
        response = editor.open(path, method=method, headers={CSRF_HEADER: editor.csrf})
        assert_plain_error(response, 405)
        # Without a session the door answers first: still a 4xx, and nothing told.
        assert 400 <= stranger.open(path, method=method).status_code < 500


@pytest.mark.parametrize("path", [
    "/nothing-here", "/wp-admin/setup.php", "/embed/", "/index.html", "/.env",
    "/_dash-component-suites/no_such_package/x.js",
    "/_dash-component-suites/dash/no-such-file.js",
    "/assets/no-such-file.css", "/static/no-such-file.js",
    "/embed/details/x/99.json", "/" + MARKER, "/%ZZ", "/%",
])
def test_an_unknown_path_is_404(reader, path):
    assert_plain_error(reader.get(path), 404)


def test_unknown_editor_paths_are_404_with_a_session(editor, stranger):
    assert_plain_error(editor.get("/edit/nothing-here"), 404)
    assert_plain_error(editor.get("/edit/_dash-component-suites/nope/x.js"), 404)
    assert stranger.get("/edit/nothing-here").status_code == 401  # the door first


def test_head_and_options_are_sane(reader):
    for path in ["/", "/embed", "/healthz", "/embed.js"]:
        head, get = reader.head(path), reader.get(path)
        assert head.status_code == get.status_code == 200, path
        assert head.get_data() == b"" and head.headers["Content-Type"] == \
            get.headers["Content-Type"]
    assert reader.head("/nothing-here").status_code == 404
    for path, expected in [("/", {"GET", "HEAD"}), (UPDATE, {"POST"}), ("/embed", {"GET"})]:
        response = reader.options(path)
        assert response.status_code == 200
        assert expected <= set(response.headers["Allow"].split(", "))
    assert reader.options("/nothing-here").status_code < 500


def test_the_pages_still_answer(reader, editor):
    assert reader.get("/").status_code == 200
    assert reader.get("/?category=gifts").status_code == 200
    assert reader.get("/embed").status_code == 200
    assert editor.get("/edit/").status_code == 200


# ------------------------------------------------------------------ callback bodies

def test_a_well_formed_callback_is_answered(editor, history_body):
    response = editor_post(editor, history_body)
    assert response.status_code == 200 and response.json["multi"] is True


def test_every_callback_of_the_editor_takes_the_pages_own_first_call(tmp_path):
    editor = scratch_editor(tmp_path)  # its buttons are clicked: Save saves
    bodies = valid_bodies(editor, "/edit")
    assert bodies
    for name, body in bodies.items():
        assert editor_post(editor, body).status_code in (200, 204), name


def test_the_explorer_gives_the_server_nothing_to_run(reader):
    """A reader's page registers no callback at all: its controls are plain HTML
    that the engine wires in the browser (timeline/explorer/layout.py)."""
    assert reader.get("/_dash-dependencies").json == []
    assert valid_bodies(reader) == {}


def test_a_well_formed_call_to_the_reader_is_refused(reader, made_up_body):
    response = reader.post(UPDATE, json=made_up_body)
    assert_plain_error(response, 400)
    assert "names no callback" in response.get_data(as_text=True)


def test_a_call_of_a_callback_that_runs_in_the_browser_is_400(editor):
    """The renderer never sends these; the guard does not run them either."""
    bodies = valid_bodies(editor, "/edit", clientside=True)
    assert bodies
    for name, body in bodies.items():
        assert_plain_error(editor_post(editor, body), 400)


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_callback_body_to_the_reader_is_400(reader, made_up_body, case):
    assert_plain_error(reader.post(UPDATE, **as_json(MALFORMED[case](made_up_body))), 400)


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_editor_callback_body_is_400_with_a_session(editor, stranger,
                                                                history_body, case):
    body = MALFORMED[case](history_body)
    assert_plain_error(editor_post(editor, body), 400)
    # No session: 401 before the body is looked at; no token: 403.
    assert_plain_error(stranger.post("/edit" + UPDATE, **as_json(body)), 401)
    assert_plain_error(editor.post("/edit" + UPDATE, **as_json(body)), 403)


@pytest.mark.parametrize("case", WRONG_TYPES)
def test_a_value_of_the_wrong_type_is_400(editor, history_body, case):
    assert_plain_error(editor_post(editor, WRONG_TYPES[case](history_body)), 400)


@pytest.mark.parametrize("text", [
    "hello", "{", '{"output": ', "[" * 100_000, '{"a": 1}{"b": 2}', "\x00\x01",
])
def test_a_body_that_is_not_json_is_400(reader, editor, text):
    assert_plain_error(reader.post(UPDATE, data=text, content_type="application/json"), 400)
    assert_plain_error(editor_post(editor, data=text, content_type="application/json"), 400)


def test_a_body_in_another_encoding_is_400(reader):
    assert_plain_error(reader.post(UPDATE, data=b"\xff\xfe{\x00}\x00\xc3\x28",
                                   content_type="application/json"), 400)


@pytest.mark.parametrize("content_type, payload", [
    ("text/plain", '{"output": "x"}'),
    ("application/x-www-form-urlencoded", "output=x&inputs=y"),
    ("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=x"
                                        "\r\n\r\ny\r\n--b--\r\n"),
    ("application/xml", "<a/>"),
    (None, '{"output": "x"}'),
])
def test_a_callback_body_that_is_not_json_typed_is_415(reader, editor, content_type, payload):
    kwargs = {"data": payload, "content_type": content_type} if content_type else {
        "data": payload}
    assert_plain_error(reader.post(UPDATE, **kwargs), 415)
    assert_plain_error(editor_post(editor, **kwargs), 415)


def test_a_form_post_to_the_callback_endpoint_is_415(reader):
    assert_plain_error(reader.post(UPDATE, data={"output": MARKER}), 415)


# Values of every JSON shape, one dependency at a time, into every server-side
# callback: the guard refuses what the components cannot send (400); whatever
# passes, the callback must cope with (never a 5xx).
ODD_VALUES = [None, 0, -1, 2.5, 1e308, True, "", "x", MARKER, "2023-13-45", "..", "\x00",
              "😀" * 100, [], [1], ["a"], [None], [[1]], {}, {"a": 1}, {"points": "x"},
              {"points": [{}]}, {"points": [{"customdata": 5}]}, {"xaxis.range": 5},
              {"xaxis.range[0]": "x", "xaxis.range[1]": []}, {"xaxis.range": ["a", "b"]},
              {"xaxis.autorange": "yes"}, [{"__row": 1}], [{}]]


def odd_calls(bodies: dict[str, dict]):
    for name, body in bodies.items():
        for key in ("inputs", "state"):
            for index, dependency in enumerate(body.get(key, [])):
                for value in ODD_VALUES:
                    call = copy.deepcopy(body)
                    call[key][index]["value"] = value
                    if key == "inputs":
                        call["changedPropIds"] = [f"{dependency['id']}.{dependency['property']}"]
                    yield (f"{dependency['id']}.{dependency['property']}={value!r:.30} "
                           f"into {name:.50}"), call


# The editor's stores (dcc.Store takes any JSON) hold values only its own
# callbacks understand; nothing general can tell a good one from a bad one, so
# these reach the callbacks. Annotating those callbacks' parameters (which the
# guard honours, see test_the_guard_honours_a_callbacks_own_annotations) closes them.
# The editor's stores accept any JSON as components; the callbacks' annotations
# (timeline/editor/callbacks.py) say what they hold, and the guard checks them.
EDITOR_STORES = ("edit-format.data", "edit-upload-mode.data", "edit-grid-paste.data",
                 "edit-grid.rowData")


def test_odd_values_into_every_editor_callback_never_get_a_5xx(tmp_path):
    editor = scratch_editor(tmp_path)  # a save or an upload may change its data
    failures: dict[str, list[str]] = {}
    for case, call in odd_calls(valid_bodies(editor, "/edit")):
        response = editor_post(editor, call)
        if response.status_code >= 500:
            assert_plain_error(response, 500)  # the handler's plain answer, at least
            failures.setdefault(case.split("=")[0], []).append(case)
        elif response.status_code >= 400:
            assert_plain_error(response, response.status_code)
    assert not failures, failures


@pytest.mark.parametrize("dependency", EDITOR_STORES)
def test_odd_values_in_the_editors_stores_are_refused(tmp_path, dependency):
    editor = scratch_editor(tmp_path)
    bad = [{"id": 5}] if dependency.endswith("rowData") else 5
    for name, body in valid_bodies(editor, "/edit").items():
        items = [i for key in ("inputs", "state") for i in body.get(key, [])
                 if f"{i['id']}.{i['property']}" == dependency]
        for item in items:
            item["value"] = bad
        if items:
            assert 400 <= editor_post(editor, body).status_code < 500, name


# ------------------------------------------------------------------ sizes

def test_a_readers_callback_over_the_limit_is_413(reader, made_up_body):
    big = with_input(made_up_body, 0, value="a" * READER_MAX_BODY)
    assert_plain_error(reader.post(UPDATE, json=big), 413)
    # Anything else readers send is held to the same limit.
    assert_plain_error(reader.post("/oembed", data="x" * (READER_MAX_BODY + 1)), 413)


def test_a_readers_callback_within_the_limit_is_not_refused_for_size(reader, made_up_body):
    """Read whole and judged on its shape (no callback of the page), not on its size."""
    long_value = with_input(made_up_body, 0, value="a" * (READER_MAX_BODY - 1024))
    response = reader.post(UPDATE, json=long_value)
    assert_plain_error(response, 400)
    assert "names no callback" in response.get_data(as_text=True)


def test_a_chunked_body_without_a_length_is_held_to_the_limit(app):
    """Over a real socket: a body sent in chunks says no length up front."""
    def post_chunked(size: int) -> tuple[int, str, str]:
        with serving(app.server) as url:
            connection = http.client.HTTPConnection(urlsplit(url).hostname, urlsplit(url).port,
                                                    timeout=30)
            chunks = (b"a" * 65536 for _ in range(size // 65536))
            connection.request("POST", UPDATE, body=chunks, encode_chunked=True,
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            answer = (response.status, response.getheader("Content-Type"),
                      response.read().decode())
            connection.close()
            return answer

    status, content_type, body = post_chunked(READER_MAX_BODY * 2)
    assert (status, content_type) == (413, "text/plain; charset=utf-8") and len(body) < 300
    status, _, body = post_chunked(READER_MAX_BODY // 2)
    assert status == 400 and "not valid JSON" in body  # read whole, then judged


def test_the_editor_limit_fits_the_largest_upload():
    from timeline.editor.page import MAX_UPLOAD_BYTES
    encoded = 4 * -(-MAX_UPLOAD_BYTES // 3)  # base64 of the largest file dcc.Upload takes
    envelope = len(json.dumps({"output": "x" * 200, "outputs": [{"id": "x", "property": "y"}] * 3,
                               "inputs": [{"id": "edit-upload", "property": "contents",
                                           "value": "data:text/csv;base64,"}],
                               "state": [{"id": "edit-upload", "property": "filename",
                                          "value": "x" * 255}],
                               "changedPropIds": ["edit-upload.contents"]}))
    assert encoded + envelope < EDITOR_MAX_BODY
    assert READER_MAX_BODY < EDITOR_MAX_BODY // 100


def test_an_upload_near_the_limit_reaches_the_editor(editor):
    upload = body_for(valid_bodies(editor, "/edit"), "edit-upload", "edit-upload-merge",
                      "edit-upload-replace")
    contents = "data:text/csv;base64," + base64.b64encode(b"\x00" * (20 * 1024 * 1024)).decode()
    upload["inputs"][0]["value"] = contents
    upload["state"][0]["value"] = "big.csv"
    response = editor_post(editor, upload)
    assert response.status_code == 200, response.get_data(as_text=True)[:200]
    assert "not a CSV file" in response.get_data(as_text=True)  # the loader's answer


def test_an_editor_body_over_the_limit_is_413(editor, stranger):
    body = b'{"output": "' + b"a" * EDITOR_MAX_BODY + b'"}'
    assert_plain_error(editor_post(editor, data=body, content_type="application/json"), 413)
    assert_plain_error(stranger.post("/edit" + UPDATE, data=body,
                                     content_type="application/json"), 413)


def test_without_a_session_a_body_to_the_editor_is_held_to_the_readers_limit(app, editor):
    """Only a live session earns the editor's limit: anyone else's body under /edit/ is
    read no further than a reader's, so a client without the secret cannot make a
    worker read 32 MiB before the 401."""
    megabyte = b'{"output": "' + b"a" * (1024 * 1024) + b'"}'

    def post(client, chunked: bool, **kwargs):
        body = io.BytesIO(megabyte)
        if chunked:  # no length said up front: read until the limit
            kwargs.update(headers={"Transfer-Encoding": "chunked", **kwargs.pop("headers", {})},
                          environ_overrides={"wsgi.input_terminated": True})
        else:
            kwargs.update(content_length=len(megabyte))
        response = client.post("/edit" + UPDATE, input_stream=body,
                               content_type="application/json", **kwargs)
        return response, body.tell()

    stranger = app.server.test_client()
    forged = app.server.test_client()
    forged.set_cookie("timeline_editor", "eyJub25jZSI6Im5vIn0.forged.signature", path="/edit/")
    for client in (stranger, forged):
        response, read = post(client, chunked=False)
        assert_plain_error(response, 413)
        assert read == 0  # refused on its Content-Length alone
        response, read = post(client, chunked=True)
        assert_plain_error(response, 413)
        assert read <= READER_MAX_BODY + 64 * 1024, read
    # With a session the editor's limit holds: read in full, then judged.
    response, read = post(editor, chunked=True, headers={CSRF_HEADER: editor.csrf})
    assert_plain_error(response, 400)
    assert read == len(megabyte)


# ------------------------------------------------------------------ unexpected errors

def test_an_error_inside_a_callback_is_a_plain_500_and_logged(editor, history_body,
                                                               monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug with a secret detail")

    monkeypatch.setattr("timeline.editor.callbacks.read_version", broken)
    with caplog.at_level(logging.ERROR):
        response = editor_post(editor, with_input(history_body, 0, value="a-version"))
    assert_plain_error(response, 500)
    assert "secret detail" not in response.get_data(as_text=True)
    logged = [r for r in caplog.records if r.exc_info and "secret detail" in str(r.exc_info[1])]
    assert logged, "the traceback is logged"


# ------------------------------------------------------------------ the guard on its own

def small_app() -> Dash:
    app = Dash(__name__)
    app.layout = html.Div([dcc.Input(id="text"), dcc.Input(id="number", type="number"),
                           dcc.Dropdown(["a", "b"], id="one"), dcc.Store(id="store"),
                           html.Div(id="out"), html.Div(id="out2")])

    @app.callback(Output("out", "children"), Input("text", "value"), Input("number", "value"),
                  Input("one", "value"))
    def show(text, number, one):
        return f"{text} {number} {one}"

    @app.callback(Output("out2", "children"), Input("store", "data"))
    def annotated(count: int | None):
        return str((count or 0) + 1)

    install_request_guard(app.server)
    return app


def test_the_guard_checks_component_types_and_honours_a_callbacks_own_annotations():
    client = small_app().server.test_client()

    def call(output, inputs):
        return client.post(UPDATE, json={
            "output": output, "outputs": outputs_of(output),
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs]})

    show = "out.children"
    assert call(show, [("text", "value", "a"), ("number", "value", 3),
                       ("one", "value", "a")]).status_code == 200
    # A text field sends text, a number field a number, a single dropdown one option.
    for text, number, one in [(3, 3, "a"), ("a", [3], "a"), ("a", 3, ["a", "b"]),
                              ({"a": 1}, 3, "a"), ("a", 3, {"a": 1})]:
        response = call(show, [("text", "value", text), ("number", "value", number),
                               ("one", "value", one)])
        assert_plain_error(response, 400)
    # A store takes any JSON, but this callback says it wants a whole number.
    assert call("out2.children", [("store", "data", 4)]).json["response"]["out2"][
        "children"] == "5"
    assert_plain_error(call("out2.children", [("store", "data", "four")]), 400)
    assert_plain_error(call("out2.children", [("store", "data", [4])]), 400)


# ------------------------------------------------------------------ hostile values, generated

def format_calls(editor) -> list[tuple[str, dict, dict]]:
    """(callback, body, the edit-format item in it) for each editor callback reading the format."""
    calls = []
    for name, body in valid_bodies(editor, "/edit").items():
        for key in ("inputs", "state"):
            for item in body.get(key, []):
                if item["id"] == "edit-format":
                    calls.append((name, body, item))
    return calls


@pytest.mark.parametrize("field, value", [
    ("delimiter", ",,"), ("delimiter", ""), ("delimiter", "\n"), ("delimiter", '"'),
    ("delimiter", "x"), ("line_ending", ""), ("line_ending", "\n\n"), ("line_ending", ","),
])
def test_a_separator_the_loader_never_gives_is_refused(tmp_path, field, value):
    """The editor's format store names the file's delimiter and line end; the CSV
    writer fails on a delimiter of two characters or none (a 500), and another
    would write a file no spreadsheet reads."""
    editor = scratch_editor(tmp_path)
    calls = format_calls(editor)
    assert len(calls) >= 3  # checking rows, saving, downloading
    before = (tmp_path / "events.csv").read_bytes()
    for name, body, item in calls:
        item["value"] = {**item["value"], field: value}
        assert_plain_error(editor_post(editor, body), 400)
    assert (tmp_path / "events.csv").read_bytes() == before


# The numbers and strings a hostile client would try first: each goes into every
# input of every callback (and into each field of one that takes an object),
# then Hypothesis generates more of any JSON shape.
SPECIAL_NUMBERS = [float("inf"), float("-inf"), float("nan"), 10**400, -(10**400), 2**63, -1,
                   0, -0.0, 1e308, 5e-324]
SPECIAL_STRINGS = ["", ",,", "\ud800", "\x00", "Infinity", "Sept" + " " * 16_000 + "x",
                   " " * 20_000, MARKER, "..", "?zoom=9999-99-99..0000-00-00&event=" + MARKER]
SPECIAL_VALUES = [*SPECIAL_NUMBERS, *SPECIAL_STRINGS, None, True, [], {}, [None], {"": None}]
HOSTILE_NUMBERS = st.one_of(
    st.sampled_from(SPECIAL_NUMBERS), st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70))
HOSTILE_STRINGS = st.one_of(
    st.sampled_from(SPECIAL_STRINGS), st.text(max_size=40),
    st.builds(lambda piece, count: piece * count,
              st.sampled_from([" ", "a", "9", ",", "&", "%", "[", "\n", "😀"]),
              st.integers(min_value=0, max_value=20_000)))
KNOWN_KEYS = ["points", "customdata", "x", "y", "xaxis.range", "xaxis.range[0]",
              "xaxis.range[1]", "xaxis.autorange", "id", "start", "end", "title", "__row",
              "__problems", "__line", "columns", "delimiter", "line_ending", "byte_order_mark",
              "rowIndex", "colId", "value", "oldValue", "data", "filename", "content"]
HOSTILE_VALUES = st.recursive(
    st.none() | st.booleans() | HOSTILE_NUMBERS | HOSTILE_STRINGS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(KNOWN_KEYS) | st.text(max_size=8), inner, max_size=4),
    max_leaves=10)


def hostile_variants(valid):
    """Hostile values, and the page's own value with one part of it made hostile
    (so a value gets past the guard's type check and reaches the callback)."""
    if isinstance(valid, dict) and valid:
        return HOSTILE_VALUES | st.sampled_from(sorted(valid)).flatmap(
            lambda key: hostile_variants(valid[key]).map(lambda value: {**valid, key: value}))
    if isinstance(valid, list) and valid:
        return HOSTILE_VALUES | st.integers(0, len(valid) - 1).flatmap(
            lambda i: hostile_variants(valid[i]).map(
                lambda value: valid[:i] + [value] + valid[i + 1:]))
    return HOSTILE_VALUES


def special_variants(valid) -> list:
    """Each special value in place of `valid`, and in each field of it if it is an object."""
    variants = list(SPECIAL_VALUES)
    if isinstance(valid, dict):
        variants += [{**valid, key: value} for key in valid for value in SPECIAL_VALUES]
    return variants


def slots(bodies: dict[str, dict]):
    """(callback, where its dependency is in the body) for every input and state."""
    for name, body in sorted(bodies.items()):
        for key in ("inputs", "state"):
            for index in range(len(body.get(key, []))):
                yield name, key, index


def with_value(body: dict, key: str, index: int, value) -> dict:
    call = copy.deepcopy(body)
    item = call[key][index]
    item["value"] = value
    if key == "inputs":
        call["changedPropIds"] = [f"{item['id']}.{item['property']}"]
    return call


def assert_hostile_values_never_get_a_5xx(bodies: dict[str, dict], post, examples: int) -> int:
    """Post the special values, then `examples` generated ones, into each dependency
    of each callback in turn; every answer is a 2xx or a plain 4xx. Returns the
    number of requests."""
    sent = 0

    def check(name: str, key: str, index: int, value) -> None:
        nonlocal sent
        sent += 1
        item = bodies[name][key][index]
        response = post(with_value(bodies[name], key, index, value))
        case = f"{item['id']}.{item['property']}={value!r:.60} into {name:.60}"
        assert response.status_code < 500, (case, response.get_data(as_text=True)[:200])
        if response.status_code >= 400:
            assert_plain_error(response, response.status_code)

    for name, key, index in slots(bodies):
        valid = bodies[name][key][index].get("value")
        for value in special_variants(valid):
            check(name, key, index, value)
        settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])(
            given(value=hostile_variants(valid))(
                lambda value: check(name, key, index, value)))()
    return sent


# Whole bodies: any JSON, and objects with Dash's keys holding hostile values or the
# names of the page's own components and callbacks.
PAGE_NAMES = st.sampled_from(["category-filter.value", "actor-filter.value", "search.value",
                              "..date-filter.start_date...date-filter.end_date..",
                              "timeline-graph.figure", "event-list.children"])
HOSTILE_BODIES = HOSTILE_VALUES | st.fixed_dictionaries({}, optional={
    "output": PAGE_NAMES | HOSTILE_VALUES,
    "outputs": HOSTILE_VALUES,
    "inputs": st.lists(st.fixed_dictionaries(
        {"id": HOSTILE_STRINGS | PAGE_NAMES, "property": HOSTILE_STRINGS,
         "value": HOSTILE_VALUES}), max_size=9) | HOSTILE_VALUES,
    "state": HOSTILE_VALUES,
    "changedPropIds": st.lists(PAGE_NAMES) | HOSTILE_VALUES,
})


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(body=HOSTILE_BODIES)
def test_any_body_posted_to_the_readers_callback_route_is_a_plain_4xx(reader, body):
    response = reader.post(UPDATE, **as_json(body))
    assert 400 <= response.status_code < 500, (body, response.status_code)
    assert_plain_error(response, response.status_code)


def test_hostile_values_into_every_editor_callback_never_get_a_5xx(tmp_path):
    editor = scratch_editor(tmp_path)  # a save or an upload may change its data
    sent = assert_hostile_values_never_get_a_5xx(
        valid_bodies(editor, "/edit"), lambda body: editor_post(editor, body), examples=10)
    assert sent > 20 * len(SPECIAL_VALUES)
