"""The editors' part of a folder of timelines (issue 18): the list at /edit/ as each
secret's session sees it, "New timeline" from a blank template, a copy or an upload
(TimelineJS too), renaming with the old address redirecting, and what is refused."""
from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest

from support import DATA
from timeline.config import Config
from timeline.data import schema
from timeline.data.history import history_folder, list_versions, record_version
from timeline.data.loading import load_events_from_bytes
from timeline.data_store import content_version
from timeline.folder.catalogue import slug_problem
from timeline.folder.new_timeline import with_title
from timeline.folder.renaming import (
    REDIRECTS_FILE,
    read_redirects,
    redirect_target,
    with_rename,
)
from timeline.folder.site import create_site

SECRET = "a newsroom passphrase"
HARBOUR_DESK = "the harbour desk's own words"
TIMELINES = DATA / "timelines"
TIMELINEJS = DATA / "timelinejs"


@pytest.fixture
def folder(timelines_folder):
    """The shared folder of three timelines (conftest.py): events, courts, harbour."""
    return timelines_folder


def client_for(folder: Path, desks: str = ""):
    secrets_path = ""
    if desks:
        secrets_file = folder.parent / "desk-secrets.txt"
        secrets_file.write_text(desks, "utf-8")
        secrets_path = str(secrets_file)
    config = Config(data_path=folder / "events.csv", folder=folder, edit_secret=SECRET,
                    edit_secrets_path=secrets_path)
    return create_site(config).test_client()


def log_in(client, secret: str = SECRET, name: str = "Test editor"):
    page = client.get("/edit/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = client.post("/edit/login", data={"secret": secret, "name": name,
                                              "csrf_token": token})
    assert answer.status_code == 302, answer.text
    return client


def csrf(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/edit/").text).group(1)


def create(client, token: str | None = None, **form):
    data = {"csrf_token": csrf(client) if token is None else token, **form}
    return client.post("/edit/new", data=data, content_type="multipart/form-data")


def item_of(page: str, title: str) -> str:
    """The part of the list about the timeline titled `title`."""
    return page.split(f"<h3>{title}</h3>")[1].split("<h3>")[0]


def file_listing(folder: Path) -> list[str]:
    """Every file and folder in `folder` but sessions and locks (a lock taken to look
    is no change)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if ".editor-sessions" not in p.parts and p.suffix != ".lock")


# ------------------------------------------------------------------------ the list

def test_the_shared_secret_lists_every_timeline_with_its_facts_and_links(folder):
    client = log_in(client_for(folder))
    page = client.get("/edit/")
    assert page.status_code == 200
    for title in ("A year at the harbour", "The bridge case in court"):
        assert f"<h3>{title}</h3>" in page.text
    harbour = item_of(page.text, "A year at the harbour")
    assert "<code>/t/harbour/</code>" in harbour and "5 events" in harbour
    assert " 2024 " in harbour and "Published" in harbour and "<time datetime=" in harbour
    for link in ('href="/t/harbour/edit/"', 'href="/t/harbour/"', 'href="/t/harbour/embed"'):
        assert link in harbour
    assert 'action="/edit/rename"' in harbour and 'action="/edit/new"' in page.text
    assert "Editing as <strong>Test editor</strong>" in page.text


def test_a_desk_sees_only_its_timelines_and_opens_no_other(folder):
    client = log_in(client_for(folder, f"harbour: {HARBOUR_DESK}\n"), HARBOUR_DESK)
    page = client.get("/edit/")
    assert "A year at the harbour" in page.text
    assert "The bridge case in court" not in page.text and "Russia" not in page.text
    assert 'action="/edit/new"' not in page.text and 'action="/edit/rename"' not in page.text
    assert "shared secret" in page.text
    assert client.get("/t/harbour/edit/").status_code == 200
    other = client.get("/t/courts/edit/")
    assert other.status_code == 302 and other.headers["Location"].endswith("/edit/login")
    # Nor can it make or move timelines, even with a good token.
    token = csrf(client)
    before = file_listing(folder)
    assert create(client, token, slug="desk-made", title="Mine", source="blank"
                  ).status_code == 403
    assert client.post("/edit/rename", data={"csrf_token": token, "old": "harbour",
                                             "new": "harbour-2"}).status_code == 403
    assert file_listing(folder) == before


def test_a_draft_and_a_broken_timeline_are_listed_to_editors(folder):
    harbour = (folder / "harbour.csv").read_bytes()
    (folder / "harbour.csv").write_bytes(harbour.replace(b",title,,,", b",title,status=draft,,",
                                                         1))
    courts = (folder / "courts.csv").read_text("utf-8").splitlines()
    courts[5] = courts[5].replace(",", ",not-a-date", 1)  # an event's start, unreadable
    (folder / "courts.csv").write_text("\n".join(courts) + "\n", "utf-8")
    client = log_in(client_for(folder))
    page = client.get("/edit/").text
    harbour_item = item_of(page, "A year at the harbour")
    assert "Draft" in harbour_item and "it is a draft" in harbour_item
    courts_item = item_of(page, "The bridge case in court")
    assert "1 error" in courts_item and "courts.csv:6: start: error:" in courts_item
    assert 'href="/t/courts/edit/"' in courts_item and 'href="/t/courts/"' not in courts_item
    assert "A year at the harbour" not in client_for(folder).get("/t/").text  # readers'


# ----------------------------------------------------------------- new timelines

def test_a_new_timeline_from_the_blank_template_opens_in_its_editor(folder):
    client = log_in(client_for(folder), name="Anna")
    answer = create(client, slug="harbour-fire", title="The harbour fire", source="blank")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/t/harbour-fire/edit/")
    path = folder / "harbour-fire.csv"
    data = path.read_bytes()
    result = load_events_from_bytes(data)
    assert result.report.ok and result.title == "The harbour fire"
    assert result.status == "draft" and len(result.events) == 1
    assert data.decode("utf-8").splitlines()[0] == ",".join(schema.COLUMN_NAMES)
    [version] = list_versions(path)
    assert (version.by, version.summary) == ("Anna", "created from the blank template")
    assert version.version == content_version(data)
    assert client.get("/t/harbour-fire/edit/").status_code == 200
    item = item_of(client.get("/edit/").text, "The harbour fire")
    assert "Draft" in item and "1 event" in item
    assert client_for(folder).get("/t/harbour-fire/").status_code == 404  # a reader


def test_another_worker_opens_a_timeline_made_a_moment_ago(folder):
    """gunicorn's workers each keep a catalogue, looked at twice a second: the editor
    sent to the new timeline's page by one worker may be answered by another."""
    one, other = log_in(client_for(folder)), log_in(client_for(folder))
    assert other.get("/t/").status_code == 200  # it has just looked at the folder
    assert create(one, slug="harbour-fire", title="The harbour fire", source="blank"
                  ).status_code == 303
    assert other.get("/t/harbour-fire/edit/").status_code == 200


def test_a_copy_is_a_draft_under_its_new_title_with_the_same_events(folder):
    client = log_in(client_for(folder))
    answer = create(client, slug="harbour-again", title="The harbour, again", source="copy",
                    copy="harbour")
    assert answer.status_code == 303
    original = load_events_from_bytes((folder / "harbour.csv").read_bytes())
    copied = load_events_from_bytes((folder / "harbour-again.csv").read_bytes())
    assert copied.title == "The harbour, again" and copied.status == "draft"
    assert list(copied.events["id"]) == list(original.events["id"])
    assert copied.columns == original.columns
    assert list_versions(folder / "harbour-again.csv")[0].summary == \
        "created as a copy of harbour"


@pytest.mark.parametrize("upload, events, title", [
    (TIMELINES / "courts.csv", 5, "The bridge case in court"),
    (TIMELINEJS / "women_in_computing.csv", 10, "Women in Computing"),
    (TIMELINEJS / "marktwain.json", 17, None),  # its title slide has a text, no headline
])
def test_a_new_timeline_from_an_upload_our_csv_or_timelinejs(folder, upload, events, title):
    client = log_in(client_for(folder))
    with open(upload, "rb") as handle:
        answer = create(client, slug="uploaded", title="", source="upload",
                        file=(handle, upload.name))
    assert answer.status_code == 303, answer.text
    data = (folder / "uploaded.csv").read_bytes()
    result = load_events_from_bytes(data)
    assert result.report.ok and result.file_format == "timeline"
    assert len(result.events) == events and result.status == "draft"
    assert result.title == title  # its own, kept: no title was typed
    assert list_versions(folder / "uploaded.csv")[0].summary == \
        f"created from an uploaded file, {upload.name}"


@pytest.mark.parametrize("slug, status, said", [
    ("Harbour Fire!", 400, slug_problem("Harbour Fire!")),
    ("", 400, slug_problem("")),
    ("harbour", 409, "There is already a timeline at /t/harbour/"),
])
def test_an_unusable_or_taken_address_is_refused_and_nothing_written(folder, slug, status,
                                                                      said):
    client = log_in(client_for(folder))
    before = file_listing(folder)
    harbour = (folder / "harbour.csv").read_bytes()
    answer = create(client, slug=slug, title="Another harbour", source="blank")
    assert answer.status_code == status
    assert 'role="alert"' in answer.text and said in answer.text
    assert 'value="Another harbour"' in answer.text  # what was typed, kept
    assert file_listing(folder) == before and (folder / "harbour.csv").read_bytes() == harbour


def test_an_upload_with_errors_is_refused_with_its_problems_by_line(folder):
    client = log_in(client_for(folder))
    broken = (TIMELINES / "courts.csv").read_text("utf-8").replace("2021", "2021-13", 1)
    before = file_listing(folder)
    answer = create(client, slug="broken", title="", source="upload",
                    file=(io.BytesIO(broken.encode()), "broken.csv"))
    assert answer.status_code == 400
    assert "broken.csv has errors" in answer.text
    assert re.search(r"<li>broken\.csv:\d+: start: error: ", answer.text)
    assert file_listing(folder) == before
    assert not history_folder(folder / "broken.csv").exists()


def test_a_blank_timeline_needs_a_title_and_a_copy_its_source(folder):
    client = log_in(client_for(folder))
    before = file_listing(folder)
    assert "Type a title" in create(client, slug="untitled", title=" ", source="blank").text
    assert "Choose the timeline to copy" in create(client, slug="copied", source="copy",
                                                   copy="nowhere").text
    assert "Choose the file" in create(client, slug="uploaded", source="upload").text
    assert file_listing(folder) == before


def test_changing_the_folder_without_the_cross_site_token_is_refused(folder):
    client = log_in(client_for(folder))
    before = file_listing(folder)
    assert create(client, token="", slug="sneaky", title="Sneaky", source="blank"
                  ).status_code == 403
    assert client.post("/edit/rename", data={"old": "harbour", "new": "moved"}
                       ).status_code == 403
    assert file_listing(folder) == before
    # Without a session at all, neither is there anything to post to.
    assert client_for(folder).post("/edit/new", data={}).status_code == 401


# ---------------------------------------------------------------------- renaming

def test_renaming_moves_the_file_and_its_history_and_redirects_the_old_address(folder):
    client = log_in(client_for(folder))
    data = (folder / "harbour.csv").read_bytes()
    record_version(folder / "harbour.csv", data, content_version(data), "Anna", "a save")
    answer = client.post("/edit/rename", data={"csrf_token": csrf(client), "old": "harbour",
                                               "new": "harbour-2024"})
    assert answer.status_code == 303
    assert not (folder / "harbour.csv").exists()
    assert (folder / "harbour-2024.csv").read_bytes() == data
    assert [v.line for v in list_versions(folder / "harbour-2024.csv")] == ["Anna: a save"]
    assert not history_folder(folder / "harbour.csv").exists()
    assert read_redirects(folder) == {"harbour": "harbour-2024"}
    moved = client.get("/t/harbour/embed?category=ferries&lang=ko")
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/t/harbour-2024/embed?category=ferries&lang=ko"
    assert client.get("/t/harbour").headers["Location"] == "/t/harbour-2024/"
    assert client.get("/t/harbour-2024/").status_code == 200
    listed = client.get(answer.headers["Location"]).text
    assert "/t/harbour/ redirects there" in listed and "<code>/t/harbour-2024/</code>" in listed


def test_a_timeline_made_again_at_an_old_address_is_served_not_redirected(folder):
    client = log_in(client_for(folder))
    client.post("/edit/rename", data={"csrf_token": csrf(client), "old": "harbour",
                                      "new": "harbour-2024"})
    assert create(client, slug="harbour", title="A new harbour", source="blank"
                  ).status_code == 303
    assert client.get("/t/harbour/").status_code == 200


@pytest.mark.parametrize("old, new, status, said", [
    ("events", "russia", 400, "keeps its address"),
    ("harbour", "courts", 409, "There is already a timeline at /t/courts/"),
    ("harbour", "Not A Slug", 400, "lower-case letters"),
    ("harbour", "events", 400, "the default timeline's address"),
    ("gone", "here", 404, "There is no timeline at /t/gone/"),
])
def test_a_rename_that_cannot_be_done_is_refused_and_nothing_moves(folder, old, new, status,
                                                                   said):
    client = log_in(client_for(folder))
    before = file_listing(folder)
    answer = client.post("/edit/rename", data={"csrf_token": csrf(client), "old": old,
                                               "new": new})
    assert answer.status_code == status and said in html.unescape(answer.text)
    assert 'role="alert"' in answer.text
    assert file_listing(folder) == before


def test_the_list_says_when_a_desks_secret_names_a_renamed_timeline(folder):
    desks = f"harbour: {HARBOUR_DESK}\n"
    client = log_in(client_for(folder, desks))
    assert "TIMELINE_EDIT_SECRETS names this timeline" in client.get("/edit/").text
    client.post("/edit/rename", data={"csrf_token": csrf(client), "old": "harbour",
                                      "new": "harbour-2024"})
    page = client_for(folder, desks)  # as the app starts again, the file unchanged
    listed = html.unescape(log_in(page).get("/edit/").text)
    assert "TIMELINE_EDIT_SECRETS gives a desk's secret for harbour, which was renamed " \
           "harbour-2024" in listed
    assert (folder.parent / "desk-secrets.txt").read_text("utf-8") == desks  # never rewritten


def test_redirects_follow_every_rename_and_forget_an_address_in_use_again():
    redirects = with_rename({}, "a", "b")
    redirects = with_rename(redirects, "b", "c")
    assert redirects == {"a": "c", "b": "c"}
    assert redirect_target(redirects, "a") == "c" and redirect_target(redirects, "c") is None
    back = with_rename(redirects, "c", "a")  # renamed back: a is a timeline's address again
    assert back == {"b": "a", "c": "a"}
    assert redirect_target({"x": "y", "y": "x"}, "x") is None  # a loop leads nowhere


def test_a_damaged_redirects_file_is_read_as_none(folder):
    (folder / REDIRECTS_FILE).write_text("{not json", "utf-8")
    assert read_redirects(folder) == {}
    (folder / REDIRECTS_FILE).write_text('{"old": "new", "../x": "y", "z": 3}', "utf-8")
    assert read_redirects(folder) == {"old": "new"}


def test_a_new_timelines_title_row_is_a_draft_its_other_settings_kept():
    harbour = (TIMELINES / "harbour.csv").read_bytes().replace(
        b",title,,,", b",title,story; status=published,,", 1)
    made = load_events_from_bytes(with_title(harbour, "Harbour, again"))
    assert made.title == "Harbour, again" and made.status == "draft"
    assert "story" in made.settings
    assert "ko" not in made.translated_titles or made.translated_titles["ko"][0] == ""
    untitled = b"id,start,title,actors,category\nfirst,2020,First,A,a\n"
    made = load_events_from_bytes(with_title(untitled, "Now titled"))
    assert made.report.ok and made.title == "Now titled" and made.status == "draft"
    assert list(made.events["id"]) == ["first"]
