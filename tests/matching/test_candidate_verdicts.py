"""The lean pass over a `$match`'s candidates (`matcher._Verdicts`): each candidate gets the
verdict of its criteria's plan, studies with equal criteria share one evaluation, a study whose
plan is not built yet is set aside for the pass after the build, and a study whose criteria
cannot be read or evaluated is a potential candidate with a note — never dropped, never
ineligible."""

from __future__ import annotations

from typing import Any

from fhirtrial.eligibility.evaluation import evaluate_study
from fhirtrial.eligibility.evaluation.lean import LeafOutcomes
from fhirtrial.mappers.ctgov import map_study
from fhirtrial.matching import matcher
from fhirtrial.matching.plans import PlanStore
from tests.eligibility.ehr_records import AS_OF, patient, record

ADULTS = "Inclusion Criteria:\n- Age 18 years or older\n"
ELDERLY = "Inclusion Criteria:\n- Age 90 years or older\n"


def _criteria(text: str) -> dict[str, Any]:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000021", "briefTitle": "x"},
            "eligibilityModule": {"eligibilityCriteria": text},
        }
    }
    return next(r for r in map_study(study).resources if r["resourceType"] == "EvidenceVariable")


def _entry(rid: str, ev: str | None, sig: str) -> dict[str, Any]:
    return {"_id": rid, "title": f"Study {rid}", "ev": ev, "ev_v": 1 if ev else None, "sig": sig}


def _verdicts(store: PlanStore, *, keep_ineligible: bool = True) -> matcher._Verdicts:
    person = record(patient(born="1960-04-02"))
    return matcher._Verdicts(store, LeafOutcomes(person, AS_OF), keep_ineligible)


def test_candidates_get_their_plans_verdicts_and_equal_criteria_are_evaluated_once(monkeypatch):
    store = PlanStore()
    store.put("adults", 1, _criteria(ADULTS))
    store.put("elderly", 1, _criteria(ELDERLY))
    calls: list[str] = []
    real = matcher.lean_verdict_and_score

    def counted(plan, leaves, groups=None):
        calls.append(plan.plan.key[0])
        return real(plan, leaves, groups)

    monkeypatch.setattr(matcher, "lean_verdict_and_score", counted)
    verdicts = _verdicts(store)
    verdicts.add([_entry("a1", "adults", "sig-adults"), _entry("e1", "elderly", "sig-elderly")])
    verdicts.add([_entry("a2", "adults", "sig-adults")])
    found = {m.study_id: m.verdict for m in verdicts.matches}
    person = record(patient(born="1960-04-02"))
    expected = evaluate_study(_criteria(ADULTS), person, as_of=AS_OF).verdict
    assert found == {"a1": expected, "a2": expected, "e1": "ineligible"}
    assert expected == "eligible"
    assert sorted(calls) == ["adults", "elderly"]  # a2 took a1's outcome


def test_ineligible_candidates_are_left_out_only_when_asked():
    store = PlanStore()
    store.put("elderly", 1, _criteria(ELDERLY))
    verdicts = _verdicts(store, keep_ineligible=False)
    verdicts.add([_entry("e1", "elderly", "sig-elderly")])
    assert verdicts.matches == []


def test_a_study_without_a_built_plan_waits_for_the_last_pass():
    store = PlanStore()
    verdicts = _verdicts(store)
    verdicts.add([_entry("a1", "adults", "sig-adults"), _entry("n1", None, "sig-none")])
    assert [c["_id"] for c in verdicts.unplanned] == ["a1"]
    assert [(m.study_id, m.note) for m in verdicts.matches] == [
        ("n1", "the study has no eligibility criteria to evaluate")
    ]
    store.put("adults", 1, _criteria(ADULTS))  # what plans_for does between the passes
    verdicts.add(verdicts.unplanned, last_pass=True)
    assert {m.study_id: m.verdict for m in verdicts.matches} == {
        "n1": "potential-candidate",
        "a1": "eligible",
    }


def test_a_plan_that_could_not_be_built_leaves_the_study_a_potential_candidate():
    verdicts = _verdicts(PlanStore())
    verdicts.add([_entry("b1", "broken", "sig-broken")], last_pass=True)
    [match] = verdicts.matches
    assert (match.verdict, match.score, verdicts.unplanned) == ("potential-candidate", 0.0, [])
    assert match.note == "the study's eligibility criteria could not be read"


def test_a_failing_evaluation_is_a_potential_candidate_with_the_error(monkeypatch):
    store = PlanStore()
    store.put("adults", 1, _criteria(ADULTS))

    def failing(plan, leaves, groups=None):
        raise RuntimeError("compiler produced something odd")

    monkeypatch.setattr(matcher, "lean_verdict_and_score", failing)
    verdicts = _verdicts(store)
    verdicts.add([_entry("a1", "adults", "sig-adults")])
    [match] = verdicts.matches
    assert match.verdict == "potential-candidate"
    assert match.note is not None and "RuntimeError" in match.note
