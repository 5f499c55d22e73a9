"""`fhirtrial load` says what it stored and what it skipped, by resource type, and why."""

import json

from pymongo import MongoClient
from typer.testing import CliRunner

from fhirtrial.cli import app
from tests.matching.match_patients import ICD10, LOINC, bundle, condition, person

runner = CliRunner()


def observation(number: int) -> dict:
    return {
        "resourceType": "Observation",
        "id": f"obs-{number}",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "8302-2"}]},
        "subject": {"reference": "Patient/p1"},
        "valueQuantity": {"value": 170 + number, "unit": "cm"},
    }


def test_a_patient_bundle_stores_the_patient_and_says_why_the_rest_is_skipped(empty_env, tmp_path):
    conditions = [condition(f"dx-{n}", ICD10, "E11.9", "Type 2 diabetes") for n in range(10)]
    observations = [observation(n) for n in range(7)]
    path = tmp_path / "record.json"
    path.write_text(json.dumps(bundle(*conditions, *observations, patient=person("p1"))))

    result = runner.invoke(app, ["load", str(path)], env=empty_env)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "stored 1 resource: Patient ×1 (created 1, updated 0, unchanged 0)",
        "skipped 17 resources: Condition ×10, Observation ×7 (types this server does not serve, "
        "so load does not store them; to match a patient's whole record use `fhirtrial match "
        "FILE` or post the Bundle to ResearchStudy/$match)",
    ]
    database = MongoClient(empty_env["FHIRTRIAL_MONGODB_URL"])[empty_env["FHIRTRIAL_DATABASE"]]
    assert database["Patient"].count_documents({}) == 1
