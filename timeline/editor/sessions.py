"""Editors' sessions, recorded on the server, so logging out ends one at once.

A signed cookie alone stays good until it expires, whatever its editor does:
after logging out, a copy of the cookie still opened the editor. So each
session also has a record in `<data folder>/.editor-sessions/sessions.json`,
which every gunicorn worker reads: written at login, removed at logout, and
refused once the session is 12 hours old or has been idle longer than the
idle limit (`TIMELINE_EDIT_IDLE_MINUTES`, 2 hours by default). Changes are
made under a lock shared by all processes and written atomically (a reader
sees the old file or the new one). A record is keyed by a keyed hash of the
session's random nonce, the key derived from the secret: the file alone
opens nothing, and a session from before a change of secret has no record.
"""
from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from timeline.data.csv_writing import atomic_write

log = logging.getLogger("timeline.editor")

FOLDER_NAME = ".editor-sessions"
# How often a session's last request is written down: idle time is measured to
# within this, and a busy editor page does not rewrite the file on every callback.
SEEN_EVERY_SECONDS = 60

Record = dict[str, float]


class SessionStore:
    def __init__(self, data_path: Path, key: bytes, max_age: float, idle: float,
                 clock: Callable[[], float] = time.time):
        self.folder = Path(data_path).parent / FOLDER_NAME
        self.path = self.folder / "sessions.json"
        self._key = key
        self.max_age = max_age
        self.idle = idle
        # Wall-clock time: the records are shared between processes.
        self.clock = clock

    def start(self, nonce: str) -> None:
        """Record a new session. Raises OSError when the record cannot be written."""
        now = self.clock()
        with self._changing() as sessions:
            sessions[self._record_id(nonce)] = {"created": now, "seen": now}

    def is_live(self, nonce: str) -> bool:
        """Whether this session is still on record, neither too old nor idle too long;
        notes this request as its latest."""
        now = self.clock()
        record = self._read().get(self._record_id(nonce))
        if record is None:
            return False
        if not self._live(record, now):
            self._forget(nonce)  # for good: a clock set back must not revive it
            return False
        if now - record["seen"] >= SEEN_EVERY_SECONDS:
            try:
                with self._changing() as sessions:
                    current = sessions.get(self._record_id(nonce))
                    if current is not None:
                        current["seen"] = now
            except OSError as error:  # the session stays good; its idle time runs on
                log.warning("Could not note an editor's session as seen in %s: %s",
                            self.path, error)
        return True

    def end(self, nonce: str) -> None:
        """Forget this session. Raises OSError when the record cannot be removed."""
        with self._changing() as sessions:
            sessions.pop(self._record_id(nonce), None)

    def _forget(self, nonce: str) -> None:
        try:
            self.end(nonce)
        except OSError as error:
            log.warning("Could not remove an ended editor's session from %s: %s", self.path,
                        error)

    # ------------------------------------------------------------------ the file

    def _live(self, record: Record, now: float) -> bool:
        return now - record["created"] < self.max_age and now - record["seen"] < self.idle

    def _record_id(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode("utf-8"), hashlib.sha256).hexdigest()

    def _read(self) -> dict[str, Record]:
        """The records on disk; none when the file is missing or unreadable, so a
        damaged file ends every session rather than keeping any open."""
        try:
            data = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            log.warning("Editors' sessions %s could not be read (%s): every editor must "
                        "log in again", self.path, error)
            return {}
        if not isinstance(data, dict):
            return {}
        return {key: {"created": float(value["created"]), "seen": float(value["seen"])}
                for key, value in data.items()
                if isinstance(value, dict) and all(
                    isinstance(value.get(name), (int, float)) for name in ("created", "seen"))}

    @contextmanager
    def _changing(self) -> Iterator[dict[str, Record]]:
        """The records to change, under the lock; written back, without the expired
        ones, when the block ends."""
        self.folder.mkdir(mode=0o700, exist_ok=True)
        with open(self.folder / ".lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                sessions = self._read()
                yield sessions
                now = self.clock()
                kept = {key: record for key, record in sessions.items()
                        if self._live(record, now)}
                atomic_write(self.path, json.dumps(kept, sort_keys=True).encode("utf-8"))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
