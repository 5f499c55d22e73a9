"""The compiled EvidenceVariable of every test record is exactly the stored one.

Guards optimisations of the compiler: any change of output must be deliberate. After an
intended change, rewrite the file with `python -m tests.eligibility.test_compile_golden` and
review the diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fhirtrial.eligibility.evidence_variable import build_evidence_variable
from tests.eligibility.real_data import SEED_IDS, ctgov_records, seed_study

GOLDEN = Path(__file__).parent / "golden" / "evidence_variables.json"


def _compiled() -> dict[str, dict]:
    studies = [*ctgov_records(), *(seed_study(nct) for nct in SEED_IDS)]
    out = {}
    for study in studies:
        nct_id = study["protocolSection"]["identificationModule"]["nctId"]
        out[nct_id] = build_evidence_variable(
            study, evidence_variable_id=nct_id.lower(), study_reference=f"ResearchStudy/{nct_id}"
        )
    return out


def test_every_record_compiles_to_the_stored_evidence_variable() -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    compiled = _compiled()
    assert sorted(compiled) == sorted(expected)
    changed = [nct for nct in expected if compiled[nct] != expected[nct]]
    assert changed == []


if __name__ == "__main__":
    GOLDEN.write_text(
        json.dumps(_compiled(), indent=1, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    sys.stdout.write(f"wrote {GOLDEN}\n")
