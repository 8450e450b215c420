"""Who may edit: every request that changes data needs the secret and the cross-site token."""
from __future__ import annotations

import base64
import json
import re

import pytest

from support import BUNDLED_CSV as GOOD
from timeline.app_factory import create_app
from timeline.config import Config, ConfigError
from timeline.data_store import content_version
from timeline.editor.access import CSRF_COOKIE, CSRF_HEADER, FailedAttempts
from timeline.editor.rows import ROW_KEY, table_from_bytes
from timeline.editor.table_delta import key_runs

SECRET = "a newsroom passphrase"


def client_for(data, secret=SECRET):
    return create_app(Config(data_path=data, edit_secret=secret)).server.test_client()


def log_in(client, secret=SECRET):
    page = client.get("/edit/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/edit/login", data={"secret": secret, "name": "Test editor", "csrf_token": token})


def save_request(client, data_path, new_title: str) -> dict:
    """The body the editor page posts when Save is clicked, with one title changed:
    the table as what changed since the version on disk (grid-state.js tableDelta)."""
    dependencies = client.get("/edit/_dash-dependencies").json
    [save] = [d for d in dependencies if d["inputs"] == [{"id": "edit-save-table",
                                                          "property": "data"}]]
    data = data_path.read_bytes()
    table = table_from_bytes(data)
    keys = key_runs([row[ROW_KEY] for row in table.rows])
    changed = {c: table.rows[0][c] for c in table.file_format.columns} | {"title": new_title}
    delta = {"base": content_version(data), "baseKeys": keys, "order": keys,
             "rows": {table.rows[0][ROW_KEY]: changed}, "action": "save", "selected": [],
             "at": 1.0}
    outputs = [dict(zip(("id", "property"), part.split("@")[0].split(".")))
               for part in save["output"].strip(".").split("...")]
    return {"output": save["output"], "outputs": outputs,
            "inputs": [{"id": "edit-save-table", "property": "data", "value": delta}],
            "state": [{"id": "edit-format", "property": "data",
                       "value": table.file_format.to_dict()},
                      {"id": "edit-base-version", "property": "data",
                       "value": content_version(data)},
                      {"id": "edit-edits", "property": "data", "value": 1}],
            "changedPropIds": ["edit-save-table.data"]}


def test_without_a_secret_editing_is_off_and_says_how_to_turn_it_on(data):
    client = client_for(data, secret="")
    page = client.get("/edit/")
    assert page.status_code == 200 and "TIMELINE_EDIT_SECRET" in page.text
    for method, path in [("post", "/edit/_dash-update-component"), ("post", "/edit/login"),
                         ("get", "/edit/_dash-layout"), ("get", "/edit/download")]:
        response = getattr(client, method)(path, json={})
        assert response.status_code in (200, 403) and "Editing is off" in response.text
    assert data.read_bytes() == GOOD


@pytest.mark.parametrize("weak, reason", [
    (" " * 12, "only whitespace"), ("\t \n" * 6, "only whitespace"),
    ("aaaaaaaaaaaa", "fewer than 8 different characters"),
    ("abcabcabcabcabcabc", "fewer than 8 different characters"),
    ("k3yZ!q", "shorter than 12 characters")])
def test_a_weak_secret_stops_the_start_and_says_why(data, weak, reason):
    with pytest.raises(ConfigError) as raised:
        client_for(data, secret=weak)
    message = str(raised.value)
    assert message.startswith("TIMELINE_EDIT_SECRET: ") and reason in message
    assert "\n" not in message and weak not in message  # one line, and never the secret
    # Eight different characters in twelve are enough.
    assert log_in(client_for(data, secret="abcdefghabcd"), "abcdefghabcd").status_code == 302


def test_the_editor_needs_a_session(data):
    client = client_for(data)
    assert client.get("/edit/").headers["Location"].endswith("/edit/login")
    for path in ["/edit/_dash-layout", "/edit/_dash-dependencies", "/edit/download"]:
        assert client.get(path).status_code == 401
    assert client.post("/edit/_dash-update-component", json={}).status_code == 401


def test_a_session_cookie_is_httponly_and_samesite(data):
    client = client_for(data)
    response = log_in(client)
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("timeline_editor="))
    assert "HttpOnly" in session and "SameSite=Strict" in session and "Path=/edit/" in session
    # Served over HTTPS, the cookies are Secure.
    secure = client_for(data).get("/edit/login", base_url="https://localhost")
    assert "Secure" in secure.headers["Set-Cookie"]


def test_a_save_needs_the_cross_site_token(data):
    client = client_for(data)
    log_in(client)
    body = save_request(client, data, "Changed without a token")
    refused = client.post("/edit/_dash-update-component", json=body)
    assert refused.status_code == 403 and data.read_bytes() == GOOD
    wrong = client.post("/edit/_dash-update-component", json=body,
                        headers={CSRF_HEADER: "0" * 64})
    assert wrong.status_code == 403 and data.read_bytes() == GOOD
    token = client.get_cookie(CSRF_COOKIE, path="/edit/").value
    accepted = client.post("/edit/_dash-update-component", json=body,
                           headers={CSRF_HEADER: token})
    assert accepted.status_code == 200, accepted.text
    assert "Saved version" in accepted.text
    assert b"Changed without a token" in data.read_bytes()


def test_a_save_without_the_secret_changes_nothing(data):
    client = client_for(data)
    log_in(client)
    body = save_request(client, data, "Changed")
    stranger = client_for(data)
    assert stranger.post("/edit/_dash-update-component", json=body).status_code == 401
    assert data.read_bytes() == GOOD


def test_a_cross_site_login_and_logout_are_refused(data):
    client = client_for(data)
    response = client.post("/edit/login", data={"secret": SECRET})
    assert response.status_code == 403 and "timeline_editor=" not in str(
        response.headers.getlist("Set-Cookie"))
    log_in(client)
    assert client.post("/edit/logout").status_code == 403
    token = client.get_cookie(CSRF_COOKIE, path="/edit/").value
    assert client.post("/edit/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/edit/download").status_code == 401


def test_failed_attempts_are_limited(data):
    client = client_for(data)
    for _ in range(5):
        assert log_in(client, "wrong guess, sorry").status_code == 401
    assert log_in(client, "wrong guess again").status_code == 429
    assert log_in(client).status_code == 429  # even the right secret waits


def test_the_attempt_counter_forgets_after_its_window():
    now = [1000.0]
    attempts = FailedAttempts(limit=2, window=60, clock=lambda: now[0])
    attempts.record_failure("a")
    now[0] += 10
    attempts.record_failure("a")
    assert attempts.locked_for("a") == 50 and attempts.locked_for("b") == 0
    now[0] += 49.5  # the first failure is still inside its window
    assert attempts.locked_for("a") == 0.5
    now[0] += 0.5   # and now out of it: one failure left, under the limit
    assert attempts.locked_for("a") == 0
    attempts.record_failure("a")
    assert attempts.locked_for("a") == 10  # until the second one leaves its window


def test_download_neutralises_formulas(data):
    data.write_bytes(GOOD.replace(b"Kim and Putin meet", b"=HYPERLINK(\"http://x\") meet"))
    client = client_for(data)
    log_in(client)
    download = client.get("/edit/download")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "'=HYPERLINK" in download.text


def test_the_conflict_views_download_neutralises_formulas_too(data):
    client = client_for(data)
    log_in(client)
    [download_mine] = [d for d in client.get("/edit/_dash-dependencies").json
                       if d["inputs"] == [{"id": "edit-download-mine-button",
                                           "property": "n_clicks"}]]
    table = table_from_bytes(data.read_bytes())
    rows = [dict(r) for r in table.rows]
    rows[0]["title"] = '=HYPERLINK("http://x") meet'
    rows[1]["title"] = "@SUM(A1)"
    answer = client.post("/edit/_dash-update-component", headers={
        CSRF_HEADER: client.get_cookie(CSRF_COOKIE, path="/edit/").value}, json={
        "output": download_mine["output"],
        "outputs": {"id": "edit-download-mine", "property": "data"},
        "inputs": [{"id": "edit-download-mine-button", "property": "n_clicks", "value": 1}],
        "state": [{"id": "edit-grid", "property": "rowData", "value": rows},
                  {"id": "edit-format", "property": "data",
                   "value": table.file_format.to_dict()}],
        "changedPropIds": ["edit-download-mine-button.n_clicks"]})
    assert answer.status_code == 200, answer.text
    sent = answer.json["response"]["edit-download-mine"]["data"]
    csv_text = base64.b64decode(sent["content"]).decode("utf-8")
    assert "'=HYPERLINK" in csv_text and "'@SUM(A1)" in csv_text
    assert "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text


def test_readers_pages_carry_no_edit_controls(data):
    client = client_for(data)
    for path in ["/", "/embed", "/_dash-layout", "/_dash-dependencies"]:
        text = client.get(path).text
        assert "edit-" not in text and "/edit" not in text, path
    assert "_csrf_token" not in client.get("/").headers.get("Set-Cookie", "")


def test_healthz_reports_the_data(data):
    health = client_for(data).get("/healthz").json
    assert health["status"] == "ok" and health["events"] == 27
    assert health["version"] == content_version(GOOD) and health["errors"] == 0
    assert json.dumps(health)  # plain JSON


# ------------------------------------------------------------ the editor's name

def post_login(client, name: str, secret: str = SECRET):
    page = client.get("/edit/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/edit/login", data={"secret": secret, "name": name, "csrf_token": token})


@pytest.mark.parametrize("name, problem", [
    ("", "Type your name"), ("  \t\n ", "Type your name"), ("\u202e\u200b", "Type your name"),
    ("x" * 61, "60 characters at most")])
def test_a_login_without_a_usable_name_is_asked_again(data, name, problem):
    client = client_for(data)
    response = post_login(client, name)
    assert response.status_code == 400 and problem in response.text
    assert client.get("/edit/").status_code == 302  # no session
    # The form keeps the name typed, as text.
    evil = post_login(client, '"><script>alert(1)</script>' + "x" * 60)
    assert evil.status_code == 400 and "<script>" not in evil.text
    assert 'value="&#34;&gt;&lt;script&gt;' in evil.text or "&quot;&gt;&lt;script" in evil.text


def test_the_name_is_cleaned_kept_in_the_session_and_shown_as_text(data):
    from timeline.editor.access import clean_editor_name
    assert clean_editor_name("  Anna\u202e \n  K\u0301 ") == "Anna Ḱ"
    client = client_for(data)
    assert post_login(client, "  <b>Anna</b>\t").status_code == 302
    layout = client.get("/edit/_dash-layout").get_data(as_text=True)
    [shown] = re.findall(r'\{"props":\{"children":("[^"]*"),"id":"edit-name"', layout)
    assert json.loads(shown) == "<b>Anna</b>"  # a string child: React draws it as text
    # A wrong secret with a name is still a wrong secret.
    assert post_login(client_for(data), "Anna", secret="not the secret").status_code == 401
