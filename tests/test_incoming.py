"""Rows coming in: an upload (the app's own download among them) and a paste."""
from __future__ import annotations

import pytest

from support import BUNDLED_CSV
from timeline.data.csv_writing import neutralise_formula
from timeline.editor.incoming import (
    PASTE_NAME,
    is_header,
    read_paste,
    read_upload,
    restore_formula,
)
from timeline.editor.rows import download_bytes, rows_to_bytes, table_from_bytes

COLUMNS = table_from_bytes(BUNDLED_CSV).file_format.columns
FORMULAS = {"title": "=HYPERLINK(\"http://x\")", "description": "+7% in trade",
            "source": "@kcna_watch", "notes": "-30 degrees"}


@pytest.mark.parametrize("value, expected", [
    ("'=SUM(A1)", "=SUM(A1)"), ("'+1", "+1"), ("'-2", "-2"), ("'@x", "@x"),
    ("'\t=1", "\t=1"),
    ("'plain", "'plain"), ("'", "'"), ("''=1", "''=1"), ("it's", "it's"), ("=1", "=1"),
])
def test_an_inert_formula_gets_its_apostrophe_back_off(value, expected):
    assert restore_formula(value) == expected


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@a", "\t=1", "plain", "'quoted'"])
def test_restoring_undoes_the_download_exactly(value):
    assert restore_formula(neutralise_formula(value)) == value


def with_formulas(data: bytes) -> bytes:
    """The curated file with formula-like cells in its fourth row (line 5)."""
    table = table_from_bytes(data)
    rows = [dict(r) for r in table.rows]
    rows[3].update(FORMULAS)
    return rows_to_bytes(rows, table.file_format)


def test_the_apps_own_download_uploaded_again_is_the_same_rows_with_one_warning():
    original = with_formulas(BUNDLED_CSV)
    table = table_from_bytes(original)
    downloaded = download_bytes(table.rows, table.file_format)
    assert b"'=HYPERLINK" in downloaded and b"'@kcna_watch" in downloaded
    incoming = read_upload(downloaded, "events.csv")
    assert [{c: r[c] for c in COLUMNS} for r in incoming.rows] == \
        [{c: r[c] for c in COLUMNS} for r in table.rows]
    assert len(incoming.restored) == 4
    warnings = [p for p in incoming.report.problems if "leading '" in p.message]
    assert len(warnings) == 1
    [line] = [p.format("events.csv") for p in warnings]
    assert line.startswith("events.csv: warning: removed the leading ' from 4 cells")
    assert "line 5 (title), line 5 (description), line 5 (source), …" in line
    assert incoming.report.ok


def test_an_upload_without_inert_formulas_is_read_as_the_loader_reads_it():
    incoming = read_upload(BUNDLED_CSV, "events.csv")
    assert incoming.restored == () and incoming.readable
    assert incoming.report == table_from_bytes(BUNDLED_CSV).report


def test_a_file_that_is_not_a_timeline_has_no_rows_to_merge():
    incoming = read_upload(b"\x89PNG\r\n\x1a\n\x00\x00", "photo.csv")
    assert not incoming.readable and not incoming.report.ok


THREE_ROWS = [
    ["paste-one", "2024-05", "", "", "First pasted", "", "Kim Jong-un", "diplomacy"],
    ["paste-two", "2024-06", "", "", "Second pasted", "Said \"yes\"", "Vladimir Putin", "military"],
    ["russian-tourists", "2024-02", "", "", "Tourists, pasted", "", "Russia", "tourism"],
]


def tsv(rows, header=None, line_end="\n") -> str:
    lines = ([header] if header else []) + rows
    return line_end.join("\t".join(cell if '"' not in cell else
                                   '"' + cell.replace('"', '""') + '"' for cell in row)
                         for row in lines) + line_end


@pytest.mark.parametrize("header", [None, list(COLUMNS[:8])])
def test_pasted_rows_with_or_without_the_header(header):
    incoming = read_paste(tsv(THREE_ROWS, header), COLUMNS)
    assert incoming.columns == COLUMNS[:8]
    assert [r["id"] for r in incoming.rows] == ["paste-one", "paste-two", "russian-tourists"]
    assert incoming.rows[1]["description"] == 'Said "yes"'
    assert incoming.readable


def test_a_pasted_header_may_name_columns_in_its_own_order_and_case():
    text = "Title\tID\tstart\tactors\tcategory\r\nFrom Excel\tfrom-excel\t2024\tX\tgifts\r\n"
    incoming = read_paste(text, COLUMNS)
    assert incoming.columns == ("title", "id", "start", "actors", "category")
    assert incoming.rows[0]["id"] == "from-excel" and incoming.rows[0]["title"] == "From Excel"


def test_a_pasted_cell_with_a_line_break_stays_one_cell():
    text = 'a-b\t2024\t\t\tTitle\t"Two\nlines"\tX\tgifts\n'
    [row] = read_paste(text, COLUMNS).rows
    assert row["description"] == "Two\nlines" and row["actors"] == "X"


def test_pasted_inert_formulas_are_restored_too():
    incoming = read_paste("a\t2024\t\t\t'=1+1\n", COLUMNS)
    assert incoming.rows[0]["title"] == "=1+1" and len(incoming.restored) == 1


@pytest.mark.parametrize("text", ["", "  \n\t\n"])
def test_nothing_to_paste_says_so(text):
    incoming = read_paste(text, COLUMNS)
    assert not incoming.readable and "nothing to paste" in incoming.report.errors[0].message


@pytest.mark.parametrize("fields, header", [
    (["id", "start", "title"], True),
    ([" Title ", "ID", "desk"], True),          # two of three are column names
    (["x", "2020", "", "", "Title", "", "A", "gifts"], False),
    (["", "", "", "", "A timeline", "About it", "", "", "", "", "", "", "", "", "title"], False),
    ([], False),
])
def test_a_first_line_is_a_header_when_most_of_its_cells_name_columns(fields, header):
    assert is_header(fields, COLUMNS) is header


def test_problems_in_a_paste_are_counted_as_the_paste_reads():
    incoming = read_paste("bad id!\t13/09/2023\t\t\tT\t\tX\tgifts\n", COLUMNS)
    assert not incoming.report.ok and incoming.readable
    assert any("did you mean 2023-09-13" in p.message for p in incoming.report.errors)
    assert PASTE_NAME == "the pasted rows"
