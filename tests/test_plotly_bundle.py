"""The committed plotly.js bundle (core + scatter) matches the plotly Python package.

`assets/vendor/plotly-scatter.min.js` replaces the full plotly.js that Dash
would load. Upgrading plotly (Python) without rebuilding it with
`make plotly-bundle` (after pinning the same plotly.js in
tools/plotly-bundle/package.json) fails here.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs_version

from browser import chromium, serving
from timeline.app_factory import create_app
from timeline.config import Config

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "assets" / "vendor"
BUNDLE = VENDOR / "plotly-scatter.min.js"
TOOL = ROOT / "tools" / "plotly-bundle"


@pytest.fixture(scope="module")
def bundle_text() -> str:
    return BUNDLE.read_text(encoding="utf-8")


def test_bundle_is_the_plotly_js_the_python_package_carries(bundle_text: str) -> None:
    header = re.match(r"/\*\*\n\* plotly\.js \(core \+ scatter - minified\) v(\S+)\n", bundle_text)
    assert header, "the bundle has lost plotly.js's licence header"
    assert header[1] == get_plotlyjs_version(), (
        f"{BUNDLE.name} is plotly.js {header[1]} but plotly (Python) carries "
        f"{get_plotlyjs_version()}: pin that version in {TOOL / 'package.json'} and run "
        "`make plotly-bundle`")
    assert re.search(r'\.version="' + re.escape(header[1]) + '"', bundle_text), \
        "the header and plotly.js's own version string disagree"


def test_package_json_pins_exact_versions() -> None:
    pins = json.loads((TOOL / "package.json").read_text(encoding="utf-8"))["devDependencies"]
    assert pins["plotly.js"] == get_plotlyjs_version()
    for name, version in pins.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned exactly: {version}"
    assert not (TOOL / "package-lock.json").exists(), "no lock file is kept (it names a registry)"


def test_licences_travel_with_the_bundle(bundle_text: str) -> None:
    assert "Licensed under the MIT license" in bundle_text[:300]
    licence = (VENDOR / "PLOTLY-LICENSE.txt").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Plotly" in licence
    bundled = (VENDOR / "plotly-scatter.licenses.txt").read_text(encoding="utf-8")
    assert f"plotly.js@{get_plotlyjs_version()} (MIT)" in bundled


def test_bundle_runs_without_eval(bundle_text: str) -> None:
    """A Content-Security-Policy without 'unsafe-eval' must not break the chart."""
    assert not re.search(r"\beval\s*\(|new Function\b|\bFunction\s*\(", bundle_text)


def test_page_loads_the_bundle(data: Path) -> None:
    """Dash serves it as an asset script, so dcc.Graph finds window.Plotly."""
    client = create_app(Config(data_path=data)).server.test_client()
    html = client.get("/").get_data(as_text=True)
    assert "/assets/vendor/plotly-scatter.min.js" in html
    assert client.get("/assets/vendor/plotly-scatter.min.js").status_code == 200


@pytest.mark.browser
def test_graph_draws_with_the_bundle_and_dash_fetches_no_other_plotly(data: Path) -> None:
    """dcc.Graph takes window.Plotly; Dash's lazy load of the full bundle
    (`_dash-component-suites/plotly/package_data/plotly.min.js` in Dash 4,
    `async-plotlyjs.js` in older Dash) never happens."""
    with serving(create_app(Config(data_path=data)).server) as url, chromium() as browser:
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(url + "/")
        page.wait_for_function(
            "() => document.querySelectorAll('#timeline-graph .scatterlayer .point').length > 0",
            timeout=20_000)
        assert page.evaluate("() => window.Plotly.version") == get_plotlyjs_version()
    plotly_requests = [r.split("?")[0].removeprefix(url) for r in requests if "plotly" in r]
    assert plotly_requests == ["/assets/vendor/plotly-scatter.min.js"]


# Two of build.mjs's patches change how a date axis reads what the page gives
# it; a page of the app's own serving runs the bundle on a chart of its own.
DATE_AXIS_CHART = """async () => {
    const div = document.createElement('div');
    div.style.width = '800px';
    document.body.appendChild(div);
    const from = Date.UTC(2023, 0, 1), to = Date.UTC(2023, 11, 31);
    const day = (month, date) => Date.UTC(2023, month, date);
    const plain = `M${day(2, 9)},1ZM${day(5, 1)},2L${day(8, 13)},2.5ZM-86400000,0`;
    const spaced = plain.replace(/([MLZ])/g, ' $1 ').replace(/,/g, ' , ');
    await Plotly.newPlot(div, [{x: [day(2, 9)], y: [1], mode: 'markers'}], {
        xaxis: {type: 'date', range: ['2023-01-01', '2023-12-31']}, yaxis: {range: [0, 3]},
        shapes: [{type: 'path', xref: 'x', yref: 'y', path: plain},
                 {type: 'path', xref: 'x', yref: 'y', path: spaced}]});
    const axis = div._fullLayout.xaxis;
    const paths = [...div.querySelectorAll('.shapelayer path')].map(p => p.getAttribute('d'));
    return {
        numberAndDateAgree: axis.d2c(day(8, 13)) === axis.d2c('2023-09-13'),
        digitsAndDateAgree: axis.d2c(String(day(8, 13))) === axis.d2c('2023-09-13'),
        yearIsAYear: axis.d2c(2007) === axis.d2c('2007-01-01'),
        markX: div.querySelector('.scatterlayer .point').getAttribute('transform'),
        dayX: axis._offset + axis.d2p('2023-03-09'),
        paths: paths,
    };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("time_zone", ["America/Los_Angeles", "Asia/Seoul", "UTC"])
def test_a_date_axis_reads_the_pages_numbers_as_utc_days(data: Path, time_zone: str) -> None:
    """The page gives dates as UTC ms; plotly.js alone moved them by the
    browser's time zone (7 hours early in Los Angeles: a mark on the day before
    its own at a day's zoom). Bare years still read as years; a plain path
    (numbers only, build.mjs's loop) is converted as the general way converts
    the same path written with spaces."""
    with serving(create_app(Config(data_path=data)).server) as url, chromium() as browser:
        page = browser.new_context(timezone_id=time_zone).new_page()
        page.goto(url + "/")
        page.wait_for_function("() => window.Plotly")
        seen = page.evaluate(DATE_AXIS_CHART)
    assert seen["numberAndDateAgree"] and seen["digitsAndDateAgree"] and seen["yearIsAYear"]
    mark_x = float(re.match(r"translate\(([-\d.]+),", seen["markX"]).group(1))
    assert mark_x + 80 == pytest.approx(seen["dayX"], abs=0.5)  # the plot's left margin: 80
    plain, spaced = seen["paths"]
    assert "NaN" not in plain and plain.count("M") == 3 and plain.count("Z") == 2
    assert plain == spaced.replace(" ", "")
