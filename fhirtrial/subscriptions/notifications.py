"""The `subscription-notification` Bundles a rest-hook endpoint receives, and the
SubscriptionStatus they (and `$status`) carry (R5 subscriptions.html, "Notifications").

The SubscriptionStatus is the first entry. `empty` content: events without focus and no other
entry; `id-only`: each event's focus, and an entry with its fullUrl and request but no resource;
`full-resource`: the entry carries the ResearchSubject version of the event.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fhirtrial.resources.dates import format_instant


@dataclass(frozen=True)
class Event:
    number: int
    at: datetime
    focus: str  # "ResearchSubject/<id>"
    version: int
    # The focus version's body (full-resource), None otherwise or when it is gone.
    resource: dict[str, Any] | None = None


def subscription_status(
    base: str,
    subscription: dict[str, Any],
    *,
    status: str,
    kind: str,
    count: int,
    events: list[Event] | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    """A SubscriptionStatus of `kind` (handshake, heartbeat, event-notification,
    query-status); integer64 values are strings in FHIR R5 JSON."""
    content = subscription.get("content", "empty")
    out: dict[str, Any] = {
        "resourceType": "SubscriptionStatus",
        "id": str(uuid.uuid4()),
        "status": status,
        "type": kind,
        "eventsSinceSubscriptionStart": str(count),
        "subscription": {"reference": f"{base}/Subscription/{subscription['id']}"},
        "topic": subscription["topic"],
    }
    if events:
        out["notificationEvent"] = [_event(base, event, content) for event in events]
    if error:
        out["error"] = [{"text": error}]
    return out


def _event(base: str, event: Event, content: str) -> dict[str, Any]:
    out: dict[str, Any] = {"eventNumber": str(event.number), "timestamp": format_instant(event.at)}
    if content != "empty":
        out["focus"] = {"reference": f"{base}/{event.focus}"}
    return out


def notification(
    base: str,
    subscription: dict[str, Any],
    status: dict[str, Any],
    events: list[Event],
    moment: datetime,
) -> dict[str, Any]:
    entries: list[dict[str, Any]] = [{"fullUrl": f"urn:uuid:{status['id']}", "resource": status}]
    content = subscription.get("content", "empty")
    if content != "empty":
        seen = set()
        for event in events:
            if (event.focus, event.version) in seen:
                continue
            seen.add((event.focus, event.version))
            entry: dict[str, Any] = {
                "fullUrl": f"{base}/{event.focus}",
                "request": {"method": "POST" if event.version == 1 else "PUT", "url": event.focus},
            }
            if content == "full-resource" and event.resource is not None:
                entry["resource"] = event.resource
            entries.append(entry)
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "subscription-notification",
        "timestamp": format_instant(moment),
        "entry": entries,
    }
