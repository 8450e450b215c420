"""The editor's callbacks for rows brought in from outside: an uploaded file and
rows pasted from a spreadsheet. Thin wiring: reading is `incoming`'s, merging
`incoming_merge`'s, and a save goes through `saving.save_version` (by way of
`replacing`) as the Save button's does (the version it started from, the check,
the history).

An upload is checked, then the editor chooses what it does (update and add by
id, or replace everything) and sees what that changes before saving it; a file
with errors, or any file the editor wants to look over, opens in the table as
unsaved changes instead. A paste always goes to the table.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import replace

from dash import Dash, Input, Output, State, ctx, html, no_update

from timeline.addresses import EDIT_PREFIX, here
from timeline.data.loading import load_events_from_bytes
from timeline.data_store import DataStore
from timeline.editor.diffing import diff_versions
from timeline.editor.event_form import FIELDS_ID, form_fields
from timeline.editor.incoming import Incoming, read_paste, read_upload, restored_warning
from timeline.editor.incoming_merge import Merge, MergeMode, merge_rows, update_and_add
from timeline.editor.page import (
    column_defs,
    problem_list,
    upload_check_view,
    upload_plan_view,
)
from timeline.editor.page_data import FormatData, GridPaste, GridRows, UploadMode
from timeline.editor.preview_marks import marked_preview
from timeline.editor.replacing import save_replacing
from timeline.editor.rows import ROW_KEY, FileFormat, check_rows, row_change, rows_to_bytes
from timeline.editor.saving import Conflict, Invalid, Saved, Unchanged

# What taking rows into the table changes on the page, as `change_rows` does for a
# button or a typed cell, plus the columns when the rows bring new ones.
TABLE_OUTPUTS = (
    Output("edit-row-change", "data", allow_duplicate=True),
    Output("edit-problems", "children", allow_duplicate=True),
    Output("edit-preview", "figure", allow_duplicate=True),
    Output("edit-save", "disabled", allow_duplicate=True),
    Output("edit-status", "children", allow_duplicate=True),
    Output("edit-grid", "columnDefs", allow_duplicate=True),
    Output("edit-format", "data", allow_duplicate=True),
    Output(FIELDS_ID, "children", allow_duplicate=True),  # the form's, one per column
)
MODE_WORDS = {"merge": "update and add by id", "replace": "replace everything"}


def register_upload_callbacks(editor: Dash, store: DataStore) -> None:
    """A file uploaded: checked, its way chosen and shown, then saved or opened."""

    @editor.callback(
        Output("edit-upload-preview", "children"), Output("edit-upload-choice", "hidden"),
        Output("edit-upload-mode", "data"),
        Output("edit-upload-merge", "aria-pressed"), Output("edit-upload-replace", "aria-pressed"),
        Output("edit-upload-replace", "children"), Output("edit-upload-plan", "children"),
        Output("edit-upload-confirm", "children"), Output("edit-upload-confirm", "disabled"),
        Output("edit-upload-draft", "disabled"), Output("edit-upload-really", "message"),
        Input("edit-upload", "contents"), Input("edit-upload-merge", "n_clicks"),
        Input("edit-upload-replace", "n_clicks"),
        State("edit-upload", "filename"), State("edit-grid", "rowData"),
        State("edit-format", "data"), prevent_initial_call=True)
    def plan_upload(contents: str | None, _merge, _replace, filename: str | None,
                    rows: GridRows | None, format_data: FormatData):
        # A new file starts at the way that removes nothing.
        mode: UploadMode = "replace" if ctx.triggered_id == "edit-upload-replace" else "merge"
        name, incoming = _read_upload(contents, filename)
        if incoming is None:
            return (html.P("Choose a file first." if contents is None else
                           "That upload could not be read; nothing was changed.",
                           className="error"), True, "merge", "true", "false", no_update,
                    None, no_update, True, True, "")
        checked = upload_check_view(name, incoming.report, incoming.readable)
        if not incoming.readable:
            return checked, True, "merge", "true", "false", no_update, None, no_update, \
                True, True, ""
        file_format = FileFormat.from_dict(format_data)
        table = list(rows or [])
        replacing = merge_rows("replace", table, file_format.columns, incoming.rows,
                               incoming.columns)
        merge = replacing if mode == "replace" else update_and_add(
            table, file_format.columns, incoming.rows, incoming.columns)
        after = rows_to_bytes(merge.rows, replace(file_format, columns=merge.columns))
        result = load_events_from_bytes(after, name).report  # as its save would check it
        plan = upload_plan_view(f"{MODE_WORDS[mode].capitalize()}: this {merge.summary()}.",
                                diff_versions(rows_to_bytes(table, file_format), after), result)
        replace_label = (f"Replace everything (removes {len(replacing.removed)} of "
                         f"{replacing.before} rows)" if replacing.removed
                         else "Replace everything (removes nothing)")
        really = (f"Replace everything with {name}? This removes {len(replacing.removed)} of "
                  f"the table's {replacing.before} rows. (A saved version can be restored "
                  f"from the history.)")
        return (checked, False, mode, str(mode == "merge").lower(),
                str(mode == "replace").lower(), replace_label, plan,
                f"Save: {MODE_WORDS[mode]}", not result.ok, False, really)

    @editor.callback(
        Output("edit-status", "children", allow_duplicate=True),
        Output("edit-location", "href", allow_duplicate=True),
        Output("edit-upload-really", "displayed"),
        Input("edit-upload-confirm", "n_clicks"), Input("edit-upload-really", "submit_n_clicks"),
        State("edit-upload", "contents"), State("edit-upload", "filename"),
        State("edit-upload-mode", "data"), State("edit-grid", "rowData"),
        State("edit-format", "data"), State("edit-base-version", "data"),
        State("edit-unsaved-count", "data"), prevent_initial_call=True)
    def save_upload(_confirm, _really, contents: str | None, filename: str | None,
                    mode: UploadMode, rows: GridRows | None, format_data: FormatData,
                    base_version: str, unsaved: int):
        # The page's own count (grid-state.js), as "N unsaved changes" shows it.
        if unsaved:
            return ("You have unsaved changes in the table: save or discard them before "
                    "saving an upload, or open the file in the table instead."), no_update, False
        name, incoming = _read_upload(contents, filename)
        if incoming is None or not incoming.readable:
            return "Choose a file first.", no_update, False
        file_format = FileFormat.from_dict(format_data)
        merge = merge_rows(mode, list(rows or []), file_format.columns, incoming.rows,
                           incoming.columns)
        if mode == "replace" and merge.removes_much and ctx.triggered_id != "edit-upload-really":
            return (f"Replacing everything removes {len(merge.removed)} of the table's "
                    f"{merge.before} rows: confirm it in the dialog."), no_update, True
        data = rows_to_bytes(merge.rows, replace(file_format, columns=merge.columns))
        status, href = _upload_saved(
            store, save_replacing(store, data, base_version, UPLOAD_DONE[mode]), mode)
        return status, href, False

    @editor.callback(
        Output("edit-status", "children", allow_duplicate=True),
        Input("edit-upload-really", "cancel_n_clicks"), prevent_initial_call=True)
    def refuse_replace(_cancel):
        return "Not replaced: you cancelled, so the file is as it was."

    @editor.callback(
        *TABLE_OUTPUTS,
        Output("edit-upload-preview", "children", allow_duplicate=True),
        Output("edit-upload-choice", "hidden", allow_duplicate=True),
        Input("edit-upload-draft", "n_clicks"),
        State("edit-upload", "contents"), State("edit-upload", "filename"),
        State("edit-upload-mode", "data"), State("edit-grid", "rowData"),
        State("edit-format", "data"), prevent_initial_call=True)
    def open_upload_in_table(_clicks, contents: str | None, filename: str | None,
                             mode: UploadMode, rows: GridRows | None, format_data: FormatData):
        name, incoming = _read_upload(contents, filename)
        if incoming is None or not incoming.readable:
            return (*[no_update] * 4, "Choose a file first.",
                    *[no_update] * (len(TABLE_OUTPUTS) - 5), no_update, no_update)
        file_format, table = FileFormat.from_dict(format_data), list(rows or [])
        merge = merge_rows(mode, table, file_format.columns, incoming.rows, incoming.columns)
        status = (f"Opened {name} in the table ({MODE_WORDS[mode]}): it {merge.summary()}. "
                  "Fix any marked cell, then Save; nothing is saved until then, and Discard "
                  "my changes undoes it.")
        return (*_table_taking(merge, table, file_format, store, status),
                html.P(f"{name} is open in the table, not saved."), True)


def register_paste_callbacks(editor: Dash, store: DataStore) -> None:
    """Rows pasted in the panel or on the table: added or updated by id, unsaved."""

    @editor.callback(
        *TABLE_OUTPUTS, Output("edit-paste-text", "value"),
        Input("edit-paste-apply", "n_clicks"), Input("edit-grid-paste", "data"),
        State("edit-paste-text", "value"), State("edit-grid", "rowData"),
        State("edit-format", "data"), prevent_initial_call=True)
    def paste_rows(_clicks, pasted: GridPaste | None, text: str | None,
                   rows: GridRows | None, format_data: FormatData):
        if ctx.triggered_id == "edit-grid-paste":
            text = pasted["text"] if pasted else ""
        file_format, table = FileFormat.from_dict(format_data), list(rows or [])
        incoming = read_paste(text or "", file_format.columns)
        if not incoming.readable:
            reason = incoming.report.errors[0].message if incoming.report.errors else \
                "no rows in it"
            return (*[no_update] * 4, f"Nothing pasted: {reason}.",
                    *[no_update] * (len(TABLE_OUTPUTS) - 5), no_update)
        merge = update_and_add(table, file_format.columns, incoming.rows, incoming.columns)
        status = f"Pasted {_count(incoming)}: this {merge.summary()}. {_restored(incoming)}" \
                 "Nothing is saved until you Save."
        return (*_table_taking(merge, table, file_format, store, status), "")


def _table_taking(merge: Merge, table: list[dict], file_format: FileFormat,
                  store: DataStore, status: str) -> tuple:
    """TABLE_OUTPUTS for the table becoming `merge.rows`: the rows added, removed and
    rewritten sent to the grid, every row checked again, the columns if new."""
    new_format = replace(file_format, columns=merge.columns)
    before = {row[ROW_KEY]: row for row in table}
    kept = {row[ROW_KEY] for row in merge.rows}
    added = [row for row in merge.rows if row[ROW_KEY] not in before]
    rewritten = [row[ROW_KEY] for row in merge.rows if row[ROW_KEY] in before
                 and any(str(before[row[ROW_KEY]].get(c) or "") != row[c] for c in merge.columns)]
    removed = [key for key in before if key not in kept]
    marked, result = check_rows(merge.rows, new_format)
    shown = added[-1][ROW_KEY] if added else rewritten[0] if rewritten else None
    columns_changed = new_format.columns != file_format.columns
    # The grid is shown where the rows came in once it holds them (editor.js): a
    # `scrollTo` sent with them can arrive before they do, and is then lost.
    return ({**row_change(table, marked, added, removed, rewritten), "show": shown},
            problem_list(result.report, store.path.name), marked_preview(result, store),
            not result.report.ok, status,
            column_defs(new_format) if columns_changed else no_update,
            new_format.to_dict() if columns_changed else no_update,
            form_fields(new_format.columns) if columns_changed else no_update)


# What the reload after a saved upload says (replacing.DONE_MESSAGES).
UPLOAD_DONE: dict[str, str] = {"merge": "upload-merged", "replace": "uploaded"}


def _upload_saved(store: DataStore, outcome, mode: MergeMode) -> tuple:
    """The status line and the page to load after saving an upload."""
    done = UPLOAD_DONE[mode]
    verb = "Not saved" if mode == "merge" else "Not replaced"
    if isinstance(outcome, Saved):
        store.refresh(force=True)
        return no_update, here(EDIT_PREFIX) + f"?done={done}&version={outcome.version}"
    if isinstance(outcome, Unchanged):
        return "Nothing changed: the file already holds every row of the upload as it is.", \
            no_update
    if isinstance(outcome, Conflict):
        return (f"{verb}: someone else saved the file since you opened this page. Discard "
                "my changes to see their version, then upload again."), no_update
    if isinstance(outcome, Invalid):
        return (f"{verb}: the result would have errors ({outcome.report.summary()}). Open it "
                "in the table to fix them."), no_update
    return f"{verb}: the disk refused the write ({outcome.reason}).", no_update


def _read_upload(contents: str | None, filename: str | None) -> tuple[str, Incoming | None]:
    name = filename or "upload"
    data = _decode_upload(contents)
    return name, None if data is None else read_upload(data, name)


def _decode_upload(contents: str | None) -> bytes | None:
    if not contents or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


def _count(incoming: Incoming) -> str:
    return "1 row" if len(incoming.rows) == 1 else f"{len(incoming.rows)} rows"


def _restored(incoming: Incoming) -> str:
    """The paste's one warning that apostrophes were removed, if they were."""
    return f"Note: {restored_warning(incoming.restored).message}. " if incoming.restored else ""
