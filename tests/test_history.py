"""The editor's history: who saved each version, when, what changed; merged saves;
pruning; histories written before names; several workers saving at once."""
from __future__ import annotations

import json
import multiprocessing
import os
from datetime import datetime, timedelta, timezone

import pytest

from support import BUNDLED_CSV as GOOD
from timeline.data.history import (
    Retention,
    history_folder,
    keep_version,
    list_versions,
    prune,
    read_version,
    record_version,
)
from timeline.data_store import content_version
from timeline.editor.diffing import diff_versions
from timeline.editor.merging import ROW
from timeline.editor.saving import (
    Clashes,
    Conflict,
    Invalid,
    Merged,
    Saved,
    save_merging,
    save_version,
)

BASE = content_version(GOOD)


def edited(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


# ------------------------------------------------------------ the one-line summary

def test_the_headline_says_what_changed_in_words():
    lines = GOOD.decode("utf-8").splitlines(keepends=True)
    new = "".join(lines[:1] + lines[2:]).replace("Kim and Putin meet", "Met")
    new = new.replace("russian-tourists,2024-02,", "russian-tourists,2024-03,")
    new += "putin-visit-2024,2024-06-19,,,Putin visits,,Vladimir Putin,diplomacy,,,,,,,,\n"
    assert diff_versions(GOOD, new.encode()).headline() == (
        "changed the title of vostochny-summit; changed the start of russian-tourists; "
        "added putin-visit-2024; deleted kim-il-sung-zis")
    assert diff_versions(GOOD, GOOD).headline() == "no changes"
    both = GOOD.replace(b"Kim and Putin meet", b"Met").replace(b"First Russian tourists", b"T")
    assert diff_versions(GOOD, both).headline() == (
        "changed the title of vostochny-summit and russian-tourists")


def test_the_headline_of_many_changes_stays_one_short_line():
    many = GOOD.decode("utf-8")
    for year in ("2023", "2024"):
        many = many.replace(f",{year}-", f",{int(year) + 10}-")
    headline = diff_versions(GOOD, many.encode()).headline()
    assert headline.startswith("changed ") and " events (" in headline and "…" in headline
    assert len(headline) <= 300 and "\n" not in headline


# ------------------------------------------------------------------ who and when

def test_each_save_records_who_when_and_what(data):
    first = edited(GOOD, b"First Russian tourists", b"Tourists")
    assert isinstance(save_version(data, first, BASE, by="Anna"), Saved)
    second = edited(first, b"Kim and Putin meet", b"They meet")
    assert isinstance(save_version(data, second, content_version(first), by="Ben"), Saved)
    newest, middle, original = list_versions(data)
    assert newest.line == "Ben: changed the title of vostochny-summit"
    assert middle.line == "Anna: changed the title of russian-tourists"
    assert original.line == "unknown" and original.version == BASE
    assert abs(newest.when - datetime.now(timezone.utc)) < timedelta(minutes=1)
    # The original's time is when it was written, not when it was replaced.
    assert original.when <= middle.when


def test_a_file_changed_outside_the_editor_is_kept_as_unknown_with_what_changed(data):
    first = edited(GOOD, b"First Russian tourists", b"Tourists")
    save_version(data, first, BASE, by="Anna")
    outside = edited(first, b"Kim and Putin meet", b"Changed by a script")
    data.write_bytes(outside)
    os.utime(data, (1_700_000_000, 1_700_000_000))
    mine = edited(outside, b"Tourists", b"Tourists again")
    assert isinstance(save_version(data, mine, content_version(outside), by="Ben"), Saved)
    newest, script, anna, _ = list_versions(data)
    assert newest.by == "Ben" and anna.by == "Anna"
    assert script.line == "unknown: changed the title of vostochny-summit"
    assert script.when == datetime.fromtimestamp(1_700_000_000, timezone.utc)


def test_versions_kept_before_names_are_listed_as_unknown(data):
    """A history from before issue 16 holds, per save, the version it replaced and
    that save's summary: listed with its time and 'unknown', no one's summary."""
    first = edited(GOOD, b"Kim and Putin meet", b"Saved before names")
    data.write_bytes(first)
    old = keep_version(data, GOOD, BASE, content_version(first),
                       "1 changed (vostochny-summit: title)")
    record = json.loads((history_folder(data) / f"{old.name}.json").read_text("utf-8"))
    assert "by" not in record  # as such records were written
    [entry] = list_versions(data)
    assert entry.line == "unknown" and entry.by is None
    assert read_version(data, entry.name) == GOOD
    # The first save since keeps the file on disk (no copy of it yet), then its own.
    new = edited(first, b"First Russian tourists", b"Tourists")
    save_version(data, new, content_version(first), by="Anna")
    assert [e.line for e in list_versions(data)] == [
        "Anna: changed the title of russian-tourists",
        "unknown: changed the title of vostochny-summit", "unknown"]


def test_a_damaged_record_is_skipped(data):
    save_version(data, edited(GOOD, b"First Russian tourists", b"Tourists"), BASE, by="Anna")
    folder = history_folder(data)
    (folder / "20200101T000000000000Z-0000000000000000.json").write_text("{not json")
    (folder / "20200101T000000000001Z-0000000000000001.json").write_text('["a list"]')
    assert len(list_versions(data)) == 2


# -------------------------------------------------------------------- pruning

def days_ago(days: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=days)


def test_pruning_keeps_recent_versions_and_the_newest_whatever_their_age(data):
    for age in (400, 300, 200, 100, 95, 50, 10, 1):  # oldest first, as saved
        record_version(data, GOOD, f"{age:016d}", "Anna", f"{age} days ago", days_ago(age))
    # At least 3 versions, and everything younger than 90 days.
    gone = prune(data, Retention(days=90, versions=3))
    assert sorted(int(e.version) for e in gone) == [95, 100, 200, 300, 400]
    assert [int(e.version) for e in list_versions(data)] == [1, 10, 50]
    # At least 5 versions: old ones stay while there are fewer.
    for age in (500, 450):
        record_version(data, GOOD, f"{age:016d}", "Ben", "", days_ago(age))
    prune(data, Retention(days=90, versions=5))
    assert [int(e.version) for e in list_versions(data)] == [450, 500, 1, 10, 50]
    assert not [p for p in history_folder(data).iterdir()
                if p.suffix in (".csv", ".json") and p.stem.endswith(("0095", "0100"))]


def test_a_save_prunes_by_its_retention(data):
    for age in (200, 150):
        record_version(data, GOOD, f"{age:016d}", "Old", "", days_ago(age))
    new = edited(GOOD, b"First Russian tourists", b"Tourists")
    save_version(data, new, BASE, by="Anna", retention=Retention(days=90, versions=2))
    assert [e.by for e in list_versions(data)] == ["Anna", ""]


# -------------------------------------------------------------------- merging

def saved_by_anna(data) -> bytes:
    """Anna saves a new title for vostochny-summit from the first version."""
    theirs = edited(GOOD, b"Kim and Putin meet", b"Anna's title")
    assert isinstance(save_version(data, theirs, BASE, by="Anna"), Saved)
    return theirs


def test_a_save_from_an_older_version_merges_other_fields_and_says_what_came_in(data):
    theirs = saved_by_anna(data)
    mine = edited(GOOD, b"First Russian tourists", b"Ben's title")
    outcome = save_merging(data, mine, BASE, by="Ben")
    assert isinstance(outcome, Merged) and outcome.others == ("Anna",)
    assert outcome.merged_in.headline() == "changed the title of vostochny-summit"
    assert outcome.diff.headline() == "changed the title of russian-tourists"
    assert data.read_bytes() == edited(theirs, b"First Russian tourists", b"Ben's title")
    assert list_versions(data)[0].line == "Ben: changed the title of russian-tourists"
    assert outcome.version == content_version(data.read_bytes())


def test_the_same_field_changed_by_both_waits_for_a_choice_then_saves_it(data):
    theirs = saved_by_anna(data)
    mine = edited(GOOD, b"Kim and Putin meet", b"Ben's title")
    mine = edited(mine, b"First Russian tourists", b"Ben's other title")
    outcome = save_merging(data, mine, BASE, by="Ben")
    assert isinstance(outcome, Clashes) and outcome.others == ("Anna",)
    [clash] = outcome.clashes
    assert (clash.key, clash.column) == ("vostochny-summit", "title")
    assert (clash.theirs, clash.mine) == ("Anna's title at Vostochny Cosmodrome",
                                          "Ben's title at Vostochny Cosmodrome")
    assert data.read_bytes() == theirs  # nothing saved until chosen
    outcome = save_merging(data, mine, BASE, by="Ben", choices={clash.ident: "mine"})
    assert isinstance(outcome, Merged)
    text = data.read_text("utf-8")
    assert "Ben's title" in text and "Ben's other title" in text and "Anna's title" not in text
    outcome = save_merging(data, mine, BASE, by="Ben", choices={clash.ident: "theirs"})
    assert isinstance(outcome, Merged)  # from the same base again: Ben's own save merges
    assert "Anna's title" not in data.read_text("utf-8")


def test_a_row_deleted_by_one_and_changed_by_the_other_is_a_choice(data):
    saved_by_anna(data)
    lines = GOOD.decode("utf-8").splitlines(keepends=True)
    [gone] = [line for line in lines if line.startswith("vostochny-summit,")]
    mine = "".join(line for line in lines if line != gone).encode("utf-8")
    outcome = save_merging(data, mine, BASE, by="Ben")
    assert isinstance(outcome, Clashes)
    [clash] = outcome.clashes
    assert (clash.key, clash.column, clash.mine, clash.changed) == (
        "vostochny-summit", ROW, None, ("title",))
    assert isinstance(save_merging(data, mine, BASE, by="Ben", choices={clash.ident: "mine"}),
                      Merged)
    assert b"vostochny-summit," not in data.read_bytes()


def test_without_a_copy_of_the_editors_version_a_save_is_refused_as_before(data):
    data.write_bytes(edited(GOOD, b"Kim and Putin meet", b"By a script"))
    outcome = save_merging(data, edited(GOOD, b"First Russian tourists", b"Mine"), BASE)
    assert isinstance(outcome, Conflict)
    assert b"By a script" in data.read_bytes() and list_versions(data) == []


def test_a_merge_that_does_not_validate_is_not_saved(data):
    """Each side valid on its own; merged, the event ends before it starts."""
    theirs = edited(GOOD, b"shoigu-pyongyang,2023-07-26,2023-07-27,",
                    b"shoigu-pyongyang,2023-07-26,2023-07-30,")
    theirs = edited(theirs, b"shoigu-pyongyang,2023-07-26,", b"shoigu-pyongyang,2023-07-29,")
    assert isinstance(save_version(data, theirs, BASE, by="Anna"), Saved)
    mine = edited(GOOD, b"shoigu-pyongyang,2023-07-26,2023-07-27,",
                  b"shoigu-pyongyang,2023-07-26,2023-07-28,")
    outcome = save_merging(data, mine, BASE, by="Ben")
    # theirs changed start and end, mine the end: the end clashes; mine's end chosen,
    # the merged event would end (07-28) before it starts (07-29).
    assert isinstance(outcome, Clashes)
    [clash] = outcome.clashes
    outcome = save_merging(data, mine, BASE, by="Ben", choices={clash.ident: "mine"})
    assert isinstance(outcome, Invalid) and not outcome.report.ok
    assert data.read_bytes() == theirs


def test_an_editors_save_that_the_file_already_holds_changes_nothing(data):
    theirs = saved_by_anna(data)
    outcome = save_merging(data, theirs, BASE, by="Ben")
    assert isinstance(outcome, Merged) and outcome.diff.empty and outcome.merged_in.empty
    assert len(list_versions(data)) == 2


# ----------------------------------------------------- several workers at once

def _save_many(path: str, worker: int, saves: int) -> None:
    from pathlib import Path

    from timeline.data_store import content_version as version_of
    from timeline.editor.saving import Merged, Saved, save_merging
    for n in range(saves):
        while True:
            current = Path(path).read_bytes()
            mine = current.replace(b"\n", f"\nw{worker}-{n},2025,,,Worker {worker} save {n},,"
                                          f"Kim Jong-un,diplomacy,,,,,,,,\n".encode(), 1)
            # Half the saves start from a version others may have changed meanwhile.
            outcome = save_merging(path, mine, version_of(current), by=f"Worker {worker}")
            if isinstance(outcome, (Saved, Merged)):
                break


def test_workers_saving_at_once_lose_no_save_and_no_record(data):
    workers, saves = 4, 5
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_save_many, args=(str(data), w, saves))
                 for w in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    text = data.read_text("utf-8")
    for w in range(workers):
        for n in range(saves):
            assert f"w{w}-{n},2025" in text
    entries = list_versions(data)
    assert len(entries) == workers * saves + 1  # each save, and the file before them
    assert entries[0].version == content_version(data.read_bytes())
    assert {e.by for e in entries} == {""} | {f"Worker {w}" for w in range(workers)}
    for entry in entries:
        assert read_version(data, entry.name) is not None
    assert not [p for p in history_folder(data).iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("outcome_type", [Invalid])
def test_an_invalid_table_is_refused_before_any_merge(data, outcome_type):
    saved_by_anna(data)
    bad = edited(GOOD, b"vostochny-summit,2023-09,", b"vostochny-summit,13/09/2023,")
    assert isinstance(save_merging(data, bad, BASE, by="Ben"), outcome_type)


# ------------------------------------------------------------------- settings

def test_the_time_zone_and_retention_come_from_the_environment(monkeypatch):
    from timeline.config import Config
    monkeypatch.setenv("TIMELINE_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("TIMELINE_HISTORY_DAYS", "30")
    monkeypatch.setenv("TIMELINE_HISTORY_VERSIONS", " 50 ")
    config = Config.from_environment()
    assert (config.history_days, config.history_versions) == (30, 50)
    summer = datetime(2026, 7, 1, 12, tzinfo=timezone.utc).astimezone(config.zone)
    assert summer.hour == 14  # CEST
    assert Config().zone.utcoffset(None) == timedelta(0)  # UTC by default


@pytest.mark.parametrize("variable, value, words", [
    ("TIMELINE_TIMEZONE", "Mars/Olympus_Mons", "is not a time zone name"),
    ("TIMELINE_TIMEZONE", "../../etc/passwd", "is not a time zone name"),
    ("TIMELINE_HISTORY_DAYS", "ninety", "is not a whole number"),
    ("TIMELINE_HISTORY_VERSIONS", "0", "is not a whole number")])
def test_a_setting_that_cannot_be_used_stops_the_start_with_one_line(monkeypatch, capsys,
                                                                     data, variable, value,
                                                                     words):
    import app
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit) as stopped:
        app.build(str(data))
    assert stopped.value.code == 1
    error = capsys.readouterr().err
    assert error.startswith(f"error: {variable}: ") and words in error
    assert error.count("\n") == 1 and "Traceback" not in error
