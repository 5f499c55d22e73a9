"""Benchmark plumbing: server child processes, their CPU time, and a concurrent HTTP load loop.

Stdlib + httpx (and fhirtrial's free port finder, for `catalog_server`). CPU time comes from
/proc/<pid>/stat (Linux), so it counts every thread of the measured process (event loop, driver
monitor threads, `to_thread` workers) and nothing else.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ms(pid: int) -> float:
    """User + system CPU time consumed so far by process `pid`, in milliseconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name (field 2) may contain spaces; the fields after its ")" are fixed.
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) * 1000 / _CLOCK_TICKS


def child_pid(cmdline_part: str) -> int | None:
    """The pid of a direct child of this process whose command line contains `cmdline_part`."""
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        children = (task / "children").read_text().split()
        for pid in children:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            if cmdline_part.encode() in cmdline:
                return int(pid)
    return None


def machine_facts() -> dict:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "clock_ticks_per_s": _CLOCK_TICKS,
        # Other work on a shared machine inflates latencies (and CPU per request, a little).
        "load_average_1_5_15_min": os.getloadavg(),
    }


class ServerProcess:
    """A uvicorn app run as a child process on loopback, so its own CPU time can be measured."""

    def __init__(
        self,
        name: str,
        app: str,
        port: int,
        *,
        env: Mapping[str, str],
        app_dir: Path | None = None,
        ready_path: str = "/",
        log_path: Path,
    ) -> None:
        self.name = name
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self._ready_path = ready_path
        self._log_path = log_path
        self._command = [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        if app_dir is not None:
            self._command += ["--app-dir", str(app_dir)]
        self._env = {**os.environ, **env}
        self._process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError(f"{self.name} is not running")
        return self._process.pid

    def cpu_ms(self) -> float:
        return cpu_ms(self.pid)

    def describe(self) -> str:
        if self._process is None:
            return f"{self.name}: not started"
        code = self._process.poll()
        state = "running" if code is None else f"exited with {code}"
        return f"{self.name} (pid {self._process.pid}): {state}"

    def start(self, timeout: float = 60) -> None:
        with open(self._log_path, "ab") as log:
            self._process = subprocess.Popen(
                self._command,
                env=self._env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                tail = self._log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{self.name} exited during startup:\n{tail}")
            try:
                httpx.get(self.base_url + self._ready_path, timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {timeout}s")

    def stop(self, timeout: float = 15) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


RequestMaker = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


async def run_load(
    client: httpx.AsyncClient,
    make_request: RequestMaker,
    *,
    total: int,
    concurrency: int,
    expected_status: int,
) -> LoadResult:
    """Send `total` requests from `concurrency` workers sharing one keep-alive client pool."""
    numbers = itertools.count()
    latencies: list[float] = []
    errors = 0

    async def worker() -> None:
        nonlocal errors
        while (n := next(numbers)) < total:
            started = time.perf_counter()
            try:
                response = await make_request(client, n)
            except httpx.TransportError as error:
                problem = f"{type(error).__name__} {error}"
            else:
                problem = None
                if response.status_code != expected_status:
                    problem = f"{response.status_code}: {response.text[:300]}"
            latencies.append((time.perf_counter() - started) * 1000)
            if problem is not None:
                errors += 1
                if errors == 1:
                    print(f"  unexpected answer to request {n}: {problem}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return LoadResult(total, time.perf_counter() - started, latencies, errors)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def catalog_server(
    database: str,
    mongo_url: str,
    log_path: Path,
    *,
    app_dir: Path | None = None,
    **settings: str,
) -> ServerProcess:
    """A fhirtrial server on a free loopback port over one benchmark catalog: no seeds, no
    authorization, warnings only, `$match` not rate-limited and up to 900 s a request (the first
    match of a cold server at 30,000 studies); `settings` (FHIRTRIAL_* names in lower case,
    without the prefix) add or override. `app_dir` goes first on the server's sys.path (another
    checkout's code; PYTHONPATH comes after the working directory)."""
    from fhirtrial.store.embedded import free_port

    env = {
        "FHIRTRIAL_MONGODB_URL": mongo_url,
        "FHIRTRIAL_DATABASE": database,
        "FHIRTRIAL_LOAD_SEEDS": "false",
        "FHIRTRIAL_AUTH": "off",
        "FHIRTRIAL_LOG_LEVEL": "WARNING",
        "FHIRTRIAL_REQUEST_TIMEOUT_S": "900",
        "FHIRTRIAL_RATE_MATCH_PER_MINUTE": "0",
    }
    env |= {f"FHIRTRIAL_{name.upper()}": value for name, value in settings.items()}
    return ServerProcess(
        "fhirtrial",
        "fhirtrial.api.app:create_app",
        free_port(),
        env=env,
        app_dir=app_dir,
        ready_path="/metadata",
        log_path=log_path,
    )
