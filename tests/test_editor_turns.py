"""A tab's previews give way to its checks and saves (editor/turns.py)."""
import threading
import time

import pytest
from dash.exceptions import PreventUpdate

from timeline.editor.turns import TabTurns


def test_a_preview_stops_once_its_tab_has_begun_a_later_turn():
    turns = TabTurns()
    preview = turns.begin("tab-a")
    turns.give_way("tab-a", preview)  # nothing newer: it goes on
    turns.begin("tab-b")              # another tab's check does not stop it
    turns.give_way("tab-a", preview)
    turns.begin("tab-a")              # its own tab's next check does
    with pytest.raises(PreventUpdate):
        turns.give_way("tab-a", preview)


def test_a_table_without_a_tab_is_never_stopped():
    turns = TabTurns()
    preview = turns.begin(None)
    turns.begin(None)
    turns.give_way(None, preview)


def test_a_preview_waits_while_its_tab_saves_then_goes_on():
    turns = TabTurns()
    preview = turns.begin("tab-a")
    went_on = []
    with turns.saving("tab-a"):
        waiting = threading.Thread(target=lambda: (turns.give_way("tab-a", preview),
                                                   went_on.append(time.monotonic())))
        waiting.start()
        time.sleep(0.2)
        assert not went_on  # still waiting
        saved_at = time.monotonic()
    waiting.join(5)
    assert went_on and went_on[0] >= saved_at
    with turns.saving("tab-b"):  # another tab's save: no wait
        turns.give_way("tab-a", preview)


def test_only_so_many_tabs_are_remembered():
    turns = TabTurns(size=2)
    first = turns.begin("one")
    turns.begin("two")
    turns.begin("three")  # "one" forgotten: its preview is never stopped
    turns.give_way("one", first)
