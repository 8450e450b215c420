"""The editor, `/edit/`: a table of the file, checked as you type, with a preview.

A Dash app of its own on the same server, so readers' pages never load its
code or learn its callbacks, and `editor_routes` can guard everything under
`/edit/` in one place. The page reads the file on disk (not the last good
version readers see), so an editor can fix a file someone broke elsewhere.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from urllib.parse import parse_qs
from datetime import date
from pathlib import Path

import dash_ag_grid as dag
import flask
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from timeline.config import Config
from timeline.data_store import DataStore, content_version
from timeline.diffing import Diff
from timeline.editor_access import CSRF_COOKIE
from timeline.editor_rows import (LINE_KEY, PROBLEMS_KEY, ROW_KEY, FileFormat, blank_row,
                                  check_rows, duplicate_row, rows_to_bytes, table_from_bytes)
from timeline.figure import build_figure
from timeline.history import list_versions, read_version
from timeline.loading import LoadResult, load_events_from_bytes
from timeline.report import Report
from timeline.diffing import diff_versions
from timeline.saving import Conflict, Failed, Invalid, Saved, Unchanged, save_version
from timeline.transforms import prepare_events
from timeline.view_state import ViewState

EDITOR_ASSETS = Path(__file__).resolve().parent / "editor_assets"
PREVIEW_WIDTH_PX = 1000
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def create_editor_app(server: flask.Flask, store: DataStore, config: Config) -> Dash:
    editor = Dash(__name__, server=server, url_base_pathname="/edit/",
                  assets_folder=str(EDITOR_ASSETS), title="Edit the timeline",
                  update_title=None, serve_locally=True,
                  # The conflict panel's button exists only once there is a conflict.
                  suppress_callback_exceptions=True)
    editor.layout = lambda: editor_layout(store, config)
    register_editor_callbacks(editor, store)
    return editor


# ------------------------------------------------------------------ layout

def column_defs(file_format: FileFormat) -> list[dict]:
    line = {"field": LINE_KEY, "headerName": "Line", "editable": False, "pinned": "left",
            "width": 80, "sort": None,
            "cellClassRules": {"row-error": _has_problem(ROW_KEY, "error")},
            "tooltipValueGetter": {"function": _problem_text(ROW_KEY)}}
    columns = [{
        "field": column, "headerName": column, "editable": True,
        "cellClassRules": {"cell-error": _has_problem(column, "error"),
                           "cell-warning": _has_problem(column, "warning")},
        "tooltipValueGetter": {"function": _problem_text(column)},
    } for column in file_format.columns]
    return [line, *columns]


def _problem_text(column: str) -> str:
    key = json.dumps(column)
    return f"params.data && params.data.{PROBLEMS_KEY} ? params.data.{PROBLEMS_KEY}[{key}] : null"


def _has_problem(column: str, severity: str) -> str:
    key = json.dumps(column)
    return (f"!!(params.data && params.data.{PROBLEMS_KEY} && params.data.{PROBLEMS_KEY}[{key}] "
            f"&& params.data.{PROBLEMS_KEY}[{key}].indexOf('{severity}') === 0)")


def grid(rows: list[dict], file_format: FileFormat) -> dag.AgGrid:
    return dag.AgGrid(
        id="edit-grid", rowData=rows, columnDefs=column_defs(file_format),
        # Every cell is text as written: left to infer types, AG Grid makes `start` a date
        # column when the first row holds a full date, and then shows partial dates
        # ('2023-09') and refused ones as empty cells.
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 110,
                       "cellDataType": False},
        getRowId=f"params.data.{ROW_KEY}",
        dashGridOptions={
            "rowSelection": {"mode": "multiRow"},
            "undoRedoCellEditing": True, "undoRedoCellEditingLimit": 50,
            "suppressFieldDotNotation": True,  # column names may contain dots
            "tooltipShowDelay": 0, "stopEditingWhenCellsLoseFocus": True,
            "enableCellTextSelection": True, "animateRows": False,
        },
        style={"height": "60vh"}, className="ag-theme-quartz edit-grid")


def problem_list(report: Report, source_name: str) -> html.Div:
    lines = report.format_lines(source_name)
    if report.ok:
        verdict = html.P(f"No errors: this can be saved ({report.summary()}).", className="ok")
    else:
        verdict = html.P(f"{report.summary()}: fix the errors before saving. Hover a marked "
                         "cell, or read them here (line numbers are in the table's first "
                         "column).", className="error")
    return html.Div([verdict, html.Ul([html.Li(line) for line in lines]) if lines else None])


def preview_figure(result: LoadResult):
    events = prepare_events(result.events)
    return build_figure(events, ViewState(), today=date.today(), width_px=PREVIEW_WIDTH_PX,
                        eras=result.eras)


def history_options(store: DataStore) -> list[dict]:
    return [{"label": entry.label, "value": entry.name} for entry in list_versions(store.path)]


def editor_layout(store: DataStore, config: Config) -> html.Div:
    try:
        data = store.path.read_bytes()
    except OSError as problem:
        data = b""
        read_error = f"The data file cannot be read ({problem.strerror}). Restore a version " \
                     f"from the history or upload a file."
    else:
        read_error = None
    table = table_from_bytes(data, store.path.name)
    result = load_events_from_bytes(data)
    csrf = flask.request.cookies.get(CSRF_COOKIE, "") if flask.has_request_context() else ""
    return html.Div([
        dcc.Store(id="edit-format", data=table.file_format.to_dict()),
        dcc.Store(id="edit-base-version", data=content_version(data)),
        dcc.Store(id="edit-dirty", data=False),
        dcc.Store(id="edit-upload-data"),
        dcc.Location(id="edit-location", refresh=True),
        dcc.Download(id="edit-download-mine"),
        html.Span(id="edit-dirty-flag", hidden=True),
        html.Header([
            html.H1(f"Edit: {config.title_for(store.snapshot.result)}"),
            html.P([f"File {store.path.name}, version ", html.Code(content_version(data),
                                                                   id="edit-version"),
                    ". Readers see each saved version within two seconds. ",
                    html.A("View the timeline", href="/", target="_blank"), " · ",
                    html.A("Download the CSV", href="/edit/download", id="edit-download")]),
            html.Form([dcc.Input(type="hidden", name="csrf_token", value=csrf, id="edit-logout-token"),
                       html.Button("Log out", type="submit")],
                      action="/edit/logout", method="post", className="logout"),
        ], className="edit-header"),
        serving_note(store),
        html.P(read_error or "", id="edit-status", role="status", className="status",
               **{"aria-live": "polite"}),
        html.Div(id="edit-conflict"),
        html.Div([
            html.Button("Add a row", id="edit-add", n_clicks=0, type="button"),
            html.Button("Duplicate selected", id="edit-duplicate", n_clicks=0, type="button"),
            html.Button("Delete selected", id="edit-delete", n_clicks=0, type="button"),
            html.Button("Save", id="edit-save", n_clicks=0, type="button",
                        className="primary", disabled=not table.report.ok),
            html.Button("Discard my changes", id="edit-discard", n_clicks=0, type="button"),
        ], className="toolbar"),
        html.Div(problem_list(table.report, store.path.name), id="edit-problems",
                 className="problems"),
        grid(table.rows, table.file_format),
        html.H2("Preview, with your unsaved changes"),
        dcc.Graph(id="edit-preview", figure=preview_figure(result),
                  config={"displaylogo": False, "responsive": True}),
        html.Div([
            html.H2("Upload a CSV"),
            html.P("The file is checked first, and you see what it would change before "
                   "anything is replaced."),
            dcc.Upload(html.Button("Choose a CSV file", type="button"), id="edit-upload",
                       accept=".csv,.tsv,.txt,text/csv", max_size=MAX_UPLOAD_BYTES),
            html.Div(id="edit-upload-preview"),
            html.Button("Replace the data with this file", id="edit-upload-confirm",
                        n_clicks=0, type="button", disabled=True),
        ], className="panel"),
        html.Div([
            html.H2("History"),
            html.P("Every save keeps the version it replaced. Choose one to see what differs "
                   "from now, then restore it if you need to."),
            dcc.Dropdown(id="edit-history", options=history_options(store),
                         placeholder="Choose an earlier version"),
            html.Div(id="edit-history-diff"),
            html.Button("Restore this version", id="edit-restore", n_clicks=0, type="button",
                        disabled=True),
        ], className="panel"),
    ], className="edit-page")


def serving_note(store: DataStore) -> html.Div | None:
    """Readers still see the last good version while the file on disk has errors."""
    if not store.last_error:
        return None
    return html.Div([html.Strong("Readers are not seeing the file as it is now. "),
                     store.last_error, ". Fix the marked problems below and save."],
                    id="edit-serving-note", className="conflict", role="alert")


# --------------------------------------------------------------- diffs shown

def diff_view(diff: Diff, old_label: str, new_label: str) -> html.Div:
    if diff.empty:
        return html.Div(html.P("No differences."), className="diff")
    parts: list = [html.P(diff.summary())]
    if diff.added:
        parts += [html.H3(f"Only in {new_label}"),
                  html.Ul([html.Li(f"{key}: {title}") for key, title in diff.added])]
    if diff.removed:
        parts += [html.H3(f"Only in {old_label}"),
                  html.Ul([html.Li(f"{key}: {title}") for key, title in diff.removed])]
    if diff.changed:
        rows = [html.Tr([html.Td(change.key), html.Td(field.column), html.Td(field.old),
                         html.Td(field.new)])
                for change in diff.changed for field in change.fields]
        parts += [html.H3("Changed"), html.Table([
            html.Thead(html.Tr([html.Th("Event"), html.Th("Field"), html.Th(old_label),
                                html.Th(new_label)])),
            html.Tbody(rows)], className="diff-table")]
    return html.Div(parts, className="diff")


# ---------------------------------------------------------------- callbacks

def register_editor_callbacks(editor: Dash, store: DataStore) -> None:

    @editor.callback(
        Output("edit-grid", "rowTransaction"), Output("edit-problems", "children"),
        Output("edit-preview", "figure"), Output("edit-save", "disabled"),
        Output("edit-dirty", "data"), Output("edit-status", "children"),
        Output("edit-grid", "scrollTo"),
        Input("edit-add", "n_clicks"), Input("edit-duplicate", "n_clicks"),
        Input("edit-delete", "n_clicks"), Input("edit-grid", "cellValueChanged"),
        State("edit-grid", "rowData"), State("edit-grid", "selectedRows"),
        State("edit-format", "data"),
        prevent_initial_call=True,
    )
    def change_rows(_add, _duplicate, _delete, _changed, rows, selected, format_data):
        file_format = FileFormat.from_dict(format_data)
        rows, selected = list(rows or []), list(selected or [])
        added, removed, status = [], [], ""
        if ctx.triggered_id == "edit-add":
            added = [blank_row(file_format)]
            status = "Added an empty row at the end of the table."
        elif ctx.triggered_id == "edit-duplicate":
            ids = {str(r.get("id", "")) for r in rows}
            for row in selected:
                added.append(duplicate_row(row, ids))
                ids.add(str(added[-1].get("id", "")))
            status = (f"Duplicated {len(added)} row(s) at the end of the table."
                      if added else "Select rows first (tick the box at the start of a row).")
        elif ctx.triggered_id == "edit-delete":
            removed = [r[ROW_KEY] for r in selected]
            status = (f"Deleted {len(removed)} row(s); Save to keep that, or Discard."
                      if removed else "Select rows first (tick the box at the start of a row).")
        gone = set(removed)
        new_rows = [r for r in rows if r[ROW_KEY] not in gone] + added
        marked, result = check_rows(new_rows, file_format)
        before = {r[ROW_KEY]: (r.get(PROBLEMS_KEY), r.get(LINE_KEY)) for r in rows}
        updates = [r for r in marked if r[ROW_KEY] in before
                   and before[r[ROW_KEY]] != (r[PROBLEMS_KEY], r[LINE_KEY])]
        fresh = {r[ROW_KEY] for r in added}
        transaction = {"add": [r for r in marked if r[ROW_KEY] in fresh],
                       "remove": [{ROW_KEY: key} for key in removed], "update": updates,
                       "async": False}
        # New rows go at the end; show the editor where they are.
        scroll = {"rowId": added[-1][ROW_KEY], "rowPosition": "bottom"} if added else no_update
        return (transaction, problem_list(result.report, store.path.name), preview_figure(result),
                not result.report.ok, True, status, scroll)

    @editor.callback(
        Output("edit-status", "children", allow_duplicate=True),
        Output("edit-base-version", "data"), Output("edit-dirty", "data", allow_duplicate=True),
        Output("edit-conflict", "children"), Output("edit-history", "options"),
        Output("edit-version", "children"),
        Input("edit-save", "n_clicks"),
        State("edit-grid", "rowData"), State("edit-format", "data"),
        State("edit-base-version", "data"),
        prevent_initial_call=True,
    )
    def save(_clicks, rows, format_data, base_version):
        file_format = FileFormat.from_dict(format_data)
        outcome = save_version(store.path, rows_to_bytes(rows or [], file_format), base_version)
        if isinstance(outcome, Saved):
            store.refresh(force=True)
            return (f"Saved version {outcome.version}: {outcome.diff.summary()}. Readers see "
                    f"it within two seconds.", outcome.version, False, None,
                    history_options(store), outcome.version)
        if isinstance(outcome, Unchanged):
            return "Nothing to save: the file already holds this.", no_update, False, None, \
                no_update, no_update
        if isinstance(outcome, Conflict):
            return ("Not saved: someone else saved the file since you opened it.", no_update,
                    no_update, conflict_view(outcome), no_update, no_update)
        if isinstance(outcome, Invalid):
            return (f"Not saved: the table has errors ({outcome.report.summary()}). Fix the "
                    "marked cells first.", no_update, no_update, None, no_update, no_update)
        assert isinstance(outcome, Failed)
        return (f"Not saved: the disk refused the write ({outcome.reason}).", no_update,
                no_update, None, no_update, no_update)

    @editor.callback(
        Output("edit-download-mine", "data"), Input("edit-download-mine-button", "n_clicks"),
        State("edit-grid", "rowData"), State("edit-format", "data"),
        prevent_initial_call=True)
    def download_mine(_clicks, rows, format_data):
        data = rows_to_bytes(rows or [], FileFormat.from_dict(format_data))
        return dcc.send_bytes(data, "events-my-version.csv")

    @editor.callback(
        Output("edit-history-diff", "children"), Output("edit-restore", "disabled"),
        Input("edit-history", "value"), prevent_initial_call=True)
    def show_version(name):
        old = read_version(store.path, name) if name else None
        if old is None:
            return None, True
        return diff_view(diff_versions(old, _disk_bytes(store)), "that version", "now"), False

    @editor.callback(
        Output("edit-status", "children", allow_duplicate=True),
        Output("edit-location", "href", allow_duplicate=True),
        Input("edit-restore", "n_clicks"), State("edit-history", "value"),
        State("edit-base-version", "data"), State("edit-dirty", "data"),
        prevent_initial_call=True)
    def restore(_clicks, name, base_version, dirty):
        if dirty:
            return ("You have unsaved changes: save them or discard them before restoring "
                    "a version.", no_update)
        old = read_version(store.path, name) if name else None
        if old is None:
            return "Choose a version first.", no_update
        return _replace(store, old, base_version, "restored")

    @editor.callback(
        Output("edit-upload-preview", "children"), Output("edit-upload-confirm", "disabled"),
        Output("edit-upload-data", "data"),
        Input("edit-upload", "contents"), State("edit-upload", "filename"),
        prevent_initial_call=True)
    def check_upload(contents, filename):
        data = _decode_upload(contents)
        name = filename or "upload"
        if data is None:
            return html.P("That upload could not be read; nothing was changed.",
                          className="error"), True, None
        result = load_events_from_bytes(data, name)
        if not result.report.ok:
            return html.Div([html.P(f"{name} has errors, so nothing was changed "
                                    f"({result.report.summary()}):", className="error"),
                             html.Ul([html.Li(l) for l in result.report.format_lines(name)])]), \
                True, None
        preview = diff_view(diff_versions(_disk_bytes(store), data), "now", name)
        return html.Div([html.P(f"{name}: {result.report.summary()}. What it would change:"),
                         preview]), False, base64.b64encode(data).decode("ascii")

    @editor.callback(
        Output("edit-status", "children", allow_duplicate=True),
        Output("edit-location", "href", allow_duplicate=True),
        Input("edit-upload-confirm", "n_clicks"), State("edit-upload-data", "data"),
        State("edit-base-version", "data"), State("edit-dirty", "data"),
        prevent_initial_call=True)
    def confirm_upload(_clicks, encoded, base_version, dirty):
        if not encoded:
            return "Choose a file first.", no_update
        if dirty:
            return ("You have unsaved changes in the table: save or discard them before "
                    "replacing the file.", no_update)
        return _replace(store, base64.b64decode(encoded), base_version, "uploaded")

    @editor.callback(
        Output("edit-location", "href", allow_duplicate=True),
        Input("edit-discard", "n_clicks"), prevent_initial_call=True)
    def discard(_clicks):
        return "/edit/"

    @editor.callback(
        Output("edit-status", "children", allow_duplicate=True),
        Input("edit-location", "search"), prevent_initial_call="initial_duplicate")
    def show_done(search):
        # What a restore or an upload did, said again after the reload that follows it.
        params = parse_qs((search or "").lstrip("?"))
        done, version = params.get("done", [""])[0], params.get("version", [""])[0]
        if done not in DONE_MESSAGES or not re.fullmatch(r"[0-9a-f]{16}", version):
            return no_update
        return f"{DONE_MESSAGES[done]}: the file is now version {version}."

    # Leaving with unsaved changes asks first (assets/editor.js reads this).
    editor.clientside_callback(
        "function(dirty) { window.timelineEditorDirty = !!dirty; return ''; }",
        Output("edit-dirty-flag", "children"), Input("edit-dirty", "data"))


def conflict_view(conflict: Conflict) -> html.Div:
    return html.Div([
        html.H2("Not saved: the file changed since you opened it"),
        html.P(f"The file now holds version {conflict.current_version}, saved by someone else "
               "or another program. Nothing was overwritten. Below, 'theirs' is the file as it "
               "is now and 'yours' is your table. Download your version to keep it, then "
               "discard your changes to start from theirs and make your edits again."),
        html.Button("Download my version", id="edit-download-mine-button", n_clicks=0,
                    type="button"),
        diff_view(conflict.theirs_vs_yours, "theirs", "yours"),
    ], className="conflict", role="alert")


DONE_MESSAGES = {"restored": "Restored the version you chose",
                 "uploaded": "Replaced the data with the uploaded file"}


def _replace(store: DataStore, data: bytes, base_version: str, done: str):
    """Save `data` in place of the file, then reload the page to show it."""
    outcome = save_version(store.path, data, base_version)
    if isinstance(outcome, Saved):
        store.refresh(force=True)
        return no_update, f"/edit/?done={done}&version={outcome.version}"
    if isinstance(outcome, Unchanged):
        return "Nothing changed: the file already holds this.", no_update
    if isinstance(outcome, Conflict):
        return ("Not replaced: someone else saved the file since you opened this page. "
                "Discard to see their version first."), no_update
    if isinstance(outcome, Invalid):
        return f"Not replaced: {outcome.report.summary()}.", no_update
    return f"Not replaced: the disk refused the write ({outcome.reason}).", no_update


def _disk_bytes(store: DataStore) -> bytes:
    try:
        return store.path.read_bytes()
    except OSError:
        return b""


def _decode_upload(contents: str | None) -> bytes | None:
    if not contents or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None
