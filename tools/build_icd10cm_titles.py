r"""Regenerate fhirtrial/eligibility/terminology/icd10cm_titles.json from the ICD-10-CM release.

    python tools/build_icd10cm_titles.py > fhirtrial/eligibility/terminology/icd10cm_titles.json

Reads the CDC's ICD-10-CM release shipped by the test dependency `simple-icd-10-cm` (1.5.0: the
April 2026 release) and keeps the titles that read as the name of a diagnosis in a criterion
("Multiple sclerosis" G35, "Glaucoma" H40, "Sleep apnea" G47.3), each with its code: a criterion
naming the title means the code's whole subtree (`rules.icd_titles`).

Kept: categories and subcategories (no 7th-character extensions) of the disease chapters.
Left out:

- neoplasms (C00–D49): cancers have their own concepts, with other-malignancy semantics;
- pregnancy (O00–O9A), symptoms and findings (R00–R99), injuries and external causes (S00–Y99)
  and factors influencing health status (Z00–Z99): not diagnoses a criterion names as such;
- states a measurement defines (pancytopenia D61.81, neutropenia D70, eosinophilia D72.1 and
  white cell counts D72.8, thrombocytosis D75.83, obesity and overweight E66, calcium and
  magnesium E83.4–E83.5, volume depletion E86, electrolytes and acid-base E87): a criterion
  naming them asks for the value;
- titles that are residual or compound classes rather than names: with "other",
  "unspecified", a comma, "due to", "with", "without", "in diseases classified elsewhere",
  "not elsewhere classified" in its name — the title without the parenthesized nonessential
  modifiers and bracketed synonyms ("Obstructive sleep apnea (adult) (pediatric)" names
  obstructive sleep apnea) — or a parenthesis or bracket left inside a word;
- a title given to several codes that are not one subtree (it would not say which); titles
  are compared as criteria are read (`terminology.title_key`: "Parkinson's" = "Parkinson").
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import simple_icd_10_cm as release

from fhirtrial.eligibility.terminology import title_name

VERSION = "1.5.0"
_LEFT_OUT_CHAPTER = re.compile(r"^(?:C|D[0-4]|O|R|[S-Y]|Z)")
# States a measurement defines (blood counts, electrolytes, acid-base, volume, body mass):
# criteria naming them ask for the value ("neutropenia", "hypokalemia", "overweight"), which a
# diagnosis code records only now and then, so its absence would say little.
_MEASURED = re.compile(r"^(?:D61\.81|D70|D72\.1$|D72\.8|D75\.83|E66|E83\.[45]|E86|E87)")
_NOT_A_NAME = re.compile(
    r"\bother\b|\bunspecified\b|,|\bdue to\b|\bwith\b|\bwithout\b|classified elsewhere"
    r"|[\[\]()]",
    re.IGNORECASE,
)


def build() -> dict[str, Any]:
    by_title: dict[str, list[str]] = {}
    for code in release.get_all_codes(with_dots=True):
        if not release.is_category_or_subcategory(code) or release.is_extended_subcategory(code):
            continue
        if _LEFT_OUT_CHAPTER.match(code) or _MEASURED.match(code):
            continue
        name = title_name(release.get_description(code))
        if _NOT_A_NAME.search(name):
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
        "selection": "categories and subcategories of the disease chapters (neoplasms C00-D49, "
        "pregnancy O, symptoms R, injuries and external causes S-Y, Z codes and states a "
        "measurement defines - D61.81, D70, D72.1, D72.8, D75.83, E66, E83.4-5, E86, E87 - "
        "left out) whose name - the title without its parenthesized nonessential modifiers and "
        "bracketed synonyms - has no 'other', 'unspecified', comma, 'due to', 'with', 'without' "
        "or 'classified elsewhere'; a title stands for its code's whole subtree",
        "titles": dict(sorted(titles.items())),
    }


def table_json(table: dict[str, Any]) -> str:
    """The table as the package holds it: one code a line."""
    head = {key: value for key, value in table.items() if key != "titles"}
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
    rows = [
        f"    {json.dumps(code)}: {json.dumps(title)}" for code, title in table["titles"].items()
    ]
    return "{\n" + "\n".join(lines) + '\n  "titles": {\n' + ",\n".join(rows) + "\n  }\n}\n"


if __name__ == "__main__":
    sys.stdout.write(table_json(build()))
