"""The editor's grid columns and its form of one event, drawn from the schema."""
from __future__ import annotations

from timeline.data.schema import COLUMN_NAMES, COLUMNS_BY_NAME, LONG_TEXT_COLUMNS
from timeline.editor.event_form import OWN_COLUMN_HELP, event_form
from timeline.editor.grid_columns import FORM_COLUMN, LONG_TEXT_MAX_LENGTH, shaped_for_text
from timeline.editor.page import column_defs
from timeline.editor.rows import FileFormat


def walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            yield from walk(child)


def text_of(component) -> str:
    children = getattr(component, "children", None)
    parts = children if isinstance(children, list) else [children]
    return "".join(part if isinstance(part, str) else text_of(part)
                   for part in parts if part is not None)


def test_the_grid_pins_the_line_the_form_button_id_and_title_first():
    defs = column_defs(FileFormat(("start", "title", "description", "id", "notes", "extra")))
    names = [d.get("field") or d.get("colId") for d in defs]
    assert names == ["__line", FORM_COLUMN, "id", "title", "start", "description", "notes",
                     "extra"]
    assert [d.get("pinned") for d in defs] == ["left"] * 4 + [None] * 4


def test_long_text_opens_in_the_large_editor_without_its_length_limit():
    shaped = {d.get("field"): d for d in shaped_for_text({"field": "__line"}, [
        {"field": name} for name in COLUMN_NAMES])}
    large = {name for name, d in shaped.items() if d.get("cellEditor") == "agLargeTextCellEditor"}
    assert large == set(LONG_TEXT_COLUMNS) == {"description", "notes", "media_caption"}
    for name in LONG_TEXT_COLUMNS:
        assert shaped[name]["cellEditorPopup"] is True
        assert shaped[name]["cellEditorParams"]["maxLength"] == LONG_TEXT_MAX_LENGTH
        assert "Enter" in shaped[name]["suppressKeyboardEvent"]["function"]


def test_every_column_is_a_labelled_field_with_the_schemas_help():
    columns = ("id", "start", "description", "our-own")
    form = event_form(columns)
    fields = [c for c in walk(form) if getattr(c, "className", None) == "form-field"]
    assert len(fields) == len(columns)
    for field, column in zip(fields, columns):
        label, slot, problem, help_text = field.children
        assert label.htmlFor == f"edit-form-field-{columns.index(column)}"
        assert text_of(label).startswith(column)
        slot_attributes = slot.to_plotly_json()["props"]
        assert slot_attributes["data-column"] == column
        assert slot_attributes["data-describedby"] == f"{problem.id} {help_text.id}"
        known = COLUMNS_BY_NAME.get(column)
        if known:
            assert text_of(help_text).startswith(known.meaning.replace("`", "")[:30])
            assert ("(required)" in text_of(label)) == known.required
        else:
            assert text_of(help_text) == OWN_COLUMN_HELP
    kinds = [f.children[1].to_plotly_json()["props"]["data-kind"] for f in fields]
    assert kinds == ["line", "line", "long", "line"]
