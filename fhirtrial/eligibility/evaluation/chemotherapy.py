"""What in a record is chemotherapy (`cytotoxic-chemotherapy`) — the safeguards around a class
whose drugs are also given for diseases other than cancer.

Methotrexate (weekly, 7.5–25 mg, for rheumatoid arthritis or psoriasis), cyclophosphamide (lupus
nephritis, vasculitis) and chlorambucil (nephrotic syndrome) are class members, but such a use is
no "chemotherapy" in a protocol's sense. A use of one of them is doubtful — neither counted nor
ruled out — when:
- its reason (MedicationRequest.reasonCode / reasonReference) names no cancer,
- it is methotrexate at a weekly dose (≤ 30 mg a week or no dose), the anti-rheumatic schedule,
- the patient has an autoimmune disease on record and the use gives no cancer reason, or
- the patient has no cancer on record at all.
A doubtful use alone makes prior chemotherapy `unknown`, never met nor not-met. A procedure
recorded as chemotherapy administration (CPT-style "Chemotherapy infusion", also billed for
cyclophosphamide in lupus) is doubtful the same way without a cancer on record; a "personal
history of antineoplastic chemotherapy" (ICD-10-CM Z92.21) or an "encounter for antineoplastic
chemotherapy" (Z51.11) counts as it says. Hydroxyurea and azathioprine are not class members.

Targeted therapy, immunotherapy and endocrine therapy are not chemotherapy; an antibody-drug
conjugate (a cytotoxic payload some protocols count as chemotherapy) or an unclassified
antineoplastic makes the absence of chemotherapy `unknown`.

"Currently receiving chemotherapy": chemotherapy is given in cycles, so a completed administration
up to `BETWEEN_CYCLES_DAYS` ago leaves the answer `unknown` (the patient may be between cycles).
"""

from __future__ import annotations

import re
from datetime import date

from fhirtrial.eligibility.evaluation.context import EvalContext
from fhirtrial.eligibility.evaluation.facts import (
    concepts_of,
    condition_text_concepts,
    drug_names,
)
from fhirtrial.patient.items import MedicationItem
from fhirtrial.patient.values import Concept

CONCEPT = "cytotoxic-chemotherapy"
_MALIGNANCY = "malignant-neoplasm"
# Cytotoxic class members with common non-cancer uses.
DUAL_USE = frozenset({"methotrexate", "cyclophosphamide", "chlorambucil"})
_WEEKLY = re.compile(
    r"\b(?:weekly|once (?:a|per|every) week|every (?:1 )?week|per week|q ?(?:1 ?)?w(?:ee)?k)\b"
    r"|/ ?(?:wk|week)\b",
    re.IGNORECASE,
)
_LOW_WEEKLY_MG = 30.0
# Chemotherapy cycles last 1 to 6 weeks: a course given this recently may still be going on.
BETWEEN_CYCLES_DAYS = 42
# Classes that may count as chemotherapy for some protocols.
MAY_COUNT = ("antibody-drug-conjugate",)
# The "personal history of" / "encounter for" antineoplastic chemotherapy codes.
_EXPLICIT_CODES = frozenset({"Z92.21", "Z51.11"})


def has_cancer(ctx: EvalContext) -> bool:
    key = "chemotherapy:has-cancer"
    found = ctx.facts.memo.get(key)
    if found is None:
        found = bool(ctx.facts.conditions.find(_MALIGNANCY).items)
        ctx.facts.memo[key] = found
    return bool(found)


def _names_cancer(concept: Concept) -> bool:
    found = set(concepts_of(concept))
    for text in (concept.text, *(c.display for c in concept.codings)):
        if text:
            found |= condition_text_concepts(text)
    return _MALIGNANCY in found or any(
        code.upper().startswith("C") for _, code in concept.keys if code
    )


def doubt(use: MedicationItem, ctx: EvalContext) -> str | None:
    """Why a class member's use may not be chemotherapy (None: it counts)."""
    drugs = drug_names(use.medication) | {n for i in use.ingredients for n in drug_names(i)}
    dual = sorted(drugs & DUAL_USE)
    if not dual:
        return None
    drug = dual[0]
    reasons = [r for r in use.reasons if r.text or r.codings]
    if reasons and not any(_names_cancer(r) for r in reasons):
        return f"{drug} given for {reasons[0].label}, not a cancer"
    if drug == "methotrexate" and _weekly_low_dose(use):
        return "methotrexate at a weekly dose (the anti-rheumatic schedule)"
    if not has_cancer(ctx):
        return f"{drug} with no cancer on record"
    if not reasons and ctx.facts.conditions.find("autoimmune-disease").items:
        return f"{drug} in a patient with an autoimmune disease on record and no reason given"
    return None


def _weekly_low_dose(use: MedicationItem) -> bool:
    weekly = (
        bool(use.dosage_text and _WEEKLY.search(use.dosage_text))
        or bool(use.doses_per_day is not None and 0 < use.doses_per_day <= 1 / 7 + 1e-6)
        or bool(_WEEKLY.search(use.medication.label))
    )
    if not weekly:
        return False
    dose = use.dose
    if dose is None or dose.value is None or (dose.unit or "").lower() not in ("mg", "milligram"):
        return True
    return dose.value <= _LOW_WEEKLY_MG


def explicit_code(concept: Concept) -> bool:
    """A "personal history of" / "encounter for" antineoplastic chemotherapy code."""
    return any(code.upper() in _EXPLICIT_CODES for _, code in concept.keys if code)


def recent(day: date | None, as_of: date) -> bool:
    return day is not None and 0 <= (as_of - day).days <= BETWEEN_CYCLES_DAYS
