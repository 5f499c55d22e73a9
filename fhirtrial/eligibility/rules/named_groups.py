"""Groups of diagnoses named by a phrase of their own rather than an organ and a noun: "chronic
liver disease", "severe (serious) mental illness", "clotting disorder", "thromboembolic disease".

Each is a group of `terminology/diagnosis_groups.json`, decided by a core (`evaluation.
diagnosis_groups`) and read as the other groups are (`rules.diagnosis_groups`: the judgements
before the name are its qualifiers, a name defined by what follows it — "(e.g. chronic hepatitis
B)", "such as" — is left to `rules.example_lists`, a name joined by a slash is not read):

- "chronic liver disease" (CLD): its core is cirrhosis and fibrosis, chronic viral, autoimmune
  and other chronic hepatitis, alcoholic liver disease, nonalcoholic steatohepatitis, chronic
  hepatic failure and primary sclerosing cholangitis; fatty liver, acute and drug-induced liver
  disease, portal hypertension and the inherited diseases that may damage the liver (Wilson,
  hemochromatosis, alpha-1-antitrypsin deficiency) leave it unknown. "Liver disease" alone is
  the hand-made `liver-disease` (K70–K77); "acute", "decompensated" liver disease stay text.
- "severe mental illness", "serious mental illness", "severe and persistent mental illness",
  "severe psychiatric illness / disorder" (SMI): a term of art — the psychoses, bipolar disorder
  and severe depression —, not a mental disorder that is severe. Its core is those diagnoses; any
  other mental disorder leaves it unknown (definitions that count disability call more of them
  serious), so an anxiety disorder never rules a patient out and never fails an inclusion.
- "clotting disorder", "blood clotting disorder / disease": a disorder of coagulation to some
  (haemophilia), a tendency to clot to others ("deep vein thrombosis or clotting disorders",
  "bleeding and clotting disorders"). Its core is the thrombophilias, a clotting disorder in both
  senses; the other coagulation defects, purpura, thrombocytopenias and heparin-induced
  thrombocytopenia leave it unknown. A venous thrombosis is a clot, no disorder of clotting.
- "thromboembolic disease(s) / disorder(s)": its core is venous thromboembolism and arterial
  embolism; an infarction of the heart or the brain (a thromboembolic event to some authors), a
  superficial, portal or intracranial venous thrombosis and a personal history code leave it
  unknown. "Venous thromboembolic disease" is the hand-made `venous-thromboembolism`.
- "chronic viral hepatitis" (NCT03867617 exc-2): its core is ICD-10-CM's B18; an unspecified
  viral hepatitis (B19), an acute hepatitis C (B17.1: it often becomes chronic under its first
  code) and a SNOMED CT "viral hepatitis type B / C" may be chronic and leave it unknown, never
  not met; an acute hepatitis A, B, D or E is none.
- "essential hypertension": primary hypertension, with the organ damage ICD-10-CM codes with it;
  its core is I10–I13 and SNOMED CT "Essential hypertension" (59621000); an entry that does not
  say primary or secondary (SNOMED CT "Hypertensive disorder", a crisis I16, other hypertension
  I1A) leaves it unknown; secondary hypertension I15 is none. Read as I10 alone it failed a
  patient with hypertensive heart disease; read as all hypertension it turned away one with
  secondary hypertension.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.rules.base import Match, has_any
from fhirtrial.eligibility.rules.diagnosis_groups import (
    _DEFINED_AFTER,
    _group,
    _slashed,
    qualifiers_before,
)

CHRONIC_LIVER_DISEASE = "chronic-liver-disease"
SERIOUS_MENTAL_ILLNESS = "serious-mental-illness"
CLOTTING_DISORDER = "clotting-disorder"
THROMBOEMBOLIC_DISEASE = "thromboembolic-disease"
CHRONIC_VIRAL_HEPATITIS = "chronic-viral-hepatitis"
ESSENTIAL_HYPERTENSION = "essential-hypertension"
_NAMES = re.compile(
    r"(?<![\w-])(?:(?P<liver>chronic (?:liver|hepatic) diseases?(?: \(cld\))?)"
    r"|(?P<mental>(?:severe|serious)(?: and (?:persistent|enduring))? (?:mental|psychiatric)"
    r" (?:illness(?:es)?|disorders?|diseases?)(?: \(smi\))?)"
    r"|(?P<clotting>(?:blood )?clotting (?:disorders?|diseases?))"
    r"|(?<!venous )(?P<thromboembolic>thromboembolic (?:disorders?|diseases?))"
    r"|(?P<hepatitis>chronic viral hepatitis)"
    r"|(?P<essential>essential hypertension))(?![\w-])"
)
_TRIGGERS = (
    *("chronic liver", "chronic hepatic", "mental", "psychiatric", "clotting", "thromboemb"),
    *("chronic viral hepatitis", "essential hypertension"),
)
_CONCEPTS = {
    "liver": CHRONIC_LIVER_DISEASE,
    "mental": SERIOUS_MENTAL_ILLNESS,
    "clotting": CLOTTING_DISORDER,
    "thromboembolic": THROMBOEMBOLIC_DISEASE,
    "hepatitis": CHRONIC_VIRAL_HEPATITIS,
    "essential": ESSENTIAL_HYPERTENSION,
}


def find_named_groups(text: str) -> list[Match]:
    if not has_any(text, _TRIGGERS):
        return []
    found: list[Match] = []
    for match in _NAMES.finditer(text):
        if _DEFINED_AFTER.match(text, match.end()) or _slashed(text, match):
            continue
        concept = _CONCEPTS[str(match.lastgroup)]
        start, qualifiers, alternatives = qualifiers_before(text, match.start())
        found.append(Match(_group(concept, qualifiers, alternatives), start, match.end()))
    return found
