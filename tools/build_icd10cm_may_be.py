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
    }
    PATH.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
