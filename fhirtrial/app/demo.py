"""`fhirtrial demo`: the trial finder on a throw-away server, authorization off, loopback only.

A fresh data directory each time (the demo never touches a real one), the two reference trials
and a few recruiting breast-cancer studies in the catalog, the shipped example patients served
by the app itself (`/app/demo/`).
"""

from __future__ import annotations

import ipaddress
import tempfile
from pathlib import Path

from fhirtrial.config import Settings

CATALOG = Path(__file__).parent / "catalog" / "breast-cancer-studies.ndjson"


class NotLoopback(ValueError):
    """Demo mode runs without authorization: it must not listen beyond this machine."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def demo_settings(host: str, port: int, data_dir: Path | None) -> Settings:
    if not is_loopback(host):
        raise NotLoopback(
            f"demo mode runs with authorization off and listens on loopback only; '{host}' is "
            "not a loopback address (use 127.0.0.1, ::1 or localhost)"
        )
    directory = data_dir or Path(tempfile.mkdtemp(prefix="fhirtrial-demo-"))
    shown = f"[{host}]" if ":" in host else host
    return Settings(
        mongodb_url=None,
        data_dir=directory,
        auth="off",
        base_url=f"http://{shown}:{port}",
        auth_issuer=None,
        auth_audience=None,
        sync_interval=0,
        rematch_interval_s=0,
    )


def demo_url(settings: Settings) -> str:
    return f"{settings.base_url}/app/?demo"


async def load_demo_catalog(settings: Settings) -> int:
    """Load the reference trials and import the shipped demo studies; the number that failed."""
    from fhirtrial.catalog.importer import import_studies
    from fhirtrial.catalog.seeds import load_seeds_if_empty
    from fhirtrial.catalog.sources import from_files
    from fhirtrial.runtime import open_database

    async with open_database(settings) as opened:
        await load_seeds_if_empty(opened.matching)
        summary = await import_studies(opened.matching, from_files([CATALOG]))
    return len(summary.failures)
