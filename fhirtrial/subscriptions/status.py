"""What `$status` reports of a Subscription (R5 Subscription-status): a SubscriptionStatus of
type query-status with its status, eventsSinceSubscriptionStart and the last delivery error."""

from typing import Any

from fhirtrial.store.database import Database
from fhirtrial.subscriptions import records
from fhirtrial.subscriptions.notifications import subscription_status


async def query_status(
    database: Database, base: str, subscription: dict[str, Any]
) -> dict[str, Any]:
    sid = subscription["id"]
    state = await records.state(database).find_one({"_id": sid}, {"error": 1})
    return subscription_status(
        base,
        subscription,
        status=subscription.get("status", "requested"),
        kind="query-status",
        count=await records.events_count(database, sid),
        error=(state or {}).get("error"),
    )
