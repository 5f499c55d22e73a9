"""Eligibility benchmark: criteria compiled per second, and one patient against one study.

Usage: .venv/bin/python bench/eligibility.py [--runs 7] [--repeat 100]

1. Compile: every criterion of every local record (tests/data/ctgov/*.json|ndjson and the two
   seed pages in tests/data/seeds), outline parse + rule compilation, median criteria/s over
   `--runs` runs (wall clock, and CPU time of this process, which a busy shared VM disturbs
   less).
2. Evaluate: the largest Synthea patient (tests/data/patients/synthea-mcode-breast, ~400
   resources) against the seed study NCT05361174 compiled by `build_evidence_variable`: medians
   of `read_patient_bundle`, of `evaluate_study` alone (record already read, plan cached) and of
   read + evaluate (a `$match` request: a new record each time, so its concept index is built).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fhirtrial.eligibility.compiler import compile_outline  # noqa: E402
from fhirtrial.eligibility.evaluation import evaluate_study  # noqa: E402
from fhirtrial.eligibility.evidence_variable import build_evidence_variable  # noqa: E402
from fhirtrial.eligibility.outline import parse_outline  # noqa: E402
from fhirtrial.patient.record import read_patient_bundle  # noqa: E402

DATA = ROOT / "tests" / "data"
SEED = ROOT / "fhirtrial" / "data" / "seeds" / "NCT05361174.json"
AS_OF = date(2022, 7, 15)


def criteria_texts() -> list[str]:
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
    return texts


def walk(nodes):
    for node in nodes:
        yield node
        yield from walk(node.children)


def bench_compile(runs: int) -> None:
    texts = criteria_texts()
    nodes = [n for text in texts for n in walk(compile_outline(parse_outline(text)))]
    criteria = len(nodes)
    computable = sum(n.criterion is not None and n.criterion.computable for n in nodes)
    leaves = [n for n in nodes if not n.children]
    leaf_computable = sum(n.criterion is not None and n.criterion.computable for n in leaves)
    wall, cpu = [], []
    for _ in range(runs):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        for text in texts:
            compile_outline(parse_outline(text))
        wall.append(criteria / (time.perf_counter() - wall_start))
        cpu.append(criteria / (time.process_time() - cpu_start))
    print(f"compile: {len(texts)} records, {criteria} criteria (outline nodes)")
    print(
        f"  computable  {computable}/{criteria} = {computable / criteria:.1%} of all criteria, "
        f"{leaf_computable}/{len(leaves)} = {leaf_computable / len(leaves):.1%} of leaves"
    )
    print(f"  wall clock  median {statistics.median(wall):8,.0f} criteria/s over {runs} runs")
    print(f"  CPU time    median {statistics.median(cpu):8,.0f} criteria/s over {runs} runs")


def median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm: terminology, plan cache
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def bench_evaluate(repeat: int) -> None:
    bundles = sorted((DATA / "patients" / "synthea-mcode-breast").glob("*.json"))
    bundle = max((json.loads(p.read_text()) for p in bundles), key=lambda b: len(b["entry"]))
    study = build_evidence_variable(
        json.loads(SEED.read_text(encoding="utf-8")),
        evidence_variable_id="nct05361174",
        study_reference="ResearchStudy/nct05361174",
    )
    record = read_patient_bundle(bundle, as_of=AS_OF)

    def read_and_evaluate() -> None:
        fresh = read_patient_bundle(bundle, as_of=AS_OF)
        evaluate_study(study, fresh, as_of=AS_OF)

    print(
        f"evaluate: patient bundle {len(bundle['entry'])} entries, study NCT05361174 "
        f"({len(study['characteristic'])} top-level characteristics), {repeat} repeats"
    )
    read = median_ms(lambda: read_patient_bundle(bundle, as_of=AS_OF), repeat)
    evaluate = median_ms(lambda: evaluate_study(study, record, as_of=AS_OF), repeat)
    both = median_ms(read_and_evaluate, repeat)
    print(f"  read_patient_bundle          median {read:7.3f} ms")
    print(f"  evaluate_study (record read) median {evaluate:7.3f} ms")
    print(f"  read + evaluate (new record) median {both:7.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}")
    bench_compile(max(args.runs, 5))
    bench_evaluate(args.repeat)


if __name__ == "__main__":
    main()
