"""The server at 100,000 events (issue 13): a lean event frame, data loaded once
and away from the process that keeps it, the embed's files built once for every
worker. Work is counted, not timed (see test_checking_speed.py), and children are
told apart by their process ids, so these say the same on a busy machine."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from datetime import date

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from support import BUNDLED_CSV, tricky_text
from test_checking_speed import steps_of
from timeline import data_store
from timeline.app_factory import create_app
from timeline.config import REPOSITORY, Config
from timeline.data.loading import load_events_from_bytes
from timeline.data.synth import synthetic_csv
from timeline.data.text_folding import _BATCH, normalise_text, normalise_texts
from timeline.data_store import DataStore, snapshot_of
from timeline.serving.shared_builds import SharedBuilds, build_key, code_version
from timeline.view import payload as embed_payload
from timeline.view.figure import build_figure
from timeline.view.transforms import REPEATED_COLUMNS, prepare_events
from timeline.view.view_state import ViewState

TODAY = date(2026, 12, 4)
DETERMINISTIC = settings(max_examples=200, deadline=None, derandomize=True, database=None)


# ------------------------------------------------------------------ the event frame

@DETERMINISTIC
@given(st.lists(st.one_of(tricky_text(max_size=30),
                          st.sampled_from(["", " ", "\x00", "a\x00b", "и", "\u0306x", "ΑΣ",
                                           "  Kim  Jong-un ", "x\u3000", "\x1c"])),
                max_size=40))
def test_many_texts_fold_as_each_alone(texts):
    assert normalise_texts(texts) == [normalise_text(text) for text in texts]


def test_texts_fold_the_same_across_batches():
    texts = ["Ёлка  Straße ", "\u0306 и", "", "ΣΟΦΊΑ", "kim\tjong-un", "a\x00b"]
    texts *= _BATCH // 2  # three batches
    assert normalise_texts(texts) == [normalise_text(text) for text in texts]


def marginal_steps(work, small: int, large: int) -> float:
    """Steps of Python per event that `work(events)` takes, as the timeline grows."""
    frames = {n: load_events_from_bytes(synthetic_csv(n, seed=1)).events
              for n in (small, large)}
    work(frames[small])  # what runs once per process runs now
    counted = {n: steps_of(lambda: work(frame)) for n, frame in frames.items()}
    return (counted[large] - counted[small]) / (large - small)


def test_preparing_the_events_takes_a_few_steps_per_event():
    """Folding each row's text, actors, category and certainty one by one took about
    380 steps of Python per event (5.8 s at 100,000 events); whole columns, under 10."""
    assert marginal_steps(prepare_events, 1000, 2000) <= 20


def test_drawing_the_figure_reads_no_cell_at_a_time():
    """Reading each mark's category and id cell by cell (`.at`) was more than half of
    drawing 100,000 events: 1,130 steps per event, against about 520 now (most of
    them plotly's own checks of every point)."""
    def draw(events):
        build_figure(prepare_events(events), ViewState(), today=TODAY)
    assert marginal_steps(draw, 1000, 2000) <= 750


def test_repeated_strings_are_categories_and_no_row_keeps_a_set():
    events = snapshot_of(synthetic_csv(300, seed=2), "s.csv").events
    for column in REPEATED_COLUMNS:
        assert isinstance(events[column].dtype, pd.CategoricalDtype), column
    assert "actor_keys" not in events.columns  # one frozenset per event, before


def test_a_snapshot_keeps_only_the_prepared_events():
    """The file's rows as written and the events before preparing were each as big
    as the events (over 100 MB at 100,000 events) and nothing served them."""
    snapshot = snapshot_of(BUNDLED_CSV, "events.csv")
    assert len(snapshot.events) == 27
    assert snapshot.result.events.empty and list(snapshot.result.raw.columns) == ["line"]
    assert snapshot.result.title == load_events_from_bytes(BUNDLED_CSV).title


# ------------------------------------------------------------------ loading in a child

LOADED_BY = """
import os, sys
from timeline import data_store
original = data_store.snapshot_of
def recorded(data, name):
    with open(sys.argv[2], "a") as out:
        out.write(f"{os.getpid()}\\n")
    return original(data, name)
data_store.snapshot_of = recorded
data_store.FORKED_LOAD_BYTES = 0
if sys.argv[3] == "started":
    data_store.start_loading(sys.argv[1])
if sys.argv[3] == "changed":
    data_store.start_loading(sys.argv[1])
    with open(sys.argv[1], "ab") as data:
        data.write(sys.argv[4].encode())
store = data_store.DataStore(sys.argv[1])
print(os.getpid(), len(store.snapshot.events), store.snapshot.version,
      store.snapshot.data == open(sys.argv[1], "rb").read())
"""


def loaded_by(tmp_path, how: str, extra: str = "") -> tuple[int, list[int], int, bool]:
    """Load the fixture in a fresh process (one thread, so it may fork): (that process,
    the processes that ran snapshot_of, the events, whether the bytes are kept)."""
    data, record = tmp_path / "events.csv", tmp_path / "loaded-by"
    data.write_bytes(BUNDLED_CSV)
    done = subprocess.run([sys.executable, "-c", LOADED_BY, str(data), str(record), how, extra],
                          cwd=REPOSITORY, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPOSITORY)})
    assert done.returncode == 0, done.stderr
    pid, events, version, kept = done.stdout.split()
    assert version == data_store.content_version(data.read_bytes())
    return int(pid), [int(p) for p in record.read_text().split()], int(events), kept == "True"


def test_a_big_file_is_loaded_in_a_child_process(tmp_path):
    """Loading leaves hundreds of MB of freed objects that the process keeps (100 MB
    more in every worker at 100,000 events): a child does it and sends what is kept."""
    parent, loaders, events, kept = loaded_by(tmp_path, "now")
    assert events == 27 and kept
    assert len(loaders) == 1 and loaders[0] != parent


def test_the_data_can_start_loading_before_the_app_is_built(tmp_path):
    """gunicorn's master starts the load, then imports the app while it runs."""
    parent, loaders, events, kept = loaded_by(tmp_path, "started")
    assert events == 27 and kept and len(loaders) == 1 and loaders[0] != parent


def test_a_load_started_before_the_file_changed_is_not_used(tmp_path):
    line = "late,2024-01,,,A late event,,Kim Jong-un,gifts,reported,src,,,,,,\n"
    parent, loaders, events, kept = loaded_by(tmp_path, "changed", line)
    assert events == 28 and kept  # the file as it is now, not as the started load read it
    assert loaders[-1] != parent


def test_a_worker_running_threads_reloads_in_a_child_too(data, tmp_path, monkeypatch):
    """A worker reloads after an edit while its threads serve readers: loading there
    left it 75 MB larger after each edit at 100,000 events."""
    monkeypatch.setattr(data_store, "FORKED_LOAD_BYTES", 0)
    record = tmp_path / "loaded-by"
    original = data_store.snapshot_of

    def recorded(*args):
        with open(record, "a") as out:
            out.write(f"{os.getpid()}\n")
        return original(*args)
    monkeypatch.setattr(data_store, "snapshot_of", recorded)
    reader_waiting = threading.Event()
    reader = threading.Thread(target=reader_waiting.wait)  # another thread, as in a worker
    reader.start()
    try:
        assert len(DataStore(data).snapshot.events) == 27
    finally:
        reader_waiting.set()
        reader.join()
    assert [int(pid) for pid in record.read_text().split()] != [os.getpid()]


def test_a_child_load_that_never_answers_is_stopped_and_done_here(data, monkeypatch, caplog):
    parent = os.getpid()
    original = data_store.snapshot_of
    never = threading.Event()

    def stuck_in_the_child(*args):
        if os.getpid() != parent:
            never.wait()  # as a lock another thread held when the worker forked
        return original(*args)
    monkeypatch.setattr(data_store, "FORKED_LOAD_BYTES", 0)
    monkeypatch.setattr(data_store, "FORKED_LOAD_TIMEOUT", 0.5)
    monkeypatch.setattr(data_store, "snapshot_of", stuck_in_the_child)
    assert len(DataStore(data).snapshot.events) == 27
    assert "loading it here" in caplog.text and "TimeoutError" in caplog.text


# ------------------------------------------------------------------ shared builds

def test_the_embeds_files_are_built_once_for_every_worker(data, tmp_path, monkeypatch):
    """Each worker built the figures and payloads for itself (at 100,000 events,
    about 40 s of CPU and 200 MB each); the first now builds, the others read."""
    drawn = []
    original = embed_payload.build_figure
    monkeypatch.setattr(embed_payload, "build_figure", lambda events, view, **others: drawn.append(
        view.lanes) or original(events, view, **others))
    config = Config(data_path=data, cache_dir=str(tmp_path / "cache"))
    workers = [create_app(config).server for _ in range(2)]
    answers = []
    for server in workers:
        client = server.test_client()
        page = client.get("/embed").text
        answers.append([page] + [client.get(url).data for url in embed_urls(page)])
    assert answers[0] == answers[1]
    assert sorted(drawn) == ["actor", "category"]  # each figure drawn once, for both
    first, second = (server.extensions["timeline_builds"] for server in workers)
    assert first.builds >= 4 and second.builds == 0


def embed_urls(page: str) -> list[str]:
    names = ("data-events", "data-details", "data-search", "data-actor-figure")
    return [re.search(rf'{name}="([^"]+)"', page)[1].replace("{chunk}", "0") for name in names]


def test_a_build_under_way_is_waited_for_not_made_again(tmp_path):
    """Two workers asking at once: the second waits on the first's lock, then reads."""
    started, finish = threading.Event(), threading.Event()
    made = []

    def slow_build():
        made.append("first")
        started.set()
        finish.wait(30)
        return [b"the first's", b" parts"]

    first, second = SharedBuilds(tmp_path), SharedBuilds(tmp_path)  # two processes' views
    key = build_key("test", "v1")
    results = {}
    builder = threading.Thread(
        target=lambda: results.setdefault("first", first.get(key, slow_build)))
    builder.start()
    assert started.wait(30)
    reader = threading.Thread(target=lambda: results.setdefault(
        "second", second.get(key, lambda: made.append("second") or [b"other"])))
    reader.start()
    reader.join(0.3)
    assert reader.is_alive()  # held by the lock, not building
    finish.set()
    builder.join(30)
    reader.join(30)
    assert made == ["first"]
    assert list(results["second"]) == list(results["first"]) == [b"the first's", b" parts"]
    assert (first.builds, second.builds) == (1, 0)


def test_a_big_build_is_made_in_a_child_process(tmp_path):
    """What building leaves in memory goes with the child, not the worker."""
    builds = SharedBuilds(tmp_path)
    built = builds.get(build_key("test", "pid"), lambda: [str(os.getpid()).encode()],
                       apart=True)
    assert int(built[0]) != os.getpid()
    assert (builds.builds, builds.builds_apart) == (1, 1)


def test_a_build_child_lets_go_of_the_workers_connections(tmp_path):
    """A child keeping a copy of a reader's socket would keep that connection open
    after the worker closed it, for as long as the build takes."""
    reader, worker_end = socket.socketpair()
    try:
        def still_open() -> list[bytes]:
            try:
                os.fstat(worker_end.fileno())
                return [b"open"]
            except OSError:
                return [b"closed"]
        built = SharedBuilds(tmp_path).get(build_key("test", "sockets"), still_open,
                                           apart=True)
        assert list(built) == [b"closed"]
        os.fstat(worker_end.fileno())  # the worker's own copy is untouched
    finally:
        reader.close()
        worker_end.close()


def test_a_build_whose_child_fails_is_made_here(tmp_path, caplog):
    def fails_in_a_child():
        if os.getpid() != parent:
            raise RuntimeError("no memory")
        return [b"made here"]
    parent = os.getpid()
    builds = SharedBuilds(tmp_path)
    assert list(builds.get(build_key("test", "fails"), fails_in_a_child, apart=True)) == [
        b"made here"]
    assert builds.builds_apart == 0 and "building it here" in caplog.text


def test_a_damaged_build_file_is_built_again(tmp_path):
    builds = SharedBuilds(tmp_path)
    key = build_key("test", "damaged")
    builds.get(key, lambda: [b"abc", b"defgh"])
    (tmp_path / f"build-{key}").write_bytes(b"[3, 5]\nabcde")  # cut short
    assert list(SharedBuilds(tmp_path).get(key, lambda: [b"new", b"parts"])) == [b"new", b"parts"]


def test_builds_of_other_code_or_another_day_are_not_read(monkeypatch):
    key = build_key("events", "v1", "2026-12-04")
    assert key != build_key("events", "v1", "2026-12-05")
    assert key != build_key("events", "v2", "2026-12-04")
    code_version.cache_clear()
    monkeypatch.setattr("timeline.serving.shared_builds.PACKAGE", REPOSITORY / "tests")
    try:
        assert build_key("events", "v1", "2026-12-04") != key
    finally:
        code_version.cache_clear()


def test_without_a_usable_folder_each_process_builds_for_itself(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # others may write there: not trusted
    builds = SharedBuilds(shared)
    assert builds.folder is None
    assert list(builds.get(build_key("x"), lambda: [b"kept in memory"])) == [b"kept in memory"]
    assert list(shared.iterdir()) == []

