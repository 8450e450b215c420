"""The peers in the page benchmark: TimelineJS and vis-timeline, what newsrooms use today.

`install()` puts the pinned npm packages into `.bench-peers/` (ignored by git,
outside `bench/` so the repository's own checks never read third-party
files); `write_pages()` writes, for one set of events, a static page per peer
with the events in that library's own format, each file beside a brotli-11
copy for the bench's CDN-like file server. Each page times itself in the
same clock as the bench's other pages (`performance.now()` from the start of
navigation) and offers the bench its filter and zoom as `window.__bench`.
"""
from __future__ import annotations

import hashlib
import html
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import brotli
import pandas as pd

from timeline.data import timelinejs
from timeline.data.loading import LoadResult

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / ".bench-peers"
PACKAGES = {"@knight-lab/timelinejs": "3.9.11", "vis-timeline": "8.5.4"}
NAMES = {"timelinejs": "TimelineJS", "vis-timeline": "vis-timeline"}
# The first event mark each peer puts on screen (TimelineJS: a marker on its time
# navigator). vis-timeline keeps its chart hidden until its first draw is done,
# so its page notes "ready" itself, with "interactive".
READY_SELECTORS = {"timelinejs": ".tl-timemarker", "vis-timeline": None}
COMPRESSED = (".html", ".js", ".css", ".json", ".svg", ".ttf", ".eot")


def installed_version(package: str) -> str | None:
    manifest = FOLDER / "node_modules" / package / "package.json"
    try:
        return json.loads(manifest.read_text("utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def install() -> str | None:
    """Installs the pinned peers unless they are there; None, or why they cannot be."""
    if all(installed_version(p) == v for p, v in PACKAGES.items()):
        return None
    npm = shutil.which("npm")
    if not npm:
        return "npm not found"
    FOLDER.mkdir(exist_ok=True)
    try:
        done = subprocess.run(
            [npm, "install", "--prefix", str(FOLDER), "--no-save", "--no-audit", "--no-fund",
             "--no-package-lock", *(f"{p}@{v}" for p, v in PACKAGES.items())],
            capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return "npm install took over 10 minutes"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"npm install failed ({last})"
    wrong = [p for p, v in PACKAGES.items() if installed_version(p) != v]
    return f"npm installed other versions of {', '.join(wrong)}" if wrong else None


def write_pages(result: LoadResult, folder: Path) -> dict[str, Path]:
    """A folder per peer (its `index.html` shows the events), by peer key."""
    pages = {"timelinejs": folder / "timelinejs", "vis-timeline": folder / "vis-timeline"}
    _timelinejs_page(result, pages["timelinejs"])
    _vis_timeline_page(result.events, pages["vis-timeline"])
    for page in pages.values():
        _compress(page)
    return pages


def _fingerprinted(folder: Path, stem: str, data: bytes) -> str:
    """Written as `stem-<hash>.json`, a name the file server lets browsers keep."""
    name = f"{stem}-{hashlib.sha256(data).hexdigest()[:12]}.json"
    (folder / name).write_bytes(data)
    return name


def _compress(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in COMPRESSED:
            path.with_name(path.name + ".br").write_bytes(
                brotli.compress(path.read_bytes(), quality=11))


# The page's own clock, as in the bench's TIMING_SCRIPT (which made the object).
MARK_FRAME = """
    const times = window.__benchTimes = window.__benchTimes || {};
    const atNextFrame = (name) => requestAnimationFrame(() => {
      if (!(name in times)) { times[name] = performance.now(); }
    });"""


def _timelinejs_page(result: LoadResult, folder: Path) -> None:
    """TimelineJS's own JSON (`events` with `start_date`, `text`, `group`), as the
    app exports it, loaded by address as a newsroom's page does. Its web fonts come
    from Google and are left out (`font: null`): the bench runs offline."""
    dist = FOLDER / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
    # A versioned folder, as on a CDN: the file server lets browsers keep it.
    assets = folder / f"timelinejs@{PACKAGES['@knight-lab/timelinejs']}"
    (assets / "js" / "locale").mkdir(parents=True)
    shutil.copy(dist / "js" / "timeline.js", assets / "js" / "timeline.js")
    shutil.copy(dist / "js" / "locale" / "en.json", assets / "js" / "locale" / "en.json")
    shutil.copytree(dist / "css" / "icons", assets / "css" / "icons")
    shutil.copy(dist / "css" / "timeline.css", assets / "css" / "timeline.css")
    document = timelinejs.timeline_json(result.events, result.eras, None, None, date.today())
    data = _fingerprinted(folder, "events", json.dumps(
        {"events": document["events"]}, ensure_ascii=False, separators=(",", ":")).encode())
    (folder / "index.html").write_text(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{assets.name}/css/timeline.css">
<script src="{assets.name}/js/timeline.js"></script>
</head><body style="margin:0">
<div id="timeline" style="width:100%;height:600px"></div>
<script>
  (() => {{{MARK_FRAME}
    const timeline = new TL.Timeline("timeline", "{data}", {{
      script_path: new URL("{assets.name}/js/", location.href).href, font: null}});
    // Interactive: its "ready" (layout built, events wired) and "loaded" (story
    // and navigator both loaded, first slide shown) have both fired.
    const waiting = new Set(["ready", "loaded"]);
    for (const name of waiting) {{
      timeline.on(name, () => {{
        waiting.delete(name);
        if (!waiting.size) {{ atNextFrame("interactive"); }}
      }});
    }}
    window.__bench = {{timeline}};  // no filter; its zoom is an animation
  }})();
</script>
</body></html>
""", "utf-8")


def vis_timeline_items(events: pd.DataFrame) -> dict:
    """vis-timeline's DataSet rows: {id, content, start, end, group}, a group per category."""
    items = []
    for number, event in enumerate(events.to_dict("records")):
        item = {"id": number, "content": html.escape(event["title"]),
                "start": event["start_at"].strftime("%Y-%m-%d"), "group": event["category"]}
        if event["end_date"] is not None:
            item["end"] = event["end_at"].strftime("%Y-%m-%d")
        items.append(item)
    groups = [{"id": name, "content": html.escape(name)}
              for name in dict.fromkeys(events["category"])]
    return {"items": items, "groups": groups}


def _vis_timeline_page(events: pd.DataFrame, folder: Path) -> None:
    """The standalone build (vis-data included), a lane per category."""
    package = FOLDER / "node_modules" / "vis-timeline"
    assets = folder / f"vis-timeline@{PACKAGES['vis-timeline']}"
    assets.mkdir(parents=True)
    script = "vis-timeline-graph2d.min.js"
    style = "vis-timeline-graph2d.min.css"
    shutil.copy(package / "standalone" / "umd" / script, assets / script)
    shutil.copy(package / "styles" / style, assets / style)
    data = _fingerprinted(folder, "items", json.dumps(
        vis_timeline_items(events), ensure_ascii=False, separators=(",", ":")).encode())
    (folder / "index.html").write_text(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vis-timeline</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{assets.name}/{style}">
<script src="{assets.name}/{script}"></script>
</head><body style="margin:0">
<div id="timeline"></div>
<script>
  (() => {{{MARK_FRAME}
    fetch("{data}").then(response => response.json()).then(data => {{
      // A category filter hides the other lanes (a group's `visible`, as vis-timeline
      // documents it): the lanes are the categories.
      const items = new vis.DataSet(data.items), groups = new vis.DataSet(data.groups);
      const timeline = new vis.Timeline(document.getElementById("timeline"), items, groups, {{
        height: "600px",
        onInitialDrawComplete: () => {{ atNextFrame("ready"); atNextFrame("interactive"); }}}});
      // From the call to the frame after the last redraw it caused ("changed"):
      // the first one, then any other until a second passes without one.
      const redrawn = (change) => new Promise(resolve => {{
        const start = performance.now();
        let last = null, quiet;
        const settle = () => {{
          clearTimeout(quiet);
          quiet = setTimeout(() => {{ timeline.off("changed", seen); resolve(last); }}, 1000);
        }};
        const seen = () => requestAnimationFrame(() => {{
          last = performance.now() - start; settle();
        }});
        timeline.on("changed", seen);
        change();
      }});
      window.__bench = {{
        timeline,
        filter: (categories) => redrawn(() => {{
          groups.update(data.groups.map(group => ({{
            id: group.id, visible: !categories.length || categories.includes(group.id)}})));
        }}),
        zoom: () => redrawn(() => {{
          const {{start, end}} = timeline.getWindow();
          const quarter = (end - start) / 4;
          timeline.setWindow(start.getTime() + quarter, end.getTime() - quarter,
                             {{animation: false}});
        }}),
      }};
    }});
  }})();
</script>
</body></html>
""", "utf-8")
