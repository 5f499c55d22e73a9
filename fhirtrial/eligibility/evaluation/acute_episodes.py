"""Acute episodes named by their diagnosis: an intestinal obstruction, an ileus, a delirium, a
COPD exacerbation.

A problem list leaves such an entry "active" long after the episode ended ("Small bowel
obstruction" of 2019, "Delirium" of 2020, "COPD exacerbation" of 2019), as it does an infection's.
Read as a lasting diagnosis, the open entry met "Bowel obstruction" and "COPD exacerbation in the
last 3 weeks" and ruled the patient out (session 14 exclusion audit). An episode concept is read
as the acute infections are (`diagnoses._ACUTE`): an open entry older than 90 days does not say
the episode goes on (`unknown`); and a window asks when it began, as for a myocardial infarction
(`evaluation.events`).

A concept is an episode when it is a set of ICD-10-CM codes (`icd10cm:K56.1+K56.2+…`) every one
of which names an episode: intestinal obstruction and ileus (K56, postprocedural K91.3,
transitory ileus of newborn P76.1, meconium ileus in cystic fibrosis E84.11), delirium (F05, and
the intoxication and withdrawal deliria of the substance categories F1x.x21 / F1x.x31 but
nicotine's F17, whose F17.221 is a dependence on chewing tobacco in remission), an exacerbation
of COPD (J44.1). Each is the set the
development texts name ("Bowel obstruction", "patients with intestinal obstruction", "Ileus",
"Delirium", "COPD exacerbation"); a set holding a lasting code ("megacolon" K59.3 with
Hirschsprung's disease Q43.1) is not an episode.

Unstable angina (I20.0, the named concept `unstable-angina`) is an acute coronary syndrome: its
entry stays open years after the admission it was coded for, and a bare "unstable angina" in an
exclusion list means angina unstable now (NCT03927989 exc-4, NCT03864276 exc-2, NCT03863158
exc-5, NCT03867266 exc-10, NCT03868917 exc-8, NCT03928860 exc-2; second exclusion audit).

An entry can be an episode whatever the criterion names: an acute viral hepatitis (A B15, B B16,
C B17.1, E B17.2, other or unspecified B17.8 / B17.9) resolves in most adults, and its entry stays
open on the problem list, so "Chronic hepatitis B", "Known hepatitis B" or "Active hepatitis C"
were met by an acute hepatitis B of 2012 (`acute_entry`). Such an entry open for more than the
acute days leaves the criterion `unknown`; a "history of" criterion still counts it. An acute
delta infection of a hepatitis B carrier (B17.0) is no episode: the carrier state goes on.
"""

from __future__ import annotations

import re
from functools import cache

from fhirtrial.eligibility.terminology import ICD10CM_SYSTEM, icd_set_codes
from fhirtrial.patient.items import ConditionItem

_EPISODE = re.compile(r"K56|K91\.3|P76\.1|E84\.11|F05|F1[0-689]\.\d[23]1|J44\.1")
# Named concepts that are episodes.
_NAMED_EPISODES = frozenset({"unstable-angina"})


@cache
def is_acute_episode(concept: str) -> bool:
    """Whether every code of the ICD-10-CM set ``concept`` names an acute episode, or the named
    concept is one."""
    if concept in _NAMED_EPISODES:
        return True
    codes = icd_set_codes(concept)
    return bool(codes) and all(_EPISODE.match(code) for code in codes)


_ACUTE_HEPATITIS = re.compile(r"B15|B16|B17\.(?:1|2|8|9)")


def acute_entry(item: ConditionItem) -> bool:
    """Whether a condition entry's ICD-10-CM codes (one at least) all name an acute viral
    hepatitis: an episode, whatever concept the criterion reading it names."""
    codes = [c.code for c in item.code.codings if c.system == ICD10CM_SYSTEM and c.code]
    return bool(codes) and all(_ACUTE_HEPATITIS.match(code.upper()) for code in codes)
