"""What editors keep for themselves never reaches a reader's browser.

`notes` and every column outside the contract are the newsroom's: a reader's
visit to the explorer or the embed, with the interactions that fetch more
(an event's details, another filter, lanes by actor), must not receive them
in any response, page, script data or callback answer.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser import serving
from support import csv_bytes, filter_cases
from timeline.app_factory import create_app
from timeline.config import Config

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)
SECRET_MARK = "EDITORS-ONLY"


def private_csv() -> bytes:
    rows = [{**event, "notes": f"{SECRET_MARK} note on {event['id']}"}
            for event in filter_cases()["events"]]
    lines = csv_bytes(rows).decode("utf-8").splitlines()
    # A column outside the contract, as newsrooms add them (a contact, a status).
    lines = [lines[0] + ",desk_contact"] + [f"{line},{SECRET_MARK} +82 555 0100"
                                           for line in lines[1:]]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data = tmp_path_factory.mktemp("private") / "events.csv"
    data.write_bytes(private_csv())
    with serving(create_app(Config(data_path=data, title="Test")).server) as url:
        yield url


def visit(browser, url: str, steps) -> list[bytes]:
    context = browser.new_context()
    page = context.new_page()
    bodies: list[bytes] = []
    page.on("response", lambda r: bodies.append(r.body()) if r.status == 200 else None)
    page.goto(url)
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    steps(page)
    page.wait_for_load_state("networkidle")
    context.close()
    return bodies


def test_the_explorer_sends_no_notes_or_private_columns(browser, site):
    def steps(page):
        page.locator("#event-list a").first.click()
        expect(page.locator("#event-detail h2")).to_be_visible()
        page.locator("#event-list a").nth(2).click()
        page.locator("#lane-switch label", has_text="by actor").click()
        page.wait_for_function("() => location.search.includes('lanes=actor')")
    bodies = visit(browser, site + "/?q=kim", steps)
    assert len(bodies) > 10
    assert not [b[:80] for b in bodies if SECRET_MARK.encode() in b]
    assert not any(b"desk_contact" in b for b in bodies)


def test_the_embed_sends_no_notes_or_private_columns(browser, site):
    def steps(page):
        page.locator("#event-list a").first.click()
        expect(page.locator("#event-detail h2")).to_be_visible()
        page.locator("#filters summary").click()
        page.locator("#lane-switch input[value=actor]").check()
        page.fill("#search", "talks")
        page.wait_for_function("() => location.search.includes('q=talks')")
    bodies = visit(browser, site + "/embed?list=open", steps)
    assert len(bodies) >= 6  # the page, its script bundle, data, details, figure, search
    assert not [b[:80] for b in bodies if SECRET_MARK.encode() in b]
    assert not any(b"desk_contact" in b for b in bodies)
