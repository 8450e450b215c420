"""An editor's session ends at once on logout or a new secret, and after idle time."""
from __future__ import annotations

import json

import pytest

from test_editor_access import SECRET, log_in
from timeline.app_factory import create_app
from timeline.config import Config, ConfigError
from timeline.editor.access import CSRF_COOKIE, SESSION_COOKIE
from timeline.editor.sessions import FOLDER_NAME

MINUTE = 60


def app_for(data, secret=SECRET, **settings):
    return create_app(Config(data_path=data, edit_secret=secret, **settings))


def logged_in(app):
    client = app.server.test_client()
    assert log_in(client).status_code == 302
    return client


def session_cookie(client) -> str:
    return client.get_cookie(SESSION_COOKIE, path="/edit/").value


def opens_the_editor(app, cookie: str) -> int:
    """The status of a download with only this session cookie, from a fresh browser."""
    replay = app.server.test_client()
    replay.set_cookie(SESSION_COOKIE, cookie, path="/edit/")
    return replay.get("/edit/download").status_code


def log_out(client) -> int:
    token = client.get_cookie(CSRF_COOKIE, path="/edit/").value
    return client.post("/edit/logout", data={"csrf_token": token}).status_code


def clock_of(app, start: float = 1_700_000_000.0) -> list[float]:
    """Replace the app's session clock with one the test moves: now[0]."""
    now = [start]
    app.server.extensions["timeline_editor_access"].sessions.clock = lambda: now[0]
    return now


def test_logging_out_ends_the_session_at_once(data):
    app = app_for(data)
    client = logged_in(app)
    cookie = session_cookie(client)
    assert opens_the_editor(app, cookie) == 200
    assert log_out(client) == 302
    assert opens_the_editor(app, cookie) == 401
    # Every worker reads the same record: another process on the same data agrees.
    assert opens_the_editor(app_for(data), cookie) == 401


def test_a_session_opened_in_one_worker_works_in_another_and_ends_in_both(data):
    first, second = app_for(data), app_for(data)
    client = logged_in(first)
    cookie = session_cookie(client)
    assert opens_the_editor(second, cookie) == 200
    other_browser = logged_in(second)  # a colleague's session is not touched by ours
    assert log_out(client) == 302
    assert opens_the_editor(second, cookie) == 401
    assert opens_the_editor(first, session_cookie(other_browser)) == 200


def test_a_new_secret_ends_every_session(data):
    app = app_for(data)
    cookie = session_cookie(logged_in(app))
    assert opens_the_editor(app_for(data, secret="another newsroom passphrase"), cookie) == 401


def test_an_idle_session_ends(data):
    app = app_for(data, edit_idle_minutes=30)
    now = clock_of(app)
    cookie = session_cookie(logged_in(app))
    for _ in range(3):  # each request within the idle time keeps it going
        now[0] += 29 * MINUTE
        assert opens_the_editor(app, cookie) == 200
    now[0] += 30 * MINUTE
    assert opens_the_editor(app, cookie) == 401
    now[0] -= 25 * MINUTE  # and it stays ended, even if the clock were to go back
    assert opens_the_editor(app, cookie) == 401


def test_the_idle_time_defaults_to_two_hours(data):
    app = app_for(data)
    now = clock_of(app)
    cookie = session_cookie(logged_in(app))
    now[0] += 119 * MINUTE
    assert opens_the_editor(app, cookie) == 200
    now[0] += 120 * MINUTE
    assert opens_the_editor(app, cookie) == 401


def test_a_busy_session_still_ends_at_twelve_hours(data):
    app = app_for(data)
    now = clock_of(app)
    cookie = session_cookie(logged_in(app))
    for _ in range(12 * 2 - 1):
        now[0] += 30 * MINUTE
        assert opens_the_editor(app, cookie) == 200
    now[0] += 30 * MINUTE
    assert opens_the_editor(app, cookie) == 401


def test_the_idle_time_comes_from_the_environment(monkeypatch, data):
    monkeypatch.setenv("TIMELINE_EDIT_IDLE_MINUTES", "45")
    assert Config.from_environment().edit_idle_minutes == 45
    for bad in ("two hours", "0", "-5", "1.5"):
        monkeypatch.setenv("TIMELINE_EDIT_IDLE_MINUTES", bad)
        with pytest.raises(ConfigError, match="TIMELINE_EDIT_IDLE_MINUTES: .* whole number"):
            Config.from_environment()


def test_a_damaged_record_of_sessions_ends_them_and_logging_in_mends_it(data):
    app = app_for(data)
    cookie = session_cookie(logged_in(app))
    records = data.parent / FOLDER_NAME / "sessions.json"
    assert cookie not in records.read_text()  # the file alone opens nothing
    records.write_text('{"half a file')
    assert opens_the_editor(app, cookie) == 401
    fresh = session_cookie(logged_in(app))
    assert opens_the_editor(app, fresh) == 200
    assert len(json.loads(records.read_text())) == 1


def test_a_session_that_cannot_be_recorded_is_refused_plainly(data):
    (data.parent / FOLDER_NAME).write_text("a file where the folder should be")
    client = app_for(data).server.test_client()
    response = log_in(client)
    assert response.status_code == 503 and response.mimetype == "text/plain"
    assert "cannot write its record of sessions" in response.text
    assert not client.get_cookie(SESSION_COOKIE, path="/edit/")
