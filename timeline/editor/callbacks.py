"""The editor's callbacks: thin wiring from its buttons and table to the pure
modules (`rows`, `saving`, `diffing`, `data.history`) and back to the page, in
groups by what they serve: the grid, saving, the history; uploads and pasted
rows are `incoming_callbacks`'."""
from __future__ import annotations

import re
from urllib.parse import parse_qs

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc, no_update

from timeline.addresses import EDIT_PREFIX
from timeline.data.history import read_version
from timeline.data_store import DataStore
from timeline.editor.diffing import diff_versions
from timeline.editor.incoming_callbacks import register_paste_callbacks, register_upload_callbacks
from timeline.editor.page import (
    conflict_view,
    diff_view,
    history_options,
    preview_figure,
    problem_list,
)
from timeline.editor.page_data import FormatData, GridRows
from timeline.editor.rows import (
    ROW_KEY,
    FileFormat,
    blank_row,
    check_rows,
    download_bytes,
    duplicate_rows,
    row_change,
    rows_to_bytes,
)
from timeline.editor.saving import (
    Conflict,
    Failed,
    Invalid,
    Saved,
    SaveOutcome,
    Unchanged,
    save_version,
)


def register_editor_callbacks(editor: Dash, store: DataStore) -> None:
    register_grid_callbacks(editor, store)
    register_saving_callbacks(editor, store)
    register_history_callbacks(editor, store)
    register_upload_callbacks(editor, store)
    register_paste_callbacks(editor, store)


def register_grid_callbacks(editor: Dash, store: DataStore) -> None:
    """Rows added, duplicated and deleted, every change checked, and the browser's
    count of edits (editor.js)."""

    @editor.callback(
        Output("edit-row-change", "data"), Output("edit-problems", "children"),
        Output("edit-preview", "figure"), Output("edit-save", "disabled"),
        Output("edit-status", "children"),
        Output("edit-grid", "scrollTo"),
        Input("edit-add", "n_clicks"), Input("edit-duplicate", "n_clicks"),
        Input("edit-delete", "n_clicks"), Input("edit-grid", "cellValueChanged"),
        State("edit-grid", "rowData"), State("edit-grid", "selectedRows"),
        State("edit-format", "data"),
        prevent_initial_call=True,
    )
    def change_rows(_add, _duplicate, _delete, _changed, rows: GridRows | None,
                    selected: GridRows | None, format_data: FormatData):
        file_format = FileFormat.from_dict(format_data)
        rows, selected = list(rows or []), list(selected or [])
        added, removed, status = _rows_edited(ctx.triggered_id, rows, selected, file_format)
        gone = set(removed)
        marked, result = check_rows([r for r in rows if r[ROW_KEY] not in gone] + added,
                                    file_format)
        # New rows go at the end; show the editor where they are.
        scroll = {"rowId": added[-1][ROW_KEY], "rowPosition": "bottom"} if added else no_update
        return (row_change(rows, marked, added, removed),
                problem_list(result.report, store.path.name), preview_figure(result),
                not result.report.ok, status, scroll)

    editor.clientside_callback(
        ClientsideFunction("editor", "applyChange"),
        Output("edit-grid", "rowTransaction"), Output("edit-edits", "data"),
        Input("edit-row-change", "data"), State("edit-edits", "data"),
        State("edit-saved-edits", "data"), prevent_initial_call=True)
    # Not an input of applyChange: Dash would hold it until the check answered.
    editor.clientside_callback(
        ClientsideFunction("editor", "countEdit"),
        Output("edit-edits", "data", allow_duplicate=True),
        Input("edit-grid", "cellValueChanged"), State("edit-edits", "data"),
        State("edit-saved-edits", "data"), prevent_initial_call=True)


def register_saving_callbacks(editor: Dash, store: DataStore) -> None:
    """Saving the table, downloading it as it is, and discarding it."""

    @editor.callback(
        Output("edit-status", "children", allow_duplicate=True),
        Output("edit-base-version", "data"), Output("edit-saved-edits", "data"),
        Output("edit-conflict", "children"), Output("edit-history", "options"),
        Output("edit-version", "children"),
        Input("edit-save", "n_clicks"),
        State("edit-grid", "rowData"), State("edit-format", "data"),
        State("edit-base-version", "data"), State("edit-edits", "data"),
        prevent_initial_call=True,
    )
    def save(_clicks, rows: GridRows | None, format_data: FormatData, base_version: str,
             edits: int):
        # `edits` counts the changes in `rows` (editor.js): the table is saved up to
        # there, whatever answers land after this one.
        file_format = FileFormat.from_dict(format_data)
        outcome = save_version(store.path, rows_to_bytes(rows or [], file_format), base_version)
        return _save_answer(outcome, store, edits)

    @editor.callback(
        Output("edit-download-mine", "data"), Input("edit-download-mine-button", "n_clicks"),
        State("edit-grid", "rowData"), State("edit-format", "data"),
        prevent_initial_call=True)
    def download_mine(_clicks, rows: GridRows | None, format_data: FormatData):
        # Made inert like /edit/download: it is opened in a spreadsheet as well.
        data = download_bytes(rows or [], FileFormat.from_dict(format_data))
        return dcc.send_bytes(data, "events-my-version.csv")

    @editor.callback(
        Output("edit-location", "href", allow_duplicate=True),
        Input("edit-discard", "n_clicks"), prevent_initial_call=True)
    def discard(_clicks):
        return EDIT_PREFIX

    editor.clientside_callback(
        ClientsideFunction("editor", "markSaved"),
        Input("edit-saved-edits", "data"), State("edit-edits", "data"),
        prevent_initial_call=True)


def register_history_callbacks(editor: Dash, store: DataStore) -> None:
    """Earlier versions compared with the file and restored, and what a restore or
    an upload did, said after the page reloads."""

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
        State("edit-base-version", "data"), State("edit-edits", "data"),
        State("edit-saved-edits", "data"), prevent_initial_call=True)
    def restore(_clicks, name, base_version, edits: int, saved_edits: int):
        if edits != saved_edits:
            return ("You have unsaved changes: save them or discard them before restoring "
                    "a version.", no_update)
        old = read_version(store.path, name) if name else None
        if old is None:
            return "Choose a version first.", no_update
        return _replace(store, old, base_version, "restored")

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


SELECT_FIRST = "Select rows first (tick the box at the start of a row)."


def _rows_edited(button: str | None, rows: list[dict], selected: list[dict],
                 file_format: FileFormat):
    """The rows `button` adds, the row keys it removes, and what the status line says.
    A cell edit (no button) says nothing there: its check may finish after a Save
    that was clicked meanwhile, and must not blank "Saved version …"."""
    if button == "edit-add":
        return [blank_row(file_format)], [], "Added an empty row at the end of the table."
    if button == "edit-duplicate":
        added = duplicate_rows(rows, selected)
        return added, [], (f"Duplicated {len(added)} row(s) at the end of the table."
                           if added else SELECT_FIRST)
    if button == "edit-delete":
        removed = [r[ROW_KEY] for r in selected]
        return [], removed, (f"Deleted {len(removed)} row(s); Save to keep that, or Discard."
                             if removed else SELECT_FIRST)
    return [], [], no_update


def _save_answer(outcome: SaveOutcome, store: DataStore, edits: int) -> tuple:
    """What a save's outcome shows: the status line, the version the table now
    starts from, the edits saved, the conflict, the history and the version."""
    if isinstance(outcome, Saved):
        store.refresh(force=True)
        return (f"Saved version {outcome.version}: {outcome.diff.summary()}. Readers see "
                f"it within two seconds.", outcome.version, edits, None,
                history_options(store), outcome.version)
    if isinstance(outcome, Unchanged):
        return "Nothing to save: the file already holds this.", no_update, edits, None, \
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


DONE_MESSAGES = {"restored": "Restored the version you chose",
                 "uploaded": "Replaced the data with the uploaded file",
                 "merged": "Updated and added the uploaded file's rows by id"}


def _replace(store: DataStore, data: bytes, base_version: str, done: str):
    """Save `data` in place of the file, then reload the page to show it."""
    outcome = save_version(store.path, data, base_version)
    if isinstance(outcome, Saved):
        store.refresh(force=True)
        return no_update, f"{EDIT_PREFIX}?done={done}&version={outcome.version}"
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

