"""The palettes keep their promises (issue 17): every two categories apart for
readers with the common colour-vision deficiencies, marks 3:1 and text 4.5:1
against the chart's background, in the light theme and the dark one. A
timeline's declared colours (issue 18) keep their order, and get a dark twin of
their hue that keeps the same promise; the validator's colour science
(timeline/data/colour_vision.py) answers as coloraide's does here.

Colour science from coloraide (pinned in requirements-dev.txt): its Machado et
al. (2009) simulation at severity 1, its CIEDE2000, its WCAG 2 contrast."""
import itertools

import pytest
from coloraide import Color

from timeline.data import colour_vision
from timeline.view.colours import (
    CHART_DARK,
    CHART_LIGHT,
    DARK_PALETTE,
    PALETTE,
    category_colours,
    dark_twins,
)

DEFICIENCIES = ("deutan", "protan", "tritan")
SMALLEST_DISTANCE = 10  # CIEDE2000
THEMES = {"light": (PALETTE, CHART_LIGHT), "dark": (DARK_PALETTE, CHART_DARK)}


def seen_with(colour: str, deficiency: str | None) -> Color:
    seen = Color(colour)
    return seen if deficiency is None else seen.filter(deficiency, method="machado")


def test_the_colour_science_is_the_published_one():
    # Sharma, Wu and Dalal (2005), pairs 1 and 25 of the CIEDE2000 test data (the
    # formula's own Lab, D65, as coloraide computes it).
    for first, second, distance in (([50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425),
                                    ([50, 2.5, 0], [73, 25, -18], 27.1492)):
        assert Color("lab-d65", first).delta_e(Color("lab-d65", second), method="2000") == \
            pytest.approx(distance, abs=1e-4)
    # WCAG's extremes, and a protanope cannot tell pure red from a dark yellow-brown.
    assert Color("black").contrast("white") == pytest.approx(21)
    assert seen_with("#ff0000", "protan").delta_e(
        seen_with("#7a6300", "protan"), method="2000") < SMALLEST_DISTANCE
    assert Color("#ff0000").delta_e("#7a6300", method="2000") > SMALLEST_DISTANCE


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_every_two_categories_stay_apart(theme, deficiency):
    palette, _ = THEMES[theme]
    assert len(set(palette)) == len(palette) >= 7  # the seven a timeline may well have
    nearest = min((seen_with(a, deficiency).delta_e(seen_with(b, deficiency), method="2000"),
                   a, b) for a, b in itertools.combinations(palette, 2))
    assert nearest[0] >= SMALLEST_DISTANCE, nearest


@pytest.mark.parametrize("theme", THEMES)
def test_marks_stand_out_from_the_chart_and_text_reads(theme):
    palette, chart = THEMES[theme]
    background = chart["background"]
    for colour in (*palette, chart["selected"]):
        assert Color(colour).contrast(background) >= 3, colour
    for role in ("ink", "label", "era_label"):
        assert Color(chart[role]).contrast(background) >= 4.5, role
        # Era names sit on an era's shading too.
        on_era = Color.layer([chart["era_fill_alternate"], background])
        assert Color(chart[role]).contrast(on_era) >= 4.5, role
    # The editor's preview titles its unsaved events in this colour.
    assert Color(chart["unsaved"]).contrast(background) >= 4.5
    # Grid and separators are faint on purpose (decoration, not information), but seen.
    assert 1.1 <= Color(chart["grid"]).contrast(background) < 3


def test_each_light_colour_has_its_dark_twin():
    twins = dark_twins()
    for light, dark in zip(PALETTE, DARK_PALETTE):
        assert twins[light.lower()] == dark
        # Still the same hue family, so a reader switching themes keeps their bearings.
        hues = [Color(c).convert("oklch")["hue"] for c in (light, dark)]
        assert min(abs(hues[0] - hues[1]), 360 - abs(hues[0] - hues[1])) <= 25, (light, dark)
    assert all(twins[CHART_LIGHT[role].lower()] == CHART_DARK[role] for role in CHART_LIGHT)


def test_past_the_palette_colours_repeat_and_undeclared_categories_go_by_name():
    many = [f"category {n:02}" for n in range(len(PALETTE) + 2)]
    colours = category_colours(many[::-1])
    assert list(colours) == many
    assert [colours[c] for c in many] == [*PALETTE, *PALETTE[:2]]


def test_declared_categories_keep_their_order_and_colours_and_the_rest_take_the_palette():
    declared = {"storms": "#c2185b", "ferries": "", "cargo": "#8a5a00"}
    colours = category_colours(["cargo", "adrift", "storms", "ferries"], declared)
    assert list(colours) == ["storms", "ferries", "cargo", "adrift"]
    assert colours == {"storms": "#c2185b", "ferries": PALETTE[0], "cargo": "#8a5a00",
                       "adrift": PALETTE[1]}


@pytest.mark.parametrize("colour", ["#c2185b", "#8a5a00", "#000000", "#2f2a24", "#1b6ca8"])
def test_a_declared_colour_has_a_dark_twin_of_its_hue_that_stands_out(colour):
    twin = dark_twins([colour.upper()])[colour]
    assert Color(twin).contrast(CHART_DARK["background"]) >= 3, twin
    if Color(colour).convert("oklch")["chroma"] > 0.02:  # a grey has no hue to keep
        hues = [Color(c).convert("oklch")["hue"] for c in (colour, twin)]
        assert min(abs(hues[0] - hues[1]), 360 - abs(hues[0] - hues[1])) <= 25, (colour, twin)
    # The palette's own colours keep the twins chosen for them.
    assert dark_twins([PALETTE[0]])[PALETTE[0]] == DARK_PALETTE[0]


def test_the_validators_colour_science_is_coloraides():
    a, b = "#ff0000", "#7a6300"
    assert colour_vision.contrast(a, "#ffffff") == pytest.approx(Color(a).contrast("white"))
    for deficiency in DEFICIENCIES:
        assert colour_vision.distance(a, b, deficiency) == pytest.approx(
            seen_with(a, deficiency).delta_e(seen_with(b, deficiency), method="2000"))
    assert colour_vision.too_close({"red": a, "brown": b}) == [
        ("red", "brown", "readers with protanopia",
         pytest.approx(seen_with(a, "protan").delta_e(seen_with(b, "protan"), method="2000")))]
    assert colour_vision.low_contrast("#ffff00")[0][0] == "light"
    assert colour_vision.low_contrast("#3b2ba9") == []
