"""Eligibility compiler throughput and coverage over every criterion of every local record.

Usage: python bench/eligibility_compile.py [--runs 7]

Records: tests/data/ctgov/*.json|ndjson and the two seed pages (tests/data/seeds). Prints the
median criteria/s of the compiler (outline parse + rule compilation) and of the full
EvidenceVariable build, and the share of criteria given a computable definition.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fhirtrial.eligibility.compiler import compile_outline  # noqa: E402
from fhirtrial.eligibility.evidence_variable import build_evidence_variable  # noqa: E402
from fhirtrial.eligibility.outline import parse_outline  # noqa: E402

DATA = ROOT / "tests" / "data"


def load_texts() -> tuple[list[dict], list[str]]:
    studies = []
    for path in sorted((DATA / "ctgov").iterdir()):
        if path.suffix == ".ndjson":
            studies += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        elif path.suffix == ".json":
            studies.append(json.loads(path.read_text()))
    texts = [
        s["protocolSection"].get("eligibilityModule", {}).get("eligibilityCriteria", "")
        for s in studies
    ]
    for page in sorted((DATA / "seeds").glob("*.txt")):
        content = page.read_text(encoding="utf-8")
        start = content.index("Inclusion Criteria:")
        texts.append(content[start : content.index("To learn more about this study", start)])
    return studies, texts


def walk(nodes):
    for node in nodes:
        yield node
        yield from walk(node.children)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    studies, texts = load_texts()
    compiled = [list(walk(compile_outline(parse_outline(text)))) for text in texts]
    nodes = [node for study_nodes in compiled for node in study_nodes]
    computable = [n for n in nodes if n.criterion is not None and n.criterion.computable]
    leaves = [n for n in nodes if not n.children]
    leaf_computable = [n for n in leaves if n.criterion is not None and n.criterion.computable]

    compile_rates, build_rates = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        for text in texts:
            compile_outline(parse_outline(text))
        compile_rates.append(len(nodes) / (time.perf_counter() - started))
        started = time.perf_counter()
        for study in studies:
            nct = study["protocolSection"]["identificationModule"]["nctId"]
            build_evidence_variable(
                study, evidence_variable_id=nct, study_reference=f"ResearchStudy/{nct}"
            )
        ctgov_nodes = sum(len(c) for c in compiled[: len(studies)])
        build_rates.append(ctgov_nodes / (time.perf_counter() - started))

    print(
        f"records: {len(texts)} ({len(studies)} CT.gov records +"
        f" {len(texts) - len(studies)} seed pages)"
    )
    print(f"criteria (outline nodes): {len(nodes)}; leaf criteria: {len(leaves)}")
    print(
        f"computable: {len(computable)}/{len(nodes)} ="
        f" {len(computable) / len(nodes):.1%} of all nodes; "
        f"{len(leaf_computable)}/{len(leaves)} = {len(leaf_computable) / len(leaves):.1%} of leaves"
    )
    print(
        f"compile (outline + rules): median {statistics.median(compile_rates):,.0f} criteria/s "
        f"over {args.runs} runs"
    )
    print(
        f"EvidenceVariable build (CT.gov records): median {statistics.median(build_rates):,.0f} "
        f"criteria/s over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
