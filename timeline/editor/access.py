"""Who may edit: one shared secret, a signed session cookie, a cross-site token.

Editing is off unless `TIMELINE_EDIT_SECRET` is set. With it, everything under
`/edit/` except the login form needs a session, and every POST there also
needs the cross-site token. The token is kept in a cookie that Dash's renderer
already reads (`_csrf_token`) and sends back as the `X-CSRFToken` header, so
the editor's callbacks carry it without any code of ours in the browser; a
page on another site can neither read that cookie nor set the header.
"""
from __future__ import annotations

import hashlib
import hmac
import html
import math
import re
import secrets
import threading
import time
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import flask
from itsdangerous import BadSignature, URLSafeTimedSerializer

from timeline.addresses import EDIT_PREFIX, here
from timeline.editor.sessions import SessionStore

SESSION_COOKIE = "timeline_editor"
CSRF_COOKIE = "_csrf_token"          # the name dash-renderer reads
CSRF_HEADER = "X-CSRFToken"          # the header dash-renderer sends
LOGIN_COOKIE = "timeline_login"
SESSION_SECONDS = 12 * 3600
MIN_SECRET_LENGTH = 12
MIN_DISTINCT_CHARACTERS = 8   # `aaaaaaaaaaaa` is 12 characters and one guess
MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60
# Wrong secrets from every client together, per process: past this many in the
# window, any client's attempt waits a few seconds after the last wrong one.
GLOBAL_FAILURES = 30
GLOBAL_SPACING_SECONDS = 5
# Where request_guard finds whether a request shows a session (server.extensions).
# An editor's name, typed at login beside the secret: not an account, just what the
# history says about each save ("Anna: changed the title of ...").
MAX_NAME_LENGTH = 60
UNKNOWN_EDITOR = "unknown"
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def editor_name_problem(name: str) -> str | None:
    """Why this name cannot be used, or None. Judged after `clean_editor_name`."""
    if not name:
        return "Type your name (it goes into the history beside each change you save)."
    if len(name) > MAX_NAME_LENGTH:
        return f"Your name is too long: {MAX_NAME_LENGTH} characters at most."
    return None


def clean_editor_name(typed: str) -> str:
    """A name as the history shows it: spaces, tabs and line breaks made one space,
    trimmed, control and direction-changing characters dropped (a name must not
    reverse the text around it in the history), in Unicode's composed form."""
    name = unicodedata.normalize("NFC", typed or "")
    name = _INVISIBLE.sub("", name)
    name = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") or c.isspace() else c
                   for c in name)
    return " ".join(name.split())


def secret_problem(secret: str) -> str | None:
    """Why this secret, once set, cannot turn editing on; None when it can."""
    if not secret.strip():
        return "the secret is only whitespace" if secret else "no secret is set"
    if len(secret) < MIN_SECRET_LENGTH:
        return f"the secret is shorter than {MIN_SECRET_LENGTH} characters"
    if len(set(secret)) < MIN_DISTINCT_CHARACTERS:
        return f"the secret has fewer than {MIN_DISTINCT_CHARACTERS} different characters"
    return None


@dataclass
class FailedAttempts:
    """Failed logins per client address, in this process.

    Each gunicorn worker counts its own, so N workers allow N times the limit:
    still a handful of guesses against a secret of 12 characters or more.
    """
    limit: int = MAX_FAILURES
    window: float = LOCKOUT_SECONDS
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, client: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(client, []) if now - t < self.window]
        self._failures[client] = times
        return times

    def locked_for(self, client: str) -> float:
        """Seconds until this client may try again (0: it may try now)."""
        now = self.clock()
        with self._lock:
            times = self._recent(client, now)
            return max(0.0, times[0] + self.window - now) if len(times) >= self.limit else 0.0

    def record_failure(self, client: str) -> None:
        now = self.clock()
        with self._lock:
            self._recent(client, now).append(now)

    def clear(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


@dataclass
class GlobalPace:
    """Wrong secrets from every client together, in this process: a delay, never a lock.

    Clients guessing from many addresses each stay under the per-address limit;
    past `threshold` wrong secrets in the window, every attempt (from anyone)
    must come `spacing` seconds after the last wrong one, so guessing slows to
    one every few seconds, while an editor with the right secret is asked to
    wait those few seconds at most, never locked out.
    """
    threshold: int = GLOBAL_FAILURES
    window: float = LOCKOUT_SECONDS
    spacing: float = GLOBAL_SPACING_SECONDS
    clock: Callable[[], float] = time.monotonic
    _failures: deque = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self) -> float:
        """Seconds until the next attempt may be judged (0: now)."""
        now = self.clock()
        with self._lock:
            self._forget_old(now)
            if len(self._failures) < self.threshold:
                return 0.0
            return max(0.0, self._failures[-1] + self.spacing - now)

    def record_failure(self) -> None:
        now = self.clock()
        with self._lock:
            self._forget_old(now)
            self._failures.append(now)

    def _forget_old(self, now: float) -> None:
        while self._failures and now - self._failures[0] >= self.window:
            self._failures.popleft()


def retry_after(seconds: float) -> str:
    """A `Retry-After` value: whole seconds, rounded up, at least 1."""
    return str(max(1, math.ceil(seconds)))


@dataclass(frozen=True)
class EditorKeys:
    """The secrets that open the editor: the editors' shared one opens every timeline,
    a desk's (TIMELINE_EDIT_SECRETS, editor/desk_secrets.py) the timelines it is
    written beside."""
    shared: str = field(default="", repr=False)
    desks: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (slug, secret)

    def opens_any(self, slug: str) -> bool:
        """Whether some secret opens `slug` ('' : the list of timelines)."""
        return bool(self.shared) or (any(True for _ in self.desks) if not slug
                                     else any(name == slug for name, _ in self.desks))

    def scope_of(self, attempt: str) -> Scope | None:
        """What a typed secret opens: every timeline ("*"), some, or nothing (None)."""
        typed = attempt.encode("utf-8")
        if self.shared and hmac.compare_digest(typed, self.shared.encode("utf-8")):
            return "*"
        slugs = tuple(sorted(slug for slug, secret in self.desks
                             if hmac.compare_digest(typed, secret.encode("utf-8"))))
        return slugs or None

    @property
    def material(self) -> bytes:
        """What the session keys are derived from: every secret, so a changed one ends
        every session (one secret alone: as before desks' secrets)."""
        if not self.desks:
            return self.shared.encode("utf-8")
        desks = "\n".join(f"{slug}:{secret}" for slug, secret in sorted(self.desks))
        return f"{self.shared}\0{desks}".encode("utf-8")


# What a session opens: "*" every timeline, else the slugs of its desk's secret.
Scope = str | tuple[str, ...]


def scope_opens(scope, slug: str) -> bool:
    """Whether a session of `scope` opens the timeline `slug` ('': the list)."""
    if scope == "*":
        return True
    return isinstance(scope, (list, tuple)) and bool(scope) and (not slug or slug in scope)


class EditorAccess:
    """The door of one editor (`slug`: its timeline in a folder, '' the site's list or
    a lone timeline). `site_wide`: its cookies cover the whole site, so one login opens
    the list and every timeline its secret opens (a folder of timelines)."""

    def __init__(self, keys: EditorKeys | str, data_path: Path, idle_seconds: float, *,
                 slug: str = "", site_wide: bool = False):
        keys = EditorKeys(shared=keys) if isinstance(keys, str) else keys
        self.keys = keys
        self.slug = slug
        self.site_wide = site_wide
        self._secret = keys.material
        # Derived from the secret, so every worker signs alike and a new secret
        # ends every session.
        signing_key = hmac.new(self._secret, b"timeline session", hashlib.sha256).hexdigest()
        self._sessions = URLSafeTimedSerializer(signing_key, salt="editor-session")
        self._csrf_key = hmac.new(self._secret, b"timeline csrf", hashlib.sha256).digest()
        # The server's record of each session: logout and idle time end one at once.
        self.sessions = SessionStore(
            data_path, hmac.new(self._secret, b"timeline session record", hashlib.sha256).digest(),
            max_age=SESSION_SECONDS, idle=idle_seconds)
        self.failures = FailedAttempts()
        self.pace = GlobalPace()

    @property
    def cookie_path(self) -> str:
        return "/" if self.site_wide else here(EDIT_PREFIX)

    # -------------------------------------------------------------- the secret

    def secret_matches(self, attempt: str) -> bool:
        return self.scope_for(attempt) is not None

    def scope_for(self, attempt: str) -> Scope | None:
        """What `attempt` opens, if it opens this door."""
        scope = self.keys.scope_of(attempt)
        return scope if scope is not None and scope_opens(scope, self.slug) else None

    # --------------------------------------------------------------- sessions

    def new_session(self, name: str = "", scope: Scope = "*") -> str:
        return self._sessions.dumps({"nonce": secrets.token_urlsafe(16), "name": name,
                                     "scope": scope if scope == "*" else list(scope)})

    def session_scope(self, request: flask.Request) -> Scope:
        """What this request's session opens (sessions from before scopes: everything)."""
        try:
            scope = self._sessions.loads(request.cookies.get(SESSION_COOKIE, ""),
                                         max_age=SESSION_SECONDS).get("scope", "*")
        except (BadSignature, AttributeError, TypeError):
            return ()
        return scope if scope == "*" else tuple(scope) if isinstance(scope, list) else ()

    def session_name(self, request: flask.Request) -> str:
        """The name the editor gave at login ('' for a session started before names
        were asked, or none at all); kept in the signed session cookie."""
        try:
            name = self._sessions.loads(request.cookies.get(SESSION_COOKIE, ""),
                                        max_age=SESSION_SECONDS).get("name", "")
        except (BadSignature, AttributeError, TypeError):
            return ""
        return clean_editor_name(name)[:MAX_NAME_LENGTH] if isinstance(name, str) else ""

    def session_nonce(self, request: flask.Request) -> str | None:
        """The nonce of the live session this request shows, else None (asked once
        per request: the body limit and the guard both ask)."""
        if _NONCE not in request.environ:
            request.environ[_NONCE] = self._live_nonce(request)
        return request.environ[_NONCE]

    def _live_nonce(self, request: flask.Request) -> str | None:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        try:
            session = self._sessions.loads(cookie, max_age=SESSION_SECONDS)
            nonce, scope = session["nonce"], session.get("scope", "*")
        except (BadSignature, KeyError, TypeError, AttributeError):
            return None
        if not scope_opens(scope, self.slug):  # a desk's session, at another desk's timeline
            return None
        if not isinstance(nonce, str) or not self.sessions.is_live(nonce):
            return None
        return nonce

    def csrf_token(self, nonce: str) -> str:
        return hmac.new(self._csrf_key, nonce.encode("utf-8"), hashlib.sha256).hexdigest()

    def csrf_ok(self, request: flask.Request, nonce: str) -> bool:
        sent = request.headers.get(CSRF_HEADER) or request.form.get("csrf_token") or ""
        return hmac.compare_digest(sent.encode("utf-8"), self.csrf_token(nonce).encode("utf-8"))

    def start_session(self, response: flask.Response, secure: bool, name: str = "",
                      scope: Scope = "*") -> None:
        """Record a new session and set its cookies. Raises OSError when the record
        cannot be written."""
        session = self.new_session(name, scope)
        nonce = self._sessions.loads(session)["nonce"]
        self.sessions.start(nonce)
        common = dict(max_age=SESSION_SECONDS, path=self.cookie_path, secure=secure,
                      samesite="Strict")
        response.set_cookie(SESSION_COOKIE, session, httponly=True, **common)
        # Readable by the editor page's scripts on purpose: that is how the
        # token gets into the header. Only pages under /edit/ can read it (in a folder
        # of timelines, the site's own pages: one login opens every timeline it may).
        response.set_cookie(CSRF_COOKIE, self.csrf_token(nonce), httponly=False, **common)

    def end_session(self, response: flask.Response, nonce: str) -> None:
        """Forget the session on the server (raises OSError when it cannot) and
        drop its cookies."""
        self.sessions.end(nonce)
        for name in (SESSION_COOKIE, CSRF_COOKIE):
            response.delete_cookie(name, path=self.cookie_path)

    # ------------------------------------------------------- the login form

    def login_form_token(self, request: flask.Request) -> tuple[str, str]:
        """(cookie nonce, form token): a login form posted from another site has neither."""
        nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(16)
        return nonce, self.csrf_token("login:" + nonce)

    def login_form_ok(self, request: flask.Request) -> bool:
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        sent = request.form.get("csrf_token", "")
        return bool(nonce) and hmac.compare_digest(
            sent.encode("utf-8"), self.csrf_token("login:" + nonce).encode("utf-8"))


_NONCE = "timeline.editor_session_nonce"  # the request's answer, kept in its environ



def editor_name(request: flask.Request | None = None) -> str:
    """The name of the editor whose session `request` (default: this one) shows;
    UNKNOWN_EDITOR when there is none."""
    access = flask.current_app.extensions.get("timeline_editor_access")
    name = access.session_name(request or flask.request) if access else ""
    return name or UNKNOWN_EDITOR


def client_address(request: flask.Request) -> str:
    # Behind a trusted proxy, timeline/serving/proxies.py makes this the client's own address.
    return request.remote_addr or "unknown"


def is_secure(request: flask.Request, public_url: str) -> bool:
    return request.is_secure or public_url.startswith("https://")


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;
color:#1a1a1a}}input,button{{font:inherit;padding:.4rem .6rem}}
.error{{color:#a40000;font-weight:600}}code{{background:#f1f1f1;padding:0 .2rem}}
label{{display:block;margin-top:.75rem}}.hint{{color:#444;font-size:.9rem;margin:.1rem 0}}
:root{{color-scheme:light dark}}
@media (prefers-color-scheme:dark){{body{{background:#16181c;color:#e8e8e6}}
a{{color:#84b8ff}}.error{{color:#ff9a8f}}code{{background:#2a2d33}}.hint{{color:#b4b8be}}}}</style>
</head><body><main>{body}</main></body></html>"""


def page(title: str, body: str) -> str:
    return PAGE.format(title=html.escape(title), body=body)
