"""The worker of a server process, from its settings."""

from datetime import timedelta

from fhirtrial.config import Settings
from fhirtrial.store.database import Database
from fhirtrial.store.documents import WRITE_VISIBLE_WITHIN
from fhirtrial.subscriptions.delivery import DeliveryPolicy
from fhirtrial.subscriptions.endpoint import EndpointPolicy
from fhirtrial.subscriptions.worker import SubscriptionWorker, WorkerSettings

_RETRY_MAX = timedelta(minutes=10)
# Links in notifications when FHIRTRIAL_BASE_URL is unset (production sets it).
_FALLBACK_BASE = "http://localhost:8000"


def worker_settings(settings: Settings) -> WorkerSettings:
    return WorkerSettings(
        poll_s=settings.subscription_poll,
        base=(settings.base_url or _FALLBACK_BASE).rstrip("/"),
        policy=DeliveryPolicy(
            endpoint=EndpointPolicy(
                allow_private=settings.subscription_allow_private,
                timeout_s=settings.subscription_timeout_s,
            ),
            retry_base=timedelta(seconds=settings.subscription_retry_base_s),
            retry_max=_RETRY_MAX,
            max_attempts=settings.subscription_max_attempts,
        ),
        lease=timedelta(seconds=settings.subscription_lease_s),
        settle_margin=WRITE_VISIBLE_WITHIN,
    )


def subscription_worker(database: Database, settings: Settings) -> SubscriptionWorker:
    return SubscriptionWorker(database, worker_settings(settings))
