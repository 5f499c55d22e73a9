"""The trial finder in a real browser: Playwright driving Debian's Chromium (no browser
download), against real fhirtrial servers on local ports and, for SMART launches, the mock EHR.

Without Chromium these tests skip with a reason that says how to install it; CI sets
FHIRTRIAL_REQUIRE_BROWSER=1 (.ci/run), under which a missing browser fails them instead.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from fhirtrial.app.demo import load_demo_catalog
from fhirtrial.config import Settings
from tests.browser.mock_ehr import MockEHR, ehr_record
from tests.conformance.live_server import free_port, live_server
from tests.helpers import make_settings

DEMO_PATIENTS = Path(__file__).parents[2] / "fhirtrial" / "app" / "static" / "demo"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")
# This machine's network is closed: Chromium's background connections (updates, sync, field
# trials) would only wait and fail.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "need Chromium and Playwright: `sudo apt-get install -y chromium` (Debian/Ubuntu) and "
    '`pip install -e ".[test]"`; set FHIRTRIAL_CHROMIUM to another Chromium binary'
)


def _chromium() -> str | None:
    configured = os.environ.get("FHIRTRIAL_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        if os.environ.get("FHIRTRIAL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"FHIRTRIAL_REQUIRE_BROWSER=1 but the browser tests {INSTALL_HINT}")
        pytest.skip(f"the browser tests {INSTALL_HINT}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    # A script or style the Content-Security-Policy blocks is a console error, not a page error.
    opened.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        yield opened
    finally:
        context.close()
    assert not errors, f"script errors in the page: {errors}"


def _run_async(work: Any) -> Any:
    """Run a coroutine to its end on a loop of its own (the test's thread may hold one)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


def _catalogued_settings(mongo_url: str, **overrides: Any) -> dict[str, Any]:
    """Settings overrides of a server whose database holds the demo catalog already."""
    values: dict[str, Any] = {
        "load_seeds": True,
        "match_warm_up": False,
        "rematch_interval_s": 0,
        "subscription_poll": 0,
        **overrides,
    }
    settings = make_settings(mongo_url, **values)
    assert _run_async(load_demo_catalog(settings)) == 0
    return values | {"database": settings.database}


@pytest.fixture(scope="module")
def demo_server(mongo_url: str) -> Iterator[Settings]:
    """A server as `fhirtrial demo` runs it: authorization off, the demo catalog loaded."""
    with live_server(mongo_url, **_catalogued_settings(mongo_url)) as settings:
        yield settings


@pytest.fixture(scope="module")
def ehr_and_server(mongo_url: str) -> Iterator[tuple[MockEHR, Settings]]:
    """The mock EHR serving Wava Corwin's record, and a fhirtrial server with authorization
    required that accepts the EHR's tokens (its issuer and this server's audience)."""
    port = free_port()
    server_port = free_port()
    our_base = f"http://127.0.0.1:{server_port}"
    ehr = MockEHR(
        base=f"http://127.0.0.1:{port}",
        record=ehr_record(DEMO_PATIENTS / "wava-corwin.json"),
        audiences=[our_base],
    )
    with _serve(ehr.app(), port):
        overrides = _catalogued_settings(
            mongo_url,
            auth="required",
            auth_issuer=ehr.fhir_base,
            auth_audience=our_base,
        )
        with live_server(mongo_url, port=server_port, **overrides) as settings:
            yield ehr, settings


class _Serving:
    def __init__(self, app: Any, port: int) -> None:
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the mock EHR did not start")
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _serve(app: Any, port: int) -> _Serving:
    return _Serving(app, port)
