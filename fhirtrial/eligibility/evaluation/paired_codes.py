"""Codes ICD-10-CM writes beside another: an entry that asks for its companion may be any of them.

ICD-10-CM's notes pair some codes. "Hypertensive heart disease with heart failure" (I11.0) says
"use additional code to identify type of heart failure (I50.-)"; "Resistant hypertension"
(I1A.0) says "code first the specific type of existing hypertension (I10, I15.-)". Problem lists
often keep only one of the pair: an I11.0 without its I50 code may be heart failure with
preserved ejection fraction (I50.3), an essential hypertension I10 may be resistant. A criterion
asking for the companion is then unknown for that patient, never not met — an inclusion would
otherwise hide the study from a patient the text admits. An entry of the companion's category
says which one it is.

Each row: the codes whose note asks for a companion, and the companion's category (the notes as
ICD-10-CM April 2026 writes them, checked by tests/eligibility/test_paired_codes.py).
"""

from __future__ import annotations

from collections.abc import Iterable

_PAIRS: tuple[tuple[tuple[str, ...], str], ...] = (
    # "use additional code to identify type of heart failure (I50.-)"
    (("I09.81", "I11.0", "I13.0", "I13.2"), "I50"),
    # "use additional code to identify (the) stage of chronic kidney disease (N18.-)"
    (("I12.0", "I12.9", "I13.0", "I13.2", "E08.22", "E09.22", "E10.22", "E11.22", "E13.22"), "N18"),
    # I1A.0: "code first specific type of existing hypertension … (I10), (I15.-)"
    (("I10", "I15"), "I1A.0"),
)


def _dotted(code: str) -> str:
    code = code.strip().upper().rstrip("*")
    return f"{code[:3]}.{code[3:]}" if "." not in code and len(code) > 3 else code


def may_be_companion(recorded: Iterable[str], wanted: Iterable[str]) -> bool:
    """Whether the recorded ICD-10-CM codes (one patient's) hold a code whose note asks for a
    companion of the category of one of the ``wanted`` codes, and none of that category."""
    codes = [_dotted(c) for c in recorded]
    targets = [_dotted(w) for w in wanted]
    for askers, category in _PAIRS:
        if not any(t.startswith(category) or category.startswith(t) for t in targets):
            continue
        if any(c.startswith(category) for c in codes):
            continue
        if any(c.startswith(askers) for c in codes):
            return True
    return False
