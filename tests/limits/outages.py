"""A database of the tests' own for outage tests: SecantusDB with its test commands (failpoints)
on, which can be paused (SIGSTOP) without disturbing the session's shared database, and a TCP
proxy in front of a database that drops connections left idle, as firewalls and SecantusDB do."""

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient

from fhirtrial.store.embedded import EmbeddedMongo


@contextlib.contextmanager
def database_with_failpoints(data_dir: Path) -> Iterator[EmbeddedMongo]:
    server = EmbeddedMongo(data_dir, options=("--enable-test-commands",))
    server.start()
    try:
        yield server
    finally:
        resume(server)
        server.stop()


def pause(server: EmbeddedMongo) -> None:
    """Stop the database, returning once every one of its threads has stopped: a thread busy on
    another core goes on for a moment after the signal, long enough to answer a request sent at
    once (seen: a read answered 200 "while paused")."""
    assert server.pid is not None
    os.kill(server.pid, signal.SIGSTOP)
    deadline = time.monotonic() + 5
    while not _stopped(server.pid):
        assert time.monotonic() < deadline, "the database did not stop"
        time.sleep(0.001)


def _stopped(pid: int) -> bool:
    tasks = Path(f"/proc/{pid}/task")
    for task in tasks.iterdir():
        try:
            state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, IndexError):
            continue  # a thread that ended meanwhile
        if state not in ("T", "t"):
            return False
    return True


def resume(server: EmbeddedMongo) -> None:
    if server.pid is not None:
        os.kill(server.pid, signal.SIGCONT)


async def fail_command(url: str, mode: Any, **data: Any) -> None:
    """Arm SecantusDB's `failCommand` failpoint (mongod's test command)."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url)
    try:
        await client.admin.command(
            {"configureFailPoint": "failCommand", "mode": mode, "data": data}
        )
    finally:
        await client.close()


@contextlib.asynccontextmanager
async def idle_cutting_proxy(
    target_url: str, target_port: int, idle_s: float
) -> AsyncIterator[str]:
    """A loopback TCP proxy to `target_port` that closes every connection quiet for `idle_s`;
    yields `target_url` (with its credentials) pointing at the proxy."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.TimeoutError):
            while data := await asyncio.wait_for(reader.read(65536), idle_s):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target_port)
        # A connection is idle when neither side speaks: each direction times out on its own,
        # which cuts a connection that waits for a long answer too; fine for these tests.
        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield target_url.replace(f"127.0.0.1:{target_port}", f"127.0.0.1:{port}")
    finally:
        server.close()
