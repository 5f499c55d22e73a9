"""Paths to the real test records and a virtual clock for the ClinicalTrials.gov tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "ctgov"
LARGE_STUDY_FILE = DATA_DIR / "NCT02513394.json"
BREAST_CANCER_NDJSON = DATA_DIR / "breast-cancer-studies.ndjson"
API_BASE = "https://clinicaltrials.gov/api/v2"


class VirtualTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def nct_id(study: dict[str, Any]) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]
