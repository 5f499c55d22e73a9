"""`persist=true`, the search filters (location, status, phase, condition, study, count) and the
guarantees around evaluation (a crashing study, catalog edits over REST)."""

import threading

from fhirtrial.matching import distance, matcher
from tests.helpers import FHIR_JSON
from tests.matching.match_answers import match_ok, post_match, read_matches
from tests.matching.match_patients import MRN, melanoma_patient, nsclc_patient, parameters

LIFILEUCEL, EXPANDED_ACCESS = "NCT05361174", "NCT05398640"
PERSIST = {"name": "persist", "valueBoolean": True}


def param(name: str, **value) -> dict:
    return {"name": name, **value}


async def test_persist_stores_patient_and_subjects_and_a_repeat_updates_them(seeded):
    body = parameters(melanoma_patient(mrn="MRN-PERSIST"), PERSIST)
    first = await match_ok(seeded, body)
    patients = (await seeded.get("/Patient", params={"identifier": f"{MRN}|MRN-PERSIST"})).json()
    assert patients["total"] == 1
    patient_id = patients["entry"][0]["resource"]["id"]
    stored = (await seeded.get("/ResearchSubject", params={"patient": patient_id})).json()
    assert stored["total"] == 2
    first_ids = {e["resource"]["id"] for e in first["entry"] if e["search"]["mode"] == "match"}
    assert {e["resource"]["id"] for e in stored["entry"]} == first_ids
    for entry in first["entry"]:
        if entry["search"]["mode"] == "match":
            assert entry["fullUrl"].endswith(f"/ResearchSubject/{entry['resource']['id']}")
            assert entry["resource"]["subject"]["reference"] == f"Patient/{patient_id}"

    changed = melanoma_patient(mrn="MRN-PERSIST", born="1966-01-01")
    await match_ok(seeded, parameters(changed, PERSIST))
    again = (await seeded.get("/Patient", params={"identifier": f"{MRN}|MRN-PERSIST"})).json()
    assert again["total"] == 1
    assert again["entry"][0]["resource"]["birthDate"] == "1966-01-01"
    assert again["entry"][0]["resource"]["meta"]["versionId"] == "2"
    subjects = (await seeded.get("/ResearchSubject", params={"patient": patient_id})).json()
    assert subjects["total"] == 2
    assert {e["resource"]["id"] for e in subjects["entry"]} == first_ids


async def test_without_persist_nothing_is_written(seeded):
    await match_ok(seeded, parameters(melanoma_patient(mrn="MRN-TRANSIENT")))
    found = (await seeded.get("/Patient", params={"identifier": f"{MRN}|MRN-TRANSIENT"})).json()
    assert found["total"] == 0


async def test_zip_radius_keeps_trials_with_a_site_nearby_and_reports_distance(seeded):
    # 90025 is West Los Angeles: NCT05361174 recruits at The Angeles Clinic there.
    near = read_matches(
        await match_ok(
            seeded,
            parameters(
                melanoma_patient(),
                param("zipCode", valueString="90025"),
                param("travelRadius", valueDecimal=25),
            ),
        )
    )
    assert LIFILEUCEL in near
    assert all(m.distance is not None and m.distance <= 25 for m in near.values())
    # From the middle of Kansas, nothing is within 25 miles; everything is within 3000.
    far = await match_ok(
        seeded,
        parameters(melanoma_patient(zip_code="67202"), param("travelRadius", valueInteger=25)),
    )
    assert read_matches(far) == {}
    wide = read_matches(
        await match_ok(
            seeded,
            parameters(
                melanoma_patient(zip_code="67202"), param("travelRadius", valueDecimal=3000)
            ),
        )
    )
    assert set(wide) == {LIFILEUCEL, EXPANDED_ACCESS}


async def test_the_zip_code_table_is_read_off_the_event_loop(seeded, monkeypatch):
    """The `zipcodes` table takes ~0.25 s to read, once per process: in the CPU worker thread,
    where the event loop does not wait for it (fhirtrial.offload)."""
    readers = []
    load = matcher.load_zip_table

    def recorded():
        readers.append(threading.current_thread().name)
        return load()

    monkeypatch.setattr(distance, "_ZIP_TABLE", None)  # as in a new process
    monkeypatch.setattr(matcher, "load_zip_table", recorded)
    found = read_matches(
        await match_ok(
            seeded,
            parameters(melanoma_patient(), param("zipCode", valueString="90025")),
        )
    )
    assert readers and all(name.startswith("fhirtrial-cpu") for name in readers)
    assert found[LIFILEUCEL].distance is not None and found[LIFILEUCEL].distance < 25


async def test_recruitment_status_and_phase_filters(seeded):
    def body(*parts):
        return parameters(melanoma_patient(), *parts)

    recruiting = read_matches(
        await match_ok(seeded, body(param("recruitmentStatus", valueString="recruiting")))
    )
    assert set(recruiting) == {LIFILEUCEL}
    available = read_matches(
        await match_ok(seeded, body(param("recruitmentStatus", valueCode="AVAILABLE")))
    )
    assert set(available) == {EXPANDED_ACCESS}
    completed = read_matches(
        await match_ok(seeded, body(param("recruitmentStatus", valueString="completed")))
    )
    assert completed == {}
    phase_2 = read_matches(await match_ok(seeded, body(param("phase", valueString="phase-2"))))
    assert set(phase_2) == {LIFILEUCEL}  # a phase 1/2 study answers to phase 2


async def test_condition_study_and_count_filters(seeded):
    lung = read_matches(
        await match_ok(
            seeded,
            parameters(melanoma_patient(), param("condition", valueString="lung")),
        )
    )
    assert set(lung) == {LIFILEUCEL}
    only = read_matches(
        await match_ok(
            seeded,
            parameters(
                melanoma_patient(),
                param("study", valueReference={"reference": f"ResearchStudy/{EXPANDED_ACCESS}"}),
            ),
        )
    )
    assert set(only) == {EXPANDED_ACCESS}
    answer = await match_ok(seeded, parameters(melanoma_patient(), param("count", valueInteger=1)))
    assert answer["total"] == 2
    assert len(read_matches(answer)) == 1


async def test_a_study_whose_evaluation_crashes_is_reported_not_failed(seeded, monkeypatch):
    real = matcher.evaluate_study

    def flaky(evidence_variable, record, **kw):
        if LIFILEUCEL in evidence_variable["id"]:
            raise RuntimeError("compiler produced something odd")
        return real(evidence_variable, record, **kw)

    monkeypatch.setattr(matcher, "evaluate_study", flaky)
    response = await post_match(seeded, parameters(melanoma_patient()))
    assert response.status_code == 200
    matches = read_matches(response.json())
    assert matches[LIFILEUCEL].verdict == "potential-candidate"
    note = next(
        p["valueString"]
        for p in matches[LIFILEUCEL].resource["extension"][0]["extension"]
        if p["url"] == "note"
    )
    assert "could not be evaluated" in note and "RuntimeError" in note
    assert matches[EXPANDED_ACCESS].criteria  # the other study is evaluated as usual


async def test_catalog_edits_over_rest_are_seen_by_the_next_match(seeded):
    study = (await seeded.get(f"/ResearchStudy/{EXPANDED_ACCESS}")).json()
    closed = dict(study)
    closed["progressStatus"] = [
        {
            "state": {
                "coding": [
                    {
                        "system": "https://fhirtrial.org/fhir/CodeSystem/ctgov-overall-status",
                        "code": "NO_LONGER_AVAILABLE",
                    }
                ]
            }
        }
    ]
    response = await seeded.put(f"/ResearchStudy/{EXPANDED_ACCESS}", json=closed, headers=FHIR_JSON)
    assert response.status_code == 200, response.text
    try:
        after = read_matches(await match_ok(seeded, parameters(melanoma_patient())))
        assert set(after) == {LIFILEUCEL}
    finally:
        await seeded.put(f"/ResearchStudy/{EXPANDED_ACCESS}", json=study, headers=FHIR_JSON)
    restored = read_matches(await match_ok(seeded, parameters(melanoma_patient())))
    assert set(restored) == {LIFILEUCEL, EXPANDED_ACCESS}


async def test_an_eligible_verdict_when_every_criterion_is_decided(seeded):
    """A study with computable criteria only: the melanoma patient meets all of them."""
    criteria = {
        "resourceType": "EvidenceVariable",
        "id": "computable-only",
        "status": "active",
        "actual": True,
        "characteristic": [
            {
                "linkId": "inc-1",
                "description": "Melanoma",
                "definitionByTypeAndValue": {
                    "type": {
                        "coding": [
                            {
                                "system": "https://fhirtrial.org/fhir/CodeSystem/criterion-kind",
                                "code": "condition",
                            }
                        ]
                    },
                    "valueCodeableConcept": {
                        "coding": [
                            {
                                "system": "https://fhirtrial.org/fhir/CodeSystem/criterion-concept",
                                "code": "melanoma",
                            }
                        ]
                    },
                },
            }
        ],
    }
    study = {
        "resourceType": "ResearchStudy",
        "id": "computable-study",
        "status": "active",
        "progressStatus": [
            {
                "state": {
                    "coding": [
                        {
                            "system": "http://hl7.org/fhir/research-study-status",
                            "code": "recruiting",
                        }
                    ]
                }
            }
        ],
        "recruitment": {"eligibility": {"reference": "EvidenceVariable/computable-only"}},
    }
    for resource in (criteria, study):
        url = f"/{resource['resourceType']}/{resource['id']}"
        assert (await seeded.put(url, json=resource, headers=FHIR_JSON)).status_code in (200, 201)
    try:
        answer = await match_ok(seeded, parameters(melanoma_patient()))
        matches = read_matches(answer)
        assert matches["computable-study"].verdict == "eligible"
        assert matches["computable-study"].search_score == 1
        first = next(e for e in answer["entry"] if e["search"]["mode"] == "match")
        assert first["resource"]["study"]["reference"] == "ResearchStudy/computable-study"
        lung = read_matches(await match_ok(seeded, parameters(nsclc_patient())))
        assert "computable-study" not in lung  # the prefilter's diagnosis key rules it out
    finally:
        await seeded.delete("/ResearchStudy/computable-study")
