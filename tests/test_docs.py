"""The editors' guide documents the whole CSV contract, and the data follows it.

A column, category or certainty added to `timeline/schema.py` fails these
tests until `docs/data-guide.md` explains it (written in backquotes, as the
guide writes every name an editor types).
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from timeline.schema import CATEGORIES, CERTAINTIES, COLUMN_NAMES, COLUMNS

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "data-guide.md"
EVENTS = ROOT / "data" / "events.csv"


@pytest.fixture(scope="module")
def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [column.name for column in COLUMNS])
def test_every_column_is_documented(guide_text: str, name: str) -> None:
    assert f"`{name}`" in guide_text, f"column `{name}` is not documented in {GUIDE.name}"


@pytest.mark.parametrize("name", list(CATEGORIES))
def test_every_category_is_documented(guide_text: str, name: str) -> None:
    assert f"`{name}`" in guide_text, f"category `{name}` is not documented in {GUIDE.name}"


@pytest.mark.parametrize("name", list(CERTAINTIES))
def test_every_certainty_is_documented(guide_text: str, name: str) -> None:
    assert f"`{name}`" in guide_text, f"certainty `{name}` is not documented in {GUIDE.name}"


def test_events_header_matches_schema() -> None:
    with EVENTS.open(encoding="utf-8-sig", newline="") as file:
        header = next(csv.reader(file))
    assert tuple(header) == COLUMN_NAMES
