"""The chart as plain SVG inside the embed's HTML: marks on screen before plotly.js runs.

plotly.js takes a few hundred milliseconds to start and draw, on a phone
more. The embed's page therefore carries a picture of the same figure, drawn
from the figure `figure.build_figure` made (lanes, bars, marks, labels, the
date grid), placed where Plotly will draw it: positions are percentages of the
plot area, so the picture fits any width as the chart does. Each mark names its
event (`data-event`: the first of its events, whose others the page's data
lists), so the page makes the picture answer hover and clicks itself
(`engine/web/picture.js`) and loads plotly.js only when a reader asks for a view the
picture cannot show (a filter, a zoom); Plotly's chart then replaces it. For
readers without JavaScript the picture is the chart. A link that asks for
another view hides it and starts loading plotly.js at once (PREVIEW_GUARD).

Every string from the data is escaped here: the figure's texts are already
escaped for Plotly (the same HTML entities), so they are unescaped once and
escaped again, never passed through as markup.
"""
from __future__ import annotations

import base64
import hashlib
import html
import logging
import math
import re
import unicodedata
from datetime import datetime, timezone

from timeline.data.colour_vision import HEX_COLOUR
from timeline.view.colours import dark_twins
from timeline.view.view_state import PARAMETERS

log = logging.getLogger(__name__)

MARK_RADIUS_PX = 6          # Plotly's marker size 12 is a diameter
# A mark for several crowded events is drawn bigger by its count (engine/web/density.js,
# DENSITY_SIZES): (at least this many events, marker size).
DENSITY_SIZES = ((100, 20), (10, 17), (2, 14))
LABEL_GAP_PX = 5
# Until picture.js measures the labels with the reader's fonts (label-fit.js), and for
# readers without JavaScript, each label is hidden where the chart is too narrow for it
# (a container query): estimated generously, so that what shows fits. Measured in
# Chromium, a 12 px Latin character is 5.5 to 6.4 px; a CJK one about an em.
LABEL_CHAR_PX, WIDE_CHAR_PX = 7.0, 12.5
LABEL_SPACE_PX = 4    # between labels, as label-fit.js keeps them
WIDTH_STEP_PX = 8     # labels' narrowest widths rounded up to this: fewer style rules
TICK_LABEL_GAP_PX = 6
# Plotly puts a date tick about every 80 px: some ten across a desktop embed,
# five on a phone. Both sets are drawn; the style sheet shows one by width.
WIDE_TICKS, NARROW_TICKS = 10, 5

# Hides the picture when the link asks for a view other than the default one
# (filters, dates, zoom, lanes): the picture is of the default view, and a
# wrong picture is worse than none. That view needs plotly.js, so the guard
# starts loading it too, from the address on its own element (`data-plotly`),
# as early as a script in the page's head would (picture.js finds it by its
# id). Inline, so it runs before the first paint; its hash is in the page's
# Content-Security-Policy.
# Not `event` (a ring, no more), `list` (the list below the chart open), `story` nor
# `theme` (the picture takes its colours from the style sheet).
VIEW_PARAMETERS = tuple(name for name in PARAMETERS
                        if name not in ("event", "list", "story", "theme"))
PLOTLY_SCRIPT_ID = "timeline-plotly"
PREVIEW_GUARD = ("/[?&](" + "|".join(VIEW_PARAMETERS) + ")=/.test(location.search)&&("
                 "document.documentElement.classList.add(\"no-preview\"),"
                 "document.head.appendChild(Object.assign(document.createElement(\"script\"),"
                 f"{{id:\"{PLOTLY_SCRIPT_ID}\",src:document.currentScript.dataset.plotly}})))")
PREVIEW_GUARD_HASH = "'sha256-" + base64.b64encode(
    hashlib.sha256(PREVIEW_GUARD.encode()).digest()).decode() + "'"


def guard_script(plotly_url: str) -> str:
    return f'<script data-plotly="{_attr(plotly_url)}">{PREVIEW_GUARD}</script>'


def _ms(value: str) -> float:
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:  # Plotly's dates are naive: read them as UTC, as plotly.js does
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp() * 1000


def _pct(fraction: float) -> str:
    # Hundredths of a percent: under 0.2 px on the widest chart.
    return f"{fraction * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _text(value) -> str:
    """A figure's text (escaped for Plotly) as HTML text: unescaped once, escaped again."""
    return html.escape(html.unescape(str(value)))


def _attr(value) -> str:
    return html.escape(str(value), quote=True)


# A dark page draws the picture in each colour's dark twin (colours.dark_twins), as the
# engine draws Plotly's chart: the picture names its colours by custom properties, which
# the picture's style element sets for each theme, beside the light colour itself (for a
# browser without them). The same selectors as the style sheet's dark theme.
_TWINS = dark_twins()
_PROPERTY = {light: f"--tl-{number}" for number, light in enumerate(_TWINS)}
_DECLARED_PROPERTY = "--tl-c"  # and the colour's hex digits: '--tl-cc2185b'

DARK_SELECTORS = (".theme-dark .chart-preview",
                  "@media (prefers-color-scheme: dark){:root:not(.theme-light) .chart-preview")


def _paint(**colours) -> str:
    """`fill="…" stroke="…"` for the colours given, each by its custom property where
    it has a dark twin: the palettes' and the chart's own (numbered), or a timeline's
    declared colour (named by its hex digits, defined by `theme_style`)."""
    attributes, styles = [], []
    for name, colour in colours.items():
        name = name.replace("_", "-")
        attributes.append(f'{name}="{_attr(colour)}"')
        colour = str(colour).lower()
        if colour in _PROPERTY:
            styles.append(f"{name}:var({_PROPERTY[colour]})")
        elif HEX_COLOUR.fullmatch(colour):
            styles.append(f"{name}:var({_DECLARED_PROPERTY}{colour[1:]})")
    style = f' style="{";".join(styles)}"' if styles else ""
    return " ".join(attributes) + style


def theme_style(markup: str = "") -> str:
    """The custom properties of every colour with a twin, light then dark: the
    palettes' and the chart's, and the declared colours `markup` names."""
    declared = sorted(set(re.findall(f"var\\({_DECLARED_PROPERTY}([0-9a-f]{{6}})\\)", markup)))
    twins = _TWINS | dark_twins("#" + digits for digits in declared)
    named = _PROPERTY | {f"#{digits}": f"{_DECLARED_PROPERTY}{digits}" for digits in declared}
    light = "".join(f"{named[c]}:{c}" + ";" for c in named)
    dark = "".join(f"{named[c]}:{twins[c]};" for c in named)
    return (f"<style>.chart-preview{{{light}}}{DARK_SELECTORS[0]}{{{dark}}}"
            f"{DARK_SELECTORS[1]}{{{dark}}}}}</style>")


class _Scale:
    """Data values to fractions of the plot area, as Plotly's axes map them."""

    def __init__(self, layout: dict):
        x0, x1 = layout["xaxis"]["range"]
        self.x0, self.x1 = _ms(x0), _ms(x1)
        bottom, top = layout["yaxis"]["range"]  # reversed: the first lane on top
        self.y_top, self.y_span = top, bottom - top

    def x(self, value) -> float | None:
        if value is None:
            return None
        return (_ms(value) - self.x0) / (self.x1 - self.x0)

    def y(self, value: float) -> float:
        return (value - self.y_top) / self.y_span


def year_ticks(x0_ms: float, x1_ms: float, count: int) -> list[int]:
    """About `count` round years inside the window, at Plotly's steps (1, 2, 5 × 10ⁿ)."""
    first = datetime.fromtimestamp(x0_ms / 1000, timezone.utc).year + 1
    last = datetime.fromtimestamp(x1_ms / 1000, timezone.utc).year
    if last - first < 2:
        return []
    rough = (last - first) / count
    step = next(s * 10 ** n for n in range(6) for s in (1, 2, 5) if s * 10 ** n >= rough)
    return list(range(-(-first // step) * step, last + 1, step))


def _bars(trace: dict, scale: _Scale) -> str:
    line = trace.get("line", {})
    width = line.get("width", 2)
    dash = "" if line.get("dash", "solid") == "solid" else (
        f' stroke-dasharray="{max(width, 3)},{max(width, 3)}"')
    segments = []
    xs, ys = trace["x"], trace["y"]
    bars = sorted((ys[i], scale.x(xs[i]), scale.x(xs[i + 1])) for i in range(0, len(xs) - 1, 3)
                  if xs[i] is not None and xs[i + 1] is not None)  # start, end, gap
    runs: list[list] = []
    for y, a, b in bars:  # drawn in one path, overlapping bars of a row look as their union
        if runs and runs[-1][0] == y and a <= runs[-1][2]:
            runs[-1][2] = max(runs[-1][2], b)
        else:
            runs.append([y, a, b])
    for y, a, b in runs:
        if b < 0 or a > 1:
            continue
        y = _pct(scale.y(y))
        segments.append(f'<line x1="{_pct(a)}" x2="{_pct(b)}" y1="{y}" y2="{y}"/>')
    if not segments:
        return ""
    # One group per trace, as Plotly draws one path: overlaps do not darken.
    return (f'<g opacity="{trace.get("opacity", 1)}" {_paint(stroke=line.get("color", "#999"))}'
            f' stroke-width="{width}"{dash}>' + "".join(segments) + "</g>")


def _label_width(text: str) -> float:
    return sum(WIDE_CHAR_PX if unicodedata.east_asian_width(c) in "WF" else LABEL_CHAR_PX
               for c in text)


def _label_reach(text: str, left: bool) -> tuple[float, float]:
    """Where a label starts and ends beside its mark, in px from the mark's centre."""
    width = _label_width(text)
    return (-LABEL_GAP_PX - width, -LABEL_GAP_PX) if left else (LABEL_GAP_PX,
                                                                 LABEL_GAP_PX + width)


def narrowest_plots(labels: list[tuple[float, float, str, bool]]) -> list[float]:
    """For each label (its mark's x as a fraction of the plot, its row, its text, left
    of its mark?), the narrowest plot (px) at which it stays inside the plot and clear
    of every label before it in its row; math.inf if none. Positions scale with the
    plot's width, label widths do not: each condition is a width to exceed."""
    out = []
    for index, (x, row, text, left) in enumerate(labels):
        start, end = _label_reach(text, left)
        least = 0.0
        # Inside the plot, a pixel from its edges.
        if end + 1 > 0:
            least = max(least, (end + 1) / (1 - x) if x < 1 else math.inf)
        if start - 1 < 0:
            least = max(least, (1 - start) / x if x > 0 else math.inf)
        for other_x, other_row, other_text, other_left in labels[:index]:
            if other_row != row:
                continue
            other_start, other_end = _label_reach(other_text, other_left)
            first_x, first_end, then_x, then_start = (
                (other_x, other_end, x, start) if other_x <= x else (x, end, other_x, other_start))
            need = first_end + LABEL_SPACE_PX - then_start
            if need > 0:
                least = max(least, need / (then_x - first_x) if then_x > first_x else math.inf)
        out.append(least)
    return out


def symbol_path(symbol: str, radius: float) -> str | None:
    """A marker's outline around (0, 0), as plotly.js draws the symbol (its
    symbol_defs.js, at the same rounding); None for a circle (drawn as one)."""
    def r(value: float) -> str:
        return f"{round(value, 2):g}"
    if symbol == "square":
        return f"M{r(radius)},{r(radius)}H-{r(radius)}V-{r(radius)}H{r(radius)}Z"
    if symbol == "diamond":
        d = r(radius * 1.3)
        return f"M{d},0L0,{d}L-{d},0L0,-{d}Z"
    if symbol == "triangle-up":
        return (f"M-{r(radius * 2 / math.sqrt(3))},{r(radius / 2)}"
                f"H{r(radius * 2 / math.sqrt(3))}L0,-{r(radius)}Z")
    return None


def _marks(trace: dict, scale: _Scale, widths: dict[int, int] | None = None,
           shapes: dict[str, str] | None = None) -> str:
    """`widths`: the narrowest chart (px) each label (by its index) shows at;
    `shapes`: the outlines of marks other than circles (certainty: figure.py
    CERTAINTY_SYMBOLS), by their id, collected for the picture's <defs>."""
    marker = trace.get("marker", {})
    stroke = marker.get("line", {})
    marks, labels = [], []
    texts = trace.get("text") or []
    positions = trace.get("textposition") or []
    points = trace.get("customdata") or []
    for index, (x, y) in enumerate(zip(trace["x"], trace["y"])):
        fx = scale.x(x)
        if fx is None or not 0 <= fx <= 1:
            continue
        cx, cy = _pct(fx), _pct(scale.y(y))
        point = points[index] if index < len(points) else None
        radius = _radius(point)
        # Its (first) event, for picture.js; an id is the editor's text: escaped.
        event = (f' data-event="{_attr(point[0])}"'
                 if isinstance(point, list) and point and point[0] else "")
        symbol = marker.get("symbol", "circle")
        symbol = symbol[index] if isinstance(symbol, list) else symbol
        outline = symbol_path(symbol, radius)
        if outline is None or shapes is None:
            marks.append(f'<circle class="preview-mark" cx="{cx}" cy="{cy}" r="{radius:g}"'
                         f'{event}/>')
        else:
            # A shape placed by <use> (a path takes no percentages); cx, cy and r
            # for picture.js, which finds every mark by them.
            shape = f"tl-{symbol}-{radius:g}".replace(".", "_")
            shapes[shape] = outline
            marks.append(f'<use class="preview-mark" href="#{shape}" x="{cx}" y="{cy}" '
                         f'cx="{cx}" cy="{cy}" r="{radius:g}"{event}/>')
        if index < len(texts) and texts[index]:
            left = index < len(positions) and "left" in positions[index]
            anchor = ' text-anchor="end"' if left else ""
            narrowest = (widths or {}).get(index)
            fits = f' class="fits-{narrowest}"' if narrowest else ""
            labels.append(
                f'<text{fits} x="{cx}" y="{cy}" dx="{-LABEL_GAP_PX if left else LABEL_GAP_PX}" '
                f'dy="-{MARK_RADIUS_PX + 2}"{anchor}{event}>{_text(texts[index])}</text>')
    if not marks:
        return ""
    font = trace.get("textfont", {})
    paint = _paint(fill=marker.get("color", "#444"),
                   stroke=stroke.get("color", marker.get("color", "#444")))
    out = (f'<g {paint} stroke-width="{stroke.get("width", 0)}">' + "".join(marks) + "</g>")
    if labels:
        out += (f'<g {_paint(fill=font.get("color", "#222"))} '
                f'font-size="{font.get("size", 12)}">' + "".join(labels) + "</g>")
    return out


def _radius(point) -> float:
    """A mark's radius: bigger for a mark standing for several events (its
    customdata's fourth item lists them), as the chart draws it."""
    count = len(point[3]) if isinstance(point, list) and len(point) > 3 else 1
    size = next((size for least, size in DENSITY_SIZES if count >= least), MARK_RADIUS_PX * 2)
    return size / 2


def _shapes(layout: dict, scale: _Scale) -> str:
    out = []
    for shape in layout.get("shapes", []):
        if shape.get("type") == "line" and shape.get("xref") == "paper":
            y = _pct(scale.y(shape["y0"]))
            out.append(f'<line x1="0" x2="100%" y1="{y}" y2="{y}" '
                       f'{_paint(stroke=shape.get("line", {}).get("color", "#ddd"))}/>')
        elif shape.get("type") == "rect" and shape.get("xref") == "x":
            a, b = scale.x(shape["x0"]), scale.x(shape["x1"])
            a, b = max(a, 0), min(b, 1)
            if b > a:
                out.append(f'<rect x="{_pct(a)}" width="{_pct(b - a)}" y="0" height="100%" '
                           f'{_paint(fill=shape.get("fillcolor", "#eee"))} '
                           f'opacity="{shape.get("opacity", 1)}"/>')
    return "".join(out)


def chart_preview(figure: dict) -> str:
    """The figure (as plotly.io.to_json gives it) as an HTML fragment of SVG, or ""
    for a figure it cannot read: then readers wait for Plotly's chart, as before."""
    try:
        return _draw(figure)
    except (KeyError, TypeError, ValueError, StopIteration, ZeroDivisionError) as problem:
        log.warning("no picture of the chart: %r", problem)
        return ""


def _draw(figure: dict) -> str:
    layout = figure["layout"]
    margin = layout["margin"]
    scale = _Scale(layout)
    wide = set(year_ticks(scale.x0, scale.x1, WIDE_TICKS))
    narrow = set(year_ticks(scale.x0, scale.x1, NARROW_TICKS))
    grid, tick_labels = [], []
    for year in sorted(wide | narrow):
        x = _pct(scale.x(f"{year}-01-01"))
        kind = " ".join(name for name, ticks in (("tick-wide", wide), ("tick-narrow", narrow))
                        if year in ticks)
        grid.append(f'<line class="{kind}" x1="{x}" x2="{x}" y1="0" y2="100%"/>')
        tick_labels.append(f'<text class="{kind}" x="{x}" y="-{TICK_LABEL_GAP_PX}">{year}</text>')
    yaxis = layout["yaxis"]
    lanes = "".join(
        f'<text x="-{TICK_LABEL_GAP_PX}" y="{_pct(scale.y(value))}" dy="0.35em">'
        f"{_text(name)}</text>"
        for value, name in zip(yaxis.get("tickvals", []), yaxis.get("ticktext", [])))
    traces = [t for t in figure["data"] if t.get("x") and t.get("y")]
    widths, label_style = _label_widths(traces, scale, margin["l"] + margin["r"])
    shapes: dict[str, str] = {}
    drawn = "".join(_bars(t, scale) if t.get("mode") == "lines"
                    else _marks(t, scale, widths[n], shapes) for n, t in enumerate(traces))
    if shapes:
        drawn = ("<defs>" + "".join(f'<path id="{name}" d="{path}"/>'
                                    for name, path in shapes.items()) + "</defs>" + drawn)
    horizontal = margin["l"] + margin["r"]
    ink = layout.get("font", {}).get("color", "#444")
    vertical = margin["t"] + margin["b"]
    picture = (
        f'<div class="chart-preview" style="height:{int(layout["height"])}px">'
        # Hidden from screen readers, who have the list (the page's mode bar,
        # which picture.js adds beside the picture, is for them too).
        f'<svg class="preview-plot" aria-hidden="true" '
        f'style="left:{margin["l"]}px;top:{margin["t"]}px;'
        f'width:calc(100% - {horizontal}px);height:calc(100% - {vertical}px)" '
        f'overflow="visible" font-size="12">'
        f'<g {_paint(stroke=layout["xaxis"].get("gridcolor", "#eee"))}>{"".join(grid)}</g>'
        f'<g {_paint(fill=ink)} text-anchor="middle">{"".join(tick_labels)}</g>'
        f"{_shapes(layout, scale)}"
        f'<g {_paint(fill=ink)} text-anchor="end">{lanes}</g>'
        f'<svg width="100%" height="100%">{drawn}</svg>'
        f"</svg>")
    return f"{picture}{theme_style(picture)}{label_style}</div>"


def _label_widths(traces: list[dict], scale: _Scale, margins: int,
                  ) -> tuple[list[dict[int, int]], str]:
    """Per trace, the narrowest chart (px, rounded up) each of its labels shows at
    (a chart is narrower than the page: phones' pages have margins); and the style
    hiding them below it until picture.js has fitted them (`is-interactive`)."""
    found = []  # (trace, index, x, row, text, left)
    for number, trace in enumerate(traces):
        texts, positions = trace.get("text") or [], trace.get("textposition") or []
        if trace.get("mode") == "lines" or not isinstance(texts, list):
            continue
        for index, (x, y) in enumerate(zip(trace["x"], trace["y"])):
            fx = scale.x(x)
            if index < len(texts) and texts[index] and fx is not None and 0 <= fx <= 1:
                left = index < len(positions) and "left" in positions[index]
                found.append((number, index, fx, y, html.unescape(str(texts[index])), left))
    widths: list[dict[int, int]] = [{} for _ in traces]
    plots = narrowest_plots([(fx, y, text, left) for _, _, fx, y, text, left in found])
    for (number, index, *_), plot in zip(found, plots):
        chart = plot + margins
        if plot > 0:
            widths[number][index] = (100_000 if math.isinf(chart)
                                     else math.ceil(chart / WIDTH_STEP_PX) * WIDTH_STEP_PX)
    rules = "".join(
        f"@container (width < {width}px){{.chart-preview:not(.is-interactive) .fits-{width}"
        f"{{display:none}}}}"
        for width in sorted({w for per_trace in widths for w in per_trace.values()}))
    return widths, f"<style>{rules}</style>" if rules else ""
