"""CodeX clients (mcode/clinical-trial-matching-service) post the patient's Bundle with the search
options in a Parameters entry (zipCode, travelRadius, phase, recruitmentStatus as strings) rather
than a Parameters body: the options are read, not ignored."""

from tests.matching.match_answers import post_match, read_matches
from tests.matching.match_patients import melanoma_patient

SEEDS = {"NCT05361174", "NCT05398640"}


def with_options(*parameters: dict) -> dict:
    bundle = melanoma_patient()
    options = {"resourceType": "Parameters", "parameter": list(parameters)}
    bundle["entry"].insert(0, {"resource": options})
    return bundle


async def test_options_in_a_parameters_entry_filter_the_answer(seeded):
    wide = with_options(
        {"name": "recruitmentStatus", "valueString": "active"},  # R4 ResearchStudy.status
        {"name": "phase", "valueString": "phase-1-phase-2"},
    )
    response = await post_match(seeded, wide)
    assert response.status_code == 200, response.text
    assert set(read_matches(response.json())) == {"NCT05361174"}  # the expanded access has none
    narrow = await post_match(seeded, with_options({"name": "phase", "valueString": "phase-3"}))
    assert narrow.status_code == 200
    assert read_matches(narrow.json()) == {}


async def test_other_names_in_a_parameters_entry_are_refused(seeded):
    response = await post_match(seeded, with_options({"name": "persist", "valueBoolean": True}))
    assert response.status_code == 400
    assert "not persist" in response.json()["issue"][0]["diagnostics"]


async def test_a_bundle_without_options_still_matches_with_the_defaults(seeded):
    response = await post_match(seeded, melanoma_patient())
    assert set(read_matches(response.json())) == SEEDS
