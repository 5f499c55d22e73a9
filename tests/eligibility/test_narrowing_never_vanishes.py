"""A word that narrows a diagnosis never vanishes from its reading (issue 13, session 14).

"Hypertension under treatment" once compiled to the bare `condition:hypertension`: "under"
normalizes to "<" and "treatment" is a filler word, so as an exclusion it turned away every
untreated hypertensive patient — a wrong "ineligible". A metamorphic probe wrapped common
diagnoses in the narrowing frames real criteria use (what treats it, when or where it happened,
whose it is, how sure or how bad it is) and compared each reading with the bare diagnosis's; this
test keeps every frame it checked honest. For each diagnosis and frame, in an exclusion and in an
inclusion, through `compile_text` (an exclusion through a whole outline too; the session's probe
checked both lists both ways), the narrowed bullet must not compile to the bare diagnosis's form
(qualifiers, window and count included), nor to an any-of holding that form as an alternative.
It may stay text, keep a TEXT residue (all-of(diagnosis, TEXT)), gain a qualifier, a window or
another concept. An exclusion for a subgroup named last ("Hypertension in patients with
asthma") needs the subgroup: all-of, not the inclusion's any-of(NOT asthma, hypertension).

Expectation, written from the clinical text before running the code: every frame below names
fewer patients than the bare diagnosis (or other ones), so its reading is never the bare one.
Frames fixed in this session (they were the bare diagnosis before): "treated X", "history of
treated X", "treatment / therapy of X", "X therapy or Y", "X test(ing)", "test(ing) for X",
"X score", "X at diagnosis", "X since childhood" / "since birth" (`rules.diagnosis_neighbours`,
`rules.partial._BECAUSE`).
"""

from __future__ import annotations

from functools import cache

import pytest

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.outline import parse_outline
from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of
from tests.eligibility.full_form import full_form
from tests.eligibility.signature import signature

# Common diagnoses the compiler reads as a bare concept (development leaves such as "Diagnosed
# with depression", "Clinical diagnosis of hypertension", "Known hepatitis B").
DIAGNOSES = (
    *("hypertension", "diabetes", "type 2 diabetes", "asthma", "epilepsy", "depression"),
    *("heart failure", "HIV", "hepatitis B", "hepatitis C", "stroke", "lymphoma"),
    *("breast cancer", "COPD", "atrial fibrillation", "myocardial infarction"),
    *("chronic kidney disease", "liver cirrhosis", "tuberculosis", "rheumatoid arthritis"),
    *("multiple sclerosis", "Parkinson's disease", "dementia", "schizophrenia"),
    *("bipolar disorder", "obesity", "osteoporosis", "hypothyroidism", "Crohn's disease"),
    *("psoriasis", "migraine", "coronary artery disease", "pulmonary embolism", "glaucoma"),
    *("lung cancer", "prostate cancer", "celiac disease", "sleep apnea", "cardiomyopathy"),
    *("liver disease", "psychiatric illness"),
)

FIXED_FRAMES = (
    *("treated {X}", "Treated {X}", "history of treated {X}", "previously treated {X}"),
    *("treatment of {X}", "therapy of {X}", "{X} therapy or epilepsy", "{X} testing or epilepsy"),
    *("{X} test", "{X} testing", "testing for {X}", "test for {X}", "{X} score"),
    *("{X} at diagnosis", "{X} since childhood", "{X} since birth"),
)
SAFE_FRAMES = (
    # After the diagnosis: what treats it, its course, when, where, whose.
    *("{X} under treatment", "{X} in remission", "{X} requiring hospitalisation"),
    *("{X} not controlled by medication", "{X} diagnosed in childhood", "{X} with complications"),
    *("{X} of the left eye", "{X}, unless stable", "{X} except mild", "{X} in the past 5 years"),
    *("{X} secondary to medication", "{X} due to medication", "{X} after surgery"),
    *("{X} at screening", "{X} during pregnancy", "{X} in a first-degree relative"),
    *("{X} on medication", "{X} on treatment", "{X} requiring treatment", "{X} therapy"),
    *("{X} treatment", "{X} medication", "{X} vaccination", "{X} carrier", "{X} risk"),
    *("{X} symptoms", "{X} prevention", "{X} (resolved)", "{X} (treated)", "{X} (mild)"),
    *("{X} at the time of diagnosis", "{X} at presentation", "{X} at onset"),
    *("{X} treatment naive",),
    # Before it: whose, how sure, how bad, what course, what is done for it.
    *("family history of {X}", "suspected {X}", "risk of {X}", "resolved {X}"),
    *("childhood {X}", "untreated {X}", "drug-induced {X}", "mild {X}", "{X}-like"),
    *("post-{X}", "non-{X}", "pre-{X}", "controlled {X}", "well-controlled {X}", "stable {X}"),
    *("borderline {X}", "symptoms of {X}", "screening for {X}", "medication for {X}"),
    *("exposure to {X}", "contact with {X}", "mother with {X}", "maternal {X}"),
    *("self-reported {X}", "recovered from {X}", "cured {X}", "inactive {X}"),
    *("complications of {X}", "survivors of {X}", "atypical {X}", "hospitalization for {X}"),
    *("death from {X}", "new-onset {X}", "refractory {X}", "diet-controlled {X}"),
    *("insulin-treated {X}", "adequately treated {X}", "investigation of {X}"),
)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


@cache
def _forms(text: str, exclusion: bool) -> tuple[str, ...]:
    """The reading of a bullet alone, and for an exclusion (where a vanished word turns
    patients away) as the only bullet of an outline too."""
    alone = full_form(compile_text(text, exclusion=exclusion, partial=True))
    if not exclusion:
        return (alone,)
    nodes = compile_outline(parse_outline(f"Exclusion Criteria:\n\n* {text}"))
    return alone, full_form(nodes[0].criterion if nodes else None)


def _bare_or_wider(narrowed: str, bare: str) -> bool:
    if narrowed == bare:
        return True
    if not narrowed.startswith("any-of["):
        return False
    body = narrowed[narrowed.index("(") + 1 : -1]
    return any(member == bare for member in _members(body))


def _members(body: str) -> list[str]:
    members, depth, start = [], 0, 0
    for index, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0 and body[index + 1 : index + 2] == " ":
            members.append(body[start:index].strip())
            start = index + 1
    members.append(body[start:].strip())
    return members


@pytest.mark.parametrize("diagnosis", DIAGNOSES)
def test_the_bare_diagnosis_is_read(diagnosis: str) -> None:
    """The probe means something only if the bare diagnosis is read."""
    for exclusion in (True, False):
        assert "text" not in _forms(_capitalized(diagnosis), exclusion)


@pytest.mark.parametrize("frame", FIXED_FRAMES + SAFE_FRAMES)
def test_a_narrowing_frame_never_reads_as_the_bare_diagnosis(frame: str) -> None:
    vanished = []
    for diagnosis in DIAGNOSES:
        text = _capitalized(frame.format(X=diagnosis))
        for exclusion in (True, False):
            bare = _forms(_capitalized(diagnosis), exclusion)
            narrowed = _forms(text, exclusion)
            for path, form, bare_form in zip(("alone", "outline"), narrowed, bare, strict=False):
                if _bare_or_wider(form, bare_form):
                    section = "exclusion" if exclusion else "inclusion"
                    vanished.append(f"{text} ({section}, {path}): {form}")
    assert vanished == []


def test_the_check_sees_a_vanished_word() -> None:
    """The comparison flags the bare form and an any-of holding it, not a narrower reading."""
    bare = "condition:hypertension:::None..NoneNone:{}:<>"
    assert _bare_or_wider(bare, bare)
    assert _bare_or_wider(f"any-of[]({bare}, text)", bare)
    assert not _bare_or_wider(f"all-of[]({bare}, text)", bare)
    assert not _bare_or_wider("text", bare)


HYPERTENSION = condition("Hypertension", (ICD, "I10", "Essential (primary) hypertension"))


@pytest.mark.parametrize(
    "text", ["Treated hypertension", "Treatment of hypertension", "Hypertension testing"]
)
def test_an_untreated_hypertensive_patient_is_not_excluded(text: str) -> None:
    """Nothing on his record says he is treated or tested: the exclusion is not met outright."""
    criterion = compile_text(text, exclusion=True, partial=True)
    untreated = record(patient(), HYPERTENSION)
    assert criterion is None or result_of(criterion, untreated, excluding=True) != "met"


ASTHMA = condition("Asthma", (ICD, "J45.909", "Unspecified asthma, uncomplicated"))
DIABETES = condition("Type 2 diabetes", (ICD, "E11.9", "Type 2 diabetes mellitus without comp"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hypertension in patients with asthma",
            "all-of(condition:asthma, condition:hypertension)",
        ),
        (
            "HbA1c > 10% in patients with diabetes",
            "all-of(condition:diabetes-mellitus, lab:hba1c:>10%)",
        ),
        # Whether the subgroup is the whole list's or the last item's is not said.
        ("Hypertension and asthma in those with diabetes", None),
    ],
)
def test_an_exclusion_for_a_subgroup_named_last_needs_the_subgroup(
    text: str, expected: str | None
) -> None:
    """The subgroup narrows the exclusion: it was any-of(NOT asthma, hypertension), met by every
    patient without asthma on record."""
    assert signature(compile_text(text, exclusion=True, partial=True)) == expected


def test_a_patient_without_the_subgroup_is_not_excluded() -> None:
    criterion = compile_text("Hypertension in patients with asthma", exclusion=True, partial=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), DIABETES), excluding=True) == "not-met"
    assert result_of(criterion, record(patient(), HYPERTENSION), excluding=True) == "not-met"
    both = record(patient(), HYPERTENSION, ASTHMA)
    assert result_of(criterion, both, excluding=True) == "met"
