"""Benchmark: read a ~400-resource patient bundle, and evaluate it against compiled studies.

Usage: .venv/bin/python bench/eligibility_evaluate.py [--repeat 200]

Studies: (1) all criteria of the labelled set (tests/eligibility/cases, one characteristic per
file, 19 criteria covering every kind the seeds use); (2) every study in
tests/data/ctgov/*.json|ndjson compiled by `build_evidence_variable`. Target (issue #4): one
patient against one compiled study in ≤ 2 ms (median), the bundle read once per request.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "eligibility"))

from evaluation_case_helpers import CASE_FILES, raw_characteristic, to_characteristic  # noqa: E402

from fhirtrial.eligibility.evaluation import evaluate_study  # noqa: E402
from fhirtrial.eligibility.evidence_variable import build_evidence_variable  # noqa: E402
from fhirtrial.resources.patient_record import read_patient_bundle  # noqa: E402

AS_OF = date(2022, 7, 15)


def median_ms(action, repeat: int) -> float:
    action()  # warm caches (plan, terminology, patient facts)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def labelled_study() -> dict:
    characteristics = []
    for path in CASE_FILES:
        content = json.loads(path.read_text(encoding="utf-8"))
        if "criterion" in content:
            characteristics.append(to_characteristic(content["criterion"]))
        else:
            characteristics.append(raw_characteristic(content["characteristic"]))
    return {"resourceType": "EvidenceVariable", "id": "labelled", "characteristic": characteristics}


def ctgov_studies() -> list[dict]:
    studies = [json.loads((ROOT / "tests/data/ctgov/NCT02513394.json").read_text())]
    with (ROOT / "tests/data/ctgov/breast-cancer-studies.ndjson").open() as lines:
        studies += [json.loads(line) for line in lines if line.strip()]
    return [
        build_evidence_variable(
            s, evidence_variable_id=f"s{i}", study_reference=f"ResearchStudy/s{i}"
        )
        for i, s in enumerate(studies)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    bundles = sorted((ROOT / "tests/data/patients/synthea-mcode-breast").glob("*.json"))
    bundle = max((json.loads(p.read_text()) for p in bundles), key=lambda b: len(b["entry"]))
    print(f"patient bundle: {len(bundle['entry'])} entries; python {sys.version.split()[0]}")

    read_ms = median_ms(lambda: read_patient_bundle(bundle, as_of=AS_OF), args.repeat)
    print(f"read_patient_bundle           median {read_ms:6.3f} ms")
    record = read_patient_bundle(bundle, as_of=AS_OF)

    study = labelled_study()
    count = len(study["characteristic"])
    ms = median_ms(lambda: evaluate_study(study, record, as_of=AS_OF), args.repeat)
    print(f"evaluate_study, labelled set ({count} criteria)   median {ms:6.3f} ms")

    per_study = []
    studies = ctgov_studies()
    for evidence_variable in studies:
        per_study.append(
            median_ms(lambda ev=evidence_variable: evaluate_study(ev, record, as_of=AS_OF), 20)
        )
    print(
        f"evaluate_study, {len(studies)} compiled CT.gov studies: median of medians "
        f"{statistics.median(per_study):6.3f} ms, worst {max(per_study):6.3f} ms"
    )
    fresh = read_patient_bundle(bundle, as_of=AS_OF)  # new record: patient facts not cached
    start = time.perf_counter()
    evaluate_study(study, fresh, as_of=AS_OF)
    print(
        f"first evaluation of a new record (builds its concept index): "
        f"{(time.perf_counter() - start) * 1000:6.3f} ms"
    )


if __name__ == "__main__":
    main()
