"""What a page asks of serving travels with its response (timeline/serving/page_asks.py)."""
from __future__ import annotations

import dataclasses

import flask
import pytest

from timeline.serving.page_asks import NOTHING_ASKED, PageAsks, ask_serving, asked_of


def test_a_page_that_asks_nothing_gets_the_defaults():
    response = flask.Response("<p>page</p>", mimetype="text/html")
    assert asked_of(response) == NOTHING_ASKED == PageAsks()
    assert NOTHING_ASKED.script_hashes == () and NOTHING_ASKED.compress_once is False


def test_what_a_page_asks_is_read_back():
    response = flask.Response("<p>page</p>", mimetype="text/html")
    ask_serving(response, script_hashes=["'sha256-abc='"], compress_once=True)
    assert asked_of(response) == PageAsks(script_hashes=("'sha256-abc='",), compress_once=True)
    assert asked_of(flask.Response("another")) == NOTHING_ASKED  # one response's asks only


def test_the_asks_cannot_be_changed_on_the_way():
    with pytest.raises(dataclasses.FrozenInstanceError):
        NOTHING_ASKED.compress_once = True
