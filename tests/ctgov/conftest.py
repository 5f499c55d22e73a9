from __future__ import annotations

import json
from typing import Any

import pytest

from tests.ctgov.ctgov_helpers import BREAST_CANCER_NDJSON, LARGE_STUDY_FILE, VirtualTime


@pytest.fixture
def virtual_time() -> VirtualTime:
    return VirtualTime()


@pytest.fixture(scope="session")
def large_study() -> dict[str, Any]:
    """NCT02513394 (PALLAS): a real API v2 record with results and 437 locations."""
    return json.loads(LARGE_STUDY_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def breast_cancer_studies() -> list[dict[str, Any]]:
    """35 real API v2 records, in the order of the ndjson file."""
    with BREAST_CANCER_NDJSON.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
