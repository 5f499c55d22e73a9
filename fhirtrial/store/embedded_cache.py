"""How much memory the embedded database may use to cache its data (WiredTiger's cache).

SecantusDB's own default is 1 GB. A catalog whose data and indexes outgrow the cache makes
every write evict dirty pages, and a batch's transaction, whose own uncommitted pages cannot be
evicted, then spins in eviction: loading 30,000 studies stopped at 18,600 and again at 20,000
(1.2 GB on disk), and with a 4 GB cache went on to 30,000 in a minute (ADR 0027). So the cache
is sized as mongod sizes its own: half of (memory − 1 GB), at least 256 MB, where memory is the
machine's or the container's limit if lower. WiredTiger takes it as data is read, not at start.
"""

import os
from pathlib import Path

from fhirtrial.config import MIN_CACHE_MB, checked_cache_size

__all__ = ["cache_size_for", "checked_cache_size", "default_cache_size"]

_MB = 1024 * 1024
# cgroup v2, then v1: a container's memory limit ("max" or a huge number when there is none).
_LIMITS = (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"))


def cache_size_for(memory_bytes: int) -> str:
    """mongod's rule: half of (memory − 1 GB), at least 256 MB, as SecantusDB's `--cache-size`."""
    megabytes = max(MIN_CACHE_MB, (memory_bytes - 1024 * _MB) // 2 // _MB)
    return f"{megabytes}M"


def default_cache_size() -> str:
    return cache_size_for(available_memory())


def available_memory() -> int:
    """Physical memory in bytes, or the container's memory limit if it is lower."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for path in _LIMITS:
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            memory = min(memory, int(text))
    return memory
