"""The short answer every refusal and error of the app is made of.

Plain text, kept by no cache; a browser opening a reader's address (it asks for
`text/html` first) gets the same words as a tiny page instead, with `<html lang>`.
On the readers' addresses the words are in the page's language where the
catalogue has them (`install_answer_language`: the link's `lang`, else the
timeline's); the editor's stay English, as its page is.
"""
from __future__ import annotations

import html
from collections.abc import Callable

import flask

from timeline.addresses import is_editor_path
from timeline.data.schema import DEFAULT_LANGUAGE
from timeline.view.language import messages_for

ANSWER_LANGUAGE = "timeline.answer_language"  # the server's extensions: who says the language


def translatable(message: str) -> str:
    """`message`, marked as words readers may see: `plain` translates it when it answers
    (tests/test_languages.py finds the catalogues' strings by this name)."""
    return message


def install_answer_language(server: flask.Flask, page_language: Callable[[], str]) -> None:
    """`page_language()`: the language of the page this request names (a request context)."""
    server.extensions[ANSWER_LANGUAGE] = page_language


def answer_language() -> str:
    """The language of this request's answer: the page's on a reader's address."""
    if not flask.has_request_context() or is_editor_path(flask.request.path):
        return DEFAULT_LANGUAGE
    page_language = flask.current_app.extensions.get(ANSWER_LANGUAGE)
    try:
        return page_language() if page_language else DEFAULT_LANGUAGE
    except Exception:  # noqa: BLE001 (an error's answer never fails for want of its language)
        return DEFAULT_LANGUAGE


def wants_a_page() -> bool:
    """A browser opening a reader's address: it asks for HTML before plain text."""
    request = flask.request
    return (not is_editor_path(request.path) and request.accept_mimetypes.best_match(
        ["text/plain", "text/html"]) == "text/html")


def plain(status: int, message: str, **values: int) -> flask.Response:
    """A short answer, kept by no cache; `message` is ours, never the request's, and so
    are `values` (numbers, written as the language writes them)."""
    language = answer_language() if flask.has_request_context() else DEFAULT_LANGUAGE
    messages = messages_for(language)
    if not messages.translations.get(message):
        messages = messages_for(DEFAULT_LANGUAGE)  # said in English, so marked English
    text = messages.gettext(message, **{name: messages.number(value)
                                        for name, value in values.items()})
    if flask.has_request_context() and wants_a_page():
        response = flask.make_response(error_page(status, text, messages.language), status)
        response.headers["Content-Type"] = "text/html; charset=utf-8"
    else:
        response = flask.make_response(f"{text}\n", status)
        response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Content-Language"] = messages.language
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response


def error_page(status: int, text: str, language: str) -> str:
    """The words as the smallest page a browser shows well: its language, the width of
    a phone, light or dark as the reader's system is, nothing to load."""
    words = html.escape(text)
    return ("<!doctype html>\n"
            f'<html lang="{language}">\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="color-scheme" content="light dark">\n'
            f"<title>{status} · {words}</title>\n<main><h1>{words}</h1></main>\n")
