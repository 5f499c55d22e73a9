"""The time budget of a request, and cancelling work nobody waits for any more.

`RequestBudget` (pure ASGI middleware) runs each HTTP request as a task and ends it early in three
cases, cancelling its work (the task, and through it the database operations in flight):

- the budget (`FHIRTRIAL_REQUEST_TIMEOUT_S`) is spent: 503 with `Retry-After`, code `timeout`.
  The database work carries the same deadline (`pymongo.timeout`: `maxTimeMS` on every command,
  so the server stops a search the request no longer waits for);
- the database does not answer a ping within `FHIRTRIAL_DB_TIMEOUT_MS` while the request runs
  (`store.probe.DatabaseProbe`; asked once a request has run for `_PROBE_AFTER_S`): 503
  `transient`, instead of waiting for a hung database's sockets to time out;
- the client disconnects: nothing is sent, the work is cancelled.

`$import` has no budget (an administrator's batch may run for minutes; each batch is written
atomically) but is still cancelled when its client goes away or the database hangs.
Why 503 and not 504, and the design: docs/adr/0010-request-time-budget.md.
"""

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import pymongo
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fhirtrial.api.responses import fhir_response
from fhirtrial.errors import FHIRError
from fhirtrial.resources.outcome import operation_outcome
from fhirtrial.store.probe import DatabaseProbe

log = logging.getLogger("fhirtrial.api")

# A request still running after this long makes the server check that the database answers.
_PROBE_AFTER_S = 0.5
# Methods whose body the middleware may read ahead (to watch for a disconnect from the start):
# they carry none, or a tiny one; more than this is left to the handler unread.
_BODYLESS = {"GET", "HEAD", "DELETE", "OPTIONS"}
_READ_AHEAD_BYTES = 64 * 1024
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
_UNBUDGETED_OPERATIONS = ("/$import",)


class RequestTimedOut(FHIRError):
    def __init__(self, budget_s: float, method: str) -> None:
        super().__init__(
            503,
            "timeout",
            f"The request did not finish within its time budget of {budget_s:g} s "
            f"(FHIRTRIAL_REQUEST_TIMEOUT_S) and was stopped{_write_note(method)}",
            headers={"Retry-After": "10"},
        )


class DatabaseHung(FHIRError):
    def __init__(self, timeout_s: float, method: str) -> None:
        super().__init__(
            503,
            "transient",
            f"The database did not answer within {timeout_s:g} s (FHIRTRIAL_DB_TIMEOUT_MS); "
            f"try again shortly{_write_note(method)}",
            headers={"Retry-After": "5"},
        )


def _write_note(method: str) -> str:
    if method in _SAFE_METHODS:
        return ""
    return (
        ". A write in flight may have been stored: repeat a create with If-None-Exist "
        "(conditional create) so that it cannot be stored twice; a PUT or DELETE is safe to repeat"
    )


class _Receiver:
    """The request's `receive`, watched for `http.disconnect` once the body has been read."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._ahead: deque[Message] = deque()
        self._body_read = False
        self._watch: asyncio.Task[None] | None = None
        self.disconnected = asyncio.Event()

    async def read_ahead(self) -> None:
        """Read a small body now, so that a disconnect is seen while the handler works."""
        size = 0
        while not self._body_read and size <= _READ_AHEAD_BYTES:
            message = await self._receive()
            size += len(message.get("body", b""))
            self._ahead.append(message)
            self._note(message)

    async def receive(self) -> Message:
        if self._ahead:
            return self._ahead.popleft()
        if self._body_read:  # the handler asks again: answer as a server does, at disconnect
            await self.disconnected.wait()
            return {"type": "http.disconnect"}
        message = await self._receive()
        self._note(message)
        return message

    def _note(self, message: Message) -> None:
        if message["type"] == "http.disconnect":
            self._body_read = True
            self.disconnected.set()
        elif message["type"] == "http.request" and not message.get("more_body", False):
            self._body_read = True
            self._watch = asyncio.create_task(self._wait_for_disconnect())

    async def _wait_for_disconnect(self) -> None:
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                self.disconnected.set()
                return

    def close(self) -> None:
        if self._watch is not None:
            self._watch.cancel()


class RequestBudget:
    def __init__(
        self,
        app: ASGIApp,
        *,
        budget_s: float,
        probe: Callable[[], DatabaseProbe | None],
    ) -> None:
        self.app = app
        self.budget_s = budget_s
        self.probe = probe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        budgeted = not scope["path"].endswith(_UNBUDGETED_OPERATIONS)
        receiver = _Receiver(receive)
        started = False

        async def send_watched(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            if method in _BODYLESS:
                await receiver.read_ahead()
            work = self._start(scope, receiver.receive, send_watched, budgeted)
            failure = await self._supervise(work, receiver, lambda: started, budgeted, method)
        finally:
            receiver.close()
        if failure is not None and not started:
            body = operation_outcome(failure.issues)
            response = fhir_response(None, body, status=failure.status, headers=failure.headers)
            await response(scope, receive, send)

    def _start(
        self, scope: Scope, receive: Receive, send: Send, budgeted: bool
    ) -> asyncio.Task[None]:
        if not budgeted:
            return asyncio.create_task(_run(self.app, scope, receive, send))
        # The task copies the context: its database operations share the request's deadline.
        with pymongo.timeout(self.budget_s):
            return asyncio.create_task(_run(self.app, scope, receive, send))

    async def _supervise(
        self,
        work: asyncio.Task[None],
        receiver: _Receiver,
        started: Callable[[], bool],
        budgeted: bool,
        method: str,
    ) -> FHIRError | None:
        """Wait for `work`; cancel it and return the error to answer if it must end early."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.budget_s if budgeted else float("inf")
        next_probe = loop.time() + _PROBE_AFTER_S
        disconnect = asyncio.ensure_future(receiver.disconnected.wait())
        try:
            while True:
                wake = min(deadline, next_probe) - loop.time()
                await asyncio.wait(
                    {work, disconnect}, timeout=max(wake, 0), return_when=asyncio.FIRST_COMPLETED
                )
                if work.done():
                    work.result()  # re-raise what the application raised
                    return None
                if disconnect.done():
                    await _cancel(work)
                    return None
                if started():  # the answer is being sent: let it finish
                    continue
                now = loop.time()
                if now >= deadline:
                    await _cancel(work)
                    return RequestTimedOut(self.budget_s, method)
                if now >= next_probe:
                    probe = self.probe()
                    if probe is not None and not await _answers(probe, work):
                        if work.done():
                            continue
                        await _cancel(work)
                        return DatabaseHung(probe.timeout_s, method)
                    next_probe = loop.time() + (probe.timeout_s if probe else self.budget_s)
        finally:
            disconnect.cancel()
            if not work.done():
                await _cancel(work)


async def _run(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    await app(scope, receive, send)


async def _answers(probe: DatabaseProbe, work: asyncio.Task[None]) -> bool:
    """Whether the database answers a ping; True as soon as `work` finishes meanwhile."""
    ping = asyncio.ensure_future(probe.answers())
    await asyncio.wait({ping, work}, return_when=asyncio.FIRST_COMPLETED)
    if not ping.done():
        ping.cancel()
        return True
    return ping.result()


async def _cancel(work: Awaitable[None]) -> None:
    task = asyncio.ensure_future(work)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    except Exception:  # the work failed while being stopped: the early answer stands
        log.exception("A request failed while it was being cancelled")
