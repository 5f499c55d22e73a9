"""The server as a client on the network meets it: a real uvicorn on a free local port, in a
thread of the test process, over a throw-away database of the test MongoDB."""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pymongo
import uvicorn

from fhirtrial.api.app import create_app
from fhirtrial.config import Settings
from tests.helpers import make_settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def live_server(mongo_url: str, *, port: int | None = None, **overrides: Any) -> Iterator[Settings]:
    """Yields the settings of a running server (`base_url` is where it listens: `port`, or a
    free one); stops it (and drops its database) after."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = make_settings(mongo_url, base_url=base_url, **overrides)
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield settings
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        with pymongo.MongoClient(mongo_url) as client:
            client.drop_database(settings.database)
