"""Wrong secrets are limited per client, behind the proxy too, and never lock everyone out."""
from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from test_editor_access import SECRET
from test_faults import _answers, free_port
from timeline.app_factory import create_app
from timeline.config import REPOSITORY, Config, ConfigError
from timeline.editor.access import GLOBAL_FAILURES, GLOBAL_SPACING_SECONDS, MAX_FAILURES

WRONG = "wrong guess, sorry"
PROXY = "127.0.0.1"  # nginx on the same machine, as docs/security.md sets it up
GUESSER, EDITOR = "198.51.100.7", "203.0.113.9"


def app_for(data, **settings):
    return create_app(Config(data_path=data, edit_secret=SECRET, **settings))


def attempt(client, secret: str, forwarded_for: str | None = None, peer: str = PROXY):
    """A login from `peer` (the connection's address) carrying `X-Forwarded-For`."""
    environ = {"REMOTE_ADDR": peer}
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    page = client.get("/edit/login", environ_base=environ, headers=headers)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/edit/login", data={"secret": secret, "name": "Test editor", "csrf_token": token},
                       environ_base=environ, headers=headers)


def test_one_clients_guesses_behind_the_proxy_do_not_lock_out_another(data):
    client = app_for(data).server.test_client()
    for _ in range(MAX_FAILURES):
        assert attempt(client, WRONG, GUESSER).status_code == 401
    locked = attempt(client, SECRET, GUESSER)
    assert locked.status_code == 429 and "Too many wrong attempts" in locked.text
    assert 14 * 60 < int(locked.headers["Retry-After"]) <= 15 * 60
    # The proxy appends the address it saw: what the client wrote before it is not believed.
    assert attempt(client, SECRET, f"{EDITOR}, {GUESSER}").status_code == 429
    assert attempt(client, SECRET, EDITOR).status_code == 302


def test_x_forwarded_for_from_anyone_but_a_trusted_proxy_is_ignored(data):
    client = app_for(data).server.test_client()
    stranger = "192.0.2.10"
    for number in range(MAX_FAILURES):
        assert attempt(client, WRONG, f"10.0.0.{number}", peer=stranger).status_code == 401
    assert attempt(client, SECRET, EDITOR, peer=stranger).status_code == 429


def test_the_trusted_proxies_are_a_setting(data):
    client = app_for(data, trusted_proxies="10.0.0.0/8, 2001:db8::1").server.test_client()
    for _ in range(MAX_FAILURES):
        assert attempt(client, WRONG, GUESSER, peer="10.20.30.40").status_code == 401
    assert attempt(client, SECRET, EDITOR, peer="10.99.0.1").status_code == 302
    # Loopback is no longer trusted: its X-Forwarded-For is ignored.
    for number in range(MAX_FAILURES):
        assert attempt(client, WRONG, f"192.0.2.{number}", peer="127.0.0.1").status_code == 401
    assert attempt(client, SECRET, EDITOR, peer="127.0.0.1").status_code == 429
    for bad in ("localhost", "10.0.0.0/33", "127.0.0.1;"):
        with pytest.raises(ConfigError, match="TIMELINE_TRUSTED_PROXIES: .* not an IP address"):
            app_for(data, trusted_proxies=bad)


def test_none_trusts_no_proxy(data):
    client = app_for(data, trusted_proxies="none").server.test_client()
    for number in range(MAX_FAILURES):
        assert attempt(client, WRONG, f"192.0.2.{number}").status_code == 401
    assert attempt(client, SECRET, EDITOR).status_code == 429


def test_guesses_from_many_clients_slow_everyone_briefly_but_lock_no_one_out(data):
    app = app_for(data)
    now = [5000.0]
    app.server.extensions["timeline_editor_access"].pace.clock = lambda: now[0]
    client = app.server.test_client()
    # Each address stays under its own limit; together they pass the global one.
    for number in range(GLOBAL_FAILURES):
        assert attempt(client, WRONG, f"192.0.2.{number}").status_code == 401
        now[0] += 1
    now[0] -= 1
    paced = attempt(client, SECRET, EDITOR)
    assert paced.status_code == 429 and "try again in 5 seconds" in paced.text
    assert paced.headers["Retry-After"] == str(GLOBAL_SPACING_SECONDS)
    now[0] += 3  # two seconds to go; a guess meanwhile is not even judged
    assert attempt(client, SECRET, "192.0.2.200").headers["Retry-After"] == "2"
    now[0] += 2
    assert attempt(client, SECRET, EDITOR).status_code == 302
    # Each wrong guess past the limit holds the next attempt back a few seconds more.
    assert attempt(client, WRONG, "192.0.2.201").status_code == 401
    assert attempt(client, SECRET, EDITOR).status_code == 429
    now[0] += GLOBAL_SPACING_SECONDS
    assert attempt(client, SECRET, EDITOR).status_code == 302
    # After the window, the pace is normal again.
    now[0] += 15 * 60
    assert attempt(client, WRONG, "192.0.2.202").status_code == 401
    assert attempt(client, SECRET, EDITOR).status_code == 302


# ------------------------------------------------------------------ through gunicorn

class Browser:
    """One keep-alive connection to gunicorn, with the login form's cookie."""

    def __init__(self, port: int, forwarded_for: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.forwarded_for = forwarded_for

    def log_in(self, secret: str) -> int:
        self.connection.request("GET", "/edit/login",
                                headers={"X-Forwarded-For": self.forwarded_for})
        page = self.connection.getresponse()
        text = page.read().decode()
        cookie = page.getheader("Set-Cookie").split(";")[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)
        self.connection.request(
            "POST", "/edit/login", body=urlencode({"secret": secret, "name": "Test editor", "csrf_token": token}),
            headers={"X-Forwarded-For": self.forwarded_for, "Cookie": cookie,
                     "Content-Type": "application/x-www-form-urlencoded"})
        answer = self.connection.getresponse()
        answer.read()
        return answer.status


def test_through_gunicorn_one_clients_guesses_do_not_lock_out_another(data):
    """gunicorn with the committed settings, as the issue measured it: one worker, so
    every request meets the same counter, and every client comes through loopback."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py",
         "--workers", "1", "--bind", f"127.0.0.1:{port}", "app:server"],
        cwd=REPOSITORY, env={**os.environ, "TIMELINE_DATA": str(data),
                             "TIMELINE_EDIT_SECRET": SECRET},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not _answers(port):
            assert server.poll() is None, "gunicorn stopped"
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        guesser = Browser(port, GUESSER)
        assert [guesser.log_in(WRONG) for _ in range(MAX_FAILURES)] == [401] * MAX_FAILURES
        assert guesser.log_in(SECRET) == 429
        assert Browser(port, EDITOR).log_in(SECRET) == 302
    finally:
        server.terminate()
        server.wait(timeout=20)
