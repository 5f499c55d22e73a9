"""The embedded default database: a SecantusDB server run as a child process.

SecantusDB (GPL-2.0) is a declared dependency that we only *run*, as a separate process speaking the
MongoDB wire protocol; it is never imported into our code.
"""

import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

log = logging.getLogger("fhirtrial.embedded")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class EmbeddedMongo:
    """Start, watch and stop a SecantusDB server with its data under `data_dir`."""

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int | None = None,
        startup_timeout: float = 30,
        options: tuple[str, ...] = (),
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        # More command-line options of the server (tests: "--enable-test-commands").
        self.options = options
        self.port = port or free_port()
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    @property
    def pid(self) -> int | None:
        """The server process's id while it is started (benchmarks measure its CPU time)."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> str:
        # Patient data: the directory is the server's user's alone (it was 0755, files 0644).
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            self.data_dir.chmod(0o700)
        except PermissionError:  # a mounted volume owned by another user: say so, still start
            log.warning("Cannot make %s private to this user (chmod 700)", self.data_dir)
        log_file = open(self.data_dir / "secantusdb.log", "ab")  # noqa: SIM115 - child owns it
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "secantus",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--storage-path",
                str(self.data_dir / "db"),
                "--log-level",
                "WARNING",
                *self.options,
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log_file.close()
        self._wait_until_ready()
        self._announce()
        log.info("Embedded SecantusDB on port %s; data in %s", self.port, self.data_dir / "db")
        return self.url

    def restart_if_dead(self) -> bool:
        """Bring the child back if it died; True when it had to be restarted."""
        if self._process is None or self.running:
            return False
        log.warning("Embedded database exited with %s; restarting it", self._process.returncode)
        self.start()
        return True

    def stop(self, timeout: float = 15) -> None:
        process, self._process = self._process, None
        announcement(self.data_dir).unlink(missing_ok=True)
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.info("Embedded SecantusDB stopped")

    def kill(self) -> None:
        """Kill the server abruptly (used to exercise recovery)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def _announce(self) -> None:
        """Tell other fhirtrial processes (a CLI import next to `serve`) where this server is:
        WiredTiger locks its directory, so they must connect rather than start another one."""
        assert self._process is not None
        path = announcement(self.data_dir)
        path.write_text(json.dumps({"url": self.url, "pid": self._process.pid, "port": self.port}))
        path.chmod(0o600)

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                tail = (self.data_dir / "secantusdb.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"Embedded SecantusDB exited during startup:\n{tail}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Embedded SecantusDB did not start within {self.startup_timeout}s")


def announcement(data_dir: Path) -> Path:
    return Path(data_dir).resolve() / "embedded-server.json"


def running_server_url(data_dir: Path) -> str | None:
    """The URL of a live embedded server that another process started on `data_dir`, if any."""
    try:
        info = json.loads(announcement(data_dir).read_text())
        os.kill(int(info["pid"]), 0)
        with socket.create_connection(("127.0.0.1", int(info["port"])), timeout=0.5):
            return str(info["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
