"""Bytes on the wire: brotli or gzip, each answer compressed once where it can be.

`install_compression(server)` adds one `after_request` hook that runs after
every other one (so pages other hooks rewrite are compressed as they leave).
It sets the caching headers and ETags first (`caching`), then encodes:

- Text, JavaScript, CSS, JSON and SVG over 1 KB are sent as brotli when the
  client accepts it, else gzip, else as they are, with `Vary: Accept-Encoding`.
- Static and immutable answers (files, Dash's bundles) are compressed once at
  brotli quality 11 (gzip 9) and kept (`compressed_cache`: in memory per
  process, keyed by path, size and modification time or version, and on disk
  for every worker and the next start). A page that asks to be compressed once
  (`page_asks`: the embed's) is treated so too, keyed by its content's ETag.
  Quality 11 takes seconds for a 1 MB bundle, so it runs in a background
  thread (`Compressor`); until it is done the file goes out at quality 5 (tens
  of milliseconds, about 10 % larger) under a weak ETag.
- Dynamic answers are compressed per request at brotli 5 or gzip 6.
- An encoded body gets its own ETag (`caching.retag`), and the request's
  `If-None-Match` is checked again against it: a browser that kept the
  brotli bundle gets a 304, not the bundle again.
"""
from __future__ import annotations

import gzip
import hashlib
import logging
import os
import queue
import threading
import time
from pathlib import Path

import brotli
import flask

from timeline.memory import release_free_memory
from timeline.serving import cache_folder
from timeline.serving.cache_folder import DISK_BUDGET
from timeline.serving.caching import is_fingerprinted, retag, set_caching
from timeline.serving.compressed_cache import CacheKey, CompressedCache
from timeline.serving.page_asks import asked_of

log = logging.getLogger("timeline.serving.compression")

MIN_SIZE = 1024                      # smaller bodies go out as they are
STATIC_QUALITY = {"br": 11, "gzip": 9}
FAST_QUALITY = {"br": 5, "gzip": 6}
LARGE_SIZE = 1024 * 1024             # dynamic answers larger than this are compressed
LARGE_QUALITY = {"br": 3, "gzip": 4}  # faster, a little less
MAX_STATIC_SIZE = 32 * 1024 * 1024   # larger files are compressed fast, once
TRIM_AFTER = 1024 * 1024             # compressing more gives the memory back after
COMPRESSIBLE_TYPES = {"application/javascript", "application/json", "application/xml",
                      "application/x-javascript", "application/manifest+json",
                      "application/ld+json", "image/svg+xml", "application/wasm",
                      "image/x-icon", "image/vnd.microsoft.icon"}


def dynamic_quality(encoding: str, size: int) -> int:
    """How hard to compress an answer made per request: a few megabytes (the editor's
    table at 10,000 rows, 7 MB) at brotli 5 took 0.26 s, at 3 0.06 s for a fifth more."""
    return (LARGE_QUALITY if size > LARGE_SIZE else FAST_QUALITY)[encoding]


def compress(data: bytes, encoding: str, quality: int) -> bytes:
    if encoding == "br":
        body = brotli.compress(data, quality=quality)
    else:
        body = gzip.compress(data, compresslevel=quality, mtime=0)
    if len(data) > TRIM_AFTER:
        # The compressor's tables (100 MB and more at quality 11) are freed, but the
        # allocator would keep them in this worker.
        release_free_memory(collect=False)
    return body


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


class Compressor:
    """Compressed bodies for static answers (once, kept) and dynamic ones (per request)."""

    def __init__(self, cache_dir: Path | None, background: bool = True,
                 disk_budget: int = DISK_BUDGET):
        self.cache = CompressedCache(cache_dir, disk_budget=disk_budget)
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
            # Quality 11 would take minutes: the quick quality is its final form, made
            # once and kept (a 36 MB answer cost 1.3 s of CPU at every request).
            fast_name = key.name(encoding, FAST_QUALITY[encoding])
            body = self.cache.get(fast_name)
            if body is None:
                body = compress(read(), encoding, FAST_QUALITY[encoding])
                self.cache.store(fast_name, body)
            return body, True
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

def install_compression(server: flask.Flask, cache_dir: Path | str | None | bool = None,
                        background: bool = True, *,
                        data_path: str | os.PathLike | None = None,
                        disk_budget: int = DISK_BUDGET,
                        compressor: Compressor | None = None) -> Compressor:
    """Compress and set caching headers on every answer of `server`.

    `cache_dir`: the shared disk cache (default: `cache_folder.default_cache_dir(data_path)`;
    `False` keeps it in memory only), holding at most `disk_budget` bytes.
    `background=False` compresses at full quality inside the request (tests).
    `compressor`: one already made, shared with other apps of this process (a folder
    of timelines: one memory budget and one background thread for all of them).
    """
    if compressor is None:
        folder = (None if cache_dir is False
                  else Path(cache_dir or cache_folder.default_cache_dir(data_path)))
        compressor = Compressor(folder, background=background, disk_budget=disk_budget)

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
        response.make_conditional(request)  # its ETag still answers a repeat visit
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
        data = identity_bytes(response)
        body = compress(data, encoding, dynamic_quality(encoding, len(data)))
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
    and pages that ask so (`page_asks`: the same page for every reader until the
    data change, revalidated by its ETag)."""
    if response.direct_passthrough or "/_dash-component-suites/" in request.path:
        return True
    if asked_of(response).compress_once:
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

