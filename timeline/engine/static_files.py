"""Files served under their content's hash, `/static/<stem>.<hash>.<suffix>`: the
engine's scripts and each page's own (each page lists its files: the embed's
`EMBED_FILES`, the explorer's `EXPLORER_FILES`). An address changes when its file
does, so browsers and CDNs keep them for good. A page's small scripts go out as one
`Bundle`: one request where there were a dozen, each a round trip before the page
could answer a reader (docs/performance.md, "One request for the engine")."""
from __future__ import annotations

import functools
import hashlib
import io
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path

import flask

from timeline.serving.caching import IMMUTABLE


@dataclass(frozen=True)
class Bundle:
    """Scripts served as one file, in the order they run."""
    name: str
    parts: tuple[Path, ...]

    def read(self) -> bytes:
        # Each part after a `;` of its own line: a part ending in an expression
        # without one cannot run into the next.
        return b"\n;\n".join(b"/* " + part.name.encode("utf-8") + b" */\n" + part.read_bytes()
                             for part in self.parts if part.is_file())


@dataclass(frozen=True)
class StaticFile:
    name: str
    content: bytes = field(repr=False)
    digest: str

    @property
    def fingerprinted_name(self) -> str:
        stem, dot, suffix = self.name.rpartition(".")
        return f"{stem}.{self.digest}.{suffix}" if dot else f"{self.name}.{self.digest}"

    @property
    def url(self) -> str:
        return f"/static/{self.fingerprinted_name}"


def static_files(page_files: dict[str, Path | Bundle]) -> dict[str, StaticFile]:
    """Each of a page's files (by its key) that is there, with its content's hash."""
    files = {}
    for key, source in page_files.items():
        parts = source.parts if isinstance(source, Bundle) else (source,)
        try:
            signature = tuple((part.stat().st_mtime_ns, part.stat().st_size) for part in parts
                              if isinstance(source, Bundle) or part.is_file())
        except OSError:
            continue
        if not signature:
            continue
        files[key] = _static_file(source, signature)
    return files


@functools.lru_cache(maxsize=64)
def _static_file(source: Path | Bundle, signature: tuple) -> StaticFile:
    """One file as served, read once per process while it is unchanged (`signature`):
    every timeline's app in a folder (timeline/folder/) serves the same scripts, and
    each holding its own copy cost 3 MB a timeline."""
    if isinstance(source, Bundle):
        name, content = source.name, source.read()
    else:
        name, content = source.name, source.read_bytes()
    return StaticFile(name, content, hashlib.sha256(content).hexdigest()[:12])


def register_static_files(server: flask.Flask, *pages_files: dict[str, Path | Bundle]) -> None:
    """`/static/<name>`: the files of every page in `pages_files`."""
    by_name = {f.fingerprinted_name: f
               for page_files in pages_files for f in static_files(page_files).values()}

    @server.route("/static/<name>")
    def static_file(name: str):
        found = by_name.get(name)
        if found is None:
            flask.abort(404)
        response = flask.send_file(io.BytesIO(found.content), download_name=found.name,
                                   mimetype=mimetypes.guess_type(found.name)[0],
                                   etag=found.digest, conditional=True, max_age=31536000)
        response.headers.pop("Content-Disposition", None)  # shown, not saved
        response.headers["Cache-Control"] = IMMUTABLE
        return response
