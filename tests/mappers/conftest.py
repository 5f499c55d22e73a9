from __future__ import annotations

from typing import Any

import pytest

from tests.mappers.mapper_helpers import load_ctgov_records


@pytest.fixture(scope="session")
def ctgov_records() -> list[dict[str, Any]]:
    return load_ctgov_records()
