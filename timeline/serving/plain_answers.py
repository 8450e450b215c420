"""The short plain-text answer every refusal and error of the app is made of."""
from __future__ import annotations

import flask


def plain(status: int, message: str) -> flask.Response:
    """A short plain-text answer, kept by no cache; `message` is ours, never the request's."""
    response = flask.make_response(f"{message}\n", status)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    return response
