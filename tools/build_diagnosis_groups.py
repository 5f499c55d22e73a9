r"""Regenerate the `codings` and `core` of fhirtrial/eligibility/terminology/diagnosis_groups.json.

    python tools/build_diagnosis_groups.py

A group's `extent` is the ICD-10-CM range its name means, as simple-icd-10-cm 1.5.0 (the April
2026 release) names it: a chapter by the range its title gives ("F01-F99"), a block ("I00-I02"),
a category or a subcategory ("Q20", "E89.0"). Its `codings` are those, with the release's titles,
and the SNOMED CT concept of the body system's disorders (`extentSnomed`, "Disorder of nervous
system" 118940003).

Its core is the ICD-10-CM subtrees of `coreIncludes` less the codes of `coreExcludes` below them,
written as the fewest subtrees of the release that cover exactly that (an include with nothing
left out below it is one coding, `F32*`, or the bare code for a leaf; one with something left out
is split into its children, recursively), then the SNOMED CT codings of the hand-made concepts
(conditions.json) named in `snomedFromConcepts` and those listed in `coreSnomed`, so that a
diagnosis coded in SNOMED CT only is in the core too. Checked: every code is the release's, the
core lies inside the extent, and a concept whose SNOMED CT code is copied has all its ICD-10-CM
codes inside the core. The file is rewritten in place.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import simple_icd_10_cm as release

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
FOLDER = Path(__file__).resolve().parent.parent / "fhirtrial" / "eligibility" / "terminology"
PATH = FOLDER / "diagnosis_groups.json"
_CHAPTER_RANGE = re.compile(r"\((?P<range>[A-Z]\w\w-[A-Z]\w\w)\)$")


@cache
def chapter_ranges() -> dict[str, str]:
    """The range each chapter's title ends with ("F01-F99") → the chapter's title."""
    chapters = [c for c in release.get_all_codes(False) if release.is_chapter(c)]
    found = {}
    for chapter in chapters:
        title = release.get_description(chapter)
        match = _CHAPTER_RANGE.search(title)
        if match is not None:
            found[match["range"]] = title
    return found


def extent_display(code: str) -> str:
    """The release's title of an extent code; ValueError for a code the release does not name."""
    chapters = chapter_ranges()
    if code in chapters:
        return chapters[code]
    if not release.is_valid_item(code):
        raise ValueError(f"{code} is neither a chapter range nor a code of the release")
    return release.get_description(code)


def in_extent(code: str, extent: list[str]) -> bool:
    """Whether a code (or a subtree written `C*`) lies inside the extent: a range holds the
    categories between its ends, a code its subtree."""
    bare = code.rstrip("*")
    for element in extent:
        if "-" in element:
            low, high = element.split("-")
            if low <= bare[:3] <= high:
                return True
        elif bare.startswith(element):
            return True
    return False


def _below(code: str, other: str) -> bool:
    return other == code or other.startswith(code)


def covering(code: str, excludes: list[str]) -> list[str]:
    """The fewest codings covering ``code``'s subtree without the ``excludes``."""
    if any(_below(excluded, code) for excluded in excludes):
        return []
    if not any(_below(code, excluded) for excluded in excludes):
        return [f"{code}*" if release.get_children(code) else code]
    found = [] if release.get_children(code) else [code]
    for child in release.get_children(code):
        found += covering(child, excludes)
    return found


def in_core(code: str, core: list[str]) -> bool:
    """Whether a coding (`C*` a subtree) lies inside the core codings."""
    bare = code.rstrip("*")
    return any(
        bare.startswith(c[:-1]) if c.endswith("*") else (bare == c and not code.endswith("*"))
        for c in core
    )


def snomed_codings(names: list[str], core: list[str], extent: list[str]) -> list[dict[str, str]]:
    """The SNOMED CT codings of the named concepts of conditions.json, each checked to have all
    its ICD-10-CM codes of the group's extent inside the core (a code outside the extent, as a
    diabetic's peripheral angiopathy E11.51 beside the arterial disease I70.2, is the same
    diagnosis coded in another chapter: it says nothing of the core)."""
    concepts = json.loads((FOLDER / "conditions.json").read_text(encoding="utf-8"))["concepts"]
    found: list[dict[str, str]] = []
    for name in names:
        codings = concepts[name]["codings"]
        outside = [
            c["code"]
            for c in codings
            if c["system"] == ICD10CM
            and in_extent(c["code"], extent)
            and not in_core(c["code"], core)
        ]
        if outside:
            raise ValueError(f"{name} has ICD-10-CM codes outside the core: {outside}")
        found += [c for c in codings if c["system"] == SNOMED and c not in found]
    return found


def generated(group: dict[str, Any]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """A group's (codings, core)."""
    extent = group["extent"]
    codings = [{"system": ICD10CM, "code": c, "display": extent_display(c)} for c in extent]
    # The SNOMED CT concept of the body system's disorders ("Disorder of nervous system"): the
    # group as a SNOMED CT record or another terminology names it. An entry coded with it alone
    # says no more than the group's name: it is in the periphery.
    codings += [{"system": SNOMED, **coding} for coding in group.get("extentSnomed", [])]
    excludes = group.get("coreExcludes", [])
    for code in [*group["coreIncludes"], *excludes]:
        if not release.is_valid_item(code):
            raise ValueError(f"{code} is not an ICD-10-CM code of the release")
        if not in_extent(code, extent):
            raise ValueError(f"{code} of the core lies outside the extent {extent}")
    found: list[str] = []
    for code in group["coreIncludes"]:
        found += covering(code, excludes)
    core = [
        {"system": ICD10CM, "code": code, "display": release.get_description(code.rstrip("*"))}
        for code in found
    ]
    # SNOMED CT concepts of the core no hand-made concept holds alone ("Essential hypertension"
    # beside the hypertension concept, whose ICD-10-CM codes reach secondary hypertension).
    direct = [{"system": SNOMED, **coding} for coding in group.get("coreSnomed", [])]
    return codings, core + snomed_codings(
        group.get("snomedFromConcepts", []), found, extent
    ) + direct


def main() -> None:
    document = json.loads(PATH.read_text(encoding="utf-8"))
    for group in document["concepts"].values():
        group["codings"], group["core"] = generated(group)
    PATH.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
