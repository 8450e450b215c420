"""The committed plotly.js bundles match the plotly Python package.

`assets/vendor/plotly-scatter.min.js` (core + scatter) replaces the full
plotly.js that Dash would load; `timeline/web/vendor/plotly-scattergl.min.js`
(core + scatter + scattergl, strict) is for big timelines, outside assets/ so
that Dash does not load it too. Upgrading plotly (Python) without rebuilding
them with `make plotly-bundle` (after pinning the same plotly.js in
tools/plotly-bundle/package.json) fails here.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs_version

from browser import chromium, serving
from timeline.app_factory import create_app
from timeline.config import Config

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "plotly-bundle"


@dataclass(frozen=True)
class Bundle:
    path: Path
    contents: str  # as its licence header names it

    @property
    def licences(self) -> Path:
        return self.path.with_name(self.path.name.replace(".min.js", ".licenses.txt"))


SCATTER = Bundle(ROOT / "assets" / "vendor" / "plotly-scatter.min.js", "core + scatter")
SCATTERGL = Bundle(ROOT / "timeline" / "web" / "vendor" / "plotly-scattergl.min.js",
                   "core + scatter + scattergl")


@pytest.fixture(scope="module", params=[SCATTER, SCATTERGL], ids=["scatter", "scattergl"])
def bundle(request: pytest.FixtureRequest) -> Bundle:
    return request.param


@pytest.fixture(scope="module")
def bundle_text(bundle: Bundle) -> str:
    return bundle.path.read_text(encoding="utf-8")


def test_bundle_is_the_plotly_js_the_python_package_carries(bundle: Bundle,
                                                            bundle_text: str) -> None:
    header = re.match(r"/\*\*\n\* plotly\.js \(" + re.escape(bundle.contents)
                      + r" - minified\) v(\S+)\n", bundle_text)
    assert header, "the bundle has lost plotly.js's licence header"
    assert header[1] == get_plotlyjs_version(), (
        f"{bundle.path.name} is plotly.js {header[1]} but plotly (Python) carries "
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


def test_licences_travel_with_the_bundle(bundle: Bundle, bundle_text: str) -> None:
    assert "Licensed under the MIT license" in bundle_text[:300]
    licence = (bundle.path.parent / "PLOTLY-LICENSE.txt").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Plotly" in licence
    bundled = bundle.licences.read_text(encoding="utf-8")
    assert f"plotly.js@{get_plotlyjs_version()} (MIT)" in bundled
    # tools/plotly-bundle/bundled-packages.txt has a section per bundle, written
    # with the licences file by the same build: the two name the same packages.
    sections = (TOOL / "bundled-packages.txt").read_text(encoding="utf-8").split("\n# ")
    heading = f"npm packages whose code is in {bundle.path.relative_to(ROOT).as_posix()} "
    [section] = [s for s in sections if s.lstrip("# ").startswith(heading)]
    packages = section.strip().splitlines()[1:]
    assert f"plotly.js@{get_plotlyjs_version()} (MIT)" in packages
    assert packages == re.findall(r"^={72}\n(.+)\n={72}$", bundled, re.MULTILINE)


def test_bundle_runs_without_eval(bundle_text: str) -> None:
    """A Content-Security-Policy without 'unsafe-eval' must not break the chart.

    The scattergl bundle keeps regl's `Function.apply` fallback, which only a
    shader missing from plotly.js's precompiled set would reach: the browser
    test below draws under such a policy."""
    assert not re.search(r"\beval\s*\(|new Function\b|\bFunction\s*\(", bundle_text)


def test_page_loads_the_bundle() -> None:
    """Dash serves it as an asset script, so dcc.Graph finds window.Plotly;
    the scattergl bundle is not an asset, so the explorer never loads it."""
    client = create_app(Config()).server.test_client()
    html = client.get("/").get_data(as_text=True)
    assert "/assets/vendor/plotly-scatter.min.js" in html
    assert "plotly-scattergl" not in html
    assert client.get("/assets/vendor/plotly-scatter.min.js").status_code == 200


@pytest.mark.browser
def test_graph_draws_with_the_bundle_and_dash_fetches_no_other_plotly() -> None:
    """dcc.Graph takes window.Plotly; Dash's lazy load of the full bundle
    (`_dash-component-suites/plotly/package_data/plotly.min.js` in Dash 4,
    `async-plotlyjs.js` in older Dash) never happens."""
    with serving(create_app(Config()).server) as url, chromium() as browser:
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


# A page of its own for the scattergl bundle, under a policy without
# 'unsafe-eval'. Drawing is not enough to pass: plotly.js's non-strict
# scattergl, its shaders blocked, draws no error but an empty canvas and a
# "WebGL is not supported" notice, so the test counts painted pixels.
GL_POLICY = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'"
GL_PAGE = b"""<!doctype html>
<meta charset="utf-8"><title>scattergl</title>
<div id="plot" style="width:800px;height:500px"></div>
<script src="/plotly.js"></script>
<script src="/draw.js"></script>
"""
GL_DRAW = b"""
var x = [], y = [];
for (var i = 0; i < 10000; i++) { x.push(i); y.push(Math.sin(i / 50) + (i % 7) / 10); }
Plotly.newPlot('plot', [{type: 'scattergl', mode: 'lines+markers', x: x, y: y,
                         marker: {size: 12, color: '#c00', line: {color: '#111', width: 1}},
                         line: {width: 9, dash: 'dot'}}])
  .then(function () { window.drawn = true; }, function (error) { window.failed = String(error); });
"""


def gl_page_app(environ, start_response):
    files = {"/": (GL_PAGE, "text/html; charset=utf-8"),
             "/plotly.js": (SCATTERGL.path.read_bytes(), "text/javascript"),
             "/draw.js": (GL_DRAW, "text/javascript")}
    if environ["PATH_INFO"] not in files:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    body, content_type = files[environ["PATH_INFO"]]
    start_response("200 OK", [("Content-Type", content_type),
                              ("Content-Security-Policy", GL_POLICY)])
    return [body]


@pytest.mark.browser
def test_scattergl_bundle_draws_10000_points_without_eval() -> None:
    with serving(gl_page_app) as url, chromium() as browser:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.add_init_script("window.violations = []; document.addEventListener("
                             "'securitypolicyviolation', e => window.violations.push("
                             "e.violatedDirective + ' ' + e.blockedURI));")
        page.goto(url + "/")
        page.wait_for_function("() => window.drawn || window.failed", timeout=30_000)
        result = page.evaluate("""() => {
            const plot = document.getElementById('plot');
            const canvas = plot.querySelector('.gl-canvas-context');
            let painted = 0;
            if (canvas) {  // plotly.js keeps the drawing buffer, so it can be read back
                const copy = document.createElement('canvas');
                copy.width = canvas.width; copy.height = canvas.height;
                const context = copy.getContext('2d');
                context.drawImage(canvas, 0, 0);
                const pixels = context.getImageData(0, 0, copy.width, copy.height).data;
                for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) painted++;
            }
            return {failed: window.failed || null, violations: window.violations,
                    version: window.Plotly.version, trace: plot._fullData[0].type,
                    points: plot._fullData[0]._length,
                    glCanvases: plot.querySelectorAll('.gl-canvas').length,
                    noWebGL: !!plot.querySelector('.no-webgl'), painted: painted};
        }""")
    assert errors == [] and result["failed"] is None and result["violations"] == []
    assert result["version"] == get_plotlyjs_version()
    assert (result["trace"], result["points"]) == ("scattergl", 10_000)
    assert result["glCanvases"] > 0 and not result["noWebGL"], "plotly.js found no WebGL"
    assert result["painted"] > 10_000, "the WebGL canvas is empty"
