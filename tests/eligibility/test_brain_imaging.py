"""Brain metastases read from imaging reports: the report reader and the evaluation rules."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from fhirtrial.eligibility.evaluation.brain_imaging import read_brain_findings
from fhirtrial.eligibility.evaluation.context import DEFAULT_POLICY, EvalContext
from fhirtrial.eligibility.evaluation.evaluator import evaluate_criterion, evaluate_study
from fhirtrial.eligibility.evaluation.facts import facts_for
from fhirtrial.eligibility.model import Criterion, Kind, Window
from fhirtrial.patient.items import ImagingReport
from fhirtrial.patient.record import PatientRecord
from fhirtrial.patient.values import Concept
from tests.eligibility.ehr_records import (
    ICD,
    condition,
    medication,
    patient,
    procedure,
    record,
)

_BREAST = condition("Malignant neoplasm of left breast", (ICD, "C50.912", "Breast cancer"))
_BRAIN = ("brain-metastases",)
_ids = itertools.count()


def _report(conclusion: str, code: str = "MRI BRAIN W WO CONTRAST") -> ImagingReport:
    return ImagingReport(
        "DiagnosticReport/x",
        "DiagnosticReport",
        Concept(text=code),
        "final",
        None,
        None,
        (),
        conclusion,
        (),
        None,
    )


def _read(conclusion: str, code: str = "MRI BRAIN W WO CONTRAST") -> tuple[Any, ...] | None:
    reading = read_brain_findings(_report(conclusion, code))
    if reading is None:
        return None
    return (reading.presence, reading.course, reading.treated)


# ---------------------------------------------------------------- the reader


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IMPRESSION: No evidence of intracranial metastatic disease.", ("absent", None, False)),
        ("Negative for metastases. No acute abnormality.", ("absent", None, False)),
        ("No enhancing lesions.", ("absent", None, False)),
        ("Metastases are not seen.", ("absent", None, False)),
        ("No hemorrhage, mass or metastasis.", ("absent", None, False)),
        ("No liver, lung, or brain metastases.", ("absent", None, False)),
        # "no new" is not "no": it says nothing of the known lesions.
        ("No new lesions.", None),
        ("No new intracranial metastases.", None),
        # negation scope ends at a comma followed by a new finding or an affirmation
        ("Without edema, new enhancing lesion in the left lobe.", ("present", "new", False)),
        (
            "Two new enhancing lesions: right occipital 6 mm and left cerebellar 4 mm, without "
            "edema or mass effect, consistent with metastases.",
            ("present", "new", False),
        ),
        # uncertainty decides nothing
        ("Cannot exclude a small metastasis.", ("uncertain", None, False)),
        ("3 mm focus of enhancement, possibly a new metastasis.", ("uncertain", None, False)),
        ("Equivocal punctate enhancement; metastasis not excluded.", ("uncertain", None, False)),
        ("No definite metastasis.", ("uncertain", None, False)),
        ("Suspicious for leptomeningeal disease.", ("uncertain", None, False)),
        # progression, stability, treatment
        (
            "Interval enlargement of treated left frontal metastasis, now 1.6 cm (previously "
            "0.9 cm), and new right parietal enhancing lesion consistent with intracranial "
            "progression. Perfusion favors tumor over radiation necrosis. Right cerebellar "
            "lesion stable.",
            ("present", "progressing", True),
        ),
        (
            "Stable post-treatment changes left frontal lobe. No new enhancing lesions.",
            ("present", "stable", True),
        ),
        ("No new or enlarging lesions. Stable treated metastasis.", ("present", "stable", True)),
        ("No change in the treated right frontal metastasis.", ("present", "stable", True)),
        (
            "Decreased size of the left parietal metastasis after SRS.",
            ("present", "improving", True),
        ),
        ("Stable metastasis; possible new 2 mm focus.", ("present", "uncertain", False)),
        # not about metastases, or not a finding
        ("Scattered white matter lesions consistent with small vessel disease.", None),
        ("No mass effect or midline shift.", None),
        ("Evaluate for metastatic disease. No acute findings.", None),
        ("History of brain metastases.", None),
    ],
)
def test_the_reader_follows_negation_uncertainty_and_course(text: str, expected: Any) -> None:
    assert _read(text) == expected


def test_a_study_that_does_not_image_the_brain_never_rules_brain_metastases_out() -> None:
    chest = "CT CHEST ABDOMEN PELVIS W CONTRAST"
    assert _read("No evidence of brain metastases.", chest) is None
    assert _read("No liver or osseous metastases.", chest) is None
    shown = _read("New 1.2 cm metastasis in the left cerebellum.", chest)
    assert shown == ("present", "new", False)


def test_the_impression_of_a_full_text_report_is_read_not_its_indication() -> None:
    text = (
        "CLINICAL HISTORY: Breast cancer, evaluate for brain metastases.\n"
        "FINDINGS: Two enhancing lesions in the right frontal lobe.\n"
        "IMPRESSION: Two enhancing lesions consistent with metastases."
    )
    report = ImagingReport(
        "DiagnosticReport/x",
        "DiagnosticReport",
        Concept(text="MR Brain"),
        "final",
        None,
        None,
        (),
        None,
        (),
        text,
    )
    reading = read_brain_findings(report)
    assert reading is not None and reading.presence == "present"
    assert "evaluate" not in reading.words


# ---------------------------------------------------------------- evaluation


def _mri(day: str, conclusion: str, *, status: str = "final", r5: bool = False) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "DiagnosticReport",
        "id": f"mri{next(_ids)}",
        "status": status,
        "category": [
            {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "RAD"}]}
        ],
        "code": {"text": "MRI Brain w/wo Contrast"},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": day,
        "conclusion": conclusion,
    }
    if r5:
        resource["note"] = [{"text": "Read by neuroradiology."}]
        resource["study"] = [{"reference": "ImagingStudy/s1"}]
    return resource


def _brain_condition(**kwargs: Any) -> dict[str, Any]:
    return condition(
        "Brain metastases", (ICD, "C79.31", "Secondary malignant neoplasm of brain"), **kwargs
    )


def _srs(day: str) -> dict[str, Any]:
    return procedure("Stereotactic radiosurgery brain metastasis", day)


def _ctx(rec: PatientRecord, *, excluding: bool = False) -> EvalContext:
    return EvalContext(
        facts=facts_for(rec), as_of=rec.as_of, policy=DEFAULT_POLICY, excluding=excluding
    )


def _result(
    *resources: dict[str, Any],
    qualifiers: tuple[str, ...] = (),
    excluding: bool = False,
    window: Window | None = None,
) -> tuple[str, str, tuple[str, ...]]:
    criterion = Criterion(
        Kind.CONDITION, concept="brain-metastases", qualifiers=qualifiers, window=window
    )
    rec = record(patient(), _BREAST, *resources)
    found = evaluate_criterion(criterion, _ctx(rec, excluding=excluding))
    return found.result, found.reason, found.evidence


NEGATIVE = "No evidence of intracranial metastatic disease."
PROGRESSING = "Enlarging treated left frontal metastasis and a new right parietal metastasis."
STABLE = "Stable treated left frontal metastasis. No new lesions."


def test_required_brain_metastases_are_not_ruled_out_by_their_absence_from_the_problem_list():
    result, reason, _ = _result()
    assert result == "unknown" and "often not coded" in reason
    # An exclusion ("known brain metastases") keeps the usual rule: absent from a problem list.
    assert _result(excluding=True)[0] == "not-met"


@pytest.mark.parametrize("r5", [False, True])
def test_a_recent_negative_brain_mri_rules_them_out_and_names_the_report(r5: bool) -> None:
    mri = _mri("2026-10-02", NEGATIVE, r5=r5)
    result, reason, evidence = _result(mri)
    assert result == "not-met"
    assert evidence == (f"DiagnosticReport/{mri['id']}",)
    assert "2026-10-02" in reason and "No evidence of intracranial metastatic disease" in reason


def test_a_refuted_brain_metastasis_with_a_negative_mri_is_not_met():
    refuted = _brain_condition(verification="refuted")
    assert _result(refuted, _mri("2026-10-09", NEGATIVE))[0] == "not-met"


def test_a_stale_negative_report_decides_nothing():
    result, reason, evidence = _result(_mri("2026-03-01", NEGATIVE))
    assert result == "unknown"
    assert "older than 90 days" in reason and evidence


def test_a_negative_report_does_not_outweigh_a_current_diagnosis_or_a_past_treatment():
    assert _result(_brain_condition(), _mri("2026-11-01", NEGATIVE))[0] == "met"
    # Treated metastases may have resolved: a clean MRI after SRS does not mean "never had".
    assert _result(_srs("2025-02-01"), _mri("2026-11-01", NEGATIVE))[0] == "unknown"


def test_entered_in_error_reports_are_ignored_and_preliminary_ones_decide_nothing():
    assert _result(_mri("2026-11-01", NEGATIVE, status="entered-in-error"))[0] == "unknown"
    result, reason, _ = _result(_mri("2026-11-01", NEGATIVE, status="preliminary"))
    assert result == "unknown" and "preliminary" in reason


def test_a_report_that_shows_them_meets_the_criterion():
    mri = _mri("2026-11-06", "Two new enhancing lesions consistent with metastases.")
    result, reason, evidence = _result(mri)
    assert result == "met" and evidence == (f"DiagnosticReport/{mri['id']}",)
    assert "consistent with metastases" in reason


def test_an_uncertain_report_decides_nothing():
    mri = _mri("2026-11-06", "Punctate focus of enhancement, possibly a metastasis.")
    assert _result(mri)[0] == "unknown"
    assert _result(mri, excluding=True)[0] == "unknown"


@pytest.mark.parametrize("qualifier", ["active", "progressive", "uncontrolled"])
def test_progression_on_the_newest_mri_makes_them_active_progressing_uncontrolled(qualifier):
    resources = (_brain_condition(onset="2026-03-09"), _srs("2026-03-20"))
    progressing = _mri("2026-11-12", PROGRESSING)
    result, reason, evidence = _result(*resources, progressing, qualifiers=(qualifier,))
    assert result == "met"
    assert f"DiagnosticReport/{progressing['id']}" in evidence and "Enlarging" in reason
    stable = _mri("2026-10-28", STABLE)
    assert _result(*resources, stable, qualifiers=(qualifier,))[0] == "not-met"
    # Without imaging, whether treated metastases are active stays unknown.
    assert _result(*resources, qualifiers=(qualifier,))[0] == "unknown"
    # A stable MRI older than the window decides nothing.
    old = _mri("2026-04-01", STABLE)
    assert _result(*resources, old, qualifiers=(qualifier,))[0] == "unknown"


def test_steroids_are_noted_but_do_not_decide():
    resources = (_brain_condition(onset="2026-03-09"), _srs("2026-03-20"))
    dexamethasone = medication("dexamethasone 2 mg oral tablet", "2026-11-01", status="active")
    result, reason, _ = _result(
        *resources, _mri("2026-10-28", STABLE), dexamethasone, qualifiers=("active",)
    )
    assert result == "not-met" and "dexamethasone" in reason
    result, reason, _ = _result(*resources, dexamethasone, qualifiers=("active",))
    assert result == "unknown" and "dexamethasone" in reason


def test_untreated_metastases_known_only_from_a_report():
    mri = _mri("2026-11-06", "Two new enhancing lesions consistent with metastases.")
    assert _result(mri, qualifiers=("untreated",))[0] == "met"
    assert _result(mri, qualifiers=("active",))[0] == "met"
    assert _result(mri, _srs("2026-11-20"), qualifiers=("untreated",))[0] == "not-met"


def test_treated_and_stable_is_not_met_when_the_newest_mri_shows_progression():
    resources = (_brain_condition(onset="2026-03-09"), _srs("2026-03-20"))
    window = Window(None, -14)
    assert (
        _result(*resources, _mri("2026-10-28", STABLE), qualifiers=("treated",), window=window)[0]
        == "met"
    )
    assert (
        _result(
            *resources, _mri("2026-11-12", PROGRESSING), qualifiers=("treated",), window=window
        )[0]
        == "not-met"
    )


def test_the_study_verdict_uses_the_report_for_a_required_brain_metastasis():
    from fhirtrial.eligibility.evidence_variable import build_evidence_variable

    text = (
        "Inclusion Criteria:\n"
        "- Participants must have histologically confirmed HER2-negative invasive breast cancer "
        "that has metastasized to the brain. NOTE: brain metastases must be confirmed by "
        "radiology report\n"
        "Exclusion Criteria:\n- Known brain metastases.\n"
    )
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000003", "briefTitle": "x"},
            "eligibilityModule": {"eligibilityCriteria": text},
        }
    }
    resource = build_evidence_variable(
        study, evidence_variable_id="nct00000003", study_reference="ResearchStudy/x"
    )
    negative = record(patient(), _BREAST, _mri("2026-10-02", NEGATIVE))
    assert evaluate_study(resource, negative, as_of=negative.as_of).verdict == "ineligible"
    nothing = record(patient(), _BREAST)
    # Required brain metastases are unknown without imaging; the exclusion is not met.
    assert evaluate_study(resource, nothing, as_of=nothing.as_of).verdict == "potential-candidate"


# ---------------------------------------------------------------- progressed after treatment

_AFTER = ("progressed-after-treatment",)
CNS_PROGRESSION = (
    "Participants must have had CNS progression after previous CNS-directed therapy (radiation "
    "therapy, surgery, or any combination of therapy)"
)


def test_cns_progression_after_cns_directed_therapy_compiles_to_a_brain_qualifier():
    from fhirtrial.eligibility.rules import compile_text

    criterion = compile_text(CNS_PROGRESSION)
    assert criterion is not None
    assert (criterion.concept, criterion.qualifiers) == ("brain-metastases", _AFTER)


def test_the_qualifier_round_trips_through_the_evidence_variable():
    from fhirtrial.eligibility.evidence_variable import build_evidence_variable
    from fhirtrial.eligibility.fhir_reader import read_evidence_variable

    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000004", "briefTitle": "x"},
            "eligibilityModule": {
                "eligibilityCriteria": f"Inclusion Criteria:\n- {CNS_PROGRESSION}\n"
            },
        }
    }
    resource = build_evidence_variable(
        study, evidence_variable_id="nct00000004", study_reference="ResearchStudy/x"
    )
    criteria = [n.criterion for n in read_evidence_variable(resource) if n.criterion]
    assert criteria[0].qualifiers == _AFTER


def test_progression_on_mri_after_radiosurgery_meets_progressed_after_treatment():
    resources = (_brain_condition(onset="2026-03-09"), _srs("2026-03-20"))
    progressing = _mri("2026-11-12", PROGRESSING)
    result, reason, evidence = _result(*resources, progressing, qualifiers=_AFTER)
    assert result == "met" and "Stereotactic radiosurgery" in reason
    assert f"DiagnosticReport/{progressing['id']}" in evidence
    # Progression seen once after treatment stays met even if a later MRI is stable.
    later = _mri("2026-11-28", STABLE)
    assert _result(*resources, progressing, later, qualifiers=_AFTER)[0] == "met"


def test_treated_metastases_stable_on_a_recent_mri_have_not_progressed_after_treatment():
    resources = (_brain_condition(onset="2024-01-20"), _srs("2024-02-06"))
    result, reason, _ = _result(*resources, _mri("2026-10-20", STABLE), qualifiers=_AFTER)
    assert result == "not-met" and "no progression recorded" in reason
    # A stable MRI older than 90 days decides nothing.
    assert _result(*resources, _mri("2026-05-20", STABLE), qualifiers=_AFTER)[0] == "unknown"
    # No imaging since the treatment: unknown.
    assert _result(*resources, qualifiers=_AFTER)[0] == "unknown"


def test_untreated_brain_metastases_have_not_progressed_after_cns_directed_therapy():
    mastectomy = procedure("Right lumpectomy", "2010-04-15")
    mri = _mri("2026-11-06", "Two new enhancing lesions consistent with metastases.")
    assert _result(_brain_condition(), mastectomy, mri, qualifiers=_AFTER)[0] == "not-met"
    # With no procedures recorded at all, the absence of a treatment proves nothing.
    assert _result(_brain_condition(), mri, qualifiers=_AFTER)[0] == "unknown"
