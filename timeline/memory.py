"""Giving memory back to the system after a big piece of work (a load, a build).

Python frees the objects, but the C allocator keeps the freed pages for later
and the process's resident memory stays at its peak. `malloc_trim` hands back
what it can. Only glibc has it; elsewhere this does nothing.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
from collections.abc import Iterator
from functools import lru_cache

# glibc's mallopt: blocks this large or larger are mapped on their own, and unmapped
# when freed. By default the threshold grows to the largest block freed (up to 32 MB),
# so after the first large JSON every later one stayed in the heap, and with it
# the memory, once freed.
M_MMAP_THRESHOLD = -3
MAPPED_ON_THEIR_OWN = 4 * 1024 * 1024


@lru_cache(maxsize=1)
def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def _malloc_trim():
    return getattr(_libc(), "malloc_trim", None)


def map_large_blocks_apart() -> None:
    """Large blocks (a big timeline's JSON, read for each answer) go back to the
    system when freed, instead of staying with the process."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, MAPPED_ON_THEIR_OWN)


def release_free_memory(collect: bool = True) -> None:
    """`collect`: run the cycle collector first (not needed after work that makes
    no Python objects, such as compressing)."""
    if collect:
        gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a large piece of work makes many small
    objects and no cycles (a file loaded, the editor's rows made): its passes over
    them took a third of the time. It runs again as it did, even after an error."""
    was_running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_running:
            gc.enable()
