r"""Regenerate fhirtrial/eligibility/terminology/icd10cm_titles.json from the ICD-10-CM release.

    python tools/build_icd10cm_titles.py > fhirtrial/eligibility/terminology/icd10cm_titles.json

Reads the CDC's ICD-10-CM release shipped by the test dependency `simple-icd-10-cm` (1.5.0: the
April 2026 release) and keeps the titles that read as the name of a diagnosis in a criterion
("Multiple sclerosis" G35, "Glaucoma" H40, "Sleep apnea" G47.3), each with its code: a criterion
naming the title means the code's whole subtree (`rules.icd_titles`).

Kept: categories and subcategories (no 7th-character extensions) of the disease chapters, and
of the symptoms a problem list codes and criteria name as diagnoses ("nausea" R11, "dysuria"
R30.0, "motion sickness" T75.3, "angioneurotic edema" T78.3). Left out:

- neoplasms (C00–D49): cancers have their own concepts, with other-malignancy semantics;
- pregnancy (O00–O9A): its diagnoses have their own concepts and rules (`rules.obstetric`,
  `terminology/obstetric.json`: a diagnosis only an earlier pregnancy may have had);
- injuries by body region (S00–T34), poisonings and adverse effects (T36–T65), complications
  of care (T79–T88), external causes (V00–Y99) and factors influencing health status
  (Z00–Z99): events, procedures and statuses other finders read, not diagnoses a criterion
  names as such;
- what a measurement or a test finds, in the symptom chapter (heart rate R00, murmurs R01,
  blood pressure R03, hypoxemia R09.0, jaundice R17, occult blood R19.5, NIHSS R29.7,
  hematuria R31, coma scales R40.2, fever R50, growth R62, weight and appetite R63, SIRS R65,
  abnormal findings R70–R99) and elsewhere (pancytopenia D61.81, neutropenia D70,
  eosinophilia D72.1 and white cell counts D72.8, thrombocytosis D75.83, obesity and
  overweight E66, calcium and magnesium E83.4–E83.5, volume depletion E86, electrolytes and
  acid-base E87): a criterion naming them asks for the value, which labs read; among the
  effects of external causes, hypothermia T68 (a temperature), asphyxiation T71 and abuse
  T74, T76 (events, confirmed or suspected); "Illness, unspecified" R69;
- titles that are residual or compound classes rather than names: with "other",
  "unspecified", a comma, "due to", "with", "without", "in diseases classified elsewhere",
  "not elsewhere classified" in its name — the title without the parenthesized nonessential
  modifiers and bracketed synonyms ("Obstructive sleep apnea (adult) (pediatric)" names
  obstructive sleep apnea) — or a parenthesis or bracket left inside a word;
- a title given to several codes that are not one subtree (it would not say which); titles
  are compared as criteria are read (`terminology.title_key`: "Parkinson's" = "Parkinson");
- a symptom's title of one common word ("Heartburn", "Flushing", "Worries"), or whose name
  other codes also carry ("Headache" R51 beside tension-type headache G44.2, "Dysphagia"
  R13.1 beside dysphagia following cerebral infarction I69.391): a symptom names its subtree
  only when nothing else in ICD-10-CM bears its name.

The `heads` of the table are the diagnoses ICD-10-CM names only as the head of titles split by
a qualifier ("Conductive hearing loss, bilateral", "Bilateral inguinal hernia, with gangrene",
"Disorder of pituitary gland, unspecified"), each with the set of codes it is
(tools/icd10cm_heads.py).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import simple_icd_10_cm as release

from fhirtrial.eligibility.terminology import title_name
from tools import icd10cm_heads

VERSION = "1.5.0"
_LEFT_OUT_CHAPTER = re.compile(r"^(?:C|D[0-4]|O|R|[S-Y]|Z)")
# The symptoms and effects of external causes kept, and what a measurement finds among them
# (see above).
_SYMPTOM = re.compile(r"^(?:R|T6[679]|T7[02358])")
_MEASURED_SYMPTOM = re.compile(
    r"^(?:R0[013]|R09\.0|R17|R19\.5|R29\.7|R31|R40\.2|R50|R6[2359]|R[789])"
)
# States a measurement defines (blood counts, electrolytes, acid-base, volume, body mass):
# criteria naming them ask for the value ("neutropenia", "hypokalemia", "overweight"), which a
# diagnosis code records only now and then, so its absence would say little.
_MEASURED = re.compile(r"^(?:D61\.81|D70|D72\.1$|D72\.8|D75\.83|E66|E83\.[45]|E86|E87)")
# Titles whose name criteria (and the ICD-10-CM Alphabetic Index) use for more than the code:
# L93 "Lupus erythematosus" is the cutaneous kinds only, while "lupus erythematosus" in a
# criterion is the disease with its systemic form M32 (the common name reads it as both); F32
# "Depressive episode" is the single episode only, while a criterion's "depressive episode" is
# also one of a recurrent disorder F33 (read alone, an inclusion failed every F33 patient).
_NAME_WIDER_THAN_CODE = frozenset({"L93", "F32"})
_NOT_A_NAME = re.compile(
    r"\bother\b|\bunspecified\b|,|\bdue to\b|\bwith\b|\bwithout\b|classified elsewhere"
    r"|[\[\]()]",
    re.IGNORECASE,
)


def kept(code: str) -> bool:
    """Whether a code's chapter and kind are the table's (a category or subcategory)."""
    if _SYMPTOM.match(code):
        return not _MEASURED_SYMPTOM.match(code)
    return not _LEFT_OUT_CHAPTER.match(code) and not _MEASURED.match(code)


def _names_a_symptom(code: str, name: str) -> bool:
    """Whether a symptom's title is the name criteria give it: one word only when it ends like
    a diagnosis ("dysuria", not "heartburn", "flushing"), and no code outside its subtree of that
    name ("Headache" R51: tension-type headache G44.2 is a headache too)."""
    if " " not in name and not icd10cm_heads.is_diagnosis_word(name):
        return False
    return icd10cm_heads.names_only(code)


def build() -> dict[str, Any]:
    by_title: dict[str, list[str]] = {}
    for code in release.get_all_codes(with_dots=True):
        if not release.is_category_or_subcategory(code) or release.is_extended_subcategory(code):
            continue
        if not kept(code) or code in _NAME_WIDER_THAN_CODE:
            continue
        name = title_name(release.get_description(code))
        if _NOT_A_NAME.search(name):
            continue
        if _SYMPTOM.match(code) and not _names_a_symptom(code, name):
            continue
        by_title.setdefault(name, []).append(code)
    titles: dict[str, str] = {}
    for codes in by_title.values():
        top = min(codes, key=len)
        if all(code.startswith(top) for code in codes):
            titles[top] = release.get_description(top)
    return {
        "source": "ICD-10-CM, CDC/NCHS April 2026 release, as shipped by simple-icd-10-cm "
        f"{VERSION} (tools/build_icd10cm_titles.py)",
        "version": "2026-04",
        "licence": "ICD-10-CM is a US government work in the public domain",
        "selection": "categories and subcategories of the disease chapters and of the symptoms "
        "a problem list codes as diagnoses, R00-R69 and the effects of external causes "
        "T66-T78; left out: neoplasms C00-D49 (cancer concepts), pregnancy O (obstetric "
        "concepts), injuries, poisonings and complications of care S00-T34, T36-T65, T79-T88, "
        "external causes V-Y and Z codes (events, procedures and statuses), what a measurement "
        "or a test finds, which labs read (R00, R01, R03, R09.0, R17, R19.5, R29.7, R31, "
        "R40.2, R50, R62, R63, R65, R70-R99, D61.81, D70, D72.1, D72.8, D75.83, E66, "
        "E83.4-5, E86, E87), hypothermia T68, asphyxiation T71, abuse T74, T76, 'Illness, "
        "unspecified' R69 and L93 'Lupus erythematosus' (cutaneous only; the name also means "
        "systemic lupus M32, read as a common name) and F32 'Depressive episode' (a single "
        "episode; the name also means an episode of recurrent F33, read as a common name); "
        "titles: those whose name - the title "
        "without its parenthesized "
        "nonessential modifiers and bracketed synonyms - has no 'other', 'unspecified', comma, "
        "'due to', 'with', 'without' or 'classified elsewhere', each for its code's whole "
        "subtree; a symptom's title only when it is no common word and no code outside its "
        "subtree has that name (R51 'Headache': G44.2 is tension-type headache); heads: the "
        "diagnoses ICD-10-CM names only as the head of titles split by a qualifier "
        "('Conductive hearing loss, bilateral'), each for the set of codes it is, written "
        "'K40.0+K40.1+K40.2' where it is not all of one code's subtree "
        "(tools/icd10cm_heads.py)",
        "titles": dict(sorted(titles.items())),
        "heads": icd10cm_heads.heads(
            kept, frozenset(title_name(title) for title in titles.values())
        ),
    }


def table_json(table: dict[str, Any]) -> str:
    """The table as the package holds it: one code a line."""
    head = {key: value for key, value in table.items() if key not in ("titles", "heads")}
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
    sections = [
        f"  {json.dumps(section)}: {{\n"
        + ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in table[section].items())
        + "\n  }"
        for section in ("titles", "heads")
    ]
    return "{\n" + "\n".join(lines) + "\n" + ",\n".join(sections) + "\n}\n"


if __name__ == "__main__":
    sys.stdout.write(table_json(build()))
