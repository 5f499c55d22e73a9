"""Criterion text → computable definition, and the FHIR round trip the evaluator relies on."""

from __future__ import annotations

from fhirtrial.eligibility.compiler import compile_criterion, compile_outline
from fhirtrial.eligibility.fhir_reader import read_characteristic
from fhirtrial.eligibility.fhir_writer import criterion_characteristic
from fhirtrial.eligibility.model import EVENT_LAST_DOSE, Count, Kind, Window
from fhirtrial.eligibility.outline import parse_outline
from tests.eligibility.real_data import SEED_IDS, seed_criteria_text
from tests.eligibility.signature import signature


def test_lab_threshold_in_canonical_unit_with_window() -> None:
    criterion = compile_criterion(
        "Absolute neutrophil count (ANC) \\>= 1,500/mcL (obtained within 21"
        " days prior to registration)"
    )
    assert criterion.kind is Kind.LAB and criterion.concept == "anc"
    assert (criterion.comparator, criterion.value, criterion.unit) == (">=", 1.5, "10*3/uL")
    assert criterion.window == Window(-21, 0)


def test_times_uln_threshold() -> None:
    criterion = compile_criterion("Total bilirubin ≤1.5 × ULN")
    assert criterion.uln_multiple and criterion.value == 1.5 and criterion.comparator == "<="


def test_prior_therapy_progression_window_and_line_counts() -> None:
    progressed = compile_criterion(
        "Have progressed within 12 weeks after last dose of anti-PD-1/PD-L1 blocking antibody"
    )
    assert progressed.concept == "anti-pd-1-pd-l1"
    assert progressed.window == Window(0, 84, EVENT_LAST_DOSE)
    lines = compile_criterion("no more than 3 prior lines of therapy")
    assert lines.count == Count(None, 3)


def test_exception_clause_becomes_a_negated_member() -> None:
    criterion = compile_criterion(
        "Symptomatic and/or untreated brain metastases, unless definitively treated and stable "
        "for ≥ 14 days prior to beginning NMA LD preparative regimen",
        exclusion=True,
    )
    assert criterion.combination == "all-of"
    stable = criterion.children[-1]
    assert stable.negated and stable.window == Window(None, -14)


def test_requirement_phrasing_in_an_exclusion_list_is_inverted() -> None:
    criterion = compile_criterion(
        "Must have negative syphilis assay and be seronegative for HIV", exclusion=True
    )
    assert signature(criterion) == "any-of(condition:syphilis, condition:hiv)"


def test_a_requirement_worded_with_must_not_in_an_exclusion_list_names_what_excludes() -> None:
    criterion = compile_criterion("Participants must not be pregnant or nursing", exclusion=True)
    assert signature(criterion) == "any-of(pregnancy:pregnancy, breastfeeding:breastfeeding)"


def test_a_described_absence_in_an_exclusion_list_stays_text() -> None:
    # Written literally ("exclude patients without keratoconus" in a keratoconus study) these
    # require the condition; copied from an inclusion list they would forbid it. Either
    # reading, applied to the other kind of bullet, excludes every eligible patient.
    for text in (
        "No evidence of dementia",
        "Patients without Keratoconus.",
        "No diagnosis of Wilson disease",
        "Are not between 18 and 50 years of age.",
    ):
        assert compile_criterion(text, exclusion=True) is None, text


def test_two_populations_joined_by_and_are_never_required_together() -> None:
    text = "Patients with psoriasis and patients with atopic dermatitis"
    assert compile_criterion(text) is None  # either group enrols; both in one patient is wrong
    assert signature(compile_criterion("Patients with hypertension and diabetes")) == (
        "all-of(condition:hypertension, condition:diabetes-mellitus)"
    )


def test_unknown_words_keep_a_criterion_text_only() -> None:
    assert compile_criterion("Adequate hematologic parameters and organ function") is None
    assert compile_criterion("Age > 65 years of age and receiving full chemotherapy dose") is None


def test_every_compiled_criterion_survives_the_fhir_round_trip(records: list[dict]) -> None:
    texts = [seed_criteria_text(nct) for nct in SEED_IDS]
    texts += [
        r["protocolSection"]["eligibilityModule"].get("eligibilityCriteria", "") for r in records
    ]
    checked = 0
    for text in texts:
        for node in compile_outline(parse_outline(text)):
            for compiled in _walk(node):
                if compiled.criterion is None:
                    continue
                written = criterion_characteristic(
                    compiled.criterion,
                    link_id="x",
                    description="d",
                    exclude=False,
                    cohort_groups={"Cohort 1": "arm-1", "Cohort 2": "arm-2"},
                )
                read = read_characteristic(written)
                assert _read_signature(read) == signature(compiled.criterion)
                checked += 1
    assert checked > 100


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _read_signature(read) -> str:
    """The signature of what the reader returns (combinations rebuilt from its children)."""
    from dataclasses import replace

    from fhirtrial.eligibility.model import Criterion

    def rebuild(item) -> Criterion:
        if item.children:
            return Criterion(
                Kind.COMBINATION,
                combination=item.combination,
                children=tuple(rebuild(c) for c in item.children),
                negated=item.exclude,
                cohort=item.cohort_label,
            )
        if item.criterion is None:  # a text-only member: the residue of a partly read bullet
            return Criterion(Kind.TEXT, source_text=item.description)
        return replace(item.criterion, negated=item.exclude, cohort=None)

    return signature(rebuild(read))
