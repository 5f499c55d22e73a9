"""Groups of diagnoses (diagnosis_groups.json): whether an ICD-10-CM code lies in a group's core
or meets its extent.

A group's extent is written as ICD-10-CM ranges of categories ("F01-F99", "I00-I02") and codes
("Q20", "E89.0", each its subtree); its core as codes, `C*` standing for a subtree.
"""

from __future__ import annotations

from functools import cache

from fhirtrial.eligibility import terminology


def is_group(concept_id: str) -> bool:
    return _is_group(concept_id)


@cache
def _is_group(concept_id: str) -> bool:
    try:
        return terminology.concept(concept_id).value_set == terminology.DIAGNOSIS_GROUPS
    except KeyError:
        return False


@cache
def groups() -> tuple[str, ...]:
    """Every group of the terminology."""
    return tuple(c for c in terminology.terminology().concepts if _is_group(c))


@cache
def _extent(group: str) -> tuple[str, ...]:
    codings = terminology.concept(group).codings
    return tuple(c.code for c in codings if c.system == terminology.ICD10CM_SYSTEM)


@cache
def _core(group: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """(bare codes, subtree stems) of the group's ICD-10-CM core."""
    core = terminology.concept(group).core
    icd = [c.code for c in core if c.system == terminology.ICD10CM_SYSTEM]
    return (
        frozenset(c for c in icd if not c.endswith("*")),
        tuple(c[:-1] for c in icd if c.endswith("*")),
    )


@cache
def extent_codes(group: str, system: str) -> frozenset[str]:
    """The group's extent codes of a code system other than ICD-10-CM (SNOMED CT: the body
    system's disorder concept, exact codes)."""
    return frozenset(c.code for c in terminology.concept(group).codings if c.system == system)


@cache
def core_codes(group: str, system: str) -> frozenset[str]:
    """The group's core codes of a code system other than ICD-10-CM (SNOMED CT: exact codes)."""
    return frozenset(c.code for c in terminology.concept(group).core if c.system == system)


def in_core(group: str, code: str) -> bool:
    """Whether a dotted ICD-10-CM code (a subtree when written `C*`) lies inside the core."""
    bare, stems = _core(group)
    stem = code.rstrip("*")
    if any(stem.startswith(s) for s in stems):
        return True
    return not code.endswith("*") and stem in bare


def meets_extent(group: str, code: str) -> bool:
    """Whether a dotted ICD-10-CM code (a subtree when written `C*`) shares a code with the
    group's extent."""
    stem = code.rstrip("*")
    for element in _extent(group):
        if "-" in element:
            low, high = element.split("-")
            if low <= stem[:3] <= high:
                return True
        elif stem.startswith(element) or (code.endswith("*") and element.startswith(stem)):
            return True
    return False
