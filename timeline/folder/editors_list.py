"""`/edit/` in a folder of timelines: the editors' list of every timeline their secret
opens, drafts and broken files included (a broken one with its errors, each with
its line, so it can be fixed), each with links to edit, view and embed it; and the
two things done to the folder itself, "New timeline" (`/edit/new`) and renaming a
timeline (`/edit/rename`).

Who may do what: a session opens what its secret opens (editor/access.py). Only the
editors' shared secret (scope "*") creates and renames timelines: a desk's secret
(TIMELINE_EDIT_SECRETS) is written beside the slugs it opens, so a timeline it made
or renamed would be one it could no longer open. Desks see their own timelines.
"""
from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import flask

from timeline.addresses import EDIT_PREFIX
from timeline.config import Config
from timeline.data.schema import TITLE_MAX_LENGTH
from timeline.editor.access import UNKNOWN_EDITOR, EditorAccess, scope_opens
from timeline.editor.desk_secrets import VARIABLE as DESK_SECRETS
from timeline.editor.routes import register_guard, register_login
from timeline.folder.catalogue import (
    DEFAULT_SLUG,
    MAX_SLUG_LENGTH,
    Catalogue,
    TimelineEntry,
    is_slug,
)
from timeline.folder.index_page import count_words
from timeline.folder.new_timeline import (
    NotCreated,
    Refused,
    blank_timeline,
    checked_source,
    create_timeline,
    with_title,
)
from timeline.folder.renaming import (
    NotRenamed,
    read_redirects,
    redirect_target,
    rename_timeline,
)
from timeline.serving.plain_answers import plain

NEW_PATH = EDIT_PREFIX + "new"
RENAME_PATH = EDIT_PREFIX + "rename"
SOURCES = {"blank": "A blank template", "copy": "A copy of another timeline",
           "upload": "An uploaded file"}
MAX_FILE_NAME = 80  # of an upload, as the history names it


@dataclass
class Answer:
    """What the page says after a refused form: the message, and what was typed
    (kept in the form) with the field at fault."""
    message: str = ""
    problems: tuple[str, ...] = ()
    typed: dict[str, str] = field(default_factory=dict)
    about: str = ""           # the field the message is about ("slug", "title", "file", …)
    renaming: str = ""        # the slug whose rename form was refused


def register_editors_list(hub: flask.Flask, access: EditorAccess, config: Config,
                          catalogue: Catalogue) -> None:
    register_guard(hub, access, config)
    register_login(hub, access, config)
    folder = Path(config.folder)

    def shown(answer: Answer | None = None, status: int = 200):
        request = flask.request
        scope = access.session_scope(request)
        done = _done_message(request.args, catalogue)
        body = list_body(
            entries=[entry for entry in catalogue.entries() if scope_opens(scope, entry.slug)],
            base=request.script_root, editor=access.session_name(request) or UNKNOWN_EDITOR,
            may_change=scope == "*", csrf=access.csrf_token(access.session_nonce(request) or ""),
            notices=([done] if done and answer is None else [])
            + desk_notices(access, catalogue, read_redirects(folder), scope),
            desk_slugs={slug for slug, _ in access.keys.desks}, answer=answer or Answer(),
            config=config)
        return LIST_PAGE.format(body=body), status

    @hub.route(EDIT_PREFIX)
    def editors_list():
        return shown()

    @hub.route(NEW_PATH, methods=["POST"])
    def new_timeline():
        if access.session_scope(flask.request) != "*":
            return plain(403, "Only the editors' shared secret creates timelines: log in "
                              "with it, or ask an editor who has it.")
        form = flask.request.form
        typed = {name: form.get(name, "")[:500] for name in ("slug", "title", "source", "copy")}
        slug, title = typed["slug"].strip().lower(), " ".join(typed["title"].split())
        made = _new_data(typed["source"], title, catalogue, flask.request.files.get("file"))
        if isinstance(made, Answer):
            made.typed = typed
            return shown(made, 400)
        data, summary = made
        try:
            create_timeline(folder, slug, data, access.session_name(flask.request)
                            or UNKNOWN_EDITOR, summary)
        except NotCreated as refusal:
            return shown(Answer(str(refusal), typed=typed, about="slug"),
                         409 if refusal.taken else 400)
        except OSError as problem:
            reason = problem.strerror or str(problem)
            return shown(Answer(f"The timeline could not be written ({reason}): nothing was "
                                f"created.", typed=typed), 503)
        catalogue.refresh()
        return flask.redirect(flask.request.script_root + f"/t/{slug}/edit/", 303)

    @hub.route(RENAME_PATH, methods=["POST"])
    def rename():
        if access.session_scope(flask.request) != "*":
            return plain(403, "Only the editors' shared secret renames timelines: log in "
                              "with it, or ask an editor who has it.")
        old = flask.request.form.get("old", "")[:MAX_SLUG_LENGTH + 1]
        new = flask.request.form.get("new", "")[:500].strip().lower()
        answer = Answer(typed={"new": new}, about="new", renaming=old)
        if not is_slug(old) or not (folder / f"{old}.csv").is_file():
            answer.message, answer.renaming = f"There is no timeline at /t/{old}/ any more.", ""
            return shown(answer, 404)
        try:
            rename_timeline(folder, old, new)
        except NotRenamed as refusal:
            answer.message = str(refusal)
            return shown(answer, 409 if refusal.taken else 400)
        except OSError as problem:
            reason = problem.strerror or str(problem)
            answer.message = f"The timeline could not be renamed ({reason}): it keeps its address."
            return shown(answer, 503)
        catalogue.refresh()
        apps = flask.current_app.extensions.get("timeline_apps")
        if apps is not None:
            apps.drop(old)
        return flask.redirect(flask.request.script_root
                              + f"{EDIT_PREFIX}?renamed={new}&from={old}", 303)


def _new_data(source: str, title: str, catalogue: Catalogue,
              upload) -> tuple[bytes, str] | Answer:
    """The new timeline's bytes and its history's line, or why there are none."""
    if len(title) > TITLE_MAX_LENGTH:
        return Answer(f"The title is too long: {TITLE_MAX_LENGTH} characters at most.",
                      about="title")
    if source == "blank":
        if not title:
            return Answer("Type a title for the new timeline.", about="title")
        return blank_timeline(title), "created from the blank template"
    if source == "copy":
        copied = flask.request.form.get("copy", "")
        path = catalogue.path_of(copied) if is_slug(copied) else None
        if path is None:
            return Answer("Choose the timeline to copy.", about="copy")
        try:
            data = path.read_bytes()
        except OSError as problem:
            return Answer(f"{copied} cannot be read ({problem.strerror}).", about="copy")
        checked = checked_source(data, path.name)
        if isinstance(checked, Refused):
            return Answer(f"{copied} has errors: fix them first, or copy another.",
                          checked.problems, about="copy")
        return with_title(checked, title), f"created as a copy of {copied}"
    if source == "upload":
        if upload is None or not upload.filename:
            return Answer("Choose the file to upload.", about="file")
        name = _file_name(upload.filename)
        checked = checked_source(upload.read(), name)
        if isinstance(checked, Refused):
            return Answer(f"{name} has errors, so no timeline was created. Fix them and "
                          f"upload it again:", checked.problems, about="file")
        return with_title(checked, title), f"created from an uploaded file, {name}"
    return Answer("Choose what the timeline starts from.", about="source")


def _file_name(given: str) -> str:
    """An upload's own name, as the history and the messages show it: its last part,
    without control or direction-changing characters."""
    name = given.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:MAX_FILE_NAME] or "upload"


def _done_message(args, catalogue: Catalogue) -> str:
    new, old = args.get("renamed", ""), args.get("from", "")
    if not (is_slug(new) and is_slug(old)) or catalogue.path_of(new) is None:
        return ""
    return f"Renamed: its address is now /t/{new}/, and /t/{old}/ redirects there."


def desk_notices(access: EditorAccess, catalogue: Catalogue, redirects: dict[str, str],
                 scope) -> list[str]:
    """What the operator must change in TIMELINE_EDIT_SECRETS: the slugs written there
    whose timeline was renamed (said to whoever the desk's slug concerns)."""
    notices = []
    for slug in sorted({slug for slug, _ in access.keys.desks}):
        target = redirect_target(redirects, slug)
        if target and catalogue.path_of(slug) is None and scope_opens(scope, slug):
            notices.append(f"{DESK_SECRETS} gives a desk's secret for {slug}, which was "
                           f"renamed {target}: whoever runs the app must write {target} in its "
                           f"place and restart it; until then that desk cannot open it.")
    return notices


# ------------------------------------------------------------------- the page

def list_body(*, entries: list[TimelineEntry], base: str, editor: str, may_change: bool,
              csrf: str, notices: list[str], desk_slugs: set[str], answer: Answer,
              config: Config) -> str:
    e = html.escape
    token = f'<input type="hidden" name="csrf_token" value="{e(csrf)}">'
    if answer.renaming and not (may_change and answer.renaming != DEFAULT_SLUG and any(
            entry.slug == answer.renaming for entry in entries)):
        answer = replace(answer, renaming="")  # no rename form to say it by: at the top
    said = "".join(f'<p class="notice" role="status">{e(notice)}</p>' for notice in notices)
    if answer.message and not answer.renaming:
        said += _alert(answer, "answer")
    count = f"{len(entries)} timeline" + ("" if len(entries) == 1 else "s")
    items = "\n".join(_item(entry, base, may_change, token, entry.slug in desk_slugs, answer,
                            config) for entry in entries)
    new = (_new_form(entries, base, token, answer) if may_change else
           '<p class="hint">New timelines and renames are made with the editors\' shared '
           'secret.</p>')
    return (f'<header><h1>Timelines</h1><p>Editing as <strong>{e(editor)}</strong>. '
            f'<a href="{e(base)}/t/">Readers\' index</a></p>'
            f'<form method="post" action="{e(base)}{EDIT_PREFIX}logout">{token}'
            f'<button type="submit">Log out</button></form></header>'
            f'{said}{new}<h2 id="list-heading">{count}</h2>'
            + (f'<ul class="timelines" aria-labelledby="list-heading">{items}</ul>' if entries
               else '<p>No timeline yet.</p>'))


def _alert(answer: Answer, element_id: str) -> str:
    problems = ("<ul>" + "".join(f"<li>{html.escape(p)}</li>" for p in answer.problems)
                + "</ul>" if answer.problems else "")
    # Focused on arrival, so a keyboard or screen reader user starts at what to fix.
    return (f'<div class="error" role="alert" id="{element_id}" tabindex="-1" autofocus>'
            f'<p>{html.escape(answer.message)}</p>{problems}</div>')


def _field(answer: Answer, name: str, hint_id: str) -> str:
    """aria-describedby (its hint, and the error when it is about this field), aria-invalid."""
    if answer.about == name and not answer.renaming:
        return f' aria-describedby="{hint_id} answer" aria-invalid="true"'
    return f' aria-describedby="{hint_id}"'


def _new_form(entries: list[TimelineEntry], base: str, token: str, answer: Answer) -> str:
    e = html.escape
    typed = answer.typed
    source = typed.get("source") if typed.get("source") in SOURCES else "blank"
    copies = [entry for entry in entries if entry.ok]
    options = "".join(f'<option value="{e(entry.slug)}"'
                      f'{" selected" if typed.get("copy") == entry.slug else ""}>'
                      f'{e(entry.title)} ({e(entry.slug)})</option>' for entry in copies)

    def radio(value: str, label: str) -> str:
        return (f'<div class="choice"><input type="radio" name="source" id="source-{value}" '
                f'value="{value}"{" checked" if source == value else ""}>'
                f'<label for="source-{value}">{e(label)}</label></div>')

    opened = " open" if answer.message and not answer.renaming else ""
    return (
        f'<details class="new"{opened}><summary>New timeline</summary>'
        f'<form method="post" action="{e(base)}{NEW_PATH}" enctype="multipart/form-data">'
        f'{token}'
        f'<label for="new-slug">Address</label>'
        f'<p class="hint" id="new-slug-hint">Lower-case letters, digits and hyphens: '
        f'<code>harbour-fire</code> is at /t/harbour-fire/.</p>'
        f'<input id="new-slug" name="slug" type="text" required maxlength="{MAX_SLUG_LENGTH}" '
        f'autocomplete="off" autocapitalize="none" spellcheck="false" '
        f'value="{e(typed.get("slug", ""))}"{_field(answer, "slug", "new-slug-hint")}>'
        f'<label for="new-title">Title</label>'
        f'<p class="hint" id="new-title-hint">Needed for a blank timeline; a copy or an upload '
        f'keeps its own title when this is empty.</p>'
        f'<input id="new-title" name="title" type="text" maxlength="{TITLE_MAX_LENGTH}" '
        f'value="{e(typed.get("title", ""))}"{_field(answer, "title", "new-title-hint")}>'
        f'<fieldset><legend>Start from</legend>'
        f'{radio("blank", "A blank template: a title row, one example event, every column")}'
        f'{radio("copy", "A copy of another timeline")}'
        f'<div class="sub"><label for="new-copy">Timeline to copy</label>'
        f'<select id="new-copy" name="copy"{_field(answer, "copy", "new-copy-hint")}>'
        f'{options}</select><p class="hint" id="new-copy-hint">Only timelines without '
        f'errors.</p></div>'
        f'{radio("upload", "An uploaded file")}'
        f'<div class="sub"><label for="new-file">CSV file, TimelineJS sheet or JSON</label>'
        f'<p class="hint" id="new-file-hint">Checked first: a file with errors is refused, '
        f'with each problem and its line.</p>'
        f'<input id="new-file" name="file" type="file" accept=".csv,.tsv,.txt,.json,text/csv,'
        f'application/json"{_field(answer, "file", "new-file-hint")}></div>'
        f'</fieldset>'
        f'<p class="hint">A new timeline starts as a draft: readers see it once its title '
        f'row\'s settings no longer say <code>status=draft</code>.</p>'
        f'<button type="submit">Create timeline</button></form></details>')


def _item(entry: TimelineEntry, base: str, may_change: bool, token: str, desk_named: bool,
          answer: Answer, config: Config) -> str:
    e = html.escape
    address = f"/t/{entry.slug}/"
    changed = entry.changed.astimezone(config.zone)
    facts = [f"<code>{e(address)}</code>", e(count_words(entry))]
    if entry.span:
        facts.append(e(entry.span))
    facts.append(f'changed <time datetime="{entry.changed.isoformat()}">'
                 f'{changed.day} {changed:%b %Y, %H:%M}</time>')
    badges = ('<span class="badge draft">Draft</span>' if entry.status == "draft"
              else '<span class="badge published">Published</span>')
    if not entry.ok:
        errors = f"{entry.error_count} error" + ("" if entry.error_count == 1 else "s")
        badges += f' <span class="badge broken">{errors}</span>'
    hidden = f'<span class="hidden"> {e(entry.title)}</span>'
    links = [f'<a href="{e(base + address)}edit/">Edit{hidden}</a>']
    if entry.ok:
        links += [f'<a href="{e(base + address)}">View{hidden}</a>',
                  f'<a href="{e(base + address)}embed">Embed{hidden}</a>']
    state = ("Readers cannot see it: it is a draft." if entry.status == "draft" and entry.ok
             else "Readers cannot see it until its errors are fixed." if not entry.ok else "")
    problems = ("<ul class=\"problems\">" + "".join(f"<li>{e(line)}</li>"
                                                   for line in entry.problems)
                + (f"<li>… and {entry.error_count - len(entry.problems)} more in the "
                   f"editor</li>" if entry.error_count > len(entry.problems) else "")
                + "</ul>" if entry.problems else "")
    return (f'<li><h3>{e(entry.title)}</h3><p class="badges">{badges}</p>'
            f'<p class="facts">{" · ".join(facts)}</p>'
            + (f'<p class="state">{e(state)}</p>' if state else "") + problems
            + f'<p class="links">{" ".join(links)}</p>'
            + (_rename_form(entry, base, token, desk_named, answer) if may_change else "")
            + "</li>")


def _rename_form(entry: TimelineEntry, base: str, token: str, desk_named: bool,
                 answer: Answer) -> str:
    e = html.escape
    if entry.slug == DEFAULT_SLUG:
        return ('<p class="hint">The default timeline keeps its address: it is also the '
                'site\'s front page.</p>')
    field_id, hint_id = f"rename-{entry.slug}", f"rename-{entry.slug}-hint"
    refused = answer.renaming == entry.slug and answer.message
    value = answer.typed.get("new", entry.slug) if refused else entry.slug
    error_id = f"rename-{entry.slug}-error"
    described = f"{hint_id} {error_id}" if refused else hint_id
    invalid = ' aria-invalid="true"' if refused else ""
    desk = (f" {DESK_SECRETS} names this timeline: after renaming it, whoever runs the app "
            f"must write its new address there, or its desk cannot open it." if desk_named
            else "")
    return (f'<details class="rename"{" open" if refused else ""}><summary>Rename'
            f'<span class="hidden"> {e(entry.title)}</span></summary>'
            + (_alert(Answer(answer.message), error_id) if refused else "")
            + f'<form method="post" action="{e(base)}{RENAME_PATH}">{token}'
            f'<input type="hidden" name="old" value="{e(entry.slug)}">'
            f'<label for="{field_id}">New address</label>'
            f'<p class="hint" id="{hint_id}">Links to /t/{e(entry.slug)}/ will lead to the new '
            f'address.{e(desk)}</p>'
            f'<input id="{field_id}" name="new" type="text" required '
            f'maxlength="{MAX_SLUG_LENGTH}" autocomplete="off" autocapitalize="none" '
            f'spellcheck="false" value="{e(value)}" aria-describedby="{described}"'
            f'{invalid}>'
            f' <button type="submit">Rename</button></form></details>')


LIST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="color-scheme" content="light dark">
<title>Timelines · editors</title>
<style>
body{{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
color:#1a1a1a;background:#fff}}
a{{color:#0b57b0}}h1{{font-size:1.6rem;margin:0}}h2{{font-size:1.2rem;margin:1.5rem 0 .5rem}}
header{{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline}}
header p,header form{{margin:0}}
input,button,select{{font:inherit;padding:.4rem .6rem;max-width:100%;box-sizing:border-box}}
input[type=text],select{{width:100%}}input[type=radio]{{width:1.5rem;height:1.5rem;margin:0}}
label{{display:block;margin-top:.75rem;font-weight:600}}
.choice{{display:flex;gap:.5rem;align-items:center;margin-top:.5rem}}
.choice label{{margin:0;flex:1;min-width:0}}.sub{{margin-left:2rem}}.sub label{{font-weight:normal}}
fieldset{{margin:1rem 0;border:1px solid #999;border-radius:.3rem;min-width:0}}legend{{font-weight:600}}
button{{margin-top:.75rem;min-height:2.5rem}}
summary{{cursor:pointer;color:#0b57b0;padding:.35rem 0;font-weight:600}}
details.new{{border:1px solid #999;border-radius:.3rem;padding:.25rem .75rem;margin:1rem 0}}
ul.timelines{{list-style:none;padding:0;margin:0}}
ul.timelines>li{{border-top:1px solid #ccc;padding:.75rem 0}}
h3{{font-size:1.1rem;margin:0;overflow-wrap:anywhere}}li p{{margin:.2rem 0}}
.facts{{color:#555;font-size:.9rem;overflow-wrap:anywhere}}
.links a{{margin-right:1rem;display:inline-block;padding:.35rem 0}}
.badge{{font-size:.8rem;font-weight:600;border:1px solid currentColor;border-radius:.2rem;
padding:0 .3rem}}.draft{{color:#8a4b00}}.published{{color:#1d6b2f}}.broken{{color:#a40000}}
.hint{{color:#444;font-size:.9rem;margin:.1rem 0}}
.error{{color:#a40000;border-left:4px solid currentColor;padding:0 .75rem;margin:1rem 0}}
.error ul,.problems{{font-size:.9rem;overflow-wrap:anywhere}}.problems{{color:#a40000}}
.notice{{border-left:4px solid #1d6b2f;padding:.25rem .75rem}}
code{{background:#f1f1f1;padding:0 .2rem}}
.hidden{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap}}
@media (prefers-color-scheme:dark){{body{{background:#16181c;color:#e8e8e6}}
a,summary{{color:#84b8ff}}.facts,.hint{{color:#b4b8be}}ul.timelines>li{{border-color:#444}}
.draft{{color:#ffc27a}}.published{{color:#8fd19e}}.broken,.error,.problems{{color:#ff9a8f}}
.notice{{border-color:#8fd19e}}code{{background:#2a2d33}}}}
</style>
</head><body><main>{body}</main></body></html>
"""
