"""The editors' guide documents the whole CSV contract, and the data follows it.

A column, category or certainty added to `timeline/data/schema.py` fails these
tests until `docs/data-guide.md` explains it (written in backquotes, as the
guide writes every name an editor types).
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from support import EVENTS_FIXTURE
from timeline.config import ENVIRONMENT
from timeline.data.loading import load_events_from_bytes
from timeline.data.schema import CERTAINTIES, COLUMN_NAMES, COLUMNS, ROW_TYPES
from timeline.view.view_state import PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "data-guide.md"


@pytest.fixture(scope="module")
def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [column.name for column in COLUMNS])
def test_every_column_is_documented(guide_text: str, name: str) -> None:
    assert f"`{name}`" in guide_text, f"column `{name}` is not documented in {GUIDE.name}"


def test_the_guides_category_rows_declare_categories(guide_text: str) -> None:
    """The guide's example of category rows, its `…` filled with empty columns, is
    what it says: rows that declare categories, in their order, with their colours."""
    example = re.search(r"```\n(id,[^`]*,category,…,type,[^`]*)```", guide_text)
    assert example, "the guide shows no category rows"
    header, *rows = example[1].splitlines()
    names = header.split(",")
    left_out = [c for c in COLUMN_NAMES if c not in names]
    text = "\n".join([header.replace("…", ",".join(left_out)),
                      *[row.replace("…", "," * (len(left_out) - 1)) for row in rows]])
    result = load_events_from_bytes(text.encode("utf-8") + b"\n")
    assert result.report.ok, result.report.problems
    assert list(result.categories["name"]) == ["diplomacy", "military"]
    assert list(result.categories["colour"]) == ["#3b2ba9", "#9e8773"]


@pytest.mark.parametrize("name", list(CERTAINTIES))
def test_every_certainty_is_documented(guide_text: str, name: str) -> None:
    assert f"`{name}`" in guide_text, f"certainty `{name}` is not documented in {GUIDE.name}"


@pytest.mark.parametrize("name", list(ROW_TYPES))
def test_every_row_type_is_documented(guide_text: str, name: str) -> None:
    assert f"`{name}`" in guide_text, f"row type `{name}` is not documented in {GUIDE.name}"


def test_events_header_matches_schema() -> None:
    with EVENTS_FIXTURE.open(encoding="utf-8-sig", newline="") as file:
        header = next(csv.reader(file))
    assert tuple(header) == COLUMN_NAMES


README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("parameter", PARAMETERS)
def test_every_url_parameter_is_in_the_readme(parameter: str) -> None:
    assert f"`{parameter}`" in README, f"URL parameter `{parameter}` is not in the README"


@pytest.mark.parametrize("variable", list(ENVIRONMENT.values()))
def test_every_setting_is_in_the_readme(variable: str) -> None:
    assert f"`{variable}`" in README, f"setting `{variable}` is not in the README"


def page_ids() -> set[str]:
    """The ids on the reader pages: in their HTML (the explorer's, the embed's and the
    engine's boxes), and on the controls the engine's script draws in both."""
    ids = set()
    for page in ("embed/web/embed.html", "explorer/web/explorer.html",
                 "engine/web/timeline-boxes.html"):
        html = (ROOT / "timeline" / page).read_text(encoding="utf-8")
        ids |= set(re.findall(r'\bid="([^"]+)"', html))
    engine = (ROOT / "timeline/engine/web/timeline-engine.js").read_text(encoding="utf-8")
    ids |= set(re.findall(r'(?:\bid: |\b(?:group|checkboxes|dateField)\()"([^"]+)"', engine))
    return ids


def test_every_page_id_is_in_the_readme() -> None:
    # Plumbing and containers are not for newsrooms to target.
    internal = {"filters", "timeline-legend", "event-stepper", "event-detail-title"}
    ids = page_ids()
    assert {"category-filter", "date-from", "reset"} <= ids, "the engine's controls were not read"
    assert internal <= ids, "an internal id that is gone: take it off the list"
    assert {i for i in ids - internal if f"`{i}`" not in README} == set()


def test_every_picture_the_docs_show_exists() -> None:
    """A picture renamed or not yet taken shows readers of the README a broken image."""
    for document in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = document.read_text(encoding="utf-8")
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text):
            assert (document.parent / target).is_file(), f"{document.name} shows {target}"


def test_the_readme_shows_each_screenshot_the_script_takes() -> None:
    """tools/screenshots.py takes them (make screenshots); the README shows them all."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("screenshots",
                                                  ROOT / "tools" / "screenshots.py")
    screenshots = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(screenshots)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, _, sizes in screenshots.SHOTS:
        for size in sizes:
            assert size in screenshots.SIZES, (name, size)
            assert f"docs/screenshots/{name}-{size}.png" in readme
