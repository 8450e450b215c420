"""A folder of timelines from one app (issue 18): each at /t/<slug>/ with its own
categories and embed, the default still at / and /embed, the index at /t/, drafts
for editors only, files added, changed and removed while it runs."""
from __future__ import annotations

import gc
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path

import flask
import pytest

from support import csv_bytes
from test_app import free_port, wait_for
from timeline.app_factory import create_app
from timeline.config import Config
from timeline.folder.catalogue import Catalogue, is_slug, slug_problem
from timeline.folder.site import TimelineApps, create_site

REPOSITORY = Path(__file__).resolve().parent.parent
TIMELINES = Path(__file__).parent / "data" / "timelines"
SECRET = "a newsroom passphrase"


@pytest.fixture
def folder(timelines_folder):
    """The shared folder of three timelines (conftest.py): events, courts, harbour."""
    return timelines_folder


def site_of(folder: Path, **settings) -> flask.Flask:
    return create_site(Config(data_path=folder / "events.csv", folder=folder, **settings))


def events_file(client, page: str) -> dict:
    """The events' JSON a page names (its preload link)."""
    body = client.get(page).get_data(as_text=True)
    address = re.search(r'rel="preload" href="([^"]+)"', body).group(1)
    return client.get(address).get_json()


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True)).group(1)


def eventually(check, seconds: float = 2.0):
    """`check()`'s first true answer within `seconds` (the folder is looked at twice a
    second); the last answer otherwise."""
    deadline = time.monotonic() + seconds
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def test_two_timelines_side_by_side_each_with_its_own_categories_and_embed(folder):
    client = site_of(folder).test_client()
    courts, harbour = events_file(client, "/t/courts/"), events_file(client, "/t/harbour/")
    assert courts["categories"] == ["hearings", "rulings", "appeals"]
    assert courts["colours"]["hearings"] == "#1b6ca8"
    assert harbour["categories"][:3] == ["ferries", "cargo", "storms"]
    assert harbour["colours"]["ferries"] == "#00695c"
    assert (len(courts["events"]["id"]), len(harbour["events"]["id"])) == (5, 5)
    embed = client.get("/t/harbour/embed?category=storms")
    assert embed.status_code == 200 and title_of(embed) == "A year at the harbour"
    # Each page names its own data and the addresses of its own timeline.
    body = embed.get_data(as_text=True)
    assert "/t/harbour/embed/data/" in body and "/t/courts/" not in body
    assert client.get("/t/courts/healthz").get_json()["events"] == 5


def test_old_links_answer_as_before_with_the_default_timeline(folder):
    client = site_of(folder).test_client()
    alone = create_app(Config(data_path=folder / "events.csv")).server.test_client()
    for page in ("/", "/embed", "/embed?actor=Kim%20Jong-un", "/healthz"):
        ours, before = client.get(page), alone.get(page)
        assert ours.status_code == before.status_code == 200, page
    assert title_of(client.get("/")) == title_of(alone.get("/"))
    assert events_file(client, "/")["events"] == events_file(alone, "/")["events"]
    # The same timeline is also at /t/events/, addressed there.
    assert "/t/events/embed/data/" in client.get("/t/events/").get_data(as_text=True)
    assert client.get("/t/events").status_code == 308


def test_the_index_lists_published_timelines_and_searches_them(folder):
    (folder / "draft-story.csv").write_bytes(
        (TIMELINES / "courts.csv").read_bytes().replace(
            b",,,,The bridge case in court,", b",,,,A secret draft,", 1).replace(
            b"title,,,\n", b"title,status=draft,,\n", 1))
    client = site_of(folder, edit_secret=SECRET).test_client()
    index = client.get("/t/").get_data(as_text=True)
    titles = re.findall(r'<h2><a href="[^"]+">([^<]+)</a>', index)
    assert sorted(titles) == ["A year at the harbour", "Russia and North Korea: a timeline",
                              "The bridge case in court"]
    assert "A secret draft" not in index and "draft-story" not in index
    assert "5 events · 2021–2022" in index
    assert 'href="/t/courts/embed"' in index and 'href="/t/courts/edit/"' in index
    # With editing off, no Edit link leads readers to a closed door.
    closed = site_of(folder).test_client().get("/t/").get_data(as_text=True)
    assert 'href="/t/courts/embed"' in closed and "/edit/" not in closed
    found = client.get("/t/?q=HARBOUR ferries").get_data(as_text=True)
    assert re.findall(r'<h2><a href="([^"]+)">', found) == ["/t/harbour/"]
    assert "No timeline matches" in client.get("/t/?q=zzz").get_data(as_text=True)
    # A reader who guesses the draft's address is told there is nothing there.
    missing = client.get("/t/draft-story/")
    assert missing.status_code == 404 and 'href="/t/"' in missing.get_data(as_text=True)
    assert client.get("/t/draft-story/embed").status_code == 404


def test_a_draft_opens_for_its_editors(folder):
    draft = (TIMELINES / "courts.csv").read_bytes().replace(b"title,,,\n",
                                                            b"title,status=draft,,\n", 1)
    (folder / "courts.csv").write_bytes(draft)
    client = site_of(folder, edit_secret=SECRET).test_client()
    assert client.get("/t/courts/").status_code == 404
    log_in(client)
    assert client.get("/t/courts/").status_code == 200
    assert "The bridge case in court" in client.get("/edit/").get_data(as_text=True)


def log_in(client, secret: str = SECRET, at: str = "/edit/") -> flask.Response:
    form = client.get(at + "login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    return client.post(at + "login", data={"csrf_token": token, "name": "Anna",
                                           "secret": secret})


def test_one_login_opens_the_list_and_every_timelines_editor(folder):
    client = site_of(folder, edit_secret=SECRET).test_client()
    assert client.get("/t/courts/edit/").headers["Location"] == "/t/courts/edit/login"
    assert log_in(client).headers["Location"] == "/edit/"
    listed = client.get("/edit/").get_data(as_text=True)
    assert all(f'href="/t/{slug}/edit/"' in listed for slug in ("courts", "harbour", "events"))
    editor = client.get("/t/courts/edit/")
    assert editor.status_code == 200
    # Its Dash app asks under the timeline's own address.
    settings = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>',
                         editor.get_data(as_text=True)).group(1)
    assert json.loads(settings)["requests_pathname_prefix"] == "/t/courts/edit/"


def test_a_desks_secret_opens_only_its_own_timelines(folder, tmp_path):
    desks = tmp_path / "desks.txt"
    desks.write_text("# desk: timeline\ncourts: the courts desk's own passphrase\n", "utf-8")
    client = site_of(folder, edit_secret=SECRET, edit_secrets_path=str(desks)).test_client()
    assert log_in(client, "the courts desk's own passphrase").status_code == 302
    listed = client.get("/edit/").get_data(as_text=True)
    assert 'href="/t/courts/edit/"' in listed and "/t/harbour/edit/" not in listed
    assert client.get("/t/courts/edit/").status_code == 200
    assert client.get("/t/harbour/edit/").status_code == 302  # to its login
    # The desk's secret does not open another timeline's door.
    refused = log_in(client, "the courts desk's own passphrase", at="/t/harbour/edit/")
    assert refused.status_code == 401
    # The shared secret opens the desk's timeline too.
    other = site_of(folder, edit_secret=SECRET, edit_secrets_path=str(desks)).test_client()
    log_in(other)
    assert other.get("/t/courts/edit/").status_code == 200


def test_timelines_added_changed_and_removed_while_it_runs(folder):
    client = site_of(folder).test_client()
    assert client.get("/t/floods/").status_code == 404
    harbour = (TIMELINES / "harbour.csv").read_bytes()
    (folder / "floods.csv").write_bytes(harbour.replace(b"A year at the harbour",
                                                        b"The spring floods"))
    assert eventually(lambda: "The spring floods" in client.get("/t/").get_data(as_text=True))
    assert client.get("/t/floods/").status_code == 200
    # Changed: one event fewer, served at once by its app.
    rows = harbour.decode("utf-8").splitlines(keepends=True)
    (folder / "floods.csv").write_text("".join(rows[:-1]), "utf-8")
    assert eventually(lambda: client.get("/t/floods/healthz").get_json()["events"] == 4)
    # Removed: 404, with the way to the index.
    (folder / "floods.csv").unlink()
    assert eventually(lambda: client.get("/t/floods/").status_code == 404)
    assert 'href="/t/"' in client.get("/t/floods/embed").get_data(as_text=True)
    assert "The spring floods" not in client.get("/t/").get_data(as_text=True)


def test_a_broken_file_is_listed_to_editors_and_hidden_from_readers(folder):
    broken = (TIMELINES / "courts.csv").read_bytes().replace(b"2021-06-15", b"15/06/2021")
    (folder / "broken.csv").write_bytes(broken)
    client = site_of(folder, edit_secret=SECRET).test_client()
    assert "broken" not in client.get("/t/").get_data(as_text=True)
    assert client.get("/t/broken/").status_code == 404
    log_in(client)
    listed = client.get("/edit/").get_data(as_text=True)
    assert "broken.csv:7" in listed and "1 error" in listed
    # A served timeline broken later keeps its last good version for readers.
    good = (folder / "courts.csv").read_bytes()
    client.get("/t/courts/")
    (folder / "courts.csv").write_bytes(good.replace(b"2021-06-15", b"15/06/2021"))
    time.sleep(0.6)
    health = client.get("/t/courts/healthz").get_json()
    assert (health["events"], health["status"]) == (5, "error")


def test_a_folder_without_a_default_timeline_opens_on_its_index(tmp_path):
    folder = tmp_path / "desk"
    folder.mkdir()
    shutil.copy(TIMELINES / "courts.csv", folder / "courts.csv")
    client = site_of(folder).test_client()
    assert client.get("/").headers["Location"] == "/t/"
    assert client.get("/t/courts/").status_code == 200
    # The timelines' scripts are served without a default timeline's app.
    page = client.get("/t/courts/embed").get_data(as_text=True)
    script = re.search(r'src="(/static/embed\.[0-9a-f]+\.js)"', page).group(1)
    assert client.get(script).status_code == 200


def test_only_slugs_name_timelines(tmp_path):
    for name in ("good-one.csv", "Bad Name.csv", "UPPER.csv", "two--hyphens.csv",
                 "notes.txt", "ok2.csv"):
        (tmp_path / name).write_bytes((TIMELINES / "courts.csv").read_bytes())
    assert Catalogue(tmp_path).slugs() == ["good-one", "ok2"]
    assert is_slug("harbour-fire-2026") and not is_slug("-a") and not is_slug("a_b")
    assert "lower-case" in slug_problem("Harbour")


def test_apps_unused_for_a_while_or_beyond_the_most_are_dropped():
    now = [0.0]
    built: list[str] = []

    def build(slug, path):
        built.append(slug)
        return flask.Flask(slug)

    apps = TimelineApps(build, idle_seconds=60, most=2, clock=lambda: now[0])
    first = weakref.ref(apps.get("a", Path("a.csv"), (1,)).app)
    apps.get("b", Path("b.csv"), (1,))
    apps.get("a", Path("a.csv"), (1,))  # a used again: b is now the least recent
    apps.get("c", Path("c.csv"), (1,))
    assert apps.loaded() == ["a", "c"] and built == ["a", "b", "c"]
    now[0] = 61
    apps.get("c", Path("c.csv"), (1,))
    assert apps.loaded() == ["c"]
    gc.collect()
    assert first() is None  # nothing else holds a dropped app


def test_a_file_that_cannot_be_served_is_tried_again_once_replaced(folder):
    (folder / "later.csv").write_bytes(b"id,start,title\nx,not a date,X\n")
    client = site_of(folder).test_client()
    assert client.get("/t/later/").status_code == 404
    (folder / "later.csv").write_bytes((TIMELINES / "harbour.csv").read_bytes())
    assert eventually(lambda: client.get("/t/later/").status_code == 200)


def health_of_every_worker(base: str, slug: str, workers: int = 3) -> list[dict]:
    """/t/<slug>/healthz from each of `workers` workers (a new connection each time:
    gunicorn hands them to different workers; which one is up to the kernel)."""
    seen: dict[int, dict] = {}
    deadline = time.monotonic() + 20
    while len(seen) < workers and time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/t/{slug}/healthz", timeout=5) as answer:
            health = json.loads(answer.read())
        seen.setdefault(health["worker"], health)
    assert len(seen) == workers, f"only {len(seen)} of {workers} workers answered"
    return list(seen.values())


def test_every_gunicorn_worker_sees_a_timeline_added_changed_and_removed(folder):
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", "3", "--bind",
         f"127.0.0.1:{port}", "app:server"], cwd=REPOSITORY, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "TIMELINE_DATA": str(folder)})
    base = f"http://127.0.0.1:{port}"
    rain = {"id": "rain", "start": "2024-03-01", "title": "Rain", "actors": "Met Office",
            "category": "weather"}
    try:
        wait_for(f"{base}/t/", process)
        health_of_every_worker(base, "courts")  # every worker has started
        (folder / "floods.csv").write_bytes(csv_bytes([
            {"type": "title", "title": "The spring floods"}, rain]))
        time.sleep(2)
        assert {h["events"] for h in health_of_every_worker(base, "floods")} == {1}
        for _ in range(9):
            assert b"The spring floods" in wait_for(f"{base}/t/", process)
        # Changed: every worker's app of it serves the new version.
        (folder / "floods.csv").write_bytes(csv_bytes([
            {"type": "title", "title": "The spring floods"}, rain,
            {**rain, "id": "river", "title": "The river rises", "start": "2024-03-04"}]))
        time.sleep(2)
        assert {h["events"] for h in health_of_every_worker(base, "floods")} == {2}
        (folder / "floods.csv").unlink()
        time.sleep(2)
        for _ in range(12):
            with pytest.raises(urllib.error.HTTPError) as gone:
                urllib.request.urlopen(f"{base}/t/floods/", timeout=5)
            assert gone.value.code == 404
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_validate_checks_every_timeline_of_a_folder(folder):
    (folder / "broken.csv").write_bytes(
        (TIMELINES / "courts.csv").read_bytes().replace(b"2021-06-15", b"15/06/2021"))
    result = subprocess.run([sys.executable, "-m", "timeline", "validate", str(folder)],
                            cwd=REPOSITORY, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{folder / 'broken.csv'}:7: start: error:") for line in lines)
    assert f"{folder / 'courts.csv'}: no problems in 9 rows" in lines
    assert f"{folder / 'broken.csv'}: 1 error in 9 rows" in lines


def test_the_sites_oembed_answers_for_each_timelines_links(folder):
    client = site_of(folder).test_client()
    link = "http://localhost/t/harbour/embed?category=storms"
    answer = client.get("/oembed", query_string={"url": link}).get_json()
    assert answer["title"] == "A year at the harbour"
    assert 'src="http://localhost/t/harbour/embed?category=storms"' in answer["html"]
    default = client.get("/oembed", query_string={"url": "http://localhost/embed"}).get_json()
    assert default["title"] == "Russia and North Korea: a timeline"
    assert client.get("/oembed", query_string={
        "url": "http://localhost/t/no-such/"}).status_code == 404


def test_every_timelines_app_shares_one_compressor(folder):
    site = site_of(folder)
    client = site.test_client()
    for page in ("/t/courts/", "/t/harbour/"):
        assert client.get(page).status_code == 200
    apps = site.extensions["timeline_apps"]
    compressors = {id(apps.get(slug, folder / f"{slug}.csv", None).app.extensions[
        "timeline_compression"]) for slug in ("courts", "harbour")}
    assert len(compressors) == 1


def test_the_index_speaks_the_links_language_else_the_default_timelines(folder):
    client = site_of(folder).test_client()
    korean = client.get("/t/?lang=ko").get_data(as_text=True)
    assert '<html lang="ko">' in korean and "<h1>타임라인 목록</h1>" in korean
    assert "타임라인 3개" in korean and "사건 5건" in korean
    russian = client.get("/t/?lang=ru&q=harbour").get_data(as_text=True)
    assert "1 хронология по запросу «harbour»" in russian
    missing = client.get("/t/gone/?lang=ru")
    assert missing.status_code == 404 and "Здесь нет хронологии" in missing.get_data(
        as_text=True)
    # A newsroom whose default timeline is in Korean gets its index in Korean.
    default = (folder / "events.csv").read_bytes()
    (folder / "events.csv").write_bytes(default.replace(b",title,,,", b",title,language=ko,,", 1))
    assert eventually(lambda: '<html lang="ko">' in client.get("/t/").get_data(as_text=True))
