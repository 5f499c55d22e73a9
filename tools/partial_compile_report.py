"""List the inclusion bullets compiled to their necessary parts (`rules.partial`) on a corpus.

    python tools/partial_compile_report.py [CORPUS.ndjson] [--sample N] [--seed S] [--all]

CORPUS: one JSON object a line with `nctId` and `eligibilityCriteria`, or CT.gov API v2 study
records (default: the shared corpus of real eligibility texts). Prints the number of bullets
read in part, then (a random sample of) them: the text and the parts, so that a reviewer can
check each part is truly necessary and its polarity right. `--all` prints every computable
bullet with its parts (for a before/after diff of the whole compiler).
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

from fhirtrial.eligibility.compiler import compile_outline
from fhirtrial.eligibility.model import CompiledNode, Criterion, Kind
from fhirtrial.eligibility.outline import parse_outline

# The shared data directory sits next to the checkout (../shared), or next to its worktrees.
_CANDIDATES = [
    parent / "shared" / "data" / "criteria" / "eligibility-texts.ndjson"
    for parent in Path(__file__).resolve().parents[1:4]
]
DEFAULT_CORPUS = next((p for p in _CANDIDATES if p.exists()), _CANDIDATES[0])


def describe(criterion: Criterion) -> str:
    if criterion.kind is Kind.TEXT:
        return "TEXT"
    if criterion.kind is Kind.COMBINATION:
        inner = ", ".join(describe(c) for c in criterion.children)
        out = f"{criterion.combination}({inner})"
    else:
        out = ":".join(
            str(p) for p in (criterion.kind.value, criterion.concept, criterion.value_concept) if p
        )
        if criterion.qualifiers:
            out += "[" + ",".join(criterion.qualifiers) + "]"
    return ("NOT " if criterion.negated else "") + out


def _walk(nodes: list[CompiledNode]) -> Iterator[CompiledNode]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def rows(corpus: Path) -> Iterator[dict[str, object]]:
    for line in corpus.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        if "protocolSection" in record:  # a CT.gov API v2 study record
            protocol = record["protocolSection"]
            record = {
                "nctId": protocol["identificationModule"]["nctId"],
                "eligibilityCriteria": protocol.get("eligibilityModule", {}).get(
                    "eligibilityCriteria"
                ),
            }
        nodes = compile_outline(parse_outline(record.get("eligibilityCriteria") or ""))
        for node in _walk(nodes):
            criterion = node.criterion
            if criterion is None or not criterion.computable:
                continue
            partial = criterion.kind is Kind.COMBINATION and any(
                c.kind is Kind.TEXT for c in criterion.children
            )
            yield {
                "nct": record.get("nctId"),
                "link": node.link_id,
                "text": node.text,
                "parts": describe(criterion),
                "partial": partial,
            }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sample", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--all", action="store_true")
    args = parser.parse_args()
    found = list(rows(args.corpus))
    if args.all:
        for row in found:
            print(json.dumps(row, ensure_ascii=False))
        return
    partial = [row for row in found if row["partial"]]
    print(f"bullets read in part: {len(partial)} (computable bullets: {len(found)})")
    shown = partial
    if args.sample and args.sample < len(partial):
        shown = random.Random(args.seed).sample(partial, args.sample)
    for row in shown:
        print(f"\n{row['nct']} {row['link']}: {row['text']}\n  => {row['parts']}")


if __name__ == "__main__":
    main()
