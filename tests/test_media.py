"""What an event's media_url is (timeline/data/media.py): the table of cases that the
browser's twin (timeline/engine/web/media.js) runs too, in tests/test_media_browser.py."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeline.data.media import PLAYER_ORIGINS, media_of

CASES = json.loads((Path(__file__).parent / "data" / "media_cases.json").read_text("utf-8"))


@pytest.mark.parametrize("url, kind, player", CASES["cases"])
def test_each_address_is_read_as_the_table_says(url, kind, player):
    media = media_of(url)
    assert (media.kind if media else None) == kind
    assert ((media.player or None) if media else None) == player


def test_every_player_is_on_a_host_the_pages_may_frame():
    players = [player for _, _, player in CASES["cases"] if player]
    assert players and all(player.startswith(tuple(o + "/" for o in PLAYER_ORIGINS))
                           for player in players)


@pytest.mark.parametrize("kind", ["image", "audio", "video", "youtube", "vimeo", "link"])
def test_the_table_has_each_kind(kind):
    assert any(case_kind == kind for _, case_kind, _ in CASES["cases"])
