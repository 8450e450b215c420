"""The editor as its browser tests meet it: a copy of the data served behind the
editors' secret, pages each in a browser context of their own, and the login.

A test module imports the helpers it uses and binds the fixtures by name
(`open_page, site = editor_pages.open_page, editor_pages.site`): pytest finds them
there, and linters do not take them for unused imports.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser import record_problems, serving
from timeline.app_factory import create_app
from timeline.config import Config
from timeline.folder.site import create_site

SECRET = "a newsroom passphrase"


@contextmanager
def serving_editor(data: Path, **config) -> Iterator[str]:
    """The app for the file `data`, its editor behind SECRET (and any other Config
    settings in `config`), served: yields its base URL."""
    app = create_app(Config(data_path=data, edit_secret=SECRET, **config))
    with serving(app.server) as url:
        yield url


@pytest.fixture
def site(data):
    """(URL, data file): the editor of a copy of tests/data/events.csv, served."""
    with serving_editor(data) as url:
        yield url, data


@pytest.fixture
def folder_site(timelines_folder):
    """(URL, folder): a folder of three timelines served as one site, editing behind SECRET."""
    site = create_site(Config(data_path=timelines_folder / "events.csv",
                              folder=timelines_folder, edit_secret=SECRET))
    with serving(site) as url:
        yield url, timelines_folder


@pytest.fixture
def open_page(browser):
    """open_page(width=1280, height=None, scheme="light"): a page of a browser context
    of its own (its own cookies: another editor), closed after the test. Without a
    height, a phone's (below 400 px wide) is 740 and any other 900."""
    contexts = []

    def opened(width: int = 1280, height: int | None = None, scheme: str = "light"):
        if height is None:
            height = 740 if width < 400 else 900
        context = browser.new_context(viewport={"width": width, "height": height},
                                      color_scheme=scheme)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return record_problems(context.new_page(), console_errors=False)
    yield opened
    for context in contexts:
        context.close()


def submit_the_login(page, name: str = "Test editor") -> None:
    """Sign the login form shown on `page` with `name` and the editors' secret."""
    page.fill("#name", name)
    page.fill("#secret", SECRET)
    page.click("button[type=submit]")


def log_in(page, url: str, name: str = "Test editor") -> None:
    """Open the editor at `url`, be asked to log in, and log in as `name`."""
    page.goto(url + "/edit/")
    expect(page).to_have_url(re.compile(r"/edit/login$"))
    submit_the_login(page, name)
    # The editor's first load (Dash, the grid, plotly.js) is the slowest step
    # on a loaded machine: give it longer than a click's answer.
    expect(page.locator("#edit-grid .ag-row").first).to_be_visible(timeout=30_000)
