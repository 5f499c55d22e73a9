"""The packaged ICD-10-CM codes against the official release, and membership by its hierarchy.

`simple-icd-10-cm` (MIT, a test dependency) ships the CDC's April 2026 ICD-10-CM release with its
hierarchy. Every ICD-10-CM code in the terminology must be a code of that release with its
official title, and a code written `C78*` must stand for every code below C78 in the release —
so a site-specific metastasis code ("C78.01 Secondary malignant neoplasm of right lung") is a
metastasis because the release says it is below C78, not because somebody listed it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.resources import files

import pytest
import simple_icd_10_cm as release

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.model import Criterion, Kind
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of

# The chapter of malignant neoplasms (C00–C96) has no code of its own in the release.
_CHAPTER_PREFIXES = {"C"}


def _icd_codings(*fields: str) -> Iterator[tuple[str, str, str]]:
    """(concept id, code, display) of every ICD-10-CM coding of these fields in the terminology."""
    folder = files("fhirtrial.eligibility.terminology")
    for entry in folder.iterdir():
        if not entry.name.endswith(".json"):
            continue
        document = json.loads(entry.read_text(encoding="utf-8"))
        for concept_id, concept in document.get("concepts", {}).items():
            for coding in (c for field in fields for c in concept.get(field, ())):
                if coding.get("system") == ICD:
                    yield concept_id, coding["code"], coding.get("display", "")


CODINGS = sorted(set(_icd_codings("codings", "members")))
# The core of a group of diagnoses (diagnosis_groups.json) decides it apart from the code index.
CORE_CODINGS = sorted(set(_icd_codings("core")))
# A chapter is named by the range its title ends with ("F01-F99"): the release has no such code.
_CHAPTERS = {
    release.get_description(c)[-8:-1]: release.get_description(c)
    for c in release.get_all_codes(False)
    if release.is_chapter(c)
}


def test_the_terminology_has_icd10cm_codes() -> None:
    assert len(CODINGS) >= 40


@pytest.mark.parametrize(("concept_id", "code", "title"), CODINGS + CORE_CODINGS)
def test_every_icd10cm_code_is_in_the_release_with_its_title(concept_id, code, title) -> None:
    stem = code.rstrip("*")
    if stem in _CHAPTER_PREFIXES:
        return
    if stem in _CHAPTERS:
        assert title == _CHAPTERS[stem], f"{concept_id}: {code}"
        return
    assert release.is_valid_item(stem), f"{concept_id}: {code} is not an ICD-10-CM code"
    assert title == release.get_description(stem), f"{concept_id}: {code}"


@pytest.mark.parametrize(
    ("concept_id", "code"),
    sorted({(c, code) for c, code, _ in CODINGS if code.endswith("*") and code != "C*"}),
)
def test_a_class_code_stands_for_its_whole_subtree(concept_id, code) -> None:
    stem = code.rstrip("*")
    subtree = [stem, *release.get_descendants(stem)]
    missed = [d for d in subtree if concept_id not in terminology.concepts_for(ICD, d)]
    assert not missed, f"{code} does not reach {concept_id} for {missed[:5]}"
    # Written without the dot, as some exports send them, they are the same codes.
    assert concept_id in terminology.concepts_for(ICD, subtree[-1].replace(".", ""))


def test_every_secondary_neoplasm_of_the_release_is_metastatic_disease() -> None:
    """C77–C79 and C7B, whatever the site: the hierarchy decides, not a hand-picked list."""
    secondary = [
        code
        for block in ("C77", "C78", "C79", "C7B")
        for code in (block, *release.get_descendants(block))
    ]
    assert len(secondary) > 60
    for code in secondary:
        assert "metastatic-disease" in terminology.concepts_for(ICD, code), code
    for primary in ("C34.90", "C50.911", "C43.9", "C61"):
        assert "metastatic-disease" not in terminology.concepts_for(ICD, primary), primary


RECEPTOR_CODES = [
    # (code, marker, status it states) — read from the release's titles below.
    ("Z17.0", "er", "positive"),
    ("Z17.1", "er", "negative"),
    ("Z17.21", "pr", "positive"),
    ("Z17.22", "pr", "negative"),
    ("Z17.31", "her2", "positive"),
    ("Z17.32", "her2", "negative"),
    ("Z17.410", "her2", "positive"),
    ("Z17.411", "her2", "negative"),
    ("Z17.420", "her2", "positive"),
    ("Z17.421", "her2", "negative"),
    ("Z17.420", "er", "negative"),
    ("Z17.421", "pr", "negative"),
]


@pytest.mark.parametrize(("code", "marker", "status"), RECEPTOR_CODES)
def test_receptor_status_codes_decide_receptor_criteria(code, marker, status) -> None:
    """A breast cancer recorded with its receptor-status code (FY2025+ codes included): the
    status decides a receptor criterion both ways."""
    title = release.get_description(code)
    assert title, code
    people = record(
        patient(),
        condition("Breast cancer", (ICD, "C50.911", "Malignant neoplasm of right female breast")),
        condition(title, (ICD, code.replace(".", ""), title)),
    )
    opposite = "negative" if status == "positive" else "positive"
    same = Criterion(Kind.BIOMARKER, concept=marker, value_concept=status)
    other = Criterion(Kind.BIOMARKER, concept=marker, value_concept=opposite)
    assert result_of(same, people) == "met"
    assert result_of(other, people) == "not-met"


def test_hormone_receptor_positive_says_nothing_about_er_or_pr_alone() -> None:
    """Z17.41- means ER and/or PR positive: neither receptor alone is decided by it."""
    title = release.get_description("Z17.411")
    people = record(
        patient(),
        condition("Breast cancer", (ICD, "C50.911", "Malignant neoplasm of right female breast")),
        condition(title, (ICD, "Z17.411", title)),
    )
    for marker in ("er", "pr"):
        wanted = Criterion(Kind.BIOMARKER, concept=marker, value_concept="negative")
        assert result_of(wanted, people) == "unknown", marker
