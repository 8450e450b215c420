"""`/edit/` in a folder of timelines: the editors' list of every timeline their secret
opens, drafts and broken files included (a broken one with its errors, each with
its line, so it can be fixed), each a link to its own editor at /t/<slug>/edit/.
"""
from __future__ import annotations

import html

import flask

from timeline.addresses import EDIT_PREFIX
from timeline.config import Config
from timeline.editor.access import EditorAccess, page, scope_opens
from timeline.editor.routes import register_guard, register_login
from timeline.folder.catalogue import Catalogue, TimelineEntry
from timeline.folder.index_page import count_words


def register_editors_list(hub: flask.Flask, access: EditorAccess, config: Config,
                          catalogue: Catalogue) -> None:
    register_guard(hub, access, config)
    register_login(hub, access, config)

    @hub.route(EDIT_PREFIX)
    def editors_list():
        request = flask.request
        scope = access.session_scope(request)
        entries = [entry for entry in catalogue.entries() if scope_opens(scope, entry.slug)]
        nonce = access.session_nonce(request)
        items = "\n".join(_item(entry, request.script_root) for entry in entries)
        body = (f"<h1>Timelines</h1>"
                f'<p>Editing as <strong>{html.escape(access.session_name(request))}</strong>. '
                f'<a href="{html.escape(request.script_root)}/t/">Readers\' index</a></p>'
                f'<ul class="timelines">{items}</ul>'
                + ("<p>No timeline yet.</p>" if not entries else "")
                + f'<form method="post" action="{html.escape(request.script_root)}'
                  f'{EDIT_PREFIX}logout"><input type="hidden" name="csrf_token" '
                  f'value="{html.escape(access.csrf_token(nonce or ""))}">'
                  f'<button type="submit">Log out</button></form>')
        return page("Timelines", body)


def _item(entry: TimelineEntry, base: str) -> str:
    edit = f"{base}/t/{entry.slug}/edit/"
    state = []
    if entry.status == "draft":
        state.append("draft: readers cannot see it")
    if not entry.ok:
        state.append(f"{entry.error_count} error{'s' if entry.error_count != 1 else ''}: "
                     f"not shown to readers")
    facts = " · ".join([count_words(entry), *([entry.span] if entry.span else []),
                        f"/t/{entry.slug}/"])
    problems = ("<ul class=\"error\">" + "".join(f"<li>{html.escape(line)}</li>"
                                             for line in entry.problems) + "</ul>"
                if entry.problems else "")
    return (f'<li><h2><a href="{html.escape(edit)}">{html.escape(entry.title)}</a></h2>'
            f'<p class="hint">{html.escape(facts)}</p>'
            + (f'<p><strong>{html.escape("; ".join(state))}</strong></p>' if state else "")
            + problems + "</li>")
