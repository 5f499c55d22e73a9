r"""Regenerate fhirtrial/eligibility/terminology/icd10cm_may_be.json.

    python tools/build_icd10cm_may_be.py

A common name of `icd10cm_common_names.json` holds only codes that are wholly the named diagnosis.
ICD-10-CM files some kinds of a diagnosis under a code of another heading that is wider than
the name, saying so only in an inclusion term: "primary progressive aphasia" under G31.01
Pick's disease, "sciatica due to intervertebral disc disorder" under M51.1 (disc disorders with
radiculopathy), "lupus panniculitis" under L93.2, "atypical autism" under F84.9. Such a code
cannot join the set (a patient coded with it may not have the diagnosis), but a patient coded
with it may: an inclusion naming the diagnosis must not call him ineligible (fifteenth session
audit: "aphasia, as determined by the Aachen Aphasia Test", "Diagnosed with sciatica by GP").
For each name below this table lists the codes of the release whose inclusion terms (never the
title alone) name a kind of it, outside the set's subtrees; the evaluator reads an entry coded
under one of them as one that may be the diagnosis (`unknown`, never `met` nor `not-met`).

Only names a development inclusion bullet compiles to (listed with one example each); checked
against the release simple-icd-10-cm ships.

A second part (`ELSEWHERE`) lists, per concept a development bullet compiles to, codes a sweep
of the release's titles found outside the concept's codes that may or may not be it: a kind of
pregnancy the concept does not say (gestational or unspecified maternal hypertension, gestational
or unspecified diabetes in pregnancy), a postprocedural kind that may be transient, an
unspecified pre-existing diabetes for a typed one, a combination code whose companion code says
the stage (D63.1, O10.2), a "personal history of" code (the entry's words already meet a history
criterion; the code alone may be it), a kind whose neuropathy is unspecified. Codes that are
wholly the diagnosis ("Pre-existing type 2 diabetes mellitus, in pregnancy" O24.1) are in the
concept's own codes (`conditions.json`); the rest of the sweep (O99.3- "Diseases of the nervous
system complicating pregnancy" for epilepsy, D03 melanoma in situ) is not the diagnosis.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import simple_icd_10_cm as release

ROOT = Path(__file__).resolve().parent.parent
TERMINOLOGY = ROOT / "fhirtrial" / "eligibility" / "terminology"
PATH = TERMINOLOGY / "icd10cm_may_be.json"

# name -> a development inclusion bullet compiled to its set (nctId linkId)
NAMES = {
    "aphasia": "NCT03930121 inc-3",
    "sciatica": "NCT03924791 inc-1",
    "panniculitis": "NCT03936829 inc-2",
    "autism": "NCT03860389 inc-1",
    "neurocognitive disorder": "NCT03931148 inc-2",
}

# A common name whose set is titled "not specified as traumatic": ICD-10-CM files the traumatic
# kind in the injury chapter under a strain or injury of the same structure, wider than the
# name (a strain need not be a tear) -> (development example, the injury codes). Sixteenth
# session audit: "With diagnosis of rotator cuff tear" failed a patient coded S46.011A.
TRAUMATIC = {
    "rotator cuff tear": ("NCT03792594 inc-1", ["S46.01"]),
}


# A common name whose codes' Excludes1 notes send kinds of it to a wider code of another
# heading (the note names them, not an inclusion term there) -> (development example, those
# codes). Fifteenth session review: "Sciatica" failed a patient coded M51.16 (sciatica due to a
# disc disorder) or M51.361 (disc degeneration with leg pain only); "LBP of any duration" one
# coded M51.360 (discogenic back pain); lumbago from a displaced lumbar disc is M51.26 / M51.27
# and a low back strain S39.012. Those codes also hold what is no such pain (a thoracic
# radiculopathy, a displacement without lumbago): may be, never is.
_LOW_BACK = ["M51.360", "M51.370", "M51.362", "M51.372", "M51.26", "M51.27", "S39.012"]
EXCLUDED_ELSEWHERE = {
    "sciatica": ("NCT03924791 inc-1", ["M51.1", "M51.361", "M51.371", "M51.362", "M51.372"]),
    "low back pain": ("NCT03798288 inc-2", _LOW_BACK),
    "back pain": ("NCT03798288 inc-2", _LOW_BACK),
}


# concept id -> (a development bullet compiled to it (nctId linkId), codes of the release)
ELSEWHERE: dict[str, tuple[str, tuple[str, ...]]] = {
    "hypertension": ("NCT03793881 inc-1", ("O13", "O16", "I97.3")),
    "icd10cm:I15": ("NCT03868384 exc-1", ("O10.4",)),
    "diabetes-mellitus": ("NCT03860246 inc-1.5", ("O24.4", "O24.9")),
    "diabetes-type-1": ("NCT03794934 inc-1", ("O24.3", "O24.9")),
    "diabetes-type-2": ("NCT03793855 inc-1", ("O24.3", "O24.9")),
    "chronic-kidney-disease": ("NCT03920176 inc-3.8", ("D63.1", "O10.2", "O10.3")),
    "kidney-disease": ("NCT03869424 exc-11", ("D63.1", "O10.2", "O10.3", "O26.83")),
    # "Postprocedural (acute) (chronic) kidney failure": its companion code says which (N17,
    # or N18 whose stages 1-4 and unspecified stage are no renal failure here)
    "kidney-failure": ("NCT03921736 exc-6", ("N99.0",)),
    "hbv": ("NCT03867643 exc-10", ("O98.4",)),
    "hcv": ("NCT03864796 exc-1.2", ("O98.4",)),
    "stroke": ("NCT03863678 inc-1", ("Z86.73",)),
    "transient-ischemic-attack": ("NCT03937934 inc-2.3", ("Z86.73",)),
    "pulmonary-embolism": ("NCT03861156 exc-6", ("Z86.711",)),
    "tuberculosis": ("NCT03929991 exc-1.9", ("Z86.11",)),
    "peripheral-neuropathy": (
        "NCT03922412 exc-11",
        ("E08.40", "E09.40", "E10.40", "E11.40", "E13.40"),
    ),
    # wholly glaucoma, but a title's concept is its code's subtree: not widened here
    "icd10cm:H40": ("NCT03798145 inc-1", ("H42", "B73.02")),
    # wholly an obstruction, but a common name's concept id is its code list: not widened here
    "icd10cm:K56.1+K56.2+K56.3+K56.5+K56.6+K91.3": (
        "NCT03868228 exc-5",
        (
            *("K50.012", "K50.112", "K50.812", "K50.912", "K51.012", "K51.212", "K51.312"),
            *("K51.412", "K51.512", "K51.812", "K51.912"),
        ),
    ),
    # substance-induced or due to a physiological condition: the mental-disorder groups read
    # F01-F19 apart (periphery), and a "psychotic disorder" bullet may mean a primary one
    "psychotic-disorder": (
        "NCT03796936 exc-2",
        (
            *("F06.0", "F06.2", "F10.15", "F10.25", "F10.95", "F11.15", "F11.25", "F11.95"),
            *("F12.15", "F12.25", "F12.95", "F13.15", "F13.25", "F13.95", "F14.15", "F14.25"),
            *("F14.95", "F15.15", "F15.25", "F15.95", "F16.15", "F16.25", "F16.95", "F18.15"),
            *("F18.25", "F18.95", "F19.15", "F19.25", "F19.95"),
        ),
    ),
    # "personal history of" codes: a record of the past diagnosis, read as past when its words
    # name it; coded without the words it may be the one asked for
    "breast-cancer": ("NCT03797248 inc-2", ("Z85.3",)),
    "prostate-cancer": ("NCT03861676 inc-1", ("Z85.46",)),
    "ovarian-cancer": ("NCT03798132 inc-1", ("Z85.43",)),
    "rectal-cancer": ("NCT03799939 inc-2", ("Z85.04",)),
    "melanoma": ("NCT03927742 inc-2", ("Z85.820",)),
    "lymphoma": ("NCT03930043 inc-1", ("Z85.71", "Z85.72")),
    "esophageal-cancer": ("NCT03798951 inc-2", ("Z85.01",)),
    "leukemia": ("NCT03799224 inc-1", ("Z85.6",)),
    "cervical-cancer": ("NCT03939663 exc-7", ("Z85.41",)),
    "brain-cancer": ("NCT03867760 exc-5", ("Z85.841",)),
    "bladder-cancer": ("NCT03862105 inc-2", ("Z85.51",)),
    "pneumonia": ("NCT03793192 inc-4.4", ("Z87.01",)),
    "icd10cm:N04": ("NCT03869554 exc-2.1", ("Z87.441",)),
    "icd10cm:I46": ("NCT03865693 exc-1", ("Z86.74",)),
    "traumatic-brain-injury": ("NCT03863379 inc-1.2", ("Z87.820",)),
    "rheumatoid-arthritis": ("NCT03863405 inc-1", ("M08.0", "M08.2")),
}


def _elsewhere() -> dict[str, object]:
    table: dict[str, object] = {}
    for concept, (example, codes) in ELSEWHERE.items():
        for code in codes:
            if not release.is_valid_item(code):
                raise SystemExit(f"{code} ({concept}) is not in the release")
        table[concept] = {
            "concept": concept,
            "codes": {code: release.get_description(code) for code in codes},
            "developmentExample": example,
        }
    return table


def _under(code: str, heads: list[str]) -> bool:
    return any(code == head or release.is_descendant(code, head) for head in heads)


def main() -> None:
    common = json.loads((TERMINOLOGY / "icd10cm_common_names.json").read_text())["names"]
    codes = [c for c in release.get_all_codes(with_dots=True) if not release.is_chapter_or_block(c)]
    table: dict[str, object] = {}
    for name, example in NAMES.items():
        heads = list(common[name]["codes"])
        pattern = re.compile(rf"\b{re.escape(name)}\b(?!-like)", re.IGNORECASE)
        found: dict[str, str] = {}
        for code in codes:
            if _under(code, heads) or _under(code, list(found)):
                continue
            terms = [t for t in release.get_inclusion_term(code) if pattern.search(t)]
            if terms:
                found[code] = f"{release.get_description(code)} (includes: {terms[0]})"
        table[name] = {
            "concept": "icd10cm:" + "+".join(heads),
            "codes": found,
            "developmentExample": example,
        }
    for name, (example, injuries) in TRAUMATIC.items():
        heads = list(common[name]["codes"])
        assert all("not specified as traumatic" in release.get_description(h) for h in heads)
        table[name] = {
            "concept": "icd10cm:" + "+".join(heads),
            "codes": {
                code: f"{release.get_description(code)} (the traumatic kind of "
                f"{release.get_description(heads[0])})"
                for code in injuries
            },
            "developmentExample": example,
        }
    for name, (example, elsewhere) in EXCLUDED_ELSEWHERE.items():
        heads = list(common[name]["codes"])
        notes = " ".join(n for h in heads for n in release.get_excludes1(h))
        entry = table.setdefault(
            name,
            {"concept": "icd10cm:" + "+".join(heads), "codes": {}, "developmentExample": example},
        )
        assert isinstance(entry, dict)
        for code in elsewhere:
            # Each code, or the category it lies under, is named by an Excludes1 note of the set.
            assert re.search(rf"\({re.escape(code)}|\({re.escape(code[:5])}-\)", notes), code
            assert not _under(code, heads)
            entry["codes"].setdefault(
                code, f"{release.get_description(code)} (an Excludes1 note of {'/'.join(heads)})"
            )
    document = {
        "source": "ICD-10-CM inclusion terms, as simple-icd-10-cm ships the release",
        "selection": (
            "Codes outside a common name's set whose inclusion terms name a kind of it, that "
            "file its traumatic kind when the set is 'not specified as traumatic', or that its "
            "Excludes1 notes send a kind of it to: an "
            "entry coded there may be the diagnosis (unknown). Built by "
            "tools/build_icd10cm_may_be.py (never edited by hand)."
        ),
        "names": table,
        "elsewhere": _elsewhere(),
    }
    PATH.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
