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
  reuse (see `CompressedCache`). A page a route marks `compress_once` (the embed's) is treated so
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

import errno
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

from timeline.memory import release_free_memory

log = logging.getLogger("timeline.serving.compression")

IMMUTABLE = "public, max-age=31536000, immutable"
MIN_SIZE = 1024                      # smaller bodies go out as they are
STATIC_QUALITY = {"br": 11, "gzip": 9}
FAST_QUALITY = {"br": 5, "gzip": 6}
MAX_STATIC_SIZE = 32 * 1024 * 1024   # larger files are compressed fast, once
TRIM_AFTER = 1024 * 1024             # compressing more gives the memory back after
MEMORY_BUDGET = 64 * 1024 * 1024     # compressed bytes kept per process
DISK_BUDGET = 256 * 1024 * 1024      # compressed bytes kept on disk (TIMELINE_CACHE_MAX_MB)
DISK_MAX_AGE = 30 * 24 * 3600        # cache files unused this long are removed at start
CACHE_FOLDER_NAME = ".timeline-cache"
STALE_LOCK_SECONDS = 600
CACHE_FORMAT = "1"                   # part of every disk name: bump to drop old files
COMPRESSIBLE_TYPES = {"application/javascript", "application/json", "application/xml",
                      "application/x-javascript", "application/manifest+json",
                      "application/ld+json", "image/svg+xml", "application/wasm",
                      "image/x-icon", "image/vnd.microsoft.icon"}


def default_cache_dir(data_path: str | os.PathLike | None = None) -> Path:
    """A hidden folder beside the data's folder (`data/events.csv`: `.timeline-cache`
    next to `data/`), the app's own rather than a name in the shared temporary
    directory, which anyone can take first. Without a data path, that name
    (`TMPDIR` moves it), used only if it is a private folder of this user's."""
    if data_path is None:
        return Path(tempfile.gettempdir()) / f"timeline-compressed-{os.getuid()}"
    return Path(os.path.abspath(data_path)).parent.parent / CACHE_FOLDER_NAME


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
    """Compressed bodies: a bounded in-memory LRU in front of an optional disk folder.

    The folder must be a real folder (not a link) owned by this user and writable
    by no one else, else only memory is used: a link planted in its place had the
    pruning delete another folder's old files and new files written there. Every
    file is then reached through the folder opened without following links and
    checked to be the same folder, so it cannot be swapped for a link later
    either. The disk holds at most `disk_budget` bytes: the least recently used
    files go first.
    """

    def __init__(self, folder: Path | None, memory_budget: int = MEMORY_BUDGET,
                 disk_budget: int = DISK_BUDGET):
        self.folder: Path | None = None
        self._identity: tuple[int, int] | None = None  # the folder's (device, inode)
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._memory_bytes = 0
        self._budget = memory_budget
        self.disk_budget = disk_budget
        self._disk_bytes = 0  # on disk at the last pruning, plus what this process wrote since
        self._lock = threading.Lock()
        if folder is not None:
            descriptor = open_private_folder(folder, create=True)
            if descriptor is not None:
                try:
                    info = os.fstat(descriptor)
                    self.folder, self._identity = folder, (info.st_dev, info.st_ino)
                    self._disk_bytes = prune(descriptor, disk_budget)
                finally:
                    os.close(descriptor)

    def _open_folder(self) -> int | None:
        """The folder, opened (close it after use), if it is still the one checked at
        start; if not (removed, or replaced), memory only from then on."""
        descriptor = reopen_checked_folder(self.folder, self._identity)
        if descriptor is None and self.folder is not None:
            log.warning("Not using the compression cache %s any more: it is not the folder "
                        "checked at start", self.folder)
            self.folder = None
        return descriptor

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
        if found is not None:
            return found
        folder = self._open_folder()
        if folder is None:
            return None
        try:
            file = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
            with os.fdopen(file, "rb") as handle:
                found = handle.read()
                try:
                    os.utime(handle.fileno())  # recently used: kept longest
                except OSError:
                    pass
        except OSError:
            return None
        finally:
            os.close(folder)
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
        folder = self._open_folder()
        if folder is None:
            return False
        try:
            return stat.S_ISREG(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
        except OSError:
            return False
        finally:
            os.close(folder)

    def store(self, name: str, body: bytes) -> None:
        """Keep `body` in memory and write it to disk atomically (rename)."""
        self.remember(name, body)
        folder = self._open_folder()
        if folder is None:
            return
        temporary = f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            file = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
                           | os.O_CLOEXEC, 0o600, dir_fd=folder)
            with os.fdopen(file, "wb") as handle:
                handle.write(body)
            os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
            with self._lock:
                self._disk_bytes += len(body)
                over = self._disk_bytes > self.disk_budget
            if over:
                remaining = prune(folder, self.disk_budget)
                with self._lock:
                    self._disk_bytes = remaining
        except OSError as problem:
            log.warning("Could not write the compression cache %s: %s", self.folder, problem)
            try:
                os.unlink(temporary, dir_fd=folder)
            except OSError:
                pass
        finally:
            os.close(folder)

    def lock(self, name: str) -> bool:
        """Claim the work of compressing `name` across processes; False if another has it."""
        folder = self._open_folder()
        if folder is None:
            return True
        lock = f"{name}.lock"
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600,
                             dir_fd=folder))
            return True
        except FileExistsError:
            try:
                if time.time() - os.stat(lock, dir_fd=folder,
                                         follow_symlinks=False).st_mtime > STALE_LOCK_SECONDS:
                    os.unlink(lock, dir_fd=folder)  # its process died: the next request retries
            except OSError:
                pass
            return False
        except OSError:
            return True  # no locking possible: compress in this process anyway
        finally:
            os.close(folder)

    def unlock(self, name: str) -> None:
        folder = self._open_folder()
        if folder is None:
            return
        try:
            os.unlink(f"{name}.lock", dir_fd=folder)
        except OSError:
            pass
        finally:
            os.close(folder)


def open_private_folder(folder: Path, create: bool) -> int | None:
    """`folder` opened (a descriptor to close), created private to this user if asked;
    None, with a warning, when it is a link, someone else's, or writable by others.

    A folder under /tmp that someone else made (or can write to) could hold
    bodies they planted; a link there could send the pruning to another folder.
    """
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
                             | os.O_CLOEXEC)
    except OSError as problem:
        link = problem.errno == errno.ELOOP or folder.is_symlink()
        log.warning("No compression cache on disk (%s): %s", folder,
                    "it is a link, which is not followed" if link else problem)
        return None
    info = os.fstat(descriptor)
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        os.close(descriptor)
        log.warning("Not using the compression cache %s: it is not private to this user", folder)
        return None
    return descriptor


def reopen_checked_folder(folder: Path | None,
                          identity: tuple[int, int] | None) -> int | None:
    """`folder` opened again (a descriptor to close) if it is still the folder whose
    (device, inode) was checked at start; None if it is gone or was replaced."""
    if folder is None:
        return None
    descriptor = open_private_folder(folder, create=False)
    if descriptor is not None:
        info = os.fstat(descriptor)
        if (info.st_dev, info.st_ino) == identity:
            return descriptor
        os.close(descriptor)
    return None


def prune(folder: int, budget: int = DISK_BUDGET) -> int:
    """Remove the files of the open `folder` unused for `DISK_MAX_AGE`, then the least
    recently used until the rest fit in `budget` bytes; returns the bytes left.
    Links and folders inside are neither followed nor removed."""
    cutoff = time.time() - DISK_MAX_AGE
    files = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode):
                    files.append((info.st_mtime, entry.name, info.st_size))
    except OSError:
        return 0
    files.sort()  # least recently used first
    total = sum(size for _, _, size in files)
    for modified, name, size in files:
        if modified >= cutoff and total <= budget:
            break
        try:
            os.unlink(name, dir_fd=folder)
        except OSError:
            continue
        total -= size
    return total


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
                        disk_budget: int = DISK_BUDGET) -> Compressor:
    """Compress and set caching headers on every answer of `server`.

    `cache_dir`: the shared disk cache (default: `default_cache_dir(data_path)`;
    `False` keeps it in memory only), holding at most `disk_budget` bytes.
    `background=False` compresses at full quality inside the request (tests).
    """
    folder = None if cache_dir is False else Path(cache_dir or default_cache_dir(data_path))
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
