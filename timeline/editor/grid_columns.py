"""The grid's columns shaped for what they hold, from the schema: long text edited in
a large multi-line box, `id` and `title` pinned left beside the line number so an
editor always sees which event a cell belongs to, and a button per row that opens
the event as a form (event-form.js)."""
from __future__ import annotations

from timeline.data.schema import LONG_TEXT_COLUMNS

FORM_COLUMN = "__form"  # the column of "Form" buttons; never a column of the file
PINNED_COLUMNS = ("id", "title")
# The rows' tick boxes stay with the pinned columns (else they scroll between them).
SELECTION_COLUMN = {"pinned": "left", "lockPinned": True}
# Enough for any paragraph an editor writes; AG Grid's default (200) cuts the text.
LONG_TEXT_MAX_LENGTH = 100_000

# The large text editor's keys, as in a word processor: Enter (and Shift+Enter) make a
# new line; Ctrl+Enter or ⌘Enter, Tab, or a click outside end the edit; Escape cancels.
# Returning true leaves the key to the text box rather than the grid.
_NEW_LINE_KEYS = ("params.editing && params.event.key === 'Enter' && "
                  "!params.event.ctrlKey && !params.event.metaKey")

TEXT_EDITING_HINT = ("Long text (description, notes, captions) opens in a large box with the "
                     "caret at the end: Enter makes a new line; Ctrl+Enter (⌘Enter), Tab or a "
                     "click outside ends the edit; Escape cancels it. \"Form\" at the start of "
                     "a row shows the whole event, every column with its help.")


def shaped_for_text(line_column: dict, columns: list[dict]) -> list[dict]:
    """`line_column` and the file's `columns` (AG Grid definitions), in the order the
    grid shows them: the line, the form button, the pinned columns, then the rest."""
    shaped = [_shaped(column) for column in columns]
    pinned = [c for name in PINNED_COLUMNS for c in shaped if c["field"] == name]
    rest = [c for c in shaped if c["field"] not in PINNED_COLUMNS]
    return [line_column, form_button_column(), *pinned, *rest]


def form_button_column() -> dict:
    return {"colId": FORM_COLUMN, "headerName": "Form", "editable": False, "pinned": "left",
            "width": 84, "minWidth": 84, "sortable": False, "filter": False,
            "resizable": False, "suppressMovable": True,
            "cellRenderer": "EventFormButton"}


def _shaped(column: dict) -> dict:
    name = column["field"]
    if name in PINNED_COLUMNS:
        return {**column, "pinned": "left", "lockPinned": True,
                "width": 260 if name == "title" else 190}
    if name in LONG_TEXT_COLUMNS:
        return {**column, "cellEditor": "agLargeTextCellEditor", "cellEditorPopup": True,
                "cellEditorParams": {"maxLength": LONG_TEXT_MAX_LENGTH, "rows": 10, "cols": 60},
                "suppressKeyboardEvent": {"function": _NEW_LINE_KEYS},
                "width": 320}
    return column
