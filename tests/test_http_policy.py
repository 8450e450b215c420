"""Security headers on every answer: the CSP allows exactly the pages' own scripts."""
from __future__ import annotations

import base64
import hashlib
import html
import re
from datetime import date

import pytest
from dash import Input, Output

from timeline.app_factory import create_app
from support import BUNDLED_CSV
from timeline.config import Config
from timeline.data_store import snapshot_of
from timeline.embed.static_export import export_static
from timeline.serving.http_policy import content_security_policy, frame_ancestor_sources

SECRET = "a newsroom passphrase"
INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)


def client_for(data, **settings):
    return create_app(Config(data_path=data, **settings)).server.test_client()


def log_in(client):
    page = client.get("/edit/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert client.post("/edit/login", data={"secret": SECRET, "name": "Test editor", "csrf_token": token}).status_code == 302


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:])
            for part in (p.strip() for p in policy.split(";")) if part}


def inline_script_hashes(page: str) -> list[str]:
    """The CSP hashes of the scripts a browser would run from the page's own text."""
    hashes = []
    page = re.sub(r"<!--.*?-->", "", page, flags=re.S)  # Dash's IE notice is in a comment
    for match in INLINE_SCRIPT.finditer(page):
        attrs = match["attrs"]
        if "src=" in attrs or 'type="application/json"' in attrs:
            continue
        digest = hashlib.sha256(match["body"].encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return hashes


def assert_strict(policy: dict[str, str]) -> None:
    assert "unsafe-eval" not in " ".join(policy.values())
    assert policy["script-src"].split()[0] == "'self'"
    assert "unsafe-inline" not in policy["script-src"]
    assert policy["default-src"] == "'self'"
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["img-src"] == "'self' data: blob: https: http:"
    # Sounds and videos from wherever pictures may come; frames from the two
    # privacy-enhanced players only (timeline/engine/web/media.js).
    assert policy["media-src"] == "'self' https: http:"
    assert policy["frame-src"] == "https://www.youtube-nocookie.com https://player.vimeo.com"
    assert "child-src" not in policy and "worker-src" not in policy
    assert policy["connect-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"


def assert_common(response) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_explorer_allows_its_inline_scripts_by_hash_and_nothing_else(data):
    response = client_for(data).get("/")
    assert_common(response)
    policy = directives(response)
    assert_strict(policy)
    page_hashes = inline_script_hashes(response.text)
    assert page_hashes, "Dash's page has inline scripts (its renderer, clientside callbacks)"
    assert sorted(policy["script-src"].split()[1:]) == sorted(set(page_hashes))
    assert policy["frame-ancestors"] == "'self'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_embed_may_be_framed_by_any_site_by_default(data):
    client = client_for(data)
    response = client.get("/embed")
    assert_common(response)
    policy = directives(response)
    assert_strict(policy)
    assert policy["frame-ancestors"] == "*"
    assert "X-Frame-Options" not in response.headers
    # The light embed runs script files and one inline script (the chart
    # preview's guard), allowed by its hash and nothing else.
    page_hashes = inline_script_hashes(response.text)
    assert len(page_hashes) == 1
    assert policy["script-src"].split() == ["'self'", *page_hashes]
    for url in re.findall(r'data-(?:events|actor-figure)="([^"]+)"', response.text):
        data_response = client.get(url)
        assert data_response.status_code == 200
        assert_common(data_response)
        assert "X-Frame-Options" not in data_response.headers
        assert data_response.headers["Content-Security-Policy"] == "frame-ancestors *"


def test_the_frame_ancestors_allow_list_is_honoured_on_the_embed_only(data):
    client = client_for(data, frame_ancestors="https://news.example  https://*.partner.example:8443")
    embed = client.get("/embed")
    assert directives(embed)["frame-ancestors"] == \
        "https://news.example https://*.partner.example:8443"
    assert "X-Frame-Options" not in embed.headers
    explorer = client.get("/")
    assert directives(explorer)["frame-ancestors"] == "'self'"
    assert explorer.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get("/healthz").headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_setting_comes_from_the_environment(monkeypatch, data):
    monkeypatch.setenv("TIMELINE_FRAME_ANCESTORS", "'self' https://news.example")
    config = Config.from_environment(data_path=str(data))
    assert config.frame_ancestors == "'self' https://news.example"
    response = create_app(config).server.test_client().get("/embed")
    assert directives(response)["frame-ancestors"] == "'self' https://news.example"


@pytest.mark.parametrize("value, sources", [
    ("*", "*"),
    ("", "*"),
    ("self", "'self'"),
    ("'none'", "'none'"),
    ("https://news.example/ https://news.example", "https://news.example"),
    ("https://news.example,https://other.example", "https://news.example https://other.example"),
    ("https:", "https:"),
    ("news.example:443", "news.example:443"),
])
def test_frame_ancestor_values(value, sources):
    assert frame_ancestor_sources(value) == sources


@pytest.mark.parametrize("value", ["https://news.example/path", "https://news.example;script-src *",
                                   "'unsafe-inline'", "'none' https://news.example",
                                   "https://exa mple.com'"])
def test_a_malformed_allow_list_stops_the_app(value, data):
    with pytest.raises(ValueError, match="TIMELINE_FRAME_ANCESTORS"):
        frame_ancestor_sources(value)
    with pytest.raises(ValueError):
        create_app(Config(data_path=data, frame_ancestors=value))


def test_editing_off_page_and_login_page_carry_the_policy(data):
    off = client_for(data).get("/edit/")
    assert_common(off)
    assert_strict(directives(off))
    assert directives(off)["frame-ancestors"] == "'self'"
    assert off.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert inline_script_hashes(off.text) == []

    login = client_for(data, edit_secret=SECRET).get("/edit/login")
    assert_common(login)
    policy = directives(login)
    assert_strict(policy)
    assert policy["script-src"] == "'self'"  # a form and a style, no script
    assert inline_script_hashes(login.text) == []
    assert login.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_editor_allows_its_own_inline_scripts_not_the_explorers(data):
    """Each Dash app's page allows the inline scripts of that app alone. Neither
    page has one of its own now (their clientside functions are script files), so
    the explorer is given one here, as an inline clientside callback."""
    app = create_app(Config(data_path=data, edit_secret=SECRET))
    app.clientside_callback("function (value) { return value; }",
                            Output("event-count", "title"), Input("search", "value"))
    client = app.server.test_client()
    log_in(client)
    explorer = client.get("/")
    explorer_hashes = set(inline_script_hashes(explorer.text))
    assert set(directives(explorer)["script-src"].split()[1:]) == explorer_hashes
    editor = client.get("/edit/")
    assert editor.status_code == 200
    assert_common(editor)
    policy = directives(editor)
    assert_strict(policy)
    editor_hashes = set(inline_script_hashes(editor.text))
    assert editor_hashes and set(policy["script-src"].split()[1:]) == editor_hashes
    assert explorer_hashes - editor_hashes, "the explorer's own inline script"
    assert policy["frame-ancestors"] == "'self'"
    assert editor.headers["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize("path", ["/healthz", "/no-such-file.js", "/static/nothing.js",
                                  "/embed.js", "/edit/download"])
def test_every_answer_gets_nosniff_and_a_referrer_policy(data, path):
    response = client_for(data, edit_secret=SECRET).get(path)
    assert_common(response)


def test_the_policy_text():
    policy = content_security_policy(["'sha256-abc='"], "https://news.example")
    assert policy == ("default-src 'self'; script-src 'self' 'sha256-abc='; "
                      "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https: http:; "
                      "media-src 'self' https: http:; "
                      "frame-src https://www.youtube-nocookie.com https://player.vimeo.com; "
                      "connect-src 'self'; object-src 'none'; base-uri 'self'; "
                      "form-action 'self'; frame-ancestors https://news.example")


def test_the_static_export_carries_the_embeds_policy_but_frame_ancestors(tmp_path):
    """A static host sends none of our headers: the exported page says its policy
    itself, in a meta element before any script, the same as /embed's but for
    frame-ancestors (a meta element cannot say it)."""
    export_static(snapshot_of(BUNDLED_CSV, "events.csv"), tmp_path, Config(), date(2026, 1, 1))
    page = (tmp_path / "index.html").read_text("utf-8")
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert meta and meta.start() < page.index("<script")
    policy = {part.split()[0]: " ".join(part.split()[1:])
              for part in html.unescape(meta.group(1)).split("; ")}
    assert_strict(policy)
    assert "frame-ancestors" not in policy
    assert policy["script-src"].split() == ["'self'", *inline_script_hashes(page)]


def test_nothing_under_edit_is_kept_by_a_browser_or_a_cache(data):
    """The editor's pages, Dash's routes and errors there carry the notes, the whole
    file or who is logged in: `no-store` on every answer, with a session or without."""
    client = client_for(data, edit_secret=SECRET)
    answers = {"login": client.get("/edit/login"), "door": client.get("/edit/"),
               "layout, no session": client.get("/edit/_dash-layout"),
               "callback, no session": client.post("/edit/_dash-update-component", json={})}
    log_in(client)
    token = client.get_cookie("_csrf_token", path="/edit/").value
    [history] = [d for d in client.get("/edit/_dash-dependencies").json
                 if d["inputs"] == [{"id": "edit-history", "property": "value"}]]
    show_version = {"output": history["output"], "changedPropIds": ["edit-history.value"],
                    "outputs": [{"id": "edit-history-diff", "property": "children"},
                                {"id": "edit-restore", "property": "disabled"}],
                    "inputs": [{"id": "edit-history", "property": "value", "value": None}]}
    page = client.get("/edit/")
    answers |= {
        "page": page, "layout": client.get("/edit/_dash-layout"),
        "dependencies": client.get("/edit/_dash-dependencies"),
        "download": client.get("/edit/download"), "unknown": client.get("/edit/nothing-here"),
        "callback": client.post("/edit/_dash-update-component", json=show_version,
                                headers={"X-CSRFToken": token}),
        "callback, no token": client.post("/edit/_dash-update-component", json=show_version),
        "malformed callback": client.post("/edit/_dash-update-component", json={},
                                          headers={"X-CSRFToken": token}),
        "logout": client.post("/edit/logout", data={"csrf_token": token})}
    assert {name: response.status_code for name, response in answers.items()} == {
        "login": 200, "door": 302, "layout, no session": 401, "callback, no session": 401,
        "page": 200, "layout": 200, "dependencies": 200, "download": 200, "unknown": 404,
        "callback": 200, "callback, no token": 403, "malformed callback": 400, "logout": 302}
    assert {name: response.headers.get("Cache-Control")
            for name, response in answers.items()} == dict.fromkeys(answers, "no-store")
    assert not any(response.headers.get("ETag") for response in answers.values())
    # Dash's fingerprinted library bundles hold no data (the same bytes for anyone).
    bundle = re.search(r'src="(/edit/_dash-component-suites/[^"]+\.v[^"]+)"', page.text)[1]
    log_in(client)  # again: the bundles too are behind the door
    assert "immutable" in client.get(bundle).headers["Cache-Control"]


# ------------------------------------------------------------------ what the browser may do

@pytest.mark.parametrize("path", ["/", "/embed", "/embed.js", "/healthz", "/edit/login",
                                  "/no-such-page"])
def test_every_answer_denies_the_browser_features_the_app_never_uses(data, path):
    response = client_for(data, edit_secret=SECRET).get(path)
    policy = dict(part.strip().split("=", 1)
                  for part in response.headers["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb",
                    "display-capture", "autoplay"):
        assert policy.pop(feature) == "()", feature
    # Full screen and picture-in-picture: the page's own video files and the two
    # video players' frames (engine/web/media.js), no other site.
    players = '(self "https://www.youtube-nocookie.com" "https://player.vimeo.com")'
    assert policy.pop("fullscreen") == policy.pop("picture-in-picture") == players
    assert set(policy.values()) <= {"()"}  # and nothing else is allowed either


@pytest.mark.parametrize("path", ["/", "/healthz", "/embed.js", "/edit/login", "/oembed"])
def test_pages_other_than_the_embed_keep_other_sites_windows_out(data, path):
    response = client_for(data, edit_secret=SECRET).get(path)
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_embed_can_still_be_opened_and_reached_by_an_articles_page(data):
    client = client_for(data)
    for path in ("/embed", "/embed?actor=Kim+Jong-un"):
        assert "Cross-Origin-Opener-Policy" not in client.get(path).headers, path


def test_https_is_required_of_browsers_only_when_the_public_address_is_https(data):
    secure = client_for(data, public_url="https://timeline.example.org/")
    for path in ("/", "/embed", "/healthz"):
        assert secure.get(path, base_url="https://timeline.example.org").headers[
            "Strict-Transport-Security"] == "max-age=31536000", path
    for settings in ({}, {"public_url": "http://timeline.example.org/"}):
        assert "Strict-Transport-Security" not in client_for(data, **settings).get("/").headers
