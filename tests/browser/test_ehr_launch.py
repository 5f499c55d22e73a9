"""SMART launches in a real browser: the EHR opens launch.html with `iss` and `launch`, the app
authorizes with the mock EHR, reads the patient's record from the EHR's FHIR API with the token
it was given, and sends the same token to this server's `$match` (authorization required; the
EHR is its external issuer)."""

from __future__ import annotations

import time

import httpx
import jwt

from tests.browser.mock_ehr import LAUNCH_ID, MockEHR


def admin_token(ehr: MockEHR, audience: str) -> str:
    """A token of the EHR's issuer to look at what the server stored."""
    now = int(time.time())
    claims = {
        "iss": ehr.fhir_base,
        "aud": audience,
        "sub": "test",
        "scope": "user/*.rs",
        "exp": now + 120,
    }
    return jwt.encode(claims, ehr.key, algorithm="RS256", headers={"kid": "ehr-1"})


def test_an_ehr_launch_reads_the_record_from_the_ehr_and_matches_it(page, ehr_and_server):
    ehr, server = ehr_and_server
    page.goto(f"{server.base_url}/app/launch.html?iss={ehr.fhir_base}&launch={LAUNCH_ID}")
    page.locator(".trial").first.wait_for()
    assert page.url.startswith(f"{server.base_url}/app/")
    assert page.locator("#patient").inner_text().startswith("Wava789 Corwin846")
    patient = ehr.patient_id
    assert f"Patient/{patient}" in ehr.fhir_reads
    assert f"Condition?patient={patient}" in ehr.fhir_reads
    first = page.locator(".trial").first
    assert first.get_attribute("data-study") == "NCT05581004"
    assert "29.4 miles" in first.locator(".site").inner_text()
    first.locator("button.toggle").click()
    assert first.locator(".checklist .criterion").count() > 5

    first.get_by_role("button", name="Refer").click()
    page.locator("#candidates li[data-study='NCT05581004']").wait_for()
    stored = httpx.get(
        f"{server.base_url}/ResearchSubject",
        params={"study": "ResearchStudy/NCT05581004"},
        headers={"Authorization": f"Bearer {admin_token(ehr, server.base_url or '')}"},
    ).json()
    assert stored["total"] == 1
    assert stored["entry"][0]["resource"]["subject"]["display"] == "Wava789 Corwin846"


def test_the_server_refuses_the_match_without_the_ehr_token(ehr_and_server):
    _, server = ehr_and_server
    answer = httpx.post(
        f"{server.base_url}/ResearchStudy/$match",
        json={"resourceType": "Parameters", "parameter": []},
    )
    assert answer.status_code == 401


def test_a_standalone_launch_lets_the_ehr_choose_the_patient(page, ehr_and_server):
    ehr, server = ehr_and_server
    page.goto(f"{server.base_url}/app/standalone.html")
    page.get_by_label("FHIR server URL").fill(ehr.fhir_base)
    page.get_by_role("button", name="Sign in and choose a patient").click()
    page.locator(".trial").first.wait_for()
    assert page.locator("#patient").inner_text().startswith("Wava789 Corwin846")


def test_reloading_the_app_keeps_the_launch(page, ehr_and_server):
    ehr, server = ehr_and_server
    page.goto(f"{server.base_url}/app/launch.html?iss={ehr.fhir_base}&launch={LAUNCH_ID}")
    page.locator(".trial").first.wait_for()
    page.reload()
    page.locator(".trial").first.wait_for()
    assert page.locator("#patient").inner_text().startswith("Wava789 Corwin846")
