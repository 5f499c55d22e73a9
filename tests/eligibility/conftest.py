from __future__ import annotations

import pytest

from tests.eligibility.real_data import ctgov_records


@pytest.fixture(scope="session")
def records() -> list[dict]:
    return ctgov_records()
