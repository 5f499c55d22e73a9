"""The Synthea and CodeX R4 bundles (hundreds of entries) against the 35 breast-cancer studies of
tests/data/ctgov, and the prefilter's promise: it never drops a study the evaluator would not
find ineligible."""

import pytest

from tests.helpers import import_breast_studies, make_settings, running_client
from tests.matching.match_answers import match_ok, read_matches
from tests.matching.match_patients import DATA, parameters, real_bundle

ALL_STATUSES = (
    "NOT_YET_RECRUITING,RECRUITING,ENROLLING_BY_INVITATION,ACTIVE_NOT_RECRUITING,SUSPENDED,"
    "TERMINATED,COMPLETED,WITHDRAWN,UNKNOWN,AVAILABLE"
)
BUNDLES = sorted(
    str(path.relative_to(DATA / "patients"))
    for path in (DATA / "patients").glob("*/*.json")
    if path.name != "patient_data.json"  # mixes two patients: refused (see bad-input tests)
)


@pytest.fixture(scope="module")
async def catalog(mongo_url):
    async with running_client(make_settings(mongo_url)) as client:
        await import_breast_studies(client)
        yield client


def options(*, ineligible: bool) -> list[dict]:
    return [
        {"name": "asOf", "valueDate": "2026-11-15"},
        {"name": "recruitmentStatus", "valueString": ALL_STATUSES},
        {"name": "includeIneligible", "valueBoolean": ineligible},
        {"name": "count", "valueInteger": 1000},
    ]


@pytest.mark.parametrize("name", BUNDLES)
async def test_prefilter_keeps_every_study_the_evaluator_does_not_rule_out(catalog, name):
    patient = real_bundle(name)
    filtered = read_matches(
        await match_ok(catalog, parameters(patient, *options(ineligible=False)))
    )
    everything = read_matches(
        await match_ok(catalog, parameters(patient, *options(ineligible=True)))
    )
    assert len(everything) == 35  # without the prefilter every study is evaluated
    possible = {study for study, m in everything.items() if m.verdict != "ineligible"}
    assert set(filtered) == possible
    for study in filtered:
        assert filtered[study].verdict == everything[study].verdict
        assert filtered[study].score == everything[study].score


async def test_adult_breast_cancer_patients_get_ranked_candidates(catalog):
    answer = await match_ok(
        catalog,
        parameters(real_bundle("codex/TrialMatching_Patient01.json"), *options(ineligible=False)),
    )
    matches = list(read_matches(answer).values())
    assert matches, "a 67-year-old with metastatic breast cancer matches some breast studies"
    ranks = [(m.verdict != "eligible", -m.score) for m in matches]
    assert ranks == sorted(ranks)
    included = {e["resource"]["id"] for e in answer["entry"] if e["search"]["mode"] == "include"}
    assert included == {m.study for m in matches}


async def test_default_status_filter_keeps_only_open_studies(catalog):
    patient = real_bundle("codex/TrialMatching_Patient01.json")
    answer = await match_ok(catalog, parameters(patient))
    for entry in answer["entry"]:
        if entry["search"]["mode"] == "include":
            state = entry["resource"]["progressStatus"][0]["state"]["coding"]
            codes = {c["code"] for c in state}
            assert codes & {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"}


@pytest.mark.parametrize("count", [1, 5, 20])
async def test_the_first_places_are_the_same_whatever_the_count(catalog, count):
    """Site distances are computed only for the matches whose verdict and score reach the
    `count`-th place: the first places (order, distance, verdict, score, criteria) equal those
    of an answer that ranks every match by distance."""
    patient = real_bundle("codex/TrialMatching_Patient01.json")
    where = {"name": "zipCode", "valueString": "02115"}
    wide = options(ineligible=True)  # count 1000: every study, each with its distance
    narrow = [*wide[:-1], {"name": "count", "valueInteger": count}]
    everything = list(
        read_matches(await match_ok(catalog, parameters(patient, where, *wide))).values()
    )
    first = list(
        read_matches(await match_ok(catalog, parameters(patient, where, *narrow))).values()
    )
    assert len(everything) == 35
    assert sum(m.distance is not None for m in everything) > count
    assert len({(m.verdict, m.score) for m in everything}) < 35  # ties that distance orders
    assert [(m.study, m.distance, m.verdict, m.score, m.criteria) for m in first] == [
        (m.study, m.distance, m.verdict, m.score, m.criteria) for m in everything[:count]
    ]
