"""Helpers shared by the tests: events built through the real loader."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

from timeline.loading import load_events_from_bytes
from timeline.schema import COLUMN_NAMES
from timeline.transforms import prepare_events

DATA = Path(__file__).parent / "data"
BUNDLED_CSV = (Path(__file__).parent.parent / "data" / "events.csv").read_bytes()


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMN_NAMES), restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({"source": "test", **row})
    return buffer.getvalue().encode("utf-8")


def prepared_events(rows: list[dict[str, str]]) -> pd.DataFrame:
    result = load_events_from_bytes(csv_bytes(rows), "test.csv")
    assert result.report.ok, result.report.format_lines("test.csv")
    return prepare_events(result.events)


def filter_cases() -> dict:
    return json.loads((DATA / "filter_cases.json").read_text(encoding="utf-8"))
