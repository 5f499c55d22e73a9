"""The embedded default database: a SecantusDB server run as a child process.

SecantusDB (GPL-2.0) is a declared dependency that we only *run*, as a separate process speaking the
MongoDB wire protocol; it is never imported into our code.

It listens on the loopback interface and requires SCRAM-SHA-256 authentication: any local user
could otherwise read and change patient data through its port. The first start on a data
directory creates the database user with a random password, kept in
`database-credentials.json` (0600) beside the data, so only the server's own user can connect;
SecantusDB has no localhost exception, so that one start runs without `--auth` for the second it
takes to create the user.

It runs with `--standalone`: advertised as a replica set (its default), SecantusDB writes an oplog
entry holding the whole document for every write and prunes the oldest in the committing request
once there are 100,000 of them; one such commit took over 12 minutes while a 30,000-study catalog
loaded. fhirtrial reads no oplog (no change streams), and SecantusDB runs multi-document
transactions without the replica-set advertisement, so nothing is lost (ADR 0026).

Its cache is sized like mongod's, not SecantusDB's 1 GB default (`embedded_cache`, ADR 0027).
"""

import json
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

from pymongo import MongoClient
from pymongo.errors import OperationFailure

from fhirtrial.store.embedded_cache import checked_cache_size, default_cache_size

log = logging.getLogger("fhirtrial.embedded")

CREDENTIALS_FILE = "database-credentials.json"
DATABASE_USER = "fhirtrial"
_USER_EXISTS = 51003  # MongoDB's "User already exists"


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
        cache_size: str | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        # WiredTiger's cache, e.g. "2048M"; None: half of (memory - 1 GB), as mongod.
        self.cache_size = checked_cache_size(cache_size) if cache_size else default_cache_size()
        # More command-line options of the server (tests: "--enable-test-commands").
        self.options = options
        self.port = port or free_port()
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._password: str | None = None

    @property
    def url(self) -> str:
        """The connection URL, with the database user's credentials once started."""
        return self._url(self._password)

    def _url(self, password: str | None) -> str:
        if password is None:
            return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"
        return (
            f"mongodb://{DATABASE_USER}:{quote_plus(password)}@127.0.0.1:{self.port}/"
            "?directConnection=true&authSource=admin"
        )

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
        self._password = self._database_password()
        self._spawn(auth=True)
        self._announce()
        log.info("Embedded SecantusDB on port %s; data in %s", self.port, self.data_dir / "db")
        return self.url

    def _spawn(self, *, auth: bool) -> None:
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
                "--standalone",
                "--cache-size",
                self.cache_size,
                *(["--auth"] if auth else []),
                *self.options,
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log_file.close()
        self._wait_until_ready()

    def _database_password(self) -> str:
        """The database user's password; created with the user on the first start."""
        path = self.data_dir / CREDENTIALS_FILE
        if path.exists():
            return str(json.loads(path.read_text())["password"])
        pending = path.with_suffix(".pending")
        if pending.exists():  # a first start interrupted after choosing the password
            password = str(json.loads(pending.read_text())["password"])
        else:
            password = secrets.token_urlsafe(32)
            _write_private(pending, {"user": DATABASE_USER, "password": password})
        self._spawn(auth=False)
        try:
            client: MongoClient[dict[str, object]]
            with MongoClient(self._url(None), serverSelectionTimeoutMS=10_000) as client:
                client.admin.command("createUser", DATABASE_USER, pwd=password, roles=["root"])
                # Another local user may have connected in that window and made a user of its
                # own (a lasting way in): refuse to serve patient data from such a database.
                users = client.admin.command("usersInfo").get("users", [])
                others = sorted(u.get("user") for u in users if u.get("user") != DATABASE_USER)
                if others:
                    raise RuntimeError(
                        f"The embedded database has users fhirtrial did not create ({others}): "
                        f"remove them or the data directory {self.data_dir} before starting"
                    )
        except OperationFailure as error:
            if error.code != _USER_EXISTS:
                raise
            log.warning("The embedded database user already exists; keeping its password")
        finally:
            self._terminate()
        pending.replace(path)
        log.info("Created the embedded database's user; credentials in %s", path)
        return password

    def restart_if_dead(self) -> bool:
        """Bring the child back if it died; True when it had to be restarted."""
        if self._process is None or self.running:
            return False
        log.warning("Embedded database exited with %s; restarting it", self._process.returncode)
        self.start()
        return True

    def stop(self, timeout: float = 15) -> None:
        announcement(self.data_dir).unlink(missing_ok=True)
        if self._terminate(timeout):
            log.info("Embedded SecantusDB stopped")

    def _terminate(self, timeout: float = 15) -> bool:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return False
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return True

    def kill(self) -> None:
        """Kill the server abruptly (used to exercise recovery)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def _announce(self) -> None:
        """Tell other fhirtrial processes (a CLI import next to `serve`) where this server is:
        WiredTiger locks its directory, so they must connect rather than start another one."""
        assert self._process is not None
        info = {"url": self.url, "pid": self._process.pid, "port": self.port}
        _write_private(announcement(self.data_dir), info)

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


def _write_private(path: Path, content: dict[str, object]) -> None:
    """Write a file only this user can read, never readable by others even for a moment."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(json.dumps(content))


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
