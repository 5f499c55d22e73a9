"""Words right next to a diagnosis that say which of its patients are meant (issue 13, session 14).

The gap reader takes "treatment", "treated", "therapy", "test", "testing", "at", "diagnosis" as
filler: they are, around a finding ("prior treatment with …", "negative test results for HIV",
"COPD confirmed by a pulmonary function test", "age at diagnosis"). Right next to a diagnosis they
narrow it, and read as the bare diagnosis an exclusion would turn away patients it does not name:

- before it, a treatment: "Treated hypertension", "Treatment of asthma", "History of treated
  lymphoma" (an untreated patient has the diagnosis and is not meant);
- before or after it, a test with no result: "HIV testing", "Testing for hepatitis B" (a test is
  no diagnosis; "positive HIV test", "negative test results for …" say the result and are
  read). "Status" is not one of them: ICD-10-CM names states so ("Solid organ transplant
  status");
- after it, a treatment: "Hypertension under treatment", "Depression treatment" (at the end of
  the bullet);
- after it, a score: "Depression score" (a measure, not the diagnosis);
- after it, a moment: "Diabetic ketoacidosis at diagnosis", "Hypertension at the time of
  diagnosis" (present then, which a problem list does not date).

Such a bullet is not read in full; the partial readers keep the diagnosis with a TEXT residue
where they can (`rules.partial`). Found by the metamorphic probe of this session
(tests/eligibility/test_narrowing_never_vanishes.py).
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.rules.base import has_any
from fhirtrial.eligibility.rules.treated_diagnoses import treated_for

_TOKEN = re.compile(r"[a-z0-9]+")
_TREATMENT_WORDS = frozenset({"treatment", "treatments", "therapy", "therapies", "treated"})
_TEST_WORDS = frozenset({"test", "tests", "testing", "tested"})
_SCORE_WORDS = frozenset({"score", "scores"})
# The words that give a test's result: then the test is the evidence of the diagnosis.
_RESULT = re.compile(
    r"\b(?:positive|negative|positivity|reactive|seropositive|seronegative|results?|confirmed"
    r"|proven|documented)\b"
)
_AT_DIAGNOSIS = re.compile(r"^\W*at (?:the )?(?:time of )?(?:initial |first )?diagnosis\b")


def narrows_before(gap: str, text: str) -> bool:
    """Whether the words right before a diagnosis say it is a treated one ("Treated asthma") or
    what a test with no result looks for ("Testing for HIV"). "Treatment for seizure
    disorders" is read whole and narrowed by `treated_diagnoses`."""
    if not has_any(gap, ("treat", "therap", "test")):
        return False
    tokens = _TOKEN.findall(gap)
    if not _TREATMENT_WORDS.isdisjoint(tokens) and not treated_for(f" {gap} "):
        return True
    return bool(tokens) and tokens[-1] in ("for", "of") and _tested(tokens[-2:-1], text)


def narrows_after(gap: str, text: str) -> bool:
    """Whether the words right after a diagnosis say more of it: a test with no result ("HIV
    testing"), a moment ("… at diagnosis")."""
    if not has_any(gap, ("test", "score", "diagnosis")):
        return False
    tokens = _TOKEN.findall(gap)
    if _tested(tokens[:1], text) or (tokens and tokens[0] in _SCORE_WORDS):
        return True
    return _AT_DIAGNOSIS.search(gap) is not None


def treated_after(tail: str) -> bool:
    """Whether the words after a bullet's last diagnosis name its treatment: "Hypertension under
    treatment" ("under" is "<" once normalized), "Depression treatment", "Epilepsy on therapy".
    Between two findings the gap reader weighs such words itself."""
    return has_any(tail, ("treat", "therap")) and not _TREATMENT_WORDS.isdisjoint(
        _TOKEN.findall(tail)
    )


def _tested(words: list[str], text: str) -> bool:
    return bool(words) and words[0] in _TEST_WORDS and _RESULT.search(text) is None
