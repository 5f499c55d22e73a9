"""`$match` end to end over HTTP against the two seed trials (NCT05361174: melanoma cohort 1 and
NSCLC cohort 2; NCT05398640: melanoma), with realistic R4 patients.

Both trials keep text-only criteria (organ function, measurable lesion, ...), which evaluate to
`unknown`; so the best a patient can be here is a potential candidate with nothing failing.
"""

from tests.matching.match_answers import included_studies, match_ok, read_matches
from tests.matching.match_patients import (
    AS_OF,
    brain_metastases,
    many_lines_nsclc_patient,
    melanoma_patient,
    nsclc_patient,
    parameters,
    uveal_melanoma_patient,
)

LIFILEUCEL = "NCT05361174"  # cohort 1 melanoma (arm-1), cohort 2 NSCLC (arm-2)
EXPANDED_ACCESS = "NCT05398640"
AS_OF_PARAM = {"name": "asOf", "valueDate": AS_OF}
WITH_INELIGIBLE = {"name": "includeIneligible", "valueBoolean": True}


def failing(match) -> list[str]:
    return [
        link
        for link, result in match.criteria.items()
        if "-" not in link.removeprefix("inc-").removeprefix("exc-")
        and result == ("met" if link.startswith("exc") else "not-met")
    ]


async def test_melanoma_patient_is_a_candidate_for_both_trials_in_the_melanoma_cohort(seeded):
    answer = await match_ok(seeded, parameters(melanoma_patient(), AS_OF_PARAM))
    matches = read_matches(answer)
    assert list(matches) and set(matches) == {LIFILEUCEL, EXPANDED_ACCESS}
    for match in matches.values():
        assert match.verdict == "potential-candidate"
        assert 0 < match.search_score < 1
        assert match.criteria["age"] == "met"
        assert match.criteria["exc-1" if match.study == LIFILEUCEL else "exc-3"] == "not-met"
    assert matches[LIFILEUCEL].cohorts == ["arm-1"]
    assert matches[LIFILEUCEL].criteria["inc-1"] == "met"
    assert matches[LIFILEUCEL].criteria["inc-3"] == "met"  # ECOG 0
    assert sorted(included_studies(answer)) == [LIFILEUCEL, EXPANDED_ACCESS]
    scores = [e["search"]["score"] for e in answer["entry"] if e["search"]["mode"] == "match"]
    assert scores == sorted(scores, reverse=True)


async def test_uveal_melanoma_is_ineligible_and_shown_only_on_request(seeded):
    hidden = read_matches(await match_ok(seeded, parameters(uveal_melanoma_patient(), AS_OF_PARAM)))
    assert hidden == {}
    answer = await match_ok(
        seeded, parameters(uveal_melanoma_patient(), AS_OF_PARAM, WITH_INELIGIBLE)
    )
    shown = read_matches(answer)
    assert {m.verdict for m in shown.values()} == {"ineligible"}
    assert shown[LIFILEUCEL].criteria["exc-1"] == "met"  # melanoma of uveal/ocular origin
    assert shown[EXPANDED_ACCESS].criteria["exc-3"] == "met"
    assert all(m.search_score == 0 for m in shown.values())


async def test_nsclc_patient_fits_cohort_2_of_the_lifileucel_trial_only(seeded):
    matches = read_matches(await match_ok(seeded, parameters(nsclc_patient(), AS_OF_PARAM)))
    assert set(matches) == {LIFILEUCEL}
    assert matches[LIFILEUCEL].verdict == "potential-candidate"
    assert matches[LIFILEUCEL].cohorts == ["arm-2"]
    assert matches[LIFILEUCEL].criteria["inc-1-p2"] == "met"  # stage IV NSCLC
    assert "inc-1-p1" not in matches[LIFILEUCEL].criteria  # the melanoma cohort's member


async def test_too_many_prior_lines_rule_out_the_nsclc_cohort(seeded):
    answer = await match_ok(
        seeded, parameters(many_lines_nsclc_patient(), AS_OF_PARAM, WITH_INELIGIBLE)
    )
    match = read_matches(answer)[LIFILEUCEL]
    assert match.verdict == "ineligible"
    assert match.criteria["inc-2.2-p0"] == "not-met"
    assert "4" in match.reasons["inc-2.2-p0"]
    fewer = read_matches(await match_ok(seeded, parameters(nsclc_patient(), AS_OF_PARAM)))
    assert fewer[LIFILEUCEL].criteria["inc-2.2-p0"] == "met"


async def test_untreated_brain_metastases_are_reported_against_both_trials(seeded):
    answer = await match_ok(
        seeded, parameters(melanoma_patient(brain_metastases()), AS_OF_PARAM, WITH_INELIGIBLE)
    )
    matches = read_matches(answer)
    # NCT05398640 exc-5: "Symptomatic and/or untreated brain metastases, unless ..."
    assert matches[EXPANDED_ACCESS].criteria["exc-5-p1-p2"] == "met"
    assert "no treatment recorded" in matches[EXPANDED_ACCESS].reasons["exc-5-p1-p2"]
    assert matches[EXPANDED_ACCESS].criteria["exc-5"] == "met"
    assert matches[EXPANDED_ACCESS].verdict == "ineligible"
    # NCT05361174 excludes only *symptomatic* untreated metastases, which EHR data cannot tell.
    assert matches[LIFILEUCEL].verdict == "potential-candidate"
    assert matches[LIFILEUCEL].criteria["exc-2"] == "unknown"
    without = read_matches(await match_ok(seeded, parameters(melanoma_patient(), AS_OF_PARAM)))
    assert matches[LIFILEUCEL].score < without[LIFILEUCEL].score


async def test_missing_ecog_leaves_the_patient_a_potential_candidate_never_ineligible(seeded):
    matches = read_matches(
        await match_ok(seeded, parameters(melanoma_patient(with_ecog=False), AS_OF_PARAM))
    )
    assert set(matches) == {LIFILEUCEL, EXPANDED_ACCESS}
    assert matches[LIFILEUCEL].criteria["inc-3"] == "unknown"
    assert all(m.verdict == "potential-candidate" for m in matches.values())
    with_ecog = read_matches(await match_ok(seeded, parameters(melanoma_patient(), AS_OF_PARAM)))
    assert matches[LIFILEUCEL].score < with_ecog[LIFILEUCEL].score


async def test_a_bare_bundle_body_is_matched_like_a_patient_parameter(seeded):
    bare = read_matches(await match_ok(seeded, melanoma_patient()))
    wrapped = read_matches(await match_ok(seeded, parameters(melanoma_patient())))
    assert {k: v.verdict for k, v in bare.items()} == {k: v.verdict for k, v in wrapped.items()}
    assert set(bare) == {LIFILEUCEL, EXPANDED_ACCESS}


async def test_subject_points_at_the_posted_patient_and_status_is_active(seeded):
    matches = read_matches(await match_ok(seeded, parameters(melanoma_patient(), AS_OF_PARAM)))
    for match in matches.values():
        assert match.resource["status"] == "active"
        assert match.subject["reference"] == "Patient/p1"
        assert match.subject["identifier"]["value"] == "MRN-1"
