"""The doors to `/edit/`: closed without a secret, a login form with one.

One guard runs before every request under `/edit/`: without a valid session
only the login form answers, and a POST (a callback, an upload, a logout)
also needs the cross-site token. The editor's Dash app is created only when
editing is on, so with editing off there is nothing behind the door.
"""
from __future__ import annotations

import html
import logging
from typing import Callable

import flask

from timeline.addresses import EDIT_PREFIX, here
from timeline.config import ENVIRONMENT, Config, ConfigError
from timeline.data_store import DataStore
from timeline.editor.access import (
    LOGIN_COOKIE,
    MAX_NAME_LENGTH,
    MIN_DISTINCT_CHARACTERS,
    MIN_SECRET_LENGTH,
    EditorAccess,
    EditorKeys,
    clean_editor_name,
    client_address,
    editor_name_problem,
    is_secure,
    page,
    retry_after,
    secret_problem,
)
from timeline.editor.desk_secrets import read_desk_secrets
from timeline.editor.rows import download_bytes, table_from_bytes
from timeline.serving.plain_answers import plain

log = logging.getLogger("timeline.editor")
# Where the app keeps its editors' door (the folder's site asks it about drafts).
EDITOR_ACCESS_KEY = "timeline_editor_access"
SECRET_VARIABLE = ENVIRONMENT["edit_secret"]
SECRET_RULE = (f"at least {MIN_SECRET_LENGTH} characters, {MIN_DISTINCT_CHARACTERS} or more of "
               f"them different")


def register_editor(server: flask.Flask, store: DataStore,
                    config: Config) -> Callable[[flask.Request], bool] | None:
    """Editing off without a secret; raises ConfigError for a secret too weak to use."""
    keys = editor_keys(config)
    slug = config.data_path.stem if config.folder else ""
    if not keys.opens_any(slug):
        register_editing_off(server)
        return None
    access = EditorAccess(keys, config.data_path, config.edit_idle_minutes * 60, slug=slug,
                          site_wide=config.folder is not None)
    server.extensions[EDITOR_ACCESS_KEY] = access
    # Imported here: readers' processes with editing off never load the grid.
    from timeline.editor.callbacks import register_editor_callbacks
    from timeline.editor.page import create_editor_app
    register_guard(server, access, config)
    register_login(server, access, config)
    register_download(server, store)
    register_editor_callbacks(create_editor_app(server, store, config), store, config)
    # For the request guard: the editor's large body limit, only to a live session.
    return lambda request: access.session_nonce(request) is not None


def editor_keys(config: Config) -> EditorKeys:
    """The secrets that open the editor (ConfigError for one too weak to use: an
    operator who set a secret meant editing to be on)."""
    if config.edit_secret and (problem := secret_problem(config.edit_secret)):
        raise ConfigError(f"{SECRET_VARIABLE}: {problem}; choose a passphrase of {SECRET_RULE}, "
                          f"or unset it to run with editing off")
    desks = read_desk_secrets(config.edit_secrets_path) if config.edit_secrets_path else ()
    return EditorKeys(config.edit_secret, desks)


def register_editing_off(server: flask.Flask) -> None:
    body = (f"<h1>Editing is off</h1><p>This timeline cannot be edited here because no secret "
            f"is set.</p><p>To turn editing on, set the environment variable "
            f"<code>{SECRET_VARIABLE}</code> to a secret of {SECRET_RULE} and restart the app, "
            f"for example:</p>"
            f"<pre>{SECRET_VARIABLE}='a long passphrase only editors know' make run</pre>"
            f"<p>Editors then open <code>/edit/</code> and type that secret. Until then the "
            f"data can only be changed in <code>data/events.csv</code> itself.</p>")

    def editing_off(rest: str = ""):
        status = 200 if flask.request.method in ("GET", "HEAD") else 403
        return page("Editing is off", body), status

    for rule in (EDIT_PREFIX.rstrip("/"), EDIT_PREFIX, EDIT_PREFIX + "<path:rest>"):
        server.add_url_rule(rule, f"editing_off{rule}", editing_off,
                            methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"])


def register_guard(server: flask.Flask, access: EditorAccess, config: Config) -> None:
    open_paths = {EDIT_PREFIX + "login"}

    @server.before_request
    def guard_editor():
        request = flask.request
        if request.path == EDIT_PREFIX.rstrip("/"):
            return flask.redirect(here(EDIT_PREFIX))
        if not request.path.startswith(EDIT_PREFIX) or request.path in open_paths:
            return None
        nonce = access.session_nonce(request)
        if nonce is None:
            if request.method in ("GET", "HEAD") and request.path == EDIT_PREFIX:
                return flask.redirect(here(EDIT_PREFIX + "login"))
            return plain(401, "Log in first: open /edit/ and type the editors' secret.")
        if request.method not in ("GET", "HEAD", "OPTIONS") and not access.csrf_ok(request, nonce):
            log.warning("Refused a %s to %s without the cross-site token", request.method,
                        request.path)
            return plain(403, "This request did not come from the editor page (its cross-site "
                              "token is missing or wrong). Reload /edit/ and try again.")
        return None


def register_login(server: flask.Flask, access: EditorAccess, config: Config) -> None:

    @server.route(EDIT_PREFIX + "login", methods=["GET", "POST"])
    def login():
        request = flask.request
        client = client_address(request)
        message, status = "", 200
        wait = 0.0
        if request.method == "POST":
            locked, paced = access.failures.locked_for(client), access.pace.wait()
            if locked:
                wait = locked
                message, status = (f"Too many wrong attempts. Try again in "
                                   f"{int(wait // 60) + 1} minutes."), 429
            elif paced:
                # Many wrong secrets from several places: slowed for everyone, briefly.
                wait = paced
                message, status = (f"Many wrong attempts lately: try again in "
                                   f"{retry_after(wait)} seconds."), 429
            elif not access.login_form_ok(request):
                message, status = "The form expired or came from another site: try again.", 403
            elif (scope := access.scope_for(request.form.get("secret", ""))) is not None:
                access.failures.clear(client)
                name = clean_editor_name(request.form.get("name", ""))
                if problem := editor_name_problem(name):
                    # The secret was right: only the name is asked again (with the secret).
                    return login_form(access, request, config, problem, 400,
                                      name=request.form.get("name", ""))
                response = flask.redirect(here(EDIT_PREFIX))
                try:
                    access.start_session(response, is_secure(request, config.public_url), name,
                                         scope)
                except OSError as error:
                    log.error("Could not record an editor's session in %s: %s",
                              access.sessions.path, error)
                    return plain(503, "Could not start a session: the server cannot write its "
                                      "record of sessions beside the data file. Ask whoever runs "
                                      "the app to check that folder can be written.")
                response.delete_cookie(LOGIN_COOKIE, path=here(EDIT_PREFIX))
                log.info("Editor logged in from %s", client)
                return response
            else:
                access.failures.record_failure(client)
                access.pace.record_failure()
                log.warning("Wrong editor secret from %s", client)
                message, status = "That is not the editors' secret.", 401
        return login_form(access, request, config, message, status, wait,
                          name=request.form.get("name", ""))

    @server.route(EDIT_PREFIX + "logout", methods=["POST"])
    def logout():
        nonce = access.session_nonce(flask.request)  # the guard let only a live session in
        response = flask.redirect(here(EDIT_PREFIX + "login"))
        try:
            access.end_session(response, nonce)
        except OSError as error:
            log.error("Could not end an editor's session in %s: %s", access.sessions.path, error)
            return plain(503, "Could not log out: the server cannot write its record of sessions "
                              "beside the data file. Ask whoever runs the app to check that "
                              "folder can be written.")
        return response


def login_form(access: EditorAccess, request: flask.Request, config: Config, message: str,
               status: int, wait: float = 0.0, name: str = "") -> flask.Response:
    """The login form: the editor's name (kept as typed after a refusal) and the secret."""
    nonce, token = access.login_form_token(request)
    error = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    typed = html.escape(name[:MAX_NAME_LENGTH * 2], quote=True)
    body = (f"<h1>Edit the timeline</h1>{error}"
            f'<form method="post" action="{html.escape(here(EDIT_PREFIX))}login">'
            f'<input type="hidden" name="csrf_token" value="{html.escape(token)}">'
            f'<label for="name">Your name</label>'
            f'<p class="hint" id="name-hint">Shown in the history beside each change you save. '
            f'Not an account: any name colleagues will recognise.</p>'
            f'<input id="name" name="name" type="text" autocomplete="name" required '
            f'maxlength="{MAX_NAME_LENGTH}" aria-describedby="name-hint" value="{typed}"'
            f'{"" if name else " autofocus"}>'
            f'<label for="secret">Editors\' secret</label>'
            f'<input id="secret" name="secret" type="password" autocomplete="current-password"'
            f' required{" autofocus" if name else ""}> <button type="submit">Log in</button>'
            f'</form>')
    response = flask.make_response(page("Log in to edit", body), status)
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="Strict",
                        secure=is_secure(request, config.public_url), path=here(EDIT_PREFIX),
                        max_age=3600)
    if wait:
        response.headers["Retry-After"] = retry_after(wait)
    return response


def register_download(server: flask.Flask, store: DataStore) -> None:

    @server.route(EDIT_PREFIX + "download")
    def download():
        try:
            data = store.path.read_bytes()
        except OSError:
            data = store.snapshot.data
        table = table_from_bytes(data, store.path.name)
        response = flask.make_response(download_bytes(table.rows, table.file_format))
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        response.headers["Content-Disposition"] = f'attachment; filename="{store.path.name}"'
        return response
