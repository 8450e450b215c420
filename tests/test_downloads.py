"""Issue 17: the readers' downloads, on the server's side: the title row's `downloads`
setting reaches the engine's data, the details carry the dates as the file writes them,
and the app's own CSV download writes the shared cases as the browser's twin does
(tests/data/csv_download_cases.json; its browser half is in test_downloads_browser.py)."""
from __future__ import annotations

import csv
import io
import json

from support import BUNDLED_CSV, DATA
from timeline.data.csv_writing import neutralise_row, serialise_rows
from timeline.data.schema import TIMELINE_SETTINGS
from timeline.data_store import snapshot_of
from timeline.view.payload import detail_chunks, payload

CASES = json.loads((DATA / "csv_download_cases.json").read_text("utf-8"))


def with_settings(settings: str) -> bytes:
    rows = list(csv.DictReader(io.StringIO(BUNDLED_CSV.decode("utf-8"))))
    for row in rows:
        row["settings"] = settings if row["type"] == "title" else ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*rows[0]])
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_the_app_writes_the_shared_cases_as_the_browser_must():
    rows = [neutralise_row(row) for row in CASES["rows"]]
    written = serialise_rows(CASES["columns"], rows, line_ending="\r\n").decode("utf-8")
    assert written == CASES["csv"]
    # The cases hold what they are for: formulas made inert, quoting, other scripts.
    back = list(csv.reader(io.StringIO(CASES["csv"], newline="")))
    assert back[1][1].startswith("'=HYPERLINK") and back[8][1] == "'-"
    assert back[5][1] == "windows\r\nline" and "김정은" in back[7][1]


def test_the_title_rows_downloads_setting_reaches_the_engine():
    assert "downloads" in TIMELINE_SETTINGS
    for settings, offered in [("", False), ("downloads", True), ("story; downloads", True)]:
        snapshot = snapshot_of(with_settings(settings), "events.csv")
        assert [p for p in snapshot.result.report.problems if p.column == "settings"] == []
        sent = payload(snapshot.events, version="v", title="T", subtitle="",
                       today=snapshot.events["start_at"].max().date(),
                       downloads="downloads" in snapshot.result.settings)
        assert sent["downloads"] is offered, settings


def test_the_details_carry_the_dates_as_the_file_writes_them():
    snapshot = snapshot_of(BUNDLED_CSV, "events.csv")
    records = {i: r for chunk in detail_chunks(snapshot.events) for i, r in chunk.items()}
    source = {row["id"]: row for row in csv.DictReader(io.StringIO(BUNDLED_CSV.decode("utf-8")))}
    assert len(records) == len(snapshot.events) > 20
    for event_id, record in records.items():
        row = source[event_id]
        assert record["start"] == row["start"]
        assert record.get("end", "") == row["end"]
        assert record.get("display_date", "") == row["display_date"]
