"""One event as a form: every column of the file a labelled field with the data
guide's help under it (from the schema), opened from a row of the grid, and the
phone's list of events that opens it. Drawn here; event-form.js fills it from the
grid's row and writes each change back to the row, so checks, saving and undo treat
it as a cell typed in the grid.

Fields are numbered, not named after their column: a column's name may hold any
character, and an element's id must not."""
from __future__ import annotations

from typing import Sequence

from dash import dcc, html

from timeline.data.schema import COLUMNS_BY_NAME, LONG_TEXT_COLUMNS

FORM_ID = "edit-form"
FIELDS_ID = f"{FORM_ID}-fields"
OWN_COLUMN_HELP = "A column of this file's own: the timeline does not read it."


def form_button() -> html.Button:
    """Opens the selected row (or the row of the cell last focused) as a form."""
    return html.Button("Edit as form", id="edit-open-form", type="button",
                       title="Open the selected row as a form, every column with its help")


def event_form(columns: Sequence[str]) -> html.Dialog:
    """The form, closed: a dialog event-form.js opens (modal: the page behind waits)."""
    return html.Dialog([
        html.Div([
            html.H2("Event", id=f"{FORM_ID}-title"),
            html.P(id=f"{FORM_ID}-position", className="form-position"),
            html.P(id=f"{FORM_ID}-row-problem", className="field-problem"),
            html.Div([
                html.Button("Previous event", id=f"{FORM_ID}-previous", type="button"),
                html.Button("Next event", id=f"{FORM_ID}-next", type="button"),
                html.Button("Close", id=f"{FORM_ID}-close", type="button",
                            className="primary"),
            ], className="toolbar form-nav"),
        ], className="form-head"),
        html.P("Changes go to the table as you leave each field, and are checked there; "
               "Save saves them with the rest. Escape closes the form.", className="hint"),
        html.Div(form_fields(columns), id=FIELDS_ID, className="form-fields"),
    ], id=FORM_ID, className="event-form", **{"aria-labelledby": f"{FORM_ID}-title"})


def form_fields(columns: Sequence[str]) -> list[html.Div]:
    """A field for each column: drawn again when an upload or a paste brings other
    columns (incoming_callbacks.py), so the form always has the table's."""
    return [form_field(number, column) for number, column in enumerate(columns)]


def form_field(number: int, column: str) -> html.Div:
    known = COLUMNS_BY_NAME.get(column)
    field_id, help_id, problem_id = (f"{FORM_ID}-field-{number}", f"{FORM_ID}-help-{number}",
                                     f"{FORM_ID}-problem-{number}")
    # The box itself is made by event-form.js: Dash's inputs are React's, and a value
    # set on them from outside would be set back.
    box = html.Div(className="form-input-slot", **{
        "data-column": column, "data-field": field_id,
        "data-kind": "long" if column in LONG_TEXT_COLUMNS else "line",
        "data-describedby": f"{problem_id} {help_id}"})
    label = [column, html.Span(" (required)", className="required")
             if known and known.required else None]
    help_text = _with_code(known.meaning) if known else [OWN_COLUMN_HELP]
    if known and known.example:
        help_text += [" Example: ", html.Code(known.example)]
    return html.Div([
        html.Label(label, htmlFor=field_id),
        box,
        html.P(id=problem_id, className="field-problem"),
        html.P(help_text, id=help_id, className="field-help"),
    ], className="form-field")


def event_list() -> html.Section:
    """The phone's first screen (CSS shows it at 600 px and less): the events by
    title and id, each a button that opens its form; event-form.js fills it."""
    return html.Section([
        html.H2("Events", id="edit-event-list-heading"),
        html.Label("Find an event by its title or id", htmlFor="edit-event-find"),
        dcc.Input(id="edit-event-find", type="search", className="form-input"),
        html.Ul(id="edit-event-items", className="event-items"),
        html.Button("Show more events", id="edit-event-more", type="button", hidden=True),
    ], id="edit-event-list", className="event-list",
        **{"aria-labelledby": "edit-event-list-heading"})


def _with_code(text: str) -> list:
    """The schema's help, its `quoted` parts as code (as the data guide shows them)."""
    parts = text.split("`")
    return [html.Code(part) if odd else part for odd, part in
            ((index % 2 == 1, part) for index, part in enumerate(parts)) if part]
