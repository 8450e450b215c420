"""Saving: atomic, checked, never over someone else's version; history and restore."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from support import BUNDLED_CSV as GOOD
from timeline.config import REPOSITORY
from timeline.data.csv_writing import (
    line_ending_of,
    neutralise_formula,
    neutralise_row,
    row_lines,
    serialise_rows,
)
from timeline.data.history import list_versions, read_version
from timeline.data_store import content_version
from timeline.editor import saving
from timeline.editor.diffing import diff_versions
from timeline.editor.rows import check_rows, rows_to_bytes, table_from_bytes
from timeline.editor.saving import Conflict, Failed, Invalid, Saved, Unchanged, save_version


def edited(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


# ---------------------------------------------------------------- writing CSV

def test_serialise_keeps_order_extras_delimiter_and_line_ends():
    rows = [{"id": "a", "title": "x;y", "desk": "politics\nnotes"}]
    data = serialise_rows(["id", "title", "desk"], rows, delimiter=";", line_ending="\r\n")
    assert data == b'id;title;desk\r\na;"x;y";"politics\nnotes"\r\n'
    assert line_ending_of(data) == "\r\n" and line_ending_of(b"a\rb") == "\r"
    assert row_lines(["id", "desk"], [{"id": "a", "desk": "1\n2"}, {"id": "b"}]) == [2, 4]


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("plain", "plain"), ("2023-09-13", "2023-09-13"),
])
def test_formulas_are_neutralised_for_downloads(value, expected):
    assert neutralise_formula(value) == expected
    assert neutralise_row({"title": value}) == {"title": expected}


def test_an_editor_round_trip_keeps_the_file_byte_for_byte(tmp_path):
    crlf = GOOD.replace(b"\n", b"\r\n")
    table = table_from_bytes(crlf)
    assert rows_to_bytes(table.rows, table.file_format) == crlf
    extra = b"id,start,title,actors,category,desk\nx,2020,T,A,diplomacy,Seoul desk\n"
    table = table_from_bytes(extra)
    assert table.file_format.columns[-1] == "desk"
    assert rows_to_bytes(table.rows, table.file_format) == extra


def test_problems_are_pinned_to_the_cell_that_has_them():
    table = table_from_bytes(GOOD)
    rows = [dict(r) for r in table.rows]
    rows[3]["start"] = "13/09/2023"
    marked, result = check_rows(rows, table.file_format)
    assert not result.report.ok
    assert "did you mean 2023-09-13" in marked[3]["__problems"]["start"]
    assert all(not r["__problems"] for i, r in enumerate(marked) if i != 3)


# -------------------------------------------------------------------- saving

def test_a_save_writes_the_new_version_and_keeps_the_old_in_history(data):
    new = edited(GOOD, b"Kim and Putin meet", b"Kim and Putin met")
    outcome = save_version(data, new, content_version(GOOD))
    assert isinstance(outcome, Saved) and data.read_bytes() == new
    assert "vostochny-summit: title" in outcome.diff.summary()
    # The new version, and the one it replaced (the file before any save: by nobody named).
    saved, original = list_versions(data)
    assert saved.version == outcome.version and saved.summary == (
        "changed the title of vostochny-summit")
    assert original.version == content_version(GOOD) and original.line == "unknown"
    assert read_version(data, original.name) == GOOD and read_version(data, saved.name) == new
    assert read_version(data, "../events") is None  # names outside the history are refused
    # Restoring is a save of the old bytes; it too goes to the history.
    assert isinstance(save_version(data, GOOD, outcome.version, by="Anna",
                                  action="restored an earlier version"), Saved)
    assert data.read_bytes() == GOOD and len(list_versions(data)) == 3
    assert list_versions(data)[0].line == ("Anna: restored an earlier version: changed the "
                                           "title of vostochny-summit")


def test_two_editors_from_the_same_version_the_second_is_refused(data):
    base = content_version(GOOD)
    first = edited(GOOD, b"Kim and Putin meet", b"First editor's title")
    second = edited(GOOD, b"Kim and Putin meet", b"Second editor's title")
    assert isinstance(save_version(data, first, base), Saved)
    outcome = save_version(data, second, base)
    assert isinstance(outcome, Conflict)
    [change] = outcome.theirs_vs_yours.changed
    [field] = change.fields
    assert (field.old, field.new) == ("First editor's title at Vostochny Cosmodrome",
                                      "Second editor's title at Vostochny Cosmodrome")
    assert data.read_bytes() == first


def test_an_invalid_version_is_not_saved(data):
    bad = edited(GOOD, b"vostochny-summit,2023-09,", b"vostochny-summit,13/09/2023,")
    outcome = save_version(data, bad, content_version(GOOD))
    assert isinstance(outcome, Invalid) and not outcome.report.ok
    assert data.read_bytes() == GOOD and list_versions(data) == []
    assert isinstance(save_version(data, GOOD, content_version(GOOD)), Unchanged)


def test_a_failing_disk_leaves_the_file_and_history_as_they_were(data, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(saving, "atomic_write", full)
    new = edited(GOOD, b"Kim and Putin meet", b"Kim and Putin met")
    outcome = save_version(data, new, content_version(GOOD))
    assert isinstance(outcome, Failed) and "No space left" in outcome.reason
    assert data.read_bytes() == GOOD and list_versions(data) == []


def test_extra_columns_survive_a_save(tmp_path):
    path = tmp_path / "events.csv"
    original = GOOD.decode("utf-8").splitlines(keepends=True)
    with_desk = "".join([original[0].rstrip("\n") + ",desk\n"] +
                        [line.rstrip("\n") + ",Seoul\n" for line in original[1:]]).encode()
    path.write_bytes(with_desk)
    table = table_from_bytes(with_desk)
    rows = [dict(r) for r in table.rows]
    rows[0]["title"] = "Changed"
    assert isinstance(save_version(path, rows_to_bytes(rows, table.file_format),
                                   content_version(with_desk)), Saved)
    saved = path.read_text("utf-8")
    assert saved.splitlines()[0].endswith(",desk") and saved.count(",Seoul") == 28


def test_the_diff_names_added_removed_and_changed_fields():
    lines = GOOD.decode("utf-8").splitlines(keepends=True)
    new = "".join(lines[:1] + lines[2:]).replace("Kim and Putin meet", "Met")
    new += "new-event,2025,,,New,,Kim Jong-un,diplomacy,,,,,,,,\n"
    diff = diff_versions(GOOD, new.encode())
    assert [k for k, _ in diff.added] == ["new-event"]
    assert [k for k, _ in diff.removed] == ["kim-il-sung-zis"]
    assert [(c.key, [f.column for f in c.fields]) for c in diff.changed] == [
        ("vostochny-summit", ["title"])]


# ------------------------------------------------------- killed mid-save

SAVER = textwrap.dedent("""
    import sys
    from timeline.data.csv_writing import atomic_write
    path, first, second = sys.argv[1:4]
    versions = [open(first, 'rb').read(), open(second, 'rb').read()]
    print('ready', flush=True)
    n = 0
    while True:
        atomic_write(path, versions[n % 2])
        n += 1
""")


def test_a_save_killed_at_any_moment_leaves_one_whole_version(tmp_path):
    old = GOOD * 40   # about 1 MB each, so a kill often lands inside a write
    new = GOOD.replace(b"Kim", b"KIM") * 40
    (tmp_path / "old").write_bytes(old)
    (tmp_path / "new").write_bytes(new)
    target = tmp_path / "events.csv"
    target.write_bytes(old)
    randomness = random.Random(7)
    for _ in range(25):
        process = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(target), str(tmp_path / "old"),
             str(tmp_path / "new")], stdout=subprocess.PIPE, cwd=REPOSITORY,
            env={**os.environ, "PYTHONPATH": str(REPOSITORY)})
        assert process.stdout.readline() == b"ready\n"
        time.sleep(randomness.uniform(0, 0.05))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert target.read_bytes() in (old, new)
