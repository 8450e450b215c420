"""A tab's previews give way to what its editor waits for.

At 10,000 events a preview takes most of a second of the server's time. When the
editor types again or clicks Save meanwhile, the check or the save they wait for
would share the processor with it. So each check and preview of a tab (named in
the table grid-state.js sends) takes a turn, and a preview stops where it stands
once a later turn of its tab has begun (that turn's own preview follows); and a
preview waits while its tab saves, then goes on (a save that writes nothing asks
for no preview of its own). Per process: under gunicorn, a tab's requests that
reach other workers run beside it.
"""
from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from contextlib import contextmanager

from dash.exceptions import PreventUpdate

TABS_KEPT = 1000  # tabs remembered; an older tab's previews are never stopped
LONGEST_WAIT_S = 30.0  # a preview waits for a save this long at most


class TabTurns:
    def __init__(self, size: int = TABS_KEPT):
        self._turns: OrderedDict[str, int] = OrderedDict()
        self._saving: Counter[str] = Counter()
        self._changed = threading.Condition()
        self._size = size

    def begin(self, tab: str | None) -> int:
        """A new turn for `tab` (None: a table sent without its tab's name)."""
        if not tab:
            return 0
        with self._changed:
            turn = self._turns.pop(tab, 0) + 1
            self._turns[tab] = turn
            while len(self._turns) > self._size:
                self._turns.popitem(last=False)
            return turn

    @contextmanager
    def saving(self, tab: str | None):
        """While `tab` saves, its previews wait (`give_way`)."""
        if not tab:
            yield
            return
        with self._changed:
            self._saving[tab] += 1
        try:
            yield
        finally:
            with self._changed:
                self._saving[tab] -= 1
                if not self._saving[tab]:
                    del self._saving[tab]
                self._changed.notify_all()

    def give_way(self, tab: str | None, turn: int) -> None:
        """Between a preview's steps: wait while `tab` saves; raise PreventUpdate (Dash
        keeps the chart the page shows) once a later turn of `tab` has begun."""
        if not tab:
            return
        with self._changed:
            self._changed.wait_for(lambda: not self._saving[tab], timeout=LONGEST_WAIT_S)
            if self._turns.get(tab, turn) != turn:
                raise PreventUpdate
