"""Work nobody waits for is stopped: when the client disconnects, the request's handler is
cancelled (and with it its database calls) and nothing is sent; a request over its budget is
cancelled and answered 503. Checked on the real middleware around a small Starlette app whose
handler waits until it is released or cancelled."""

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fhirtrial.api.budget import RequestBudget


class Handler:
    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.cancelled = False

    async def endpoint(self, request: Request) -> Response:
        await request.body()  # as every fhirtrial handler of a POST does first
        self.started.set()
        try:
            await asyncio.Event().wait()  # the work: never finishes by itself
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return Response("done")


def app_with(handler: Handler, budget_s: float) -> RequestBudget:
    app = Starlette(routes=[Route("/work", handler.endpoint, methods=["GET", "POST"])])
    return RequestBudget(app, budget_s=budget_s, probe=lambda: None)


def scope(method: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": "/work",
        "raw_path": b"/work",
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def call(app: RequestBudget, method: str, client_gone: asyncio.Event) -> list[dict]:
    sent: list[dict] = []
    body_given = False

    async def receive() -> dict:
        nonlocal body_given
        if not body_given:
            body_given = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await client_gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope(method), receive, send)
    return sent


async def test_a_client_that_disconnects_has_its_work_cancelled_and_gets_nothing():
    for method in ("GET", "POST"):
        handler, client_gone = Handler(), asyncio.Event()
        app = app_with(handler, budget_s=600)
        request = asyncio.ensure_future(call(app, method, client_gone))
        await asyncio.wait_for(handler.started.wait(), 30)
        client_gone.set()
        sent = await asyncio.wait_for(request, 30)
        assert handler.cancelled, method
        assert sent == [], method


async def test_a_request_over_its_budget_is_cancelled_and_answered_503():
    handler = Handler()
    sent = await asyncio.wait_for(call(app_with(handler, budget_s=0.2), "GET", asyncio.Event()), 30)
    assert handler.cancelled
    start = sent[0]
    assert start["status"] == 503
    headers = dict(start["headers"])
    assert headers[b"retry-after"] == b"10"
    assert b'"code":"timeout"' in sent[1]["body"]
