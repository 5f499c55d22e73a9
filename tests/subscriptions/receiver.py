"""A real rest-hook endpoint for the tests: an HTTP server on a free loopback port, in a thread,
that records what it is sent and answers as told (2xx, an error status, or held until released).
Stopped, nothing listens on its port (connection refused); started again, the same port."""

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Receiver:
    port: int = 0
    status: int = 200
    received: list[Received] = field(default_factory=list)
    # When set, each request waits until `release` is set (a slow endpoint).
    hold: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/notify"

    def start(self) -> "Receiver":
        if not self.port:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                receiver.received.append(Received(dict(self.headers.items()), body))
                receiver.entered.set()
                if receiver.hold is not None:
                    receiver.hold.wait(10)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def bundles(self) -> list[dict[str, Any]]:
        return [r.body for r in self.received]

    def statuses(self) -> list[dict[str, Any]]:
        """The SubscriptionStatus (first entry) of every notification received."""
        return [b["entry"][0]["resource"] for b in self.bundles()]
