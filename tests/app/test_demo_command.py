"""`fhirtrial demo`: authorization off, so loopback only, on a data directory of its own."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from fhirtrial.app.demo import NotLoopback, demo_settings, demo_url
from fhirtrial.cli import app
from tests.conformance.live_server import free_port


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_the_demo_refuses_to_listen_beyond_loopback(host):
    result = CliRunner().invoke(app, ["demo", "--host", host])
    assert result.exit_code == 2
    assert "loopback only" in result.output
    assert "Open the trial finder" not in result.output
    with pytest.raises(NotLoopback):
        demo_settings(host, 8000, None)


def test_the_demo_runs_without_authorization_on_a_fresh_directory(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("FHIRTRIAL_AUTH", "required")
    monkeypatch.setenv("FHIRTRIAL_MONGODB_URL", "mongodb://db.example:27017")
    monkeypatch.setenv("FHIRTRIAL_DATA_DIR", str(tmp_path / "production"))
    first = demo_settings("127.0.0.1", 8123, None)
    second = demo_settings("localhost", 8123, None)
    assert first.auth == "off" and first.mongodb_url is None
    assert first.data_dir != second.data_dir
    assert Path(tmp_path / "production") not in (first.data_dir, second.data_dir)
    assert first.data_dir.is_dir() and not any(first.data_dir.iterdir())
    assert demo_url(first) == "http://127.0.0.1:8123/app/?demo"
    assert demo_url(demo_settings("::1", 8000, None)) == "http://[::1]:8000/app/?demo"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_one_command_opens_the_app_with_the_example_patients(tmp_path, stop):
    """What the README tells a newcomer: `fhirtrial demo`, then the printed URL."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("fhirtrial")), "demo", "--port", str(port)]
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    ) as demo:
        try:
            printed = ""
            deadline = time.monotonic() + 120
            while "Open the trial finder" not in printed and time.monotonic() < deadline:
                line = demo.stdout.readline() if demo.stdout else ""
                assert line, f"the demo stopped: {printed}"
                printed += line
            url = printed.split("Open the trial finder: ", 1)[1].split()[0]
            assert url == f"http://127.0.0.1:{port}/app/?demo"
            page = _wait_for(url)
            assert "<title>Trial finder" in page.text
            studies = httpx.get(f"http://127.0.0.1:{port}/ResearchStudy?_summary=count").json()
            assert studies["total"] == 9
            assert httpx.get(f"http://127.0.0.1:{port}/Patient").status_code == 200  # no token
        finally:
            demo.send_signal(stop)
            demo.wait(timeout=60)
    assert list(tmp_path.glob("fhirtrial-demo-*")) == []  # its data directory is gone


def _wait_for(url: str) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.get(url, follow_redirects=True)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
