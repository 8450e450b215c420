"""The Content-Security-Policy in real headless Chromium: every page works under it.

Each page is loaded with the policy the app sends; any violation (a blocked
inline script, an `eval`, a style or image from elsewhere) is caught by a
`securitypolicyviolation` listener installed before the page's own scripts,
and by Chromium's console messages about the policy.
"""
from __future__ import annotations

import re

import flask
import pytest
from playwright.sync_api import expect

from browser import plotly_chart, serving
from support import BUNDLED_CSV
from timeline.app_factory import create_app
from timeline.config import Config

pytestmark = pytest.mark.browser
expect.set_options(timeout=15_000)
SECRET = "a newsroom passphrase"
TARGET_ID = "russian-tourists"

# Chromium names the policy in its console messages about it (a blocked script,
# an unknown feature in the Permissions-Policy header).
POLICY_NAMES = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy",
                "Permissions policy")
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "(inline)"} ${e.sample || ""}`);
});
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data = tmp_path_factory.mktemp("policy") / "events.csv"
    data.write_bytes(BUNDLED_CSV)
    app = create_app(Config(data_path=data, edit_secret=SECRET))
    with serving(app.server) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("console", lambda m: page.problems.append(f"console: {m.text}")
            if any(name in m.text for name in POLICY_NAMES) else None)
    yield page
    context.close()


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations") + page.problems


def assert_policy_sent(response, frame_ancestors: str) -> None:
    policy = response.headers["content-security-policy"]
    assert "unsafe-eval" not in policy
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "unsafe-inline" not in script_src
    assert f"frame-ancestors {frame_ancestors}" in policy


def test_the_explorer_draws_and_filters_under_the_policy(site, page):
    response = page.goto(site + "/?category=gifts")
    assert_policy_sent(response, "'self'")
    expect(page.locator("#timeline-graph .scatterlayer .point").first).to_be_attached()
    # The engine's search filters (the explorer has no Dash callback since issue 17).
    page.fill("#search", "aurus")
    # The search is drawn (its address follows the drawing): the count said "of"
    # already, for the category, and a link chosen before would be filtered away.
    page.wait_for_function("() => new URLSearchParams(location.search).get('q') === 'aurus'")
    page.locator("#event-list a").first.click()
    expect(page.locator("#event-detail h2")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    # The Permissions-Policy header is read (an unknown feature would be in the console).
    assert page.evaluate("['camera', 'geolocation', 'microphone'].map("
                         "f => document.featurePolicy.allowsFeature(f))") == [False] * 3


def test_the_embed_draws_under_the_policy(site, page):
    response = page.goto(site + "/embed?actor=Kim+Jong-un&list=open")
    assert_policy_sent(response, "*")
    assert "x-frame-options" not in response.headers
    expect(page.locator("#timeline-graph .scatterlayer .point").first).to_be_attached()
    expect(page.locator("#event-list li").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_the_embed_answers_on_its_picture_and_loads_plotly_under_the_policy(site, page):
    """The picture answers for the chart (no plotly.js yet); the Filters opened,
    plotly.js comes by a script element the page adds, allowed as its own."""
    page.goto(site + "/embed?list=open")
    page.wait_for_selector("html[data-timeline=interactive]", state="attached")
    # An event in the picture's window (the first window: 2022 to 2024).
    page.locator("#event-list a", has_text="Kim and Putin meet at Vostochny").click()
    expect(page.locator(".chart-preview .preview-selected")).to_be_visible()
    plotly_chart(page)
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_the_editor_and_its_grid_work_under_the_policy(site, page):
    login = page.goto(site + "/edit/")
    assert_policy_sent(login, "'self'")
    expect(page).to_have_url(re.compile(r"/edit/login$"))
    page.fill("#name", "Test editor")
    page.fill("#secret", SECRET)
    page.click("button[type=submit]")
    expect(page.locator("#edit-grid .ag-row").first).to_be_visible()
    # The preview is Dash's dcc.Graph: its plotly.js is the whole library (4.5 MB),
    # compressed by a fresh app on its first request and parsed, seconds on a busy machine.
    expect(page.locator("#edit-preview .scatterlayer .point").first).to_be_attached(
        timeout=60_000)
    # The grid's cell rules and tooltips are expressions dash-ag-grid interprets
    # itself (no eval): an error marks the cell and its tooltip gives the reason.
    row = page.locator("#edit-grid .ag-row [col-id='id']",
                       has_text=re.compile(f"^{TARGET_ID}$")).first
    index = row.evaluate("e => e.closest('.ag-row').getAttribute('row-index')")
    start = page.locator(f"#edit-grid .ag-center-cols-container .ag-row[row-index='{index}'] "
                         "[col-id='start']")
    start.dblclick()
    page.locator("#edit-grid .ag-cell-inline-editing input").first.fill("13/12/2023")
    page.keyboard.press("Enter")
    expect(start).to_have_class(re.compile("cell-error"))
    # Pinned `id` and `title` take room: the cell's middle in view, then hovered.
    page.evaluate("() => dash_ag_grid.getApi('edit-grid').ensureColumnVisible('start', 'middle')")
    page.mouse.move(0, 0)
    start.hover()
    expect(page.locator(".ag-tooltip")).to_contain_text("2023-12-13")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_another_site_can_frame_the_embed_but_not_the_explorer(site, page):
    article = flask.Flask("article")

    @article.route("/")
    def with_frames():
        return (f'<iframe id="embed" src="{site}/embed"></iframe>'
                f'<iframe id="explorer" src="{site}/"></iframe>')

    with serving(article) as article_url:  # another port: another origin
        page.goto(article_url + "/")
        embed = page.frame_locator("#embed")
        # Its picture of the chart answers in the frame (picture.js).
        expect(embed.locator("html[data-timeline=interactive]")).to_be_attached()
        page.wait_for_timeout(500)
        expect(page.frame_locator("#explorer").locator("#timeline-graph")).to_have_count(0)
    assert any("frame-ancestors" in problem for problem in violations(page))
