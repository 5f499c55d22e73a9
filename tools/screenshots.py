"""Render the trial finder's main views into docs/screenshots/ (referenced from the README).

Starts `fhirtrial demo` on a free local port (its own temporary data directory), drives
Chromium with Playwright and writes:

    trial-list.png   the ranked trials of an example patient (desktop)
    checklist.png    a trial's criteria checklist, opened
    tablet.png       the same at 768×1024
    print.png        the print view (what the tumour board gets on paper)

Usage: .venv/bin/python tools/screenshots.py [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PATIENT = "Wava789 Corwin846"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the demo server did not answer at {url}")


def open_patient(page: Page, base: str) -> None:
    page.goto(f"{base}/app/?demo")
    page.get_by_role("link", name=PATIENT).click()
    page.locator(".trial").first.wait_for()
    page.get_by_label("Nearest site within (miles)").fill("500")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    chromium = parser.parse_args().chromium
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    fhirtrial = Path(sys.executable).with_name("fhirtrial")
    server = subprocess.Popen([str(fhirtrial), "demo", "--port", str(port)])
    try:
        wait_for(f"{base}/health")
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            open_patient(page, base)
            page.screenshot(path=OUT / "trial-list.png")
            first = page.locator(".trial").first
            first.locator("button.toggle").click()
            first.screenshot(path=OUT / "checklist.png")
            page.emulate_media(media="print")
            page.set_viewport_size({"width": 900, "height": 1270})
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=OUT / "print.png")
            tablet = browser.new_page(viewport={"width": 768, "height": 1024})
            open_patient(tablet, base)
            tablet.screenshot(path=OUT / "tablet.png")
            browser.close()
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl+C: the demo deletes its data directory
        server.wait(timeout=30)
    for name in ("trial-list", "checklist", "tablet", "print"):
        print(OUT / f"{name}.png")


if __name__ == "__main__":
    main()
