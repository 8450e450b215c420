"""The ways the app starts: the factory, `python app.py` and `gunicorn app:server`."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from support import BUNDLED_CSV as GOOD
from support import csv_bytes
from timeline.app_factory import DataFileError, create_app
from timeline.config import Config

REPOSITORY = Path(__file__).parent.parent
BROKEN = (b"id,start,title,actors,category\n"
          b"ok,2024-02-20,Fine,Kim Jong-un,gifts\n"
          b"bad,2023-02-30,Bad,Kim Jong-un,gifts\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> bytes:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.communicate()[1])
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def test_factory_builds_independent_apps(tmp_path):
    data = tmp_path / "events.csv"
    data.write_bytes(csv_bytes([{"id": "a", "start": "2024", "title": "A", "actors": "X",
                                 "category": "gifts"}]))
    first = create_app(Config(data_path=data, title="First"))
    second = create_app(Config(data_path=data, title="Second"))
    assert first.server is not second.server
    assert first.title == "First" and second.title == "Second"
    response = first.server.test_client().get("/embed?actor=X")
    assert response.status_code == 200 and b"<title>First</title>" in response.data


def test_factory_refuses_a_file_with_errors(tmp_path):
    data = tmp_path / "events.csv"
    data.write_bytes(BROKEN)
    with pytest.raises(DataFileError) as raised:
        create_app(Config(data_path=data))
    assert [p.line for p in raised.value.report.errors] == [3]


def test_app_py_prints_the_report_and_exits_non_zero(tmp_path):
    data = tmp_path / "events.csv"
    data.write_bytes(BROKEN)
    result = subprocess.run([sys.executable, "app.py", "--data", str(data), "--port",
                             str(free_port())], cwd=REPOSITORY, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert f"{data}:3: start: error:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_app_py_serves_the_bundled_timeline():
    port = free_port()
    process = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=REPOSITORY,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        page = wait_for(f"http://127.0.0.1:{port}/", process)
        assert b"Russia and North Korea" in page
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_gunicorn_serves_app_server(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "app:server"], cwd=REPOSITORY, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        assert b"react-entry-point" in wait_for(f"http://127.0.0.1:{port}/", process)
        assert b'id="timeline-graph"' in wait_for(f"http://127.0.0.1:{port}/embed", process)
        layout = wait_for(f"http://127.0.0.1:{port}/_dash-layout", process)
        assert b"timeline-graph" in layout
    finally:
        process.terminate()
        process.wait(timeout=10)


def _health_of_each_worker(port: int, workers: int, seconds: float = 20) -> list[dict]:
    """The first answer of each of `workers` workers: asking until every one has
    answered (which one takes a connection is up to the kernel)."""
    first: dict[int, dict] = {}
    deadline = time.monotonic() + seconds
    while len(first) < workers and time.monotonic() < deadline:
        health = _health(port)
        first.setdefault(health["worker"], health)
    assert len(first) == workers, f"only {len(first)} of {workers} workers answered"
    return list(first.values())


def _health(port: int) -> dict:
    # A new connection each time, so gunicorn hands requests to different workers.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return json.loads(response.read())


def test_every_gunicorn_worker_serves_a_change_within_two_seconds(tmp_path):
    data = tmp_path / "events.csv"
    data.write_bytes(GOOD)
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", "3", "--bind",
         f"127.0.0.1:{port}", "app:server"], cwd=REPOSITORY, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "TIMELINE_DATA": str(data)})
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process)
        # Every worker has started and loaded the first version.
        assert {h["events"] for h in _health_of_each_worker(port, 3)} == {27}
        # Another program saves a valid change (written in place, not renamed).
        lines = GOOD.decode("utf-8").splitlines(keepends=True)
        without_last_event = "".join(lines[:-2] + lines[-1:])  # the title row stays
        data.write_text(without_last_event, "utf-8")
        changed_at = time.monotonic()
        time.sleep(2)
        seen = _health_of_each_worker(port, 3)
        assert {(h["events"], h["status"]) for h in seen} == {(26, "ok")}, seen
        # An invalid change: every worker keeps serving the last good version and says why.
        data.write_text(without_last_event.replace("vostochny-summit,2023-09,",
                                                   "vostochny-summit,13/09/2023,"), "utf-8")
        time.sleep(2)
        seen = _health_of_each_worker(port, 3)
        assert {(h["events"], h["status"]) for h in seen} == {(26, "error")}, seen
        assert "did you mean 2023-09-13" in " ".join(seen[0]["last_error_details"])
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=5)
        assert page.status == 200
        assert time.monotonic() - changed_at < 30
    finally:
        process.terminate()
        process.wait(timeout=10)
