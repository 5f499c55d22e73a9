r"""Regenerate the table of unspecified ICD-10-CM entries from the ICD-10-CM release.

    python tools/build_icd10cm_unspecified.py \
        > fhirtrial/eligibility/terminology/icd10cm_unspecified.json

EHRs often code a diagnosis no more precisely than its family: "Unspecified osteoarthritis,
unspecified site" (M19.90) for a patient whose knees are the problem, "Dorsalgia, unspecified"
(M54.9) for low back pain. Such an entry may be the specific diagnosis a criterion names in
another category of the same ICD-10-CM block (knee osteoarthritis M17, block M15–M19), so it
must leave that criterion unknown, never not met (`evaluation.unspecified_codes`).

The table holds, from the CDC's release shipped by the test dependency `simple-icd-10-cm`
(1.5.0: the April 2026 release): the block of every category (three-character code), and the
codes whose title leaves the diagnosis itself unspecified — it opens with "Unspecified", ends
with ", unspecified", or says "unspecified site" / "site unspecified" (the parenthesized
nonessential modifiers aside) — the ".9" member of a residual category ("Other and unspecified
osteoarthritis" M19, "Other cardiac arrhythmias" I49, "Complications and ill-defined
descriptions of heart disease" I51), whose entries may be any diagnosis of the block. An
unspecified code of a category that names one disease ("Unspecified asthma, uncomplicated",
J45.909) is that disease: it may be another of its own category only, which the evaluator
already reads from the code itself. Titles that leave only a side or a body part unspecified
("Unilateral primary osteoarthritis, unspecified knee") say which diagnosis it is, and so does
an unspecified code under a named subcategory ("Endometrial hyperplasia, unspecified" N85.00,
under N85.0). Neoplasms (C00–D49) are left out: cancers have their own rule for less specific
entries (`evaluation.cancers`); so are injuries, external causes and status codes (S–Z).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import simple_icd_10_cm as release

VERSION = "1.5.0"
_LEFT_OUT = re.compile(r"^(?:C|D[0-4]|[S-Z])")
_MODIFIERS = re.compile(r"\s*\([^)]*\)|\s*\[[^\]]*\]")
_RESIDUAL = re.compile(
    r"^(?:other|unspecified)\b|\bill-defined\b|not elsewhere classified", re.IGNORECASE
)
_DISEASE_UNSPECIFIED = re.compile(
    r"^unspecified\b|, unspecified$|\bunspecified site\b|\bsite unspecified\b", re.IGNORECASE
)


def build() -> dict[str, Any]:
    blocks: dict[str, str] = {}
    unspecified: list[str] = []
    for code in release.get_all_codes(with_dots=True):
        if release.is_block(code):
            for child in release.get_children(code):
                if release.is_category(child):
                    blocks[child] = code
            continue
        if not release.is_category_or_subcategory(code) or _LEFT_OUT.match(code):
            continue
        if not code.startswith(f"{code[:3]}.9") and code != code[:3]:
            continue
        title = _MODIFIERS.sub("", release.get_description(code)).strip()
        category = release.get_description(code[:3])
        if _DISEASE_UNSPECIFIED.search(title) and _RESIDUAL.search(category):
            unspecified.append(code)
    return {
        "source": "ICD-10-CM (CDC/NCHS), via the simple-icd-10-cm package",
        "version": f"April 2026 release (simple-icd-10-cm {VERSION})",
        "licence": "public domain (US government work)",
        "selection": (
            "the block of every category; codes of the '.9' subcategory (or a category without "
            "subcategories) outside neoplasms, injuries and status codes whose title leaves the "
            "diagnosis unspecified (opens with 'Unspecified', ends with ', unspecified', or "
            "says 'unspecified site' / 'site unspecified', nonessential modifiers aside) in a "
            "residual category (its title opens with 'Other' or 'Unspecified', or says "
            "'ill-defined' or 'not elsewhere classified')"
        ),
        "blocks": dict(sorted(blocks.items())),
        "unspecified": sorted(unspecified),
    }


def table_json(table: dict[str, Any]) -> str:
    return json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n"


if __name__ == "__main__":
    sys.stdout.write(table_json(build()))
