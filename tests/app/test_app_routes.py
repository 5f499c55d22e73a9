"""`/app`: the trial finder's files are public (no token, also with authorization required),
its launch settings come from the configuration, and nothing else of the API opens up."""

import pytest

from fhirtrial.app.routes import STATIC_DIR
from tests.helpers import make_settings, running_client


@pytest.fixture
async def guarded(mongo_url):
    settings = make_settings(mongo_url, auth="required", app_client_id="ehr-registered-id")
    async with running_client(settings) as client:
        yield client


async def test_the_app_is_served_without_a_token(guarded):
    page = await guarded.get("/app/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<title>Trial finder" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    script = await guarded.get("/app/js/main.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    vendored = await guarded.get("/app/vendor/fhir-client.pure.min.js")
    assert vendored.status_code == 200 and "FHIR" in vendored.text


async def test_the_ehr_launch_entry_point_keeps_iss_and_launch(guarded):
    launch = await guarded.get("/app/launch.html?iss=https://ehr.example/fhir&launch=abc")
    assert launch.status_code == 200 and "js/launch.js" in launch.text
    bare = await guarded.get("/app?iss=https://ehr.example/fhir&launch=abc")
    assert bare.status_code == 308
    assert bare.headers["location"].endswith("/app/?iss=https://ehr.example/fhir&launch=abc")


async def test_the_launch_settings_name_the_registered_client_and_scopes(guarded):
    config = (await guarded.get("/app/config.json")).json()
    assert config["clientId"] == "ehr-registered-id"
    scopes = config["scope"].split()
    assert {"launch", "launch/patient", "user/Patient.cu", "user/ResearchSubject.cu"} <= set(scopes)


async def test_the_api_still_needs_a_token_and_unknown_files_are_404(guarded):
    assert (await guarded.get("/Patient")).status_code == 401
    assert (await guarded.get("/app/nothing-here.js")).status_code == 404
    assert (await guarded.get("/app/../fhirtrial/config.py")).status_code == 404


def test_the_demo_patients_listed_are_shipped():
    import json

    listed = json.loads((STATIC_DIR / "demo" / "patients.json").read_text())["patients"]
    assert [p["file"] for p in listed] == ["patient-b.json", "patient-d.json", "wava-corwin.json"]
    for patient in listed:
        bundle = json.loads((STATIC_DIR / "demo" / patient["file"]).read_text())
        assert bundle["resourceType"] == "Bundle"
