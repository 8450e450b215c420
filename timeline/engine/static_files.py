"""Files served under their content's hash, `/static/<stem>.<hash>.<suffix>`: the
engine's scripts and each page's own (each page lists its files: the embed's
`EMBED_FILES`, the explorer's `EXPLORER_FILES`). An address changes when its file
does, so browsers and CDNs keep them for good."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import flask

from timeline.serving.caching import IMMUTABLE


@dataclass(frozen=True)
class StaticFile:
    name: str
    path: Path
    digest: str

    @property
    def fingerprinted_name(self) -> str:
        stem, dot, suffix = self.name.rpartition(".")
        return f"{stem}.{self.digest}.{suffix}" if dot else f"{self.name}.{self.digest}"

    @property
    def url(self) -> str:
        return f"/static/{self.fingerprinted_name}"


def static_files(page_files: dict[str, Path]) -> dict[str, StaticFile]:
    """Each of a page's files (by its key) that is there, with its content's hash."""
    files = {}
    for key, path in page_files.items():
        if path.is_file():
            files[key] = StaticFile(path.name, path,
                                    hashlib.sha256(path.read_bytes()).hexdigest()[:12])
    return files


def register_static_files(server: flask.Flask, *pages_files: dict[str, Path]) -> None:
    """`/static/<name>`: the files of every page in `pages_files`."""
    by_name = {f.fingerprinted_name: f
               for page_files in pages_files for f in static_files(page_files).values()}

    @server.route("/static/<name>")
    def static_file(name: str):
        found = by_name.get(name)
        if found is None:
            flask.abort(404)
        response = flask.send_file(found.path, conditional=True, max_age=31536000)
        response.headers["Cache-Control"] = IMMUTABLE
        return response
