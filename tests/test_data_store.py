"""The watched data file: changes picked up, bad versions never served."""
from __future__ import annotations

import os
import time

import pytest

from support import BUNDLED_CSV as GOOD
from timeline import data_store
from timeline.data_store import DataFileError, DataStore, content_version, last_good_path

ROWS = GOOD.decode("utf-8").splitlines(keepends=True)
# The bundled file ends with its title row; this drops the last event before it.
WITHOUT_LAST_EVENT = "".join(ROWS[:-2] + ROWS[-1:])


def aged(path, seconds: float = 5.0) -> None:
    """Pretend the file was written a while ago (past the settle time)."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_valid_change_is_served_after_a_check(data):
    store = DataStore(data, check_interval=0)
    assert len(store.current().events) == 27
    data.write_text(WITHOUT_LAST_EVENT, "utf-8")
    aged(data)
    assert len(store.current().events) == 26
    assert store.current().version == content_version(data.read_bytes())
    assert store.health()["status"] == "ok"


def test_an_invalid_change_keeps_the_last_good_version_and_says_why(data):
    store = DataStore(data, check_interval=0)
    version = store.current().version
    data.write_text(GOOD.decode("utf-8").replace("vostochny-summit,2023-09,", "vostochny-summit,13/09/2023,", 1), "utf-8")
    aged(data)
    assert store.current().version == version
    health = store.health()
    assert health["status"] == "error" and "still serving version" in health["last_error"]
    assert any("did you mean 2023-09-13" in line for line in health["last_error_details"])
    # Fixed again: served, and the error is gone.
    data.write_bytes(GOOD.replace(b"Vostochny", b"Vostochny!", 1))
    aged(data)
    assert store.current().version != version and store.health()["last_error"] is None


def test_a_change_written_while_the_store_starts_is_picked_up(data, monkeypatch):
    # A worker that starts while another program saves must not take the old
    # bytes for the new file (and then never look again).
    read_bytes = type(data).read_bytes

    def read_then_saved_by_someone_else(path):
        content = read_bytes(path)
        monkeypatch.undo()
        data.write_text(WITHOUT_LAST_EVENT, "utf-8")
        aged(data)
        return content

    monkeypatch.setattr(type(data), "read_bytes", read_then_saved_by_someone_else)
    store = DataStore(data, check_interval=0)
    assert len(store.snapshot.events) == 27
    assert len(store.current().events) == 26


def test_a_file_still_being_written_is_not_read(data):
    store = DataStore(data, check_interval=0, settle_seconds=60)
    version = store.current().version
    data.write_text("".join(ROWS[:10]), "utf-8")  # half a file, written "just now"
    assert store.current().version == version
    aged(data, 120)
    assert len(store.current().events) == 9


@pytest.mark.parametrize("damage", ["delete", "empty", "directory", "unreadable"])
def test_a_damaged_file_keeps_serving_and_recovers(data, damage, monkeypatch):
    store = DataStore(data, check_interval=0)
    version = store.current().version
    if damage == "delete":
        data.unlink()
    elif damage == "empty":
        data.write_bytes(b"")
        aged(data)
    elif damage == "directory":
        data.unlink()
        data.mkdir()
        aged(data)
    else:  # chmod does not stop root, so the refusal is simulated
        data.write_bytes(GOOD + b"\n")
        aged(data)
        original = type(data).read_bytes

        def refuse(path):
            if path == data:
                raise PermissionError(13, "Permission denied")
            return original(path)
        monkeypatch.setattr(type(data), "read_bytes", refuse)
    current = store.current()
    assert current.version == version
    assert store.health()["status"] == "error"
    if damage == "directory":
        data.rmdir()
    monkeypatch.undo()
    data.write_bytes(GOOD)
    aged(data)
    assert store.current().version == version
    assert store.health()["status"] == "ok"


def test_a_bad_file_at_start_is_refused(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("id,start,title\nx,yesterday,Nope\n", "utf-8")
    with pytest.raises(DataFileError) as raised:
        DataStore(path)
    assert not raised.value.report.ok
    with pytest.raises(DataFileError):
        DataStore(tmp_path / "missing.csv")


def test_checks_are_throttled(data):
    store = DataStore(data, check_interval=3600)
    store.current()
    data.write_text(WITHOUT_LAST_EVENT, "utf-8")
    aged(data)
    assert len(store.current().events) == 27  # not checked again yet
    store.refresh(force=True)
    assert len(store.current().events) == 26


# ------------------------------------------------ a worker that starts on a bad file

BROKEN = GOOD.replace(b"vostochny-summit,2023-09,", b"vostochny-summit,13/09/2023,", 1)


def test_each_accepted_version_is_kept_as_the_last_good_copy(data):
    store = DataStore(data, check_interval=0)
    copy = last_good_path(data)
    assert copy.read_bytes() == GOOD  # at load
    data.write_text(WITHOUT_LAST_EVENT, "utf-8")
    aged(data)
    store.current()
    assert copy.read_bytes() == WITHOUT_LAST_EVENT.encode("utf-8")  # on reload
    data.write_bytes(BROKEN)
    aged(data)
    store.current()
    assert copy.read_bytes() == WITHOUT_LAST_EVENT.encode("utf-8")  # never a bad one


@pytest.mark.parametrize("damage", ["invalid", "deleted"])
def test_a_store_starting_on_a_bad_file_serves_the_last_good_copy(data, damage, caplog):
    version = DataStore(data).snapshot.version
    if damage == "invalid":
        data.write_bytes(BROKEN)
    else:
        data.unlink()
    with caplog.at_level("ERROR", logger="timeline.data"):
        store = DataStore(data, check_interval=0)  # a worker restarted now
    assert store.current().version == version and len(store.current().events) == 27
    health = store.health()
    assert health["status"] == "error" and health["version"] == version
    assert f"still serving the last good copy, version {version}" in store.last_error
    logged = caplog.text
    assert f"still serving the last good copy, version {version}" in logged
    if damage == "invalid":
        assert "did you mean 2023-09-13" in logged  # why, line by line
    # Fixed: the next check serves it and the error is gone.
    data.write_text(WITHOUT_LAST_EVENT, "utf-8")
    aged(data)
    assert len(store.current().events) == 26 and store.health()["status"] == "ok"


def test_without_a_good_copy_a_bad_file_still_stops_the_start(data):
    DataStore(data)
    last_good_path(data).write_bytes(b"id,start,title\nx,yesterday,Nope\n")  # damaged too
    data.write_bytes(BROKEN)
    with pytest.raises(DataFileError) as raised:
        DataStore(data)
    assert "did you mean 2023-09-13" in "\n".join(raised.value.report.format_lines("x"))


def test_an_older_version_never_replaces_a_newer_last_good_copy(data, monkeypatch):
    # Worker A reads version 1; before it keeps it, the file becomes version 2
    # and worker B keeps that. A must then leave B's copy alone.
    newer = WITHOUT_LAST_EVENT.encode("utf-8")
    original = data_store.snapshot_of

    def read_then_another_worker_keeps_a_newer_version(data_bytes, source_name):
        outcome = original(data_bytes, source_name)
        monkeypatch.setattr(data_store, "snapshot_of", original)
        data.write_bytes(newer)
        aged(data)
        DataStore(data)
        return outcome

    monkeypatch.setattr(data_store, "snapshot_of", read_then_another_worker_keeps_a_newer_version)
    first = DataStore(data, check_interval=0)
    assert len(first.snapshot.events) == 27
    assert last_good_path(data).read_bytes() == newer
    assert len(first.current().events) == 26  # and A moves on to it


def test_a_copy_that_cannot_be_kept_is_logged_and_the_store_serves_on(data, monkeypatch,
                                                                      caplog):

    def full_disk(path, content):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(data_store, "atomic_write", full_disk)
    with caplog.at_level("WARNING", logger="timeline.data"):
        store = DataStore(data)
    assert len(store.snapshot.events) == 27 and store.health()["status"] == "ok"
    assert "cannot keep a last good copy" in caplog.text
    assert "No space left on device" in caplog.text
    assert not last_good_path(data).exists()


def test_a_save_hands_the_store_its_load_and_nothing_is_loaded_again(data, monkeypatch):
    from timeline.editor.saving import Saved, save_version

    store = DataStore(data, check_interval=0)
    new = WITHOUT_LAST_EVENT.encode("utf-8")
    saved = save_version(data, new, store.snapshot.version, by="Anna")
    assert isinstance(saved, Saved) and saved.loaded is not None
    assert saved.loaded.raw.empty  # the file as written is not kept with it
    loads = []
    monkeypatch.setattr(data_store, "loaded_snapshot",
                        lambda *args: loads.append(args) or pytest.fail("loaded again"))
    store.refresh(force=True, saved=(saved.version, saved.loaded))
    assert not loads and store.snapshot.version == saved.version
    assert len(store.snapshot.events) == 26
    # The same as a load of the file would serve.
    fresh = data_store.snapshot_of(new, str(data))
    assert store.snapshot.events.equals(fresh.events)
    assert store.snapshot.result.title == fresh.result.title


def test_a_save_load_for_another_version_is_not_served(data, monkeypatch):
    from timeline.data.loading import load_events_from_bytes

    store = DataStore(data, check_interval=0)
    other = load_events_from_bytes(GOOD.replace(b"Vostochny", b"Elsewhere", 1),
                                   as_written=False)
    data.write_text(WITHOUT_LAST_EVENT, "utf-8")
    store.refresh(force=True, saved=("0123456789abcdef", other))
    assert store.snapshot.version == content_version(WITHOUT_LAST_EVENT.encode("utf-8"))
    assert len(store.snapshot.events) == 26
