"""What a page that is not Dash's asks of serving for its answer.

A route calls `ask_serving(response, ...)`; the hooks that wrap every answer
read it back with `asked_of(response)`, which gives the defaults
(`NOTHING_ASKED`) when the route asked nothing:

- `script_hashes`: the hashes of the page's own inline scripts, which the
  Content-Security-Policy allows (`http_policy`; Dash's pages name theirs
  through `Dash.csp_hashes()`);
- `compress_once`: the same bytes for every reader until the data change, so
  compressed once at full quality and kept, keyed by the page's ETag
  (`compression`), rather than compressed for each request.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import flask

_ATTRIBUTE = "_timeline_page_asks"  # where the asks travel, on the response itself


@dataclass(frozen=True)
class PageAsks:
    script_hashes: tuple[str, ...] = ()
    compress_once: bool = False


NOTHING_ASKED = PageAsks()


def ask_serving(response: flask.Response, *, script_hashes: Iterable[str] = (),
                compress_once: bool = False) -> None:
    """Record on `response` what its page asks of serving (replacing any earlier asks)."""
    setattr(response, _ATTRIBUTE, PageAsks(tuple(script_hashes), compress_once))


def asked_of(response: flask.Response) -> PageAsks:
    """What `response`'s page asked of serving; the defaults if it asked nothing."""
    return getattr(response, _ATTRIBUTE, NOTHING_ASKED)
