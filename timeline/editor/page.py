"""The editor, `/edit/`: a table of the file, checked as you type, with a preview.

This module draws the page; `editor_callbacks` wires it.

A Dash app of its own on the same server, so readers' pages never load its
code or learn its callbacks, and `editor_routes` can guard everything under
`/edit/` in one place. The page reads the file on disk (not the last good
version readers see), so an editor can fix a file someone broke elsewhere.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import dash_ag_grid as dag
import flask
import plotly.graph_objects as go
from dash import Dash, dcc, html

from timeline.addresses import EDIT_PREFIX, here, site_root
from timeline.config import REPOSITORY, Config
from timeline.data.history import list_versions
from timeline.data.loading import LoadResult
from timeline.data.report import Report
from timeline.data_store import DataStore, Snapshot, content_version
from timeline.editor.access import CSRF_COOKIE, editor_name
from timeline.editor.diffing import Diff
from timeline.editor.event_form import event_form, event_list, form_button
from timeline.editor.grid_columns import SELECTION_COLUMN, TEXT_EDITING_HINT, shaped_for_text
from timeline.editor.history_list import history_list
from timeline.editor.rows import LINE_KEY, PROBLEMS_KEY, ROW_KEY, FileFormat, table_from_bytes
from timeline.editor.saving import Conflict
from timeline.editor.table_delta import BASE_TABLES_KEY, BaseTables, base_tables, key_runs
from timeline.engine import WEB as ENGINE_WEB
from timeline.engine.static_files import Bundle, static_files
from timeline.view.colours import dark_twins
from timeline.view.figure import build_figure
from timeline.view.transforms import prepare_events
from timeline.view.view_state import ViewState

EDITOR_ASSETS = Path(__file__).resolve().parent / "web"
# Scripts the page needs before its own (Dash puts external scripts first), served
# fingerprinted by engine.static_files: the reader pages' plotly.js of scatter traces
# only, which dcc.Graph takes as window.Plotly instead of loading Dash's whole
# plotly.js (4.6 MB; docs/performance.md, "The editor's plotly.js"), and the engine's
# figure-packing.js, whose `themed` draws the preview in a dark page's colours
# (web/preview-theme.js).
EDITOR_FILES = {
    "plotly": REPOSITORY / "assets" / "vendor" / "plotly-scatter.min.js",
    "theming": Bundle("editor-theming.js", (ENGINE_WEB / "timeline-core.js",
                                            ENGINE_WEB / "figure-packing.js")),
}
PREVIEW_WIDTH_PX = 1000
# The grid's own code (200 KB), which dash-ag-grid asks for only once the page's layout
# has come: asked for with the page, it is there when the grid is drawn.
GRID_CODE_PRELOAD = (f'<link rel="preload" as="script" '
                     f'href="{EDIT_PREFIX}_dash-component-suites/dash_ag_grid/async-community.js">')
MAX_DIFF_ROWS = 200  # changed fields shown in a diff
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 50  # an upload's problems listed; thousands would take seconds to draw


def create_editor_app(server: flask.Flask, store: DataStore, config: Config) -> Dash:
    """The editor's Dash app and its page; its callbacks are editor/callbacks.py's."""
    editor = Dash(__name__, server=server, routes_pathname_prefix=EDIT_PREFIX,
                  requests_pathname_prefix=config.mount + EDIT_PREFIX,
                  assets_folder=str(EDITOR_ASSETS), title="Edit the timeline",
                  update_title=None, serve_locally=True, external_scripts=editor_scripts(),
                  # The conflict panel's button exists only once there is a conflict.
                  suppress_callback_exceptions=True)
    editor.index_string = editor.index_string.replace("<html>", '<html lang="en">', 1).replace(
        "{%css%}", "{%css%}\n" + GRID_CODE_PRELOAD, 1)
    server.extensions[BASE_TABLES_KEY] = BaseTables(store.path)
    editor.layout = lambda: editor_layout(store, config)
    return editor


def editor_scripts() -> list[str]:
    """EDITOR_FILES by their fingerprinted addresses, in the order they run."""
    return [file.url for file in static_files(EDITOR_FILES).values()]


# ------------------------------------------------------------------ layout

def column_defs(file_format: FileFormat) -> list[dict]:
    line = {"field": LINE_KEY, "headerName": "Line", "editable": False, "pinned": "left",
            "width": 80, "sort": None,
            "cellClassRules": {"row-error": _has_problem(ROW_KEY, "error")},
            "tooltipValueGetter": {"function": _problem_text(ROW_KEY)}}
    columns = [{
        "field": column, "headerName": column, "editable": True,
        "cellClassRules": {"cell-error": _has_problem(column, "error"),
                           "cell-warning": _has_problem(column, "warning"),
                           # grid-state.js: differs from the version loaded or saved
                           "cell-changed": {"function": "timelineCellChanged(params)"}},
        "tooltipValueGetter": {"function": _problem_text(column)},
    } for column in file_format.columns]
    return shaped_for_text(line, columns)


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
            "selectionColumnDef": SELECTION_COLUMN,
            # Undo and redo are grid-state.js's: AG Grid's forget every row transaction.
            "undoRedoCellEditing": False,
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
    return html.Div([verdict, html.Ul([html.Li(_problem_item(problem, source_name))
                                       for problem in report.problems]) if lines else None])


def _problem_item(problem, source_name: str):
    """A problem on a line is a button to its cell (grid-state.js finds the row by
    its line, the column by name); one about the whole file is text."""
    words = problem.format(source_name)
    if problem.line is None:
        return words
    return html.Button(words, type="button", className="problem-link",
                       **{"data-line": str(problem.line), "data-column": problem.column or ""})


def preview_figure(result: LoadResult, between: Callable[[], None] | None = None):
    return events_preview(prepare_events(result.events, result.categories), result, between)


def snapshot_preview(snapshot: Snapshot, between: Callable[[], None] | None = None):
    """The preview of the version readers are served, from its events as prepared
    for them (a table with nothing unsaved needs no check to be drawn)."""
    return events_preview(snapshot.events, snapshot.result, between)


def events_preview(events, result: LoadResult, between: Callable[[], None] | None = None):
    """The preview of prepared `events`, with `result`'s eras and window; `between`
    as build_figure takes it."""
    # At the window readers see first: the title row's, or the one the app picks.
    return build_figure(events, ViewState(), today=date.today(), width_px=PREVIEW_WIDTH_PX,
                        eras=result.eras, title_window=result.window, between=between)


def empty_preview() -> go.Figure:
    """The preview's place until its callback draws it (a second at 10,000 events)."""
    return go.Figure(layout={
        "height": 450, "xaxis": {"visible": False}, "yaxis": {"visible": False},
        "annotations": [{"text": "Drawing the preview…", "showarrow": False,
                         "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}]})


def first_delta(version: str, rows: list[dict]) -> dict:
    """The table as loaded, as grid-state.js would send it: no row changed."""
    keys = key_runs([row[ROW_KEY] for row in rows])
    return {"base": version, "baseKeys": keys, "order": keys, "rows": {}, "action": "load",
            "selected": [], "at": 0}


def preview_area(figure) -> html.Div:
    """The preview chart, in a box as tall as the chart before plotly.js has drawn
    it (a second or more after the page): the history and upload panels below
    must not jump under the editor's pointer. The figure comes in the light
    theme's colours; on a dark page web/preview-theme.js draws each colour's dark
    twin, listed here (colours.dark_twins)."""
    return html.Div(dcc.Graph(id="edit-preview", figure=figure,
                              config={"displaylogo": False, "responsive": True}),
                    style={"minHeight": f"{figure.layout.height or 450}px"},
                    className="preview-box",
                    **{"data-dark-colours": json.dumps(dark_twins(), sort_keys=True)})


def history_options(store: DataStore) -> list[dict]:
    return [{"label": entry.label, "value": entry.name} for entry in list_versions(store.path)]


def editor_layout(store: DataStore, config: Config) -> html.Main:
    try:
        data = store.path.read_bytes()
    except OSError as problem:
        data = b""
        read_error = f"The data file cannot be read ({problem.strerror}). Restore a version " \
                     f"from the history or upload a file."
    else:
        read_error = None
    table = table_from_bytes(data, store.path.name)
    version = content_version(data)
    base_tables(flask.current_app).remember_table(version, table)
    csrf = flask.request.cookies.get(CSRF_COOKIE, "") if flask.has_request_context() else ""
    # One main landmark holds the page: screen readers' "skip to main", and axe's rule
    # that everything be in a landmark.
    return html.Main([
        dcc.Store(id="edit-format", data=table.file_format.to_dict()),
        dcc.Store(id="edit-base-version", data=content_version(data)),
        # Changes made to the table, and how many of them the last save held
        # (editor.js): unsaved while they differ.
        dcc.Store(id="edit-edits", data=0),
        dcc.Store(id="edit-saved-edits", data=0),
        # The table as changed since its version on disk (grid-state.js tableDelta): what
        # each check, the preview and Save read (table_delta.py).
        dcc.Store(id="edit-table", data=first_delta(version, table.rows)),
        dcc.Store(id="edit-save-table"),  # the same, as it was when Save was clicked
        # How many changes the table holds that are not saved, as "N unsaved changes"
        # says (grid-state.js): a restore or a saved upload is refused while there are.
        dcc.Store(id="edit-unsaved-count", data=0),
        dcc.Store(id="edit-row-change"),  # a check's rows to add and remove, every row's marks
        dcc.Store(id="edit-preview-due"),  # the editor paused after a check (editor.js)
        dcc.Store(id="edit-merge-choices"),  # the fields chosen after a merge (editor.js)
        dcc.Store(id="edit-merge-change"),   # what a merged save changes in the table
        dcc.Store(id="edit-upload-mode", data="merge"),  # what the upload is to do
        dcc.Store(id="edit-grid-paste"),  # cells pasted on the table (editor.js)
        dcc.Store(id="edit-grid-undone"),  # an undo, redo or draft applied (grid-state.js)
        dcc.ConfirmDialog(id="edit-upload-really"),  # the second "yes" to a big replace
        dcc.Location(id="edit-location", refresh=True),
        dcc.Download(id="edit-download-mine"),
        html.Header([
            html.H1(f"Edit: {config.title_for(store.snapshot.result)}"),
            html.P([f"File {store.path.name}, version ", html.Code(content_version(data),
                                                                   id="edit-version"),
                    ". Readers see each saved version within two seconds. ",
                    html.A("View the timeline", href=here("/"), target="_blank"), " · ",
                    html.A("Download the CSV", href=here(EDIT_PREFIX + "download"),
                           id="edit-download"),
                    *([" · ", html.A("All timelines", href=site_root(config) + EDIT_PREFIX,
                                     id="edit-all-timelines")] if config.folder else [])]),
            html.P(["Editing as ", html.Strong(_name_shown(), id="edit-name")],
                   className="edit-name"),
            html.Form([dcc.Input(type="hidden", name="csrf_token", value=csrf, id="edit-logout-token"),
                       html.Button("Log out", type="submit")],
                      action=here(EDIT_PREFIX + "logout"), method="post", className="logout"),
        ], className="edit-header"),
        serving_note(store),
        html.P(read_error or "", id="edit-status", role="status", className="status",
               **{"aria-live": "polite"}),
        html.Div(id="edit-conflict"),
        # Unsaved changes kept in this browser, offered back (grid-state.js fills it).
        html.Div(id="edit-draft", className="draft", role="region", hidden=True,
                 **{"aria-label": "Unsaved changes kept in this browser"}),
        html.Div([
            html.Button("Undo", id="edit-undo", type="button", disabled=True,
                        title="Undo (Ctrl+Z)", **{"aria-keyshortcuts": "Control+Z Meta+Z"}),
            html.Button("Redo", id="edit-redo", type="button", disabled=True,
                        title="Redo (Ctrl+Shift+Z)",
                        **{"aria-keyshortcuts": "Control+Shift+Z Meta+Shift+Z Control+Y"}),
            html.Button("Add a row", id="edit-add", n_clicks=0, type="button"),
            html.Button("Duplicate selected", id="edit-duplicate", n_clicks=0, type="button"),
            html.Button("Delete selected", id="edit-delete", n_clicks=0, type="button"),
            html.Button("Save", id="edit-save", n_clicks=0, type="button",
                        className="primary", disabled=not table.report.ok,
                        **{"aria-describedby": "edit-unsaved", "aria-disabled": "true"}),
            html.Span(id="edit-unsaved", className="unsaved", role="status"),
            html.Button("Discard my changes", id="edit-discard", n_clicks=0, type="button"),
            form_button(),
        ], className="toolbar"),
        paste_panel(),
        html.Div(problem_list(table.report, store.path.name), id="edit-problems",
                 className="problems"),
        event_list(),
        html.P(TEXT_EDITING_HINT, id="edit-text-hint", className="hint"),
        grid(table.rows, table.file_format),
        event_form(table.file_format.columns),
        html.H2("Preview, with your unsaved changes"),
        # Drawn by its callback once the page is up (draw_preview): the grid first.
        preview_area(empty_preview()),
        upload_panel(),
        html.Div([
            html.H2("History", id="edit-history-heading"),
            html.P(f"Every saved version, newest first, with who saved it and what changed "
                   f"(times in {config.timezone}). Choose one to see what differs from now, "
                   f"then restore it if you need to."),
            # The version chosen in the list below (editor.js copies it here).
            dcc.Input(id="edit-history", type="hidden", value=None),
            html.Div(history_list(store.path, config.zone, content_version(data)),
                     id="edit-history-list", className="history-list", role="group",
                     **{"aria-labelledby": "edit-history-heading"}),
            html.Div(id="edit-history-diff"),
            html.Button("Restore this version", id="edit-restore", n_clicks=0, type="button",
                        disabled=True),
        ], className="panel"),
    ], className="edit-page", **{"data-timeline": str(store.path)})


def _name_shown() -> str:
    """The name this editor gave at login, shown as text."""
    return editor_name() if flask.has_request_context() else ""


def serving_note(store: DataStore) -> html.Div | None:
    """Readers still see the last good version while the file on disk has errors."""
    if not store.last_error:
        return None
    return html.Div([html.Strong("Readers are not seeing the file as it is now. "),
                     store.last_error, ". Fix the marked problems below and save."],
                    id="edit-serving-note", className="conflict", role="alert")


# ------------------------------------------------------- rows from outside

def upload_panel() -> html.Div:
    """Choose a file; once it is checked, choose what it does, see what that changes,
    and save it, or open it in the table (a file with errors is fixed there)."""
    return html.Div([
        html.H2("Upload a CSV"),
        html.P("The file is checked first. Then choose what it does: update the rows whose "
               "id is in the table and add the new ones (nothing is removed), or replace "
               "everything with it. You see what would change before anything is saved, and "
               "a file with errors opens in the table, to be fixed there."),
        dcc.Upload(html.Button("Choose a CSV file", type="button"), id="edit-upload",
                   accept=".csv,.tsv,.txt,text/csv", max_size=MAX_UPLOAD_BYTES),
        html.Div(id="edit-upload-preview", role="status", **{"aria-live": "polite"}),
        html.Div([
            html.P("What should the upload do?", id="edit-upload-mode-label"),
            html.Div([
                html.Button("Update and add by id", id="edit-upload-merge", n_clicks=0,
                            type="button", **{"aria-pressed": "true"}),
                html.Button("Replace everything", id="edit-upload-replace", n_clicks=0,
                            type="button", **{"aria-pressed": "false"}),
            ], role="group", className="choice",
                **{"aria-labelledby": "edit-upload-mode-label"}),
            html.Div(id="edit-upload-plan"),
            html.Div([
                html.Button("Save: update and add by id", id="edit-upload-confirm", n_clicks=0,
                            type="button", className="primary", disabled=True),
                html.Button("Open it in the table instead (nothing is saved)",
                            id="edit-upload-draft", n_clicks=0, type="button", disabled=True),
            ], className="toolbar"),
        ], id="edit-upload-choice", hidden=True),
    ], className="panel")


def paste_panel() -> html.Details:
    """Rows copied from a spreadsheet, pasted here (or on the table: editor.js)."""
    return html.Details([
        html.Summary("Paste rows from a spreadsheet"),
        html.Label("Rows copied from Excel, LibreOffice or Google Sheets, with or without "
                   "the header row", htmlFor="edit-paste-text"),
        dcc.Textarea(id="edit-paste-text", value="", rows=5, className="paste-text",
                     spellCheck="false"),
        html.P("Columns are matched by the header row when it is there, else taken in the "
               "table's order. A row whose id is in the table updates it; the others are "
               "added at the end. Nothing is saved until you Save. You can also select a "
               "cell of the table and paste there (Ctrl+V or ⌘V).", className="hint"),
        html.Button("Add or update these rows", id="edit-paste-apply", n_clicks=0,
                    type="button"),
    ], id="edit-paste", className="paste")


def upload_check_view(name: str, report: Report, readable: bool) -> html.Div:
    """What checking the file found, in the validator's words and lines."""
    lines = report.format_lines(name)
    shown = [html.Li(line) for line in lines[:MAX_PROBLEMS_SHOWN]]
    if len(lines) > MAX_PROBLEMS_SHOWN:
        shown.append(html.Li(f"… and {len(lines) - MAX_PROBLEMS_SHOWN} more: open it in the "
                             "table to see each marked."))
    if not readable:
        verdict = html.P(f"{name} could not be read as a timeline, so nothing was changed.",
                         className="error")
    elif report.ok:
        verdict = html.P(f"{name}: {report.summary()}.", className="ok")
    else:
        verdict = html.P(f"{name} has errors ({report.summary()}). Nothing is saved: open it "
                         "in the table to fix them there.", className="error")
    return html.Div([verdict, html.Ul(shown) if shown else None])


def upload_plan_view(plan_text: str, diff: Diff, after: Report) -> html.Div:
    """What the chosen way would do to the table, and whether the result can be saved."""
    verdict = None if after.ok else html.P(
        f"The result would have errors ({after.summary()}), so it cannot be saved as it is: "
        "open it in the table to fix them.", className="error")
    return html.Div([html.P(plan_text), verdict, diff_view(diff, "now", "after the upload")])


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
        fields = [(change.key, field) for change in diff.changed for field in change.fields]
        rows = [html.Tr([html.Td(key), html.Td(field.column), html.Td(field.old),
                         html.Td(field.new)]) for key, field in fields[:MAX_DIFF_ROWS]]
        parts += [html.H3("Changed"), html.Table([
            html.Thead(html.Tr([html.Th("Event"), html.Th("Field"), html.Th(old_label),
                                html.Th(new_label)])),
            html.Tbody(rows)], className="diff-table")]
        if len(fields) > MAX_DIFF_ROWS:
            # A table of thousands of cells takes the browser many seconds to draw.
            parts.append(html.P(f"… and {len(fields) - MAX_DIFF_ROWS} more changed fields, "
                                "not shown here."))
    return html.Div(parts, className="diff")


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
