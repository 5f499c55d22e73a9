"""`POST /cds-services/trial-matches/feedback`: what the clinician did with our cards
(accepted, overridden and why), kept in the `cds_feedback` collection for whoever tunes the
service; one document per feedback item, with the client that sent it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fhirtrial.api.bodies import read_json
from fhirtrial.api.cds_hooks.client_auth import authenticate_cds_client
from fhirtrial.api.cds_hooks.service import service_url
from fhirtrial.api.context import context
from fhirtrial.auth.principal import principal
from fhirtrial.errors import BadRequest

COLLECTION = "cds_feedback"
MAX_ITEMS = 100
_OUTCOMES = ("accepted", "overridden")


async def feedback(request: Request) -> Response:
    service = service_url(request)
    await authenticate_cds_client(request, [f"{service}/feedback", service])
    settings = context(request).settings
    body = await read_json(request, max_bytes=64 * 1024, max_depth=settings.max_json_depth)
    items = body.get("feedback")
    if not isinstance(items, list) or not items:
        raise BadRequest("feedback: a non-empty array of feedback items is required")
    if len(items) > MAX_ITEMS:
        raise BadRequest(f"feedback: at most {MAX_ITEMS} items per call")
    caller = principal(request).client_id
    received = datetime.now(UTC)
    documents = [
        {**_item(item, f"feedback[{n}]"), "client": caller, "received": received}
        for n, item in enumerate(items)
    ]
    await context(request).repository.database.db[COLLECTION].insert_many(documents)
    return JSONResponse({})


def _item(item: Any, where: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise BadRequest(f"{where}: expected an object")
    card, outcome, when = item.get("card"), item.get("outcome"), item.get("outcomeTimestamp")
    if not isinstance(card, str) or not card:
        raise BadRequest(f"{where}.card: the card's uuid is required")
    if outcome not in _OUTCOMES:
        raise BadRequest(f"{where}.outcome: must be 'accepted' or 'overridden'")
    moment = _instant(when)
    if moment is None:
        raise BadRequest(f"{where}.outcomeTimestamp: an ISO date-time with its zone is required")
    kept: dict[str, Any] = {"card": card, "outcome": outcome, "outcomeTimestamp": moment}
    accepted = item.get("acceptedSuggestions")
    if outcome == "accepted":
        if not isinstance(accepted, list) or not all(
            isinstance(s, dict) and isinstance(s.get("id"), str) for s in accepted
        ):
            raise BadRequest(f"{where}.acceptedSuggestions: a list of {{id}} is required")
        kept["acceptedSuggestions"] = [s["id"] for s in accepted]
    reason = item.get("overrideReason")
    if reason is not None:
        if outcome != "overridden" or not isinstance(reason, dict):
            raise BadRequest(f"{where}.overrideReason: an object, for an overridden card only")
        coding, comment = reason.get("reason"), reason.get("userComment")
        if coding is not None and not isinstance(coding, dict):
            raise BadRequest(f"{where}.overrideReason.reason: expected a Coding")
        if comment is not None and not isinstance(comment, str):
            raise BadRequest(f"{where}.overrideReason.userComment: expected a string")
        kept["overrideReason"] = {"reason": _coding(coding), "userComment": comment}
    return kept


def _instant(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _coding(coding: dict[str, Any] | None) -> dict[str, str] | None:
    """The Coding's own strings only: nothing else of the client's JSON reaches the database."""
    if coding is None:
        return None
    return {k: v for k in ("system", "code", "display") if isinstance(v := coding.get(k), str)}
