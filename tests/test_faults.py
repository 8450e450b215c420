"""Faults while the app runs: a damaged data file, and a worker killed under load."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from support import BUNDLED_CSV as GOOD
from timeline.app_factory import create_app
from timeline.config import REPOSITORY, Config



def aged(path: Path) -> None:
    then = time.time() - 5  # past the settle time a half-written file is given
    os.utime(path, (then, then))


@pytest.mark.parametrize("damage", ["deleted", "emptied", "truncated", "directory",
                                    "unreadable"])
def test_readers_keep_the_last_good_version_and_the_app_recovers(tmp_path, damage,
                                                                monkeypatch):
    data = tmp_path / "events.csv"
    data.write_bytes(GOOD)
    client = create_app(Config(data_path=data)).server.test_client()
    version = client.get("/healthz").json["version"]
    if damage == "deleted":
        data.unlink()
    elif damage == "emptied":
        data.write_bytes(b"")
    elif damage == "truncated":
        data.write_bytes(GOOD[:len(GOOD) // 3])  # a copy interrupted mid-value
    elif damage == "directory":
        data.unlink()
        data.mkdir()
    else:  # root can read anything, so the refusal is simulated at the last step
        original = Path.read_bytes
        monkeypatch.setattr(Path, "read_bytes", lambda p: (_ for _ in ()).throw(
            PermissionError(13, "Permission denied")) if p == data else original(p))
        data.write_bytes(GOOD + b"\n")
    if data.exists():
        aged(data)
    time.sleep(0.25)  # the next check is due
    health = client.get("/healthz").json
    assert health["status"] == "error" and health["version"] == version, health
    assert health["last_error"]
    for page in ("/", "/embed", "/_dash-layout"):
        response = client.get(page)
        assert response.status_code == 200, page
    assert b"Kim and Putin meet" in client.get(
        client.get("/embed").text.split('data-events="')[1].split('"')[0]).data
    # Fixed: served again without a restart, and the error is gone.
    monkeypatch.undo()
    if data.is_dir():
        data.rmdir()
    data.write_bytes(GOOD)
    aged(data)
    time.sleep(0.25)
    health = client.get("/healthz").json
    assert health["status"] == "ok" and health["version"] == version and not health["last_error"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def test_a_worker_killed_under_load_loses_only_its_own_requests(tmp_path):
    data = tmp_path / "events.csv"
    data.write_bytes(GOOD)
    port = free_port()
    threads_per_worker = 2
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", "--workers",
         "3", "--threads", str(threads_per_worker),
         # A worker then holds no more connections than it has threads, so the
         # requests a kill can lose are bounded by that number.
         "--worker-connections", str(threads_per_worker),
         "--bind", f"127.0.0.1:{port}", "app:server"],
        cwd=REPOSITORY, env={**os.environ, "TIMELINE_DATA": str(data)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    answers: list[int] = []
    dropped: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request("GET", "/embed")
                answers.append(connection.getresponse().status)
            except (OSError, http.client.HTTPException) as problem:
                dropped.append(repr(problem))
            finally:
                connection.close()

    try:
        deadline = time.monotonic() + 30
        while len(worker_pids(server.pid)) < 3 or not _answers(port):
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        readers = [threading.Thread(target=reader) for _ in range(8)]
        for thread in readers:
            thread.start()
        time.sleep(1.5)
        victim = worker_pids(server.pid)[0]
        os.kill(victim, signal.SIGKILL)
        before_kill = len(answers)
        time.sleep(3)
        stop.set()
        for thread in readers:
            thread.join(timeout=15)
        # Every request that reached a live worker was answered, and answered well;
        # only those the killed worker held at that moment could be lost.
        assert answers and set(answers) == {200}, set(answers)
        assert len(dropped) <= threads_per_worker, dropped
        assert len(answers) > before_kill + 20, "the other workers kept serving"
        assert victim not in worker_pids(server.pid)  # gunicorn replaced it
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=20)


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
