"""The ways the app starts: the factory, `python app.py` and `gunicorn app:server`."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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
        assert b"react-entry-point" in wait_for(f"http://127.0.0.1:{port}/embed", process)
        layout = wait_for(f"http://127.0.0.1:{port}/_dash-layout", process)
        assert b"timeline-graph" in layout
    finally:
        process.terminate()
        process.wait(timeout=10)
