"""No story is written into the app (issue 18): a timeline's categories come from
its own file (category rows), so the code under timeline/ names none of the first
story's (Russia–North Korea), nor its people and places.

The seven category names are looked for as the code would declare them: a whole
quoted string ('gifts', "military", `economy`), as a palette key, a default or an
example is written. Not as bare words: "conflict" is also the editor's word for a
save that crossed another (class Conflict, `.conflict` in its style sheet), and
"sanctions" or "economy" may well turn up in a sentence about anything; only the
editor's `className="conflict"` (a style, not a category) is let through. The
story's own words are looked for anywhere, comments included, as whole words.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

TIMELINE = Path(__file__).resolve().parents[1] / "timeline"
SUFFIXES = {".py", ".js", ".css", ".html", ".po"}
CATEGORY_NAMES = ("diplomacy", "military", "sanctions", "gifts", "tourism", "economy",
                  "conflict")
DECLARED = re.compile(r"(?<!className=)([\"'`])(" + "|".join(CATEGORY_NAMES) + r")\1",
                      re.IGNORECASE)
STORY_WORDS = re.compile(r"\b(Kim|Putin|Pyongyang|North\s+Korea)\b", re.IGNORECASE)


def code_files() -> list[Path]:
    # Vendored libraries (plotly.js and the like) are not ours to write.
    return sorted(path for path in TIMELINE.rglob("*")
                  if path.suffix in SUFFIXES and path.is_file() and "vendor" not in path.parts)


def found(pattern: re.Pattern, path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [f"{path.relative_to(TIMELINE.parent)}:{text.count(chr(10), 0, m.start()) + 1}: "
            f"{m.group()}" for m in pattern.finditer(text)]


def test_the_search_reads_the_code():
    files = code_files()
    assert {".py", ".js", ".css", ".html", ".po"} <= {path.suffix for path in files}
    assert TIMELINE / "data" / "schema.py" in files


@pytest.mark.parametrize("pattern", [DECLARED, STORY_WORDS], ids=["categories", "story"])
def test_no_story_is_written_into_the_code(pattern):
    assert [hit for path in code_files() for hit in found(pattern, path)] == []


def test_the_searches_find_what_they_look_for():
    """Each pattern finds the story where it is (a test that could not fail would
    prove nothing): a palette keyed by name, the story's words in a comment."""
    assert DECLARED.findall('{"diplomacy": "#3b2ba9", \'Gifts\': 1, `economy`}') == [
        ('"', "diplomacy"), ("'", "Gifts"), ("`", "economy")]
    assert not DECLARED.search('html.Div(className="conflict") # military aid, a conflict')
    assert len(STORY_WORDS.findall("# 'Kim  Jong-un' met PUTIN in north korea")) == 3
    assert not STORY_WORDS.search("Kimchi, Putinism")
