"""Prefilter keys (what a study demands for sure) and the published conformance resources."""

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from pymongo import MongoClient
from typer.testing import CliRunner

from fhirtrial.catalog.seeds import load_seeds_if_empty
from fhirtrial.catalog.sources import seed_inputs
from fhirtrial.cli import app
from fhirtrial.eligibility.evaluation import evaluate_study
from fhirtrial.mappers.ctgov import map_study
from fhirtrial.matching.assessment import ASSESSMENT_URL
from fhirtrial.matching.index.mirror import IndexMirror
from fhirtrial.matching.keys import ANY_DIAGNOSIS, ANY_SEX, criteria_keys, patient_keys
from fhirtrial.runtime import open_database
from tests.helpers import FHIR_JSON, assert_valid_fhir, make_settings
from tests.matching.match_answers import match_ok, read_matches
from tests.matching.match_patients import nsclc_patient, parameters

CONFORMANCE = Path(__file__).resolve().parents[2] / "conformance"
KIND = "https://fhirtrial.org/fhir/CodeSystem/criterion-kind"
CONCEPT = "https://fhirtrial.org/fhir/CodeSystem/criterion-concept"


def condition(link_id: str, concept: str, **extra) -> dict:
    return {
        "linkId": link_id,
        "definitionByTypeAndValue": {
            "type": {"coding": [{"system": KIND, "code": "condition"}]},
            "valueCodeableConcept": {"coding": [{"system": CONCEPT, "code": concept}]},
        },
        **extra,
    }


def criteria(*characteristics: dict) -> dict:
    return {"resourceType": "EvidenceVariable", "characteristic": list(characteristics)}


def test_seed_trials_need_their_diagnoses_per_cohort():
    for seed in seed_inputs():
        resources = map_study(seed.study).resources
        keys = criteria_keys(resources[2], resources[0].get("comparisonGroup"))
        expected = {"NCT05361174": ("melanoma", "nsclc"), "NCT05398640": ("melanoma",)}
        assert keys.diagnoses == expected[seed.nct_id]
        assert keys.min_age <= 18 and keys.max_age > 100


def test_text_only_or_optional_diagnoses_never_narrow_the_candidates():
    text_only = {"linkId": "inc-1", "description": "Histologically confirmed adenocarcinoma"}
    assert criteria_keys(criteria(text_only), None).diagnoses == (ANY_DIAGNOSIS,)
    either = {
        "linkId": "inc-1",
        "definitionByCombination": {
            "code": "any-of",
            "characteristic": [condition("inc-1-p1", "melanoma"), text_only | {"linkId": "p2"}],
        },
    }
    assert criteria_keys(criteria(either), None).diagnoses == (ANY_DIAGNOSIS,)
    excluded = condition("exc-1", "melanoma", exclude=True)
    assert criteria_keys(criteria(excluded), None).diagnoses == (ANY_DIAGNOSIS,)
    both = criteria(condition("inc-1", "breast-cancer"), condition("inc-2", "melanoma"))
    assert len(criteria_keys(both, None).diagnoses) == 1


async def test_a_study_with_text_only_diagnosis_stays_a_candidate(seeded):
    ev = criteria({"linkId": "inc-1", "description": "Confirmed pancreatic adenocarcinoma"})
    ev |= {"id": "text-only", "status": "active"}
    study = {
        "resourceType": "ResearchStudy",
        "id": "text-only-study",
        "status": "active",
        "progressStatus": [
            {
                "state": {
                    "coding": [
                        {
                            "system": "https://fhirtrial.org/fhir/CodeSystem/ctgov-overall-status",
                            "code": "RECRUITING",
                        }
                    ]
                }
            }
        ],
        "recruitment": {"eligibility": {"reference": "EvidenceVariable/text-only"}},
    }
    await seeded.put("/EvidenceVariable/text-only", json=ev, headers=FHIR_JSON)
    await seeded.put("/ResearchStudy/text-only-study", json=study, headers=FHIR_JSON)
    try:
        matches = read_matches(await match_ok(seeded, parameters(nsclc_patient())))
        assert matches["text-only-study"].verdict == "potential-candidate"
        assert matches["text-only-study"].criteria["inc-1"] == "unknown"
    finally:
        await seeded.delete("/ResearchStudy/text-only-study")


def test_operation_and_extension_definitions_are_valid_r5():
    operation = json.loads(
        (CONFORMANCE / "OperationDefinition-ResearchStudy-match.json").read_text()
    )
    extension = json.loads(
        (CONFORMANCE / "StructureDefinition-eligibility-assessment.json").read_text()
    )
    assert_valid_fhir(operation)
    assert_valid_fhir(extension)
    assert extension["url"] == ASSESSMENT_URL
    names = {p["name"] for p in operation["parameter"] if p["use"] == "in"}
    assert {"patient", "zipCode", "travelRadius", "phase", "recruitmentStatus"} <= names


async def test_capability_statement_lists_match(seeded):
    statement = (await seeded.get("/metadata")).json()
    study = next(r for r in statement["rest"][0]["resource"] if r["type"] == "ResearchStudy")
    definitions = {op["name"]: op["definition"] for op in study["operation"]}
    operation = json.loads(
        (CONFORMANCE / "OperationDefinition-ResearchStudy-match.json").read_text()
    )
    assert definitions["match"] == operation["url"]


def test_cli_match_prints_the_same_verdicts(mongo_url, tmp_path, monkeypatch):
    settings = make_settings(mongo_url, load_seeds=True)
    monkeypatch.setenv("FHIRTRIAL_MONGODB_URL", mongo_url)
    monkeypatch.setenv("FHIRTRIAL_DATABASE", settings.database)

    # The CLI reads an existing catalog; load the seeds through the importer first.
    async def seed() -> None:
        async with open_database(settings) as opened:
            await load_seeds_if_empty(opened.matching)

    asyncio.run(seed())
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(nsclc_patient()))
    result = CliRunner().invoke(app, ["match", str(path), "--as-of", "2026-11-15"])
    assert result.exit_code == 0, result.output
    assert "NCT05361174" in result.output and "potential-candidate" in result.output
    assert "NCT05398640" not in result.output
    refused = CliRunner().invoke(app, ["match", str(path), "--radius", "10"])
    assert refused.exit_code == 2
    assert "--radius needs a location: give --zip" in refused.output
    MongoClient(mongo_url).drop_database(settings.database)


AGE_BULLETS = [
    "Age 18 years or older",
    "Older than 18 years",
    "Age 65 years or younger",
    "Aged 18 to 65 years",
    "Age 12 years or older",
    "Younger than 40 years",
    "Age 21 years or older",
]
# CT.gov's structured bounds (minimumAge, maximumAge): in two units, they become two criteria.
STRUCTURED_AGES = [
    ("6 Months", "17 Years"),
    ("2 Weeks", "12 Months"),
    ("18 Months", None),
    ("18 Years", "65 Years"),
]


def _births() -> list[str]:
    """Birth dates around every birthday from 0 to 100 years before ehr_records.AS_OF, to the
    day and known only by year or by month."""
    from tests.eligibility.ehr_records import AS_OF

    births = []
    for years in range(0, 101):
        for days in (-1, 0, 1):
            day = AS_OF.replace(year=AS_OF.year - years) + timedelta(days=days)
            births += [day.isoformat(), day.isoformat()[:7], day.isoformat()[:4]]
    return births


@pytest.mark.parametrize(
    ("bullet", "minimum", "maximum"),
    [(b, None, None) for b in AGE_BULLETS] + [("Has asthma", *ages) for ages in STRUCTURED_AGES],
)
def test_the_age_key_rules_out_only_whom_the_evaluator_finds_ineligible(bullet, minimum, maximum):
    """The candidate query leaves a study out for a patient's age only where the evaluator
    answers "ineligible" for that age, whatever the precision of the birth date; and it does
    leave out some."""
    from tests.eligibility.ehr_records import patient, record

    eligibility = {"eligibilityCriteria": f"Inclusion Criteria:\n- {bullet}\n"}
    eligibility |= {"minimumAge": minimum} if minimum else {}
    eligibility |= {"maximumAge": maximum} if maximum else {}
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000013", "briefTitle": "x"},
            "eligibilityModule": eligibility,
        }
    }
    evidence_variable = next(
        r for r in map_study(study).resources if r["resourceType"] == "EvidenceVariable"
    )
    keys = criteria_keys(evidence_variable, None)
    mirror = IndexMirror()
    mirror.put(
        {
            "_id": "s",
            "status": ["active"],
            "dx": [ANY_DIAGNOSIS],
            "age_lo": keys.min_age,
            "age_hi": keys.max_age,
            "sex": keys.sex,
        }  # type: ignore[typeddict-item]
    )
    left_out = []
    for born in _births():
        person = record(patient(born=born))
        selected = mirror.select(
            statuses=["active"],
            diagnoses=None,
            age=patient_keys(person).age,
            sex=None,
            phases=frozenset(),
            studies=frozenset(),
            any_sex=ANY_SEX,
        )
        if not selected:
            left_out.append(born)
            verdict = evaluate_study(evidence_variable, person, as_of=person.as_of).verdict
            assert verdict == "ineligible", (bullet, minimum, maximum, born)
    assert left_out, (bullet, minimum, maximum)
    if bullet == "Age 18 years or older":  # a 16- or 17-year-old is not a candidate (both were)
        assert "2010-12-01" in left_out
        assert "2009-12-01" in left_out
    if minimum == "6 Months":  # an adult is not a candidate for a pediatric trial (was, to 2026-12)
        assert "1980-12-01" in left_out
