"""Colours: one per category on the chart, in the legend, in every view; and the
chart's own colours, in a light theme and a dark one.

A timeline's category rows declare its categories' colours (`LoadResult.categories`);
a category without one takes the palette's next colour. Colours are given once over
the whole timeline (see `transforms.prepare_events`), so a filter that hides some
categories never changes the colour of the others. The figure is built in the light colours;
a dark page swaps each for its twin (`dark_twins`): the engine in Plotly's
figure, the SVG picture of the chart through the style sheet.
tests/test_colours.py holds both palettes to their promises: marks 3:1 against
their chart's background, text 4.5:1, and every two categories apart (CIEDE2000
at least 10) in normal vision and under deuteranopia, protanopia and tritanopia.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable

from timeline.data.colour_vision import DARK_BACKGROUND, dark_twin

# Chosen by a search over OKLCH for the largest smallest distance between any two
# colours, as seen with each colour-vision deficiency (Machado et al. 2009 at
# severity 1), among colours 3.3:1 against the background; the dark palette keeps
# each light colour's hue. Beyond eight categories the colours repeat (the lanes
# still name the categories; the legend does when lanes are actors).
PALETTE = ("#3b2ba9", "#9e8773", "#2d6101", "#a82e59", "#c37827", "#6a8495", "#432d1f",
           "#8459c3")
DARK_PALETTE = ("#7258fa", "#ba9f83", "#6f8d2a", "#ce6e99", "#ffbc64", "#c2d3e4", "#f6dfd4",
                "#a296f1")

# The chart's own colours by role, light and dark: what the figure is built in, and
# what a dark page draws instead.
CHART_LIGHT = {
    "background": "white",  # the chart's, and a hollow mark's fill
    "ink": "#444",          # axis dates and lane names
    "label": "#222",        # marks' labels
    "era_label": "#555",
    "grid": "#eee",
    "separator": "#ddd",    # between lanes
    "selected": "#111",     # the selected event's ring
    "era_fill": "rgba(0, 0, 0, 0.05)",
    "era_fill_alternate": "rgba(0, 0, 0, 0.09)",
    "unsaved": "#b3470b",   # the editor's preview: rings and titles of unsaved events
}
CHART_DARK = {
    "background": DARK_BACKGROUND,
    "ink": "#c9ccd1",
    "label": "#e8e8e6",
    "era_label": "#b4b8be",
    "grid": "#2c3036",
    "separator": "#3a3e45",
    "selected": "#f2f2f2",
    "era_fill": "rgba(255, 255, 255, 0.06)",
    "era_fill_alternate": "rgba(255, 255, 255, 0.11)",
    "unsaved": "#ff8f4d",
}
# Eras are backdrop: two light greys, alternating, so periods that touch stay apart.
ERA_FILLS = (CHART_LIGHT["era_fill"], CHART_LIGHT["era_fill_alternate"])


def category_colours(categories: list[str],
                     declared: dict[str, str] | None = None) -> dict[str, str]:
    """Colours keyed by category, in the lanes' order: the declared categories
    (name → colour, '' for none) first, in their order, then any others by name.
    A category without a declared colour takes the palette's next colour."""
    ordered = list(declared or {}) + sorted(set(categories) - set(declared or {}))
    given = {name: colour for name, colour in (declared or {}).items() if colour}
    spare = iter(PALETTE[i % len(PALETTE)] for i in itertools.count())
    return {c: given.get(c) or next(spare) for c in ordered}


def dark_twins(colours: Iterable[str] = ()) -> dict[str, str]:
    """Each colour the light figure uses → the one a dark page draws instead
    (keys lower-case, as the engine and the picture look them up): the palettes'
    own pairs, the chart's, and for `colours` outside the palette (a timeline's
    declared ones) a twin of the same hue made light enough (colour_vision.dark_twin)."""
    twins = dict(zip(PALETTE, DARK_PALETTE))
    twins |= {CHART_LIGHT[role]: CHART_DARK[role] for role in CHART_LIGHT}
    twins = {light.lower(): dark for light, dark in twins.items()}
    return twins | {colour.lower(): dark_twin(colour.lower()) for colour in colours
                    if colour.lower() not in twins}
