"""Who may subscribe with authorization required: `system/` or `user/` Subscription scopes;
a patient-level token only to its own candidates (a `patient` or `subject` filter naming its
launch patient), and it sees no other Subscription."""

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
    unfiltered = await secured.post(
        "/Subscription",
        json=body,
        headers={**FHIR_JSON, **as_user("patient/*.cruds", patient="p1")},
    )
    assert unfiltered.status_code == 403
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


def for_patient(patient: str) -> dict:
    return subscription(
        Receiver(port=9), filterBy=[{"filterParameter": "patient", "value": f"Patient/{patient}"}]
    )


async def test_a_patient_token_subscribes_to_its_own_candidates_only(secured):
    p1 = {**FHIR_JSON, **as_user("patient/*.cruds", patient="p1")}
    other = await secured.post("/Subscription", json=for_patient("p2"), headers=p1)
    assert other.status_code == 403
    own = await secured.post("/Subscription", json=for_patient("p1"), headers=p1)
    assert own.status_code == 201, own.text
    admin = {**FHIR_JSON, **as_user("user/Subscription.cruds")}
    theirs = await secured.post("/Subscription", json=for_patient("p2"), headers=admin)
    assert theirs.status_code == 201
    own_id, their_id = own.json()["id"], theirs.json()["id"]

    found = (await secured.get("/Subscription", headers=p1)).json()
    assert [e["resource"]["id"] for e in found["entry"]] == [own_id]
    assert (await secured.get(f"/Subscription/{their_id}", headers=p1)).status_code == 404
    assert (await secured.get(f"/Subscription/{own_id}/$status", headers=p1)).status_code == 200
    assert (await secured.get(f"/Subscription/{their_id}/$status", headers=p1)).status_code == 404
    statuses = (await secured.get("/Subscription/$status", headers=p1)).json()
    assert [
        e["resource"]["subscription"]["reference"].rsplit("/", 1)[1] for e in statuses["entry"]
    ] == [own_id]
    widened = {**own.json(), "filterBy": []}
    refused = await secured.put(f"/Subscription/{own_id}", json=widened, headers=p1)
    assert refused.status_code == 403
