"""The embedded database's cache is sized like mongod's, or as FHIRTRIAL_EMBEDDED_CACHE_SIZE says.

SecantusDB's 1 GB default made loading a 30,000-study catalog stall once its data outgrew the
cache (docs/adr/0027); these tests check the size the server is started with, not the stall
(that needs gigabytes of data: bench/search.py, README Performance).
"""

import asyncio
from pathlib import Path

import pytest
from pydantic import ValidationError

from fhirtrial.config import Settings
from fhirtrial.runtime import open_database
from fhirtrial.store import embedded_cache
from fhirtrial.store.embedded import EmbeddedMongo
from fhirtrial.store.embedded_cache import cache_size_for, checked_cache_size, default_cache_size

GB = 1024**3


def _cache_option(pid: int | None) -> str:
    arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    return arguments[arguments.index(b"--cache-size") + 1].decode()


def test_the_default_is_half_of_the_memory_above_one_gigabyte():
    assert cache_size_for(24 * GB) == f"{23 * 1024 // 2}M"
    assert cache_size_for(4 * GB) == "1536M"
    assert cache_size_for(2 * GB) == "512M"
    assert cache_size_for(1 * GB) == "256M"  # never below 256 MB
    assert cache_size_for(GB // 2) == "256M"


def test_a_container_memory_limit_below_the_machine_counts(tmp_path, monkeypatch):
    v2, v1 = tmp_path / "memory.max", tmp_path / "memory.limit_in_bytes"
    monkeypatch.setattr(embedded_cache, "_LIMITS", (v2, v1))
    physical = embedded_cache.available_memory()  # no limit files: the machine's memory
    v2.write_text("max\n")  # cgroup v2 without a limit
    assert embedded_cache.available_memory() == physical
    v1.write_text(f"{3 * GB}\n")
    assert embedded_cache.available_memory() == min(physical, 3 * GB)
    assert default_cache_size() == cache_size_for(min(physical, 3 * GB))


@pytest.mark.parametrize(
    ("given", "started_with"), [("4G", "4096M"), ("512m", "512M"), (" 2 GB ", "2048M")]
)
def test_sizes_are_read_as_megabytes_or_gigabytes(given, started_with):
    assert checked_cache_size(given) == started_with
    assert Settings(embedded_cache_size=given).embedded_cache_size == started_with


@pytest.mark.parametrize("given", ["lots", "100M", "2T", "1.5G", ""])
def test_a_size_that_is_no_size_or_too_small_is_refused_when_the_settings_are_read(given):
    with pytest.raises(ValidationError, match="embedded_cache_size"):
        Settings(embedded_cache_size=given)


@pytest.mark.db
async def test_the_server_runs_with_the_default_or_the_given_cache(tmp_path):
    server = EmbeddedMongo(tmp_path / "default")
    await asyncio.to_thread(server.start)
    try:
        assert _cache_option(server.pid) == default_cache_size()
    finally:
        await asyncio.to_thread(server.stop)
    settings = Settings(data_dir=tmp_path / "set", embedded_cache_size="300M", load_seeds=False)
    async with open_database(settings) as opened:
        assert opened.embedded is not None
        assert _cache_option(opened.embedded.pid) == "300M"
        assert await opened.database.db.command("ping") == {"ok": 1.0}
