"""`fhirtrial demo`: authorization off, so loopback only, on a data directory of its own."""

import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fhirtrial.app.demo import NotLoopback, demo_settings, demo_url
from fhirtrial.cli import app


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
