"""A save that replaces the whole file (a restore, an upload), said the same way
wherever it starts: under the editor's name, with its action in the history
and, after the page reloads to show it, in the status line."""
from __future__ import annotations

import flask
from dash import no_update

from timeline.addresses import EDIT_PREFIX
from timeline.data.history import Retention
from timeline.data_store import DataStore
from timeline.editor.access import editor_name
from timeline.editor.saving import Conflict, Invalid, Saved, SaveOutcome, Unchanged, save_version

RETENTION_KEY = "timeline_history_retention"  # in the server's extensions
# Said after the reload that follows a replace (`done=` in its address).
DONE_MESSAGES = {"restored": "Restored the version you chose",
                 "uploaded": "Replaced the data with the uploaded file",
                 "upload-merged": "Updated and added the uploaded file's rows by id",
                 "merged": "Saved, merged with the changes others saved since you opened the "
                           "page (they added or removed columns, so the page reloaded)"}
# How a replace leads its line in the history.
DONE_ACTIONS = {"restored": "restored an earlier version", "uploaded": "uploaded a file",
                "upload-merged": "updated rows by id from a file"}


def retention() -> Retention:
    """How much history to keep, as the app was configured (callbacks.py)."""
    return flask.current_app.extensions.get(RETENTION_KEY) or Retention()


def save_replacing(store: DataStore, data: bytes, base_version: str, done: str) -> SaveOutcome:
    return save_version(store.path, data, base_version, by=editor_name(),
                        retention=retention(), action=DONE_ACTIONS.get(done, ""))


def replace_file(store: DataStore, data: bytes, base_version: str, done: str):
    """Save `data` in place of the file, then reload the page to show it."""
    outcome = save_replacing(store, data, base_version, done)
    if isinstance(outcome, Saved):
        store.refresh(force=True)
        return no_update, f"{EDIT_PREFIX}?done={done}&version={outcome.version}"
    if isinstance(outcome, Unchanged):
        return "Nothing changed: the file already holds this.", no_update
    if isinstance(outcome, Conflict):
        return ("Not replaced: someone else saved the file since you opened this page. "
                "Discard to see their version first."), no_update
    if isinstance(outcome, Invalid):
        return f"Not replaced: {outcome.report.summary()}.", no_update
    return f"Not replaced: the disk refused the write ({outcome.reason}).", no_update
