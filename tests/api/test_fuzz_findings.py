"""What the fuzz run (tests/fuzz) found, each reproduced on its own."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_other_methods_on_the_token_endpoint_are_an_oauth_405(client, method) -> None:
    response = await client.request(method, "/auth/token")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["error"] == "invalid_request"
