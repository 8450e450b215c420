"""The tests stand alone: a fresh clone runs them, and an editor's save cannot break them.

Nothing in the code, the tests, the benchmarks or the build names a folder
outside the repository, and no test reads the newsroom's live data/events.csv
(they read the frozen tests/data/events.csv; test_cli checks the live file).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from support import LIVE_DATA, LiveDataRead, live_data_reads, table_of_cases

ROOT = Path(__file__).resolve().parent.parent
CHECKED = [ROOT / "tests", ROOT / "timeline", ROOT / "bench", ROOT / ".ci", ROOT / "Makefile"]
# Third-party files, and inputs that hold whatever a user might type.
NOT_CHECKED = [ROOT / "tests" / "data", ROOT / "tests" / "vendor",
               Path(__file__).resolve()]  # this file: its examples are such paths
# A path that starts a value (not one inside a URL such as .../wiki/x#/media/y).
OUTSIDE = re.compile(r"""(?:^|[\s"'=:(\[,])(/(?:work|home|tmp|root|Users|mnt|media|srv|opt)(?:/|$)"""
                     r"""|~/|(?:\.\./)+shared\b)""", re.MULTILINE)


def checked_files() -> list[Path]:
    files = []
    for place in CHECKED:
        for path in [place] if place.is_file() else sorted(place.rglob("*")):
            if (path.is_file() and "__pycache__" not in path.parts
                    and not any(path.is_relative_to(skip) for skip in NOT_CHECKED)):
                files.append(path)
    return files


def values_in(path: Path) -> list[tuple[int, str]]:
    """(line, text) of what the file says, leaving out Python's comments and docstrings."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return list(enumerate(text.splitlines(), start=1))
    tree = ast.parse(text, filename=str(path))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                       ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def paths_outside(values: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return [(line, value) for line, value in values if OUTSIDE.search(value)]


def test_files_are_checked():
    names = {path.relative_to(ROOT).as_posix() for path in checked_files()}
    assert {"Makefile", ".ci/run", "tests/test_cli.py", "timeline/config.py",
            "bench/embed.py"} <= names
    assert not any(name.startswith(("tests/data/", "tests/vendor/")) for name in names)


def test_nothing_names_a_path_outside_the_repository():
    found = []
    for path in checked_files():
        try:
            values = values_in(path)
        except UnicodeDecodeError:  # a binary file names no path
            continue
        found += [f"{path.relative_to(ROOT)}:{line}: {value}"
                  for line, value in paths_outside(values)]
    assert not found, "paths outside the repository:\n" + "\n".join(found)


@pytest.mark.parametrize("case", table_of_cases("outside_path_cases.json"),
                         ids=lambda case: case["source"].split("=")[0].strip()[:20])
def test_what_counts_as_a_path_outside(tmp_path, case):
    example = tmp_path / "example.py"
    example.write_text(case["source"], encoding="utf-8")
    assert [value for _, value in paths_outside(values_in(example))] == case["found"]


def test_a_test_that_opens_the_live_data_fails():
    before = len(live_data_reads)
    with pytest.raises(LiveDataRead):
        Path(LIVE_DATA).read_bytes()
    with pytest.raises(LiveDataRead):
        open(ROOT / "data" / ".." / "data" / "events.csv", "rb")
    # Recorded as well, for code under test that catches what it is given.
    assert len(live_data_reads) == before + 2
    del live_data_reads[before:]  # this test meant to
