"""Who may subscribe with authorization required: `system/` or `user/` Subscription scopes;
a patient-level token reaches no Subscription (the type is outside the patient compartment)."""

import time

import pytest
import respx

from tests.auth.auth_helpers import (
    BASE,
    ISSUER,
    bearer,
    rsa_key,
    secured_app,
    serve_identity_provider,
    user_claims,
)
from tests.helpers import FHIR_JSON
from tests.subscriptions.harness import subscription
from tests.subscriptions.receiver import Receiver

IDP_KEY = rsa_key("idp-subscriptions")


def as_user(scope: str, **claims) -> dict[str, str]:
    claims.setdefault("exp", int(time.time()) + 3600)
    return bearer(IDP_KEY.sign(user_claims(scope=scope, **claims)))


@pytest.fixture
async def secured(mongo_url):
    with respx.mock(assert_all_called=False) as mock:
        serve_identity_provider(mock, IDP_KEY)
        async with secured_app(
            mongo_url, auth_issuer=ISSUER, auth_audience=BASE, subscription_poll=0
        ) as (client, _):
            yield client


async def test_subscription_scopes_decide_who_subscribes(secured):
    body = subscription(Receiver(port=9))
    anonymous = await secured.post("/Subscription", json=body, headers=FHIR_JSON)
    assert anonymous.status_code == 401
    reader = await secured.post(
        "/Subscription", json=body, headers={**FHIR_JSON, **as_user("user/ResearchSubject.rs")}
    )
    assert reader.status_code == 403
    patient = await secured.post(
        "/Subscription",
        json=body,
        headers={**FHIR_JSON, **as_user("patient/*.cruds", patient="p1")},
    )
    assert patient.status_code == 403
    allowed = await secured.post(
        "/Subscription", json=body, headers={**FHIR_JSON, **as_user("user/Subscription.cruds")}
    )
    assert allowed.status_code == 201, allowed.text
    sid = allowed.json()["id"]
    status = await secured.get(
        f"/Subscription/{sid}/$status", headers=as_user("user/Subscription.r")
    )
    assert status.status_code == 200
    refused = await secured.get(f"/Subscription/{sid}/$status", headers=as_user("user/Patient.r"))
    assert refused.status_code == 403
    assert (await secured.get("/Subscription/$status")).status_code == 401
    topic = await secured.get("/SubscriptionTopic/candidate-changed")
    assert topic.status_code == 200  # public, like the catalog's conformance resources
