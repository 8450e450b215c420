"""How a category's colour reads: against the chart's background, light and dark,
and beside the other categories' colours as readers with the common colour-vision
deficiencies see them. The validator warns with it (`checks.whole_file`); the
view draws a declared colour's dark twin with it (`view.colours`).

Colour science from coloraide (pure Python, imported when first needed): WCAG 2
contrast, Machado et al. (2009) simulation at severity 1, CIEDE2000; the same
as tests/test_colours.py holds the default palettes to.
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# The chart's backgrounds (view/colours.py's CHART_LIGHT and CHART_DARK).
LIGHT_BACKGROUND = "#ffffff"
DARK_BACKGROUND = "#16181c"
MARK_CONTRAST = 3.0        # WCAG 2's for graphics against their background
SMALLEST_DISTANCE = 10.0   # CIEDE2000: below it, two categories read as one
# How each is seen (None: normal vision) → who sees it so, for the warnings.
DEFICIENCIES = {None: "every reader", "deutan": "readers with deuteranopia",
                "protan": "readers with protanopia", "tritan": "readers with tritanopia"}
# A dark twin is lightened until it stands this far from the dark background (a
# little above MARK_CONTRAST, as the default dark palette was chosen).
_TWIN_CONTRAST = 3.3


def _color(colour: str):
    from coloraide import Color  # 80 ms to import: only files that declare colours pay it
    return Color(colour)


@lru_cache(maxsize=4096)
def contrast(colour: str, background: str) -> float:
    return float(_color(colour).contrast(background))


@lru_cache(maxsize=4096)
def distance(first: str, second: str, deficiency: str | None) -> float:
    """CIEDE2000 between the two colours as seen with `deficiency` (None: normal)."""
    def seen(colour: str):
        shown = _color(colour)
        return shown if deficiency is None else shown.filter(deficiency, method="machado")
    return float(seen(first).delta_e(seen(second), method="2000"))


@lru_cache(maxsize=4096)
def dark_twin(colour: str) -> str:
    """The colour a dark page draws instead of `colour`: its hue and chroma kept
    (so a reader switching themes keeps their bearings), lightened in OKLCH until
    it stands out from the dark background."""
    oklch = _color(colour).convert("oklch")
    lightness = oklch["lightness"]
    while lightness < 1 and contrast(_hex(oklch, lightness), DARK_BACKGROUND) < _TWIN_CONTRAST:
        lightness = min(1.0, lightness + 0.02)
    return _hex(oklch, lightness)


def _hex(oklch, lightness: float) -> str:
    shifted = oklch.clone().set("lightness", lightness)
    return shifted.convert("srgb").fit("srgb").to_string(hex=True)


def low_contrast(colour: str) -> list[tuple[str, float]]:
    """The themes ('light', 'dark') whose chart background `colour` (its twin, in
    the dark one) does not stand out from, with the contrast it has."""
    found = [("light", contrast(colour, LIGHT_BACKGROUND)),
             ("dark", contrast(dark_twin(colour), DARK_BACKGROUND))]
    return [(theme, ratio) for theme, ratio in found if ratio < MARK_CONTRAST]


def too_close(colours: dict[str, str]) -> list[tuple[str, str, str, float]]:
    """Every two categories (name → colour) whose colours read as one: (first,
    second, how seen, distance), in normal vision if so, else with the deficiency
    that brings them nearest."""
    found = []
    for (first, a), (second, b) in itertools.combinations(colours.items(), 2):
        a, b = a.lower(), b.lower()
        seen = None if distance(a, b, None) < SMALLEST_DISTANCE else min(
            DEFICIENCIES, key=lambda deficiency: distance(a, b, deficiency))
        if (apart := distance(a, b, seen)) < SMALLEST_DISTANCE:
            found.append((first, second, DEFICIENCIES[seen], apart))
    return found
