"""The editor's callbacks: thin wiring from its buttons and table to the pure
modules (`rows`, `saving`, `diffing`, `data.history`) and back to the page, in
groups by what they serve: the grid, saving, the history; uploads and pasted
rows are `incoming_callbacks`'; a save that replaces the file is `replacing`'s."""
from __future__ import annotations

import re
from urllib.parse import parse_qs

from dash import ClientsideFunction, Dash, Input, Output, State, dcc, no_update
from typing_extensions import TypedDict  # pydantic reads these on Python < 3.12

from timeline.addresses import EDIT_PREFIX, here
from timeline.config import Config
from timeline.data.history import Retention, read_version
from timeline.data.report import Report
from timeline.data_store import DataStore, content_version
from timeline.editor.access import editor_name
from timeline.editor.diffing import diff_versions
from timeline.editor.history_list import history_list
from timeline.editor.incoming_callbacks import register_paste_callbacks, register_upload_callbacks
from timeline.editor.merge_view import (
    CHOICES_NOTE,
    CLASHES,
    SAVE_CHOICES,
    clashes_view,
    merged_in_words,
    merged_view,
)
from timeline.editor.merging import Side, table_change
from timeline.editor.page import (
    conflict_view,
    diff_view,
    problem_list,
    snapshot_preview,
)
from timeline.editor.page_data import FormatData, GridRows
from timeline.editor.preview_marks import table_preview
from timeline.editor.quick_check import quick_checkable, quick_problems
from timeline.editor.replacing import (
    DONE_MESSAGES,
    RETENTION_KEY,
    replace_file,
    retention,
)
from timeline.editor.rows import (
    LINE_KEY,
    PROBLEMS_KEY,
    ROW_KEY,
    FileFormat,
    blank_row,
    check_rows,
    download_bytes,
    duplicate_rows,
    problems_by_place,
    rows_to_bytes,
)
from timeline.editor.saving import (
    Clashes,
    Conflict,
    Failed,
    Invalid,
    Merged,
    MergeOutcome,
    Saved,
    Unchanged,
    save_merging,
)
from timeline.editor.table_delta import (
    BaseTables,
    NeedsRows,
    TableDelta,
    TableNow,
    base_tables,
    marks_answer,
    table_now,
    table_rows,
    unchanged,
)
from timeline.editor.turns import TabTurns
from timeline.memory import cycle_collector_paused

# The fields chosen after a merge (merge_view.py, editor.js readChoices): Clash.ident →
# the side to keep, and the click that sent them.
Choices = TypedDict("Choices", {"sides": dict[str, Side], "click": int})


def register_editor_callbacks(editor: Dash, store: DataStore,
                              config: Config | None = None) -> None:
    config = config or Config(data_path=store.path)
    # For the saves every callback group makes (restores and uploads too): how much
    # history to keep.
    editor.server.extensions[RETENTION_KEY] = Retention(config.history_days,
                                                        config.history_versions)
    turns = TabTurns()
    register_grid_callbacks(editor, store, turns)
    register_saving_callbacks(editor, store, config, turns)
    register_history_callbacks(editor, store)
    register_upload_callbacks(editor, store)
    register_paste_callbacks(editor, store)


def register_grid_callbacks(editor: Dash, store: DataStore,
                            turns: TabTurns | None = None) -> None:
    """Rows added, duplicated and deleted, every change checked, and the browser's
    count of edits (editor.js). The table comes as what changed since a version on
    disk (`table_delta`), put together here."""
    bases = base_tables(editor.server)
    turns = turns or TabTurns()

    @editor.callback(
        Output("edit-row-change", "data"), Output("edit-problems", "children"),
        Output("edit-save", "disabled"), Output("edit-status", "children"),
        Output("edit-grid", "scrollTo"),
        Input("edit-table", "data"), State("edit-format", "data"),
        prevent_initial_call=True,
    )
    def change_rows(delta: TableDelta | None, format_data: FormatData):
        file_format = FileFormat.from_dict(format_data)
        if not delta:
            return (no_update,) * 5
        turns.begin(delta.get("tab"))  # a preview still drawing the table before stops
        try:
            now = table_now(delta, bases, file_format.columns)
        except NeedsRows:
            return {"resend": True}, no_update, no_update, no_update, no_update
        chosen = set(delta["selected"])
        # Every row is made only for a button that reads them (a typed cell's check
        # reads the rows changed).
        rows = now.rows if chosen else []
        selected = [r for r in rows if r[ROW_KEY] in chosen]
        added, removed, status = _rows_edited(delta["action"], rows, selected, file_format)
        keys, lines, problems, report = checked_table(now, added, removed, file_format)
        # New rows go at the end; show the editor where they are.
        scroll = {"rowId": added[-1][ROW_KEY], "rowPosition": "bottom"} if added else no_update
        return (marks_answer(keys, lines, problems, added, removed),
                problem_list(report, store.path.name), not report.ok, status, scroll)

    @editor.callback(
        Output("edit-preview", "figure"),
        Input("edit-preview-due", "data"), Input("edit-base-version", "data"),
        State("edit-table", "data"), State("edit-format", "data"))
    def draw_preview(_due: int | None, _version: str, delta: TableDelta | None,
                     format_data: FormatData):
        # Once the editor pauses after a check, in a request of its own: the check's
        # marks never wait for the chart (most of a second at 10,000 events), nor does
        # the next check or a Save (`turns`). Drawn again after a save, when what was
        # saved is no longer marked.
        if not delta:
            return no_update
        tab = delta.get("tab")
        turn = turns.begin(tab)

        def between() -> None:
            turns.give_way(tab, turn)

        if unchanged(delta) and delta["base"] == store.snapshot.version:
            # The table is what readers are served: their events, prepared already.
            # The version's check is made now, not in the editor's first check.
            if (base := bases.table(delta["base"])) is not None:
                base.checked().index_all()
            return snapshot_preview(store.snapshot, between)
        file_format = FileFormat.from_dict(format_data)
        try:
            now = table_now(delta, bases, file_format.columns)
        except NeedsRows:  # the check's answer asks the browser for every row
            return no_update
        return table_preview(now, delta["base"], file_format, store, between)

    editor.clientside_callback(
        ClientsideFunction("editor", "previewAfterPause"),
        Input("edit-row-change", "data"), prevent_initial_call=True)
    editor.clientside_callback(
        ClientsideFunction("editor", "previewOwed"),
        Input("edit-status", "children"), prevent_initial_call=True)
    editor.clientside_callback(
        ClientsideFunction("gridState", "tableDelta"),
        Output("edit-table", "data"),
        Input("edit-add", "n_clicks"), Input("edit-duplicate", "n_clicks"),
        Input("edit-delete", "n_clicks"), Input("edit-grid", "cellValueChanged"),
        Input("edit-grid-undone", "data"), prevent_initial_call=True)
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
    # An undo, a redo or a restored draft (grid-state.js), checked once rowData holds it.
    editor.clientside_callback(
        ClientsideFunction("gridState", "checkAfterSync"),
        Output("edit-grid-undone", "data"),
        Output("edit-edits", "data", allow_duplicate=True),
        Input("edit-grid", "rowData"), State("edit-edits", "data"), prevent_initial_call=True)


def checked_table(now: TableNow, added: list[dict], removed: list[str],
                  file_format: FileFormat) -> tuple[list[str], list[int], dict[int, dict],
                                                    Report]:
    """The table after `added` and `removed`: its keys, lines, problems by place and
    report, by the quick check where it applies (a few rows changed in place), else
    by checking it whole."""
    columns, delimiter = file_format.columns, file_format.delimiter
    if now.base is not None and not removed and quick_checkable(columns, delimiter):
        sent = {**now.sent, **{len(now.keys) + n: row for n, row in enumerate(added)}}
        answer = quick_problems(now.base.checked(), sent, len(now.keys) + len(added))
        if answer is not None:
            report, lines = answer
            keys = [*now.keys, *(row[ROW_KEY] for row in added)]
            return keys, lines, problems_by_place(report, lines, columns), report
    gone = set(removed)
    rows = [r for r in now.rows if r[ROW_KEY] not in gone] + added
    marked, result = check_rows(rows, file_format, frames="report")
    return ([r[ROW_KEY] for r in marked], [r[LINE_KEY] for r in marked],
            {place: r[PROBLEMS_KEY] for place, r in enumerate(marked) if r[PROBLEMS_KEY]},
            result.report)


def _rows_or_none(delta: TableDelta | None, bases: BaseTables,
                  format_data: FormatData) -> list[dict] | None:
    if not delta:
        return None
    try:
        return table_rows(delta, bases, FileFormat.from_dict(format_data).columns)
    except NeedsRows:  # the check's answer asks the browser for every row
        return None


def register_saving_callbacks(editor: Dash, store: DataStore, config: Config | None = None,
                              turns: TabTurns | None = None) -> None:
    """Saving the table (merged with what others saved since, field by field),
    downloading it as it is, and discarding it."""
    config = config or Config(data_path=store.path)
    turns = turns or TabTurns()
    bases = base_tables(editor.server)
    # What every save answers (see _save_answer).
    save_outputs = [
        Output("edit-status", "children", allow_duplicate=True),
        Output("edit-base-version", "data", allow_duplicate=True),
        Output("edit-saved-edits", "data", allow_duplicate=True),
        Output("edit-conflict", "children", allow_duplicate=True),
        Output("edit-history-list", "children", allow_duplicate=True),
        Output("edit-version", "children", allow_duplicate=True),
        Output("edit-history", "value", allow_duplicate=True),
        Output("edit-merge-change", "data", allow_duplicate=True),
        Output("edit-location", "href", allow_duplicate=True),
    ]

    def saved_with(rows: GridRows | None, format_data: FormatData, base_version: str,
                   edits: int, choices: dict[str, Side] | None = None) -> tuple:
        file_format = FileFormat.from_dict(format_data)
        # Rows, records and frames by the hundred thousand, and no cycles among them:
        # the collector's passes took a third of a save at 100,000 rows.
        with cycle_collector_paused():
            new = rows_to_bytes(rows or [], file_format)
            outcome = save_merging(store.path, new, base_version,
                                   by=editor_name(), retention=retention(), choices=choices)
            if isinstance(outcome, Saved) and outcome.version == content_version(new):
                # The next check starts from this version: no need to read it back.
                bases.remember(outcome.version, file_format, rows or [])
            return _save_answer(outcome, store, edits, rows or [], file_format, config)

    @editor.callback(
        *save_outputs,
        Input("edit-save-table", "data"),
        State("edit-format", "data"),
        State("edit-base-version", "data"), State("edit-edits", "data"),
        prevent_initial_call=True,
    )
    def save(delta: TableDelta | None, format_data: FormatData, base_version: str,
             edits: int):
        # The table as it was when Save was clicked (grid-state.js sends it then).
        # `edits` counts the changes in it (editor.js): the table is saved up to
        # there, whatever answers land after this one.
        with turns.saving(delta.get("tab") if delta else None), cycle_collector_paused():
            # (its previews wait; on the collector, see saved_with)
            rows = _rows_or_none(delta, bases, format_data)
            if rows is None:
                return ("Not saved: the table could not be read back; reload the page (your "
                        "changes are kept in this browser) and save again.",
                        *(no_update,) * (len(save_outputs) - 1))
            return saved_with(rows, format_data, base_version, edits)

    @editor.callback(
        *save_outputs,
        Input("edit-merge-choices", "data"),
        State("edit-grid", "rowData"), State("edit-format", "data"),
        State("edit-base-version", "data"), State("edit-edits", "data"),
        prevent_initial_call=True,
    )
    def save_choices(choices: Choices | None, rows: GridRows | None, format_data: FormatData,
                     base_version: str, edits: int):
        if not choices or not choices["sides"]:
            return (no_update,) * len(save_outputs)
        return saved_with(rows, format_data, base_version, edits, choices["sides"])

    editor.clientside_callback(
        ClientsideFunction("editor", "readChoices"),
        Output("edit-merge-choices", "data"), Output(CHOICES_NOTE, "children"),
        Input(SAVE_CHOICES, "n_clicks"), State(CLASHES, "data"), prevent_initial_call=True)
    editor.clientside_callback(
        ClientsideFunction("editor", "applyMerge"),
        Output("edit-grid", "rowTransaction", allow_duplicate=True),
        Input("edit-merge-change", "data"), prevent_initial_call=True)

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
        return here(EDIT_PREFIX)

    editor.clientside_callback(
        ClientsideFunction("editor", "markSaved"),
        Input("edit-saved-edits", "data"), State("edit-edits", "data"),
        prevent_initial_call=True)
    # The saved table becomes the baseline of the unsaved count (grid-state.js).
    editor.clientside_callback(
        ClientsideFunction("gridState", "saved"),
        Input("edit-saved-edits", "data"), State("edit-base-version", "data"),
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
        State("edit-base-version", "data"), State("edit-unsaved-count", "data"),
        prevent_initial_call=True)
    def restore(_clicks, name, base_version, unsaved: int):
        # The page's own count (grid-state.js): an edit undone is no change.
        if unsaved:
            return ("You have unsaved changes: save them or discard them before restoring "
                    "a version.", no_update)
        old = read_version(store.path, name) if name else None
        if old is None:
            return "Choose a version first.", no_update
        return replace_file(store, old, base_version, "restored")

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


def _save_answer(outcome: MergeOutcome, store: DataStore, edits: int, rows: list[dict],
                 file_format: FileFormat, config: Config) -> tuple:
    """What a save's outcome shows: the status line, the version the table now
    starts from, the edits saved, the conflict (or merge) panel, the history, the
    version, the version chosen in the history, the table's change after a merge,
    and the page's address (a merge that changed the columns reloads it)."""
    keep = no_update
    if isinstance(outcome, (Saved, Merged)):
        store.refresh(force=True, saved=(outcome.version, outcome.loaded)
                      if isinstance(outcome, Saved) else None)
        history = history_list(store.path, config.zone, outcome.version)
        if isinstance(outcome, Saved):
            return (f"Saved version {outcome.version}: {outcome.diff.summary()}. Readers see "
                    f"it within two seconds.", outcome.version, edits, None, history,
                    outcome.version, None, keep, keep)
        change = table_change(rows, outcome.result, file_format)
        if change is None:  # the columns changed: the page shows them once reloaded
            return (keep, outcome.version, edits, None, history, outcome.version, None, keep,
                    here(EDIT_PREFIX) + f"?done=merged&version={outcome.version}")
        return (merged_in_words(outcome), outcome.version, edits,
                merged_view(outcome, diff_view), history, outcome.version, None, change, keep)
    if isinstance(outcome, Unchanged):
        return ("Nothing to save: the file already holds this.", keep, edits, None, keep, keep,
                keep, keep, keep)
    if isinstance(outcome, Clashes):
        count = len(outcome.clashes)
        return (f"Not saved yet: {count} field{'s' if count != 1 else ''} changed by someone "
                "else too. Choose which value to keep below.", keep, keep,
                clashes_view(outcome), keep, keep, keep, keep, keep)
    if isinstance(outcome, Conflict):
        return ("Not saved: someone else saved the file since you opened it.", keep, keep,
                conflict_view(outcome), keep, keep, keep, keep, keep)
    if isinstance(outcome, Invalid):
        return (f"Not saved: the table has errors ({outcome.report.summary()}). Fix the "
                "marked cells first.", keep, keep, None, keep, keep, keep, keep, keep)
    assert isinstance(outcome, Failed)
    return (f"Not saved: the disk refused the write ({outcome.reason}).", keep, keep, None, keep,
            keep, keep, keep, keep)


def _disk_bytes(store: DataStore) -> bytes:
    try:
        return store.path.read_bytes()
    except OSError:
        return b""
