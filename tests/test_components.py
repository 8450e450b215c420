"""The detail panel, list and stepper, rendered from events without a browser."""
from __future__ import annotations

import json

from plotly.utils import PlotlyJSONEncoder

from support import prepared_events
from timeline.components import detail_panel, event_list, rich_text, stepper, view_href
from timeline.transforms import find_event
from timeline.view_state import ViewState

ROWS = [
    {"id": "car", "start": "2024-02-20", "title": "The car <b>arrives</b>",
     "description": "Confirmed by [KCNA](https://kcna.kp).\n\nSee [this](javascript:alert(1)).",
     "actors": "Kim Jong-un; Vladimir Putin", "category": "gifts", "certainty": "confirmed",
     "source": "KCNA", "source_url": "https://kcna.kp/en", "media_url": "https://img.example/car.jpg",
     "media_caption": "The Aurus Senat", "media_credit": "Sputnik",
     "notes": "PRIVATE EDITOR NOTE"},
    {"id": "bad-link", "start": "2024-03", "title": "Source without a web link",
     "actors": "Russia", "category": "diplomacy", "source": "Kremlin",
     "media_url": "", "notes": "ANOTHER PRIVATE NOTE"},
]


def serialised(components) -> str:
    return json.dumps(components, cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_detail_panel_shows_every_public_fact():
    events = prepared_events(ROWS)
    text = serialised(detail_panel(find_event(events, "car"), ViewState(event="car")))
    for fact in ("The car <b>arrives</b>", "20 February 2024", "Kim Jong-un; Vladimir Putin",
                 "gifts", "confirmed", "KCNA", "https://kcna.kp/en", "https://img.example/car.jpg",
                 "The Aurus Senat", "Sputnik"):
        assert fact in text
    assert "PRIVATE EDITOR NOTE" not in text


def test_description_links_only_for_web_addresses():
    paragraphs = rich_text("Confirmed by [KCNA](https://kcna.kp).\n\nSee [x](javascript:alert(1)).")
    assert len(paragraphs) == 2
    first, second = (p.children for p in paragraphs)
    assert first[1].href == "https://kcna.kp" and first[1].rel == "noopener noreferrer"
    assert second == ["See [x](javascript:alert(1))."]


def test_source_without_a_web_link_is_plain_text():
    events = prepared_events(ROWS)
    text = serialised(detail_panel(find_event(events, "bad-link"), ViewState()))
    assert "Kremlin" in text and '"href"' not in text.replace('"href": "?"', "")
    assert "<img" not in text and '"Img"' not in text


def test_no_selection_invites_a_choice():
    assert "Choose an event" in serialised(detail_panel(None, ViewState()))


def test_list_links_keep_the_view_and_mark_the_selection():
    events = prepared_events(ROWS)
    view = ViewState(categories=("gifts", "diplomacy"), event="car")
    items = event_list(events, view)
    assert [item.children.href for item in items] == [
        "?category=gifts&category=diplomacy&event=car",
        "?category=gifts&category=diplomacy&event=bad-link"]
    assert getattr(items[0], "aria-current") == "true"
    assert "PRIVATE" not in serialised(items)


def test_empty_list_says_so():
    assert "No events match" in serialised(event_list(prepared_events(ROWS).iloc[0:0],
                                                      ViewState()))


def test_stepper_disables_the_ends():
    previous, following = stepper(None, "car")
    assert previous.disabled is True and following.disabled is False


def test_view_href_of_the_default_view():
    assert view_href(ViewState()) == "?"
