"""Bytes on the wire: brotli or gzip compression, long caching, ETags that survive both.

`install_compression(server)` adds one `after_request` hook that runs after
every other one (so pages other hooks rewrite are compressed as they leave):

- **Caching.** Fingerprinted files (Dash's `/_dash-component-suites/` with a
  version in the name, Dash assets asked for with their current `?m=`
  modification time) get `public, max-age=31536000, immutable`. Any other
  `GET` answer that says nothing about caching (HTML pages, Dash's layout and
  dependencies, JSON) gets `no-cache` (`private, no-cache` under `/edit/`)
  and an ETag of its content, so a repeat visit is a 304 with no body. A
  `Cache-Control` a route sets itself is kept.
- **Encoding.** Text, JavaScript, CSS, JSON and SVG over 1 KB are sent as
  brotli when the client accepts it, else gzip, else as they are, with
  `Vary: Accept-Encoding`. Static and immutable answers (files, Dash's
  bundles) are compressed once at brotli quality 11 (gzip 9) and kept: in
  memory per process, keyed by path, size and modification time (or
  version), and in a folder on disk that every worker and the next start
  reuse. A page a route marks `compress_once` (the embed's) is treated so
  too, keyed by its content's ETag. Quality 11 takes seconds for a 1 MB
  bundle, so it runs in a background thread; until it is done the file goes
  out at quality 5 (tens
  of milliseconds, about 10 % larger) under a weak ETag. Dynamic answers are
  compressed per request at brotli 5 or gzip 6.
- **ETags.** An encoded body gets its own ETag (`"<tag>-br"`, `"<tag>-gzip"`),
  as HTTP requires for a different representation, and the request's
  `If-None-Match` is checked again against it: a browser that kept the
  brotli bundle gets a 304, not the bundle again.
"""
from __future__ import annotations

import gzip
import hashlib
import logging
import os
import queue
import re
import stat
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import brotli
import flask
from dash.fingerprint import check_fingerprint

log = logging.getLogger("timeline.compression")

IMMUTABLE = "public, max-age=31536000, immutable"
MIN_SIZE = 1024                      # smaller bodies go out as they are
STATIC_QUALITY = {"br": 11, "gzip": 9}
FAST_QUALITY = {"br": 5, "gzip": 6}
MAX_STATIC_SIZE = 32 * 1024 * 1024   # larger files are only ever compressed fast
MEMORY_BUDGET = 64 * 1024 * 1024     # compressed bytes kept per process
DISK_MAX_AGE = 30 * 24 * 3600        # cache files unused this long are removed at start
STALE_LOCK_SECONDS = 600
CACHE_FORMAT = "1"                   # part of every disk name: bump to drop old files
COMPRESSIBLE_TYPES = {"application/javascript", "application/json", "application/xml",
                      "application/x-javascript", "application/manifest+json",
                      "application/ld+json", "image/svg+xml", "application/wasm",
                      "image/x-icon", "image/vnd.microsoft.icon"}


def default_cache_dir() -> Path:
    """A folder of this user's under the system's temporary directory (`TMPDIR` moves it)."""
    return Path(tempfile.gettempdir()) / f"timeline-compressed-{os.getuid()}"


def compress(data: bytes, encoding: str, quality: int) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=quality)
    return gzip.compress(data, compresslevel=quality, mtime=0)


def decompress(data: bytes, encoding: str) -> bytes:
    return brotli.decompress(data) if encoding == "br" else gzip.decompress(data)


def chosen_encoding(request: flask.Request) -> str | None:
    """brotli if the client accepts it, else gzip, else None (identity)."""
    accepted = request.accept_encodings
    for encoding in ("br", "gzip"):
        if accepted[encoding] > 0:  # `*` counts, `br;q=0` refuses
            return encoding
    return None


def is_compressible(mimetype: str | None) -> bool:
    if not mimetype:
        return False
    return (mimetype.startswith("text/") or mimetype in COMPRESSIBLE_TYPES
            or mimetype.endswith("+json") or mimetype.endswith("+xml"))


@dataclass(frozen=True)
class CacheKey:
    """Which bytes: the URL path, the size and a version (modification time, ETag or hash)."""
    path: str
    size: int
    version: str

    def name(self, encoding: str, quality: int) -> str:
        text = "\0".join([CACHE_FORMAT, self.path, str(self.size), self.version, encoding,
                          str(quality)])
        return hashlib.sha256(text.encode("utf-8")).hexdigest() + "." + encoding


class CompressedCache:
    """Compressed bodies: a bounded in-memory LRU in front of an optional disk folder."""

    def __init__(self, folder: Path | None, memory_budget: int = MEMORY_BUDGET):
        self.folder = usable_folder(folder) if folder is not None else None
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._memory_bytes = 0
        self._budget = memory_budget
        self._lock = threading.Lock()
        if self.folder is not None:
            prune(self.folder)

    def peek(self, name: str) -> bytes | None:
        """The body kept in this process's memory, if any."""
        with self._lock:
            found = self._memory.get(name)
            if found is not None:
                self._memory.move_to_end(name)
            return found

    def get(self, name: str) -> bytes | None:
        """The body from memory, else from disk (then kept in memory)."""
        found = self.peek(name)
        if found is not None or self.folder is None:
            return found
        path = self.folder / name
        try:
            found = path.read_bytes()
            os.utime(path)  # recently used: survives pruning
        except OSError:
            return None
        self.remember(name, found)
        return found

    def remember(self, name: str, body: bytes) -> None:
        with self._lock:
            if name in self._memory:
                return
            self._memory[name] = body
            self._memory_bytes += len(body)
            while self._memory_bytes > self._budget and len(self._memory) > 1:
                _, dropped = self._memory.popitem(last=False)
                self._memory_bytes -= len(dropped)

    def forget(self, name: str) -> None:
        with self._lock:
            dropped = self._memory.pop(name, None)
            if dropped is not None:
                self._memory_bytes -= len(dropped)

    def on_disk(self, name: str) -> bool:
        return self.folder is not None and (self.folder / name).is_file()

    def store(self, name: str, body: bytes) -> None:
        """Keep `body` in memory and write it to disk atomically (rename)."""
        self.remember(name, body)
        if self.folder is None:
            return
        temporary = self.folder / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            temporary.write_bytes(body)
            os.replace(temporary, self.folder / name)
        except OSError as problem:
            log.warning("Could not write the compression cache %s: %s", self.folder, problem)
            temporary.unlink(missing_ok=True)

    def lock(self, name: str) -> bool:
        """Claim the work of compressing `name` across processes; False if another has it."""
        if self.folder is None:
            return True
        path = self.folder / f"{name}.lock"
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            return True
        except FileExistsError:
            try:
                if time.time() - path.stat().st_mtime > STALE_LOCK_SECONDS:
                    path.unlink(missing_ok=True)  # its process died: the next request retries
            except OSError:
                pass
            return False
        except OSError:
            return True  # no locking possible: compress in this process anyway

    def unlock(self, name: str) -> None:
        if self.folder is not None:
            (self.folder / f"{name}.lock").unlink(missing_ok=True)


def usable_folder(folder: Path) -> Path | None:
    """`folder`, created private to this user; None when it cannot be trusted or written.

    A folder under /tmp that someone else made (or can write to) could hold
    bodies they planted, so it is not used.
    """
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError as problem:
        log.warning("No compression cache on disk (%s): %s", folder, problem)
        return None
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        log.warning("Not using the compression cache %s: it is not private to this user", folder)
        return None
    return folder


def prune(folder: Path) -> None:
    cutoff = time.time() - DISK_MAX_AGE
    try:
        for path in folder.iterdir():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                pass
    except OSError:
        pass


class Compressor:
    """Compressed bodies for static answers (once, kept) and dynamic ones (per request)."""

    def __init__(self, cache_dir: Path | None, background: bool = True):
        self.cache = CompressedCache(cache_dir)
        self.background = background
        self._jobs: queue.Queue = queue.Queue()
        self._pending: set[str] = set()
        self._pending_lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self.compressions = 0  # quality-11/gzip-9 compressions done by this process (tests)

    # ------------------------------------------------------------ static bodies

    def static_body(self, key: CacheKey, encoding: str, read) -> tuple[bytes | None, bool]:
        """(body, final) for a static answer, or (None, False) when nothing is cached.

        `read()` gives the identity bytes; it is called only when something must
        be compressed. A final body is the one compressed at full quality.
        """
        final_name = key.name(encoding, STATIC_QUALITY[encoding])
        body = self.cache.get(final_name)
        if body is not None:
            return body, True
        if key.size > MAX_STATIC_SIZE:
            return None, False
        if not self.background:
            body = self._compress_final(final_name, read(), encoding)
            return body, True
        fast_name = key.name(encoding, FAST_QUALITY[encoding])
        data = read()
        self._schedule(final_name, fast_name, data, encoding)
        fast = self.cache.peek(fast_name)
        if fast is None:
            fast = compress(data, encoding, FAST_QUALITY[encoding])
            self.cache.remember(fast_name, fast)
        return fast, False

    def _compress_final(self, name: str, data: bytes, encoding: str) -> bytes:
        body = compress(data, encoding, STATIC_QUALITY[encoding])
        self.compressions += 1
        self.cache.store(name, body)
        return body

    def _schedule(self, final_name: str, fast_name: str, data: bytes, encoding: str) -> None:
        with self._pending_lock:
            if final_name in self._pending:
                return
            self._pending.add(final_name)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="timeline-compress",
                                                daemon=True)
                self._worker.start()
        self._jobs.put((final_name, fast_name, data, encoding))

    def _work(self) -> None:
        while True:
            final_name, fast_name, data, encoding = self._jobs.get()
            try:
                if self.cache.on_disk(final_name):
                    self.cache.get(final_name)  # another worker did it: load it
                elif self.cache.lock(final_name):
                    try:
                        self._compress_final(final_name, data, encoding)
                    finally:
                        self.cache.unlock(final_name)
                if self.cache.get(final_name) is not None:
                    self.cache.forget(fast_name)
            except Exception:  # noqa: BLE001 (a failed job must not stop the worker)
                log.exception("Compressing a static file failed")
            finally:
                with self._pending_lock:
                    self._pending.discard(final_name)
                self._jobs.task_done()

    def wait(self, timeout: float = 60.0) -> bool:
        """Wait until the background compressions are done (tests, warm-up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._pending_lock:
                if not self._pending:
                    return True
            time.sleep(0.02)
        return False


# ---------------------------------------------------------------- the hook

def install_compression(server: flask.Flask, cache_dir: Path | None | bool = None,
                        background: bool = True) -> Compressor:
    """Compress and set caching headers on every answer of `server`.

    `cache_dir`: the shared disk cache (default: `default_cache_dir()`;
    `False` keeps it in memory only). `background=False` compresses at full
    quality inside the request (tests).
    """
    folder = None if cache_dir is False else Path(cache_dir or default_cache_dir())
    compressor = Compressor(folder, background=background)

    def finish(response: flask.Response) -> flask.Response:
        request = flask.request
        set_caching(response, request)
        encode(response, request, compressor)
        return response

    # After-request hooks run last-registered first: at the front, this one
    # runs after every other, so it sees (and compresses) their final body.
    server.after_request_funcs.setdefault(None, []).insert(0, finish)
    server.extensions["timeline_compression"] = compressor
    return compressor


def is_fingerprinted(request: flask.Request, response: flask.Response) -> bool:
    """A URL whose bytes never change: Dash's versioned bundles, assets with their `?m=`."""
    path = request.path
    marker = "/_dash-component-suites/"
    if marker in path:
        return check_fingerprint(path.split(marker, 1)[1])[1]
    endpoint = request.endpoint or ""
    if endpoint.endswith("dash_assets.static") and request.args.get("m"):
        # Only the current file's time: an old `?m=` must not pin today's bytes for a year.
        modified = response.last_modified
        try:
            return modified is not None and int(float(request.args["m"])) == int(
                modified.timestamp())
        except ValueError:
            return False
    return False


def set_caching(response: flask.Response, request: flask.Request) -> None:
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return
    if is_fingerprinted(request, response):
        # Dash's own `max-age` and Flask's `no-cache` for assets are generic defaults.
        response.headers["Cache-Control"] = IMMUTABLE
        return
    if response.is_streamed:
        return
    if "Cache-Control" not in response.headers:
        private = request.path.startswith("/edit/") or request.path == "/edit"
        response.headers["Cache-Control"] = "private, no-cache" if private else "no-cache"
    if not response.cache_control.no_store and not response.get_etag()[0]:
        add_content_etag(response)  # a repeat visit revalidates: 304, no body


# Dash writes a new signed `end_id` into every copy of its page; it only binds
# background callbacks (this app has none) to a page load, so two copies that
# differ only there are the same page: they share a weak ETag.
DASH_END_ID = re.compile(rb'"end_id":\s*"[^"]*"')


def add_content_etag(response: flask.Response) -> None:
    data = response.get_data()
    if response.mimetype == "text/html" and b'id="_dash-config"' in data:
        masked = DASH_END_ID.sub(b'"end_id":""', data)
        response.set_etag(hashlib.sha1(masked).hexdigest(), weak=masked != data)
    else:
        response.set_etag(hashlib.sha1(data).hexdigest())


def encode(response: flask.Response, request: flask.Request, compressor: Compressor) -> None:
    if not wants_encoding(response):
        if response.status_code == 304 and is_compressible(response.mimetype):
            response.vary.add("Accept-Encoding")
        return
    static = is_static(response, request)
    size = response.content_length if static and response.direct_passthrough else None
    if size is None:
        response.direct_passthrough = False
        size = len(response.get_data())
    if size < MIN_SIZE:
        return
    response.vary.add("Accept-Encoding")
    encoding = chosen_encoding(request)
    if encoding is None:
        response.make_conditional(request)
        return
    if static:
        body, final = compressor.static_body(cache_key(response, request, size), encoding,
                                             lambda: identity_bytes(response))
    else:
        body, final = None, True
    retag(response, encoding, weak=not final)
    response.make_conditional(request)
    if response.status_code == 304:
        return
    if body is None:
        body = compress(identity_bytes(response), encoding, FAST_QUALITY[encoding])
    close_body(response)
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    response.headers.pop("Accept-Ranges", None)  # ranges of the encoded bytes: not offered


def wants_encoding(response: flask.Response) -> bool:
    return (response.status_code == 200
            and "Content-Encoding" not in response.headers
            and is_compressible(response.mimetype)
            and "no-transform" not in (response.headers.get("Cache-Control") or "")
            and (response.direct_passthrough or not response.is_streamed))


def is_static(response: flask.Response, request: flask.Request) -> bool:
    """Bytes that are the same for everyone and worth compressing once: files, bundles,
    and pages a route marks so (`response.compress_once = True`: the same page for
    every reader until the data change, revalidated by its ETag)."""
    if response.direct_passthrough or "/_dash-component-suites/" in request.path:
        return True
    if getattr(response, "compress_once", False):
        return True
    control = response.cache_control
    return "immutable" in (response.headers.get("Cache-Control") or "") or (
        control.public and (control.max_age or 0) > 0)


def cache_key(response: flask.Response, request: flask.Request, size: int) -> CacheKey:
    if is_fingerprinted(request, response):
        version = "fingerprint:" + request.query_string.decode("latin-1")
    elif response.get_etag()[0]:
        version = "etag:" + response.get_etag()[0]  # send_file's: mtime, size, name
    elif response.last_modified is not None:
        version = "modified:" + response.last_modified.isoformat()
    else:
        version = "sha256:" + hashlib.sha256(identity_bytes(response)).hexdigest()
    return CacheKey(request.path, size, version)


def identity_bytes(response: flask.Response) -> bytes:
    response.direct_passthrough = False
    return response.get_data()


def close_body(response: flask.Response) -> None:
    """Close an open file the body was going to be read from (it is replaced)."""
    if response.direct_passthrough:
        close = getattr(response.response, "close", None)
        if close is not None:
            close()
        response.direct_passthrough = False


def retag(response: flask.Response, encoding: str, weak: bool) -> None:
    tag, was_weak = response.get_etag()
    if tag:
        response.set_etag(f"{tag}-{encoding}", weak=was_weak or weak)
