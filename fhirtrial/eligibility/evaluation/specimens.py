"""Results of a specimen other than blood, named by their words.

Laboratories name local result codes by analyte and specimen ("Creatinine, Urine", "Glucose,
CSF", "Albumin, pleural fluid"). The analyte's words alone would read such a result as the
serum value a criterion asks for, and a urine creatinine of 120 mg/dL would fail "serum
creatinine <= 1.5 mg/dL". A text that names another specimen keeps only the concepts measured
in such specimens (urine protein/creatinine ratio, measured creatinine clearance, urine hCG).
LOINC-coded results are read by their code (the code names the specimen) and never come here.
"""

from __future__ import annotations

import re
from functools import cache

from fhirtrial.eligibility import terminology

_OTHER_SPECIMEN = re.compile(
    r"\b(?:urine|urinary|ua|u/a|csf|cerebrospinal|spinal fluid|pleural|peritoneal|ascit\w*"
    r"|synovial|pericardial|body fluid|fluid|stool|fecal|faecal|feces|faeces|dialysate"
    r"|drain|sputum|bal|bronchoalveolar|saliva|semen|24[- ]?(?:hr|hour|h)\b)",
    re.IGNORECASE,
)
# Concepts measured outside the blood whose names do not say so.
_MEASURED_IN_URINE = frozenset({"creatinine-clearance"})


def names_other_specimen(text: str) -> bool:
    return bool(_OTHER_SPECIMEN.search(text))


def of_other_specimen(concepts: frozenset[str]) -> frozenset[str]:
    """The concepts a result of another specimen may be: those measured in one."""
    return frozenset(c for c in concepts if c in _specimen_concepts())


@cache
def _specimen_concepts() -> frozenset[str]:
    found = set(_MEASURED_IN_URINE)
    for concept in terminology.terminology().concepts.values():
        if concept.value_set != "observations":
            continue
        names = (
            concept.display or "",
            *concept.synonyms,
            *(m.display or "" for m in concept.members),
        )
        if any(_OTHER_SPECIMEN.search(name) for name in names):
            found.add(concept.id)
    return frozenset(found)
