"""How fast medspaCy's clinical pipeline reads criteria bullets (docs/adr/0007).

medspaCy is not a dependency: run this in a venv of its own, from the repository root, after
writing the bullets with the project's venv:

    .venv/bin/python bench/medspacy_compare.py --write-bullets /tmp/bullets.json
    python3 -m venv /tmp/msvenv && /tmp/msvenv/bin/pip install medspacy==1.3.1 loguru
    /tmp/msvenv/bin/python bench/medspacy_compare.py --read-bullets /tmp/bullets.json

It prints bullets/s (median of the runs) of `medspacy.load()` (PyRuSH sentences, a target
matcher with a few condition names, ConText) over the bullets of the first 80 development texts,
and the targets ConText marked negated, historical, hypothetical or family. Compare with
`bench/eligibility.py` (the whole compiler).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

_TARGETS = (
    *("hiv", "hepatitis b", "hepatitis c", "heart failure", "myocardial infarction", "stroke"),
    *("diabetes", "pregnancy", "brain metastases", "seizures", "epilepsy", "pneumonitis"),
    *("interstitial lung disease", "tuberculosis", "cirrhosis"),
)


def write_bullets(path: Path, studies: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from fhirtrial.eligibility.outline import parse_outline
    from tests.eligibility.corpus import development_texts

    texts = [
        node.text
        for row in development_texts()[:studies]
        for node in parse_outline(row["eligibilityCriteria"]).walk()
    ]
    path.write_text(json.dumps(texts), encoding="utf-8")
    print(f"{len(texts)} bullets written to {path}")


def read_bullets(path: Path, runs: int) -> None:
    import medspacy  # type: ignore[import-not-found]
    from loguru import logger  # type: ignore[import-not-found]
    from medspacy.ner import TargetRule  # type: ignore[import-not-found]

    logger.remove()  # PyRuSH logs every sentence at DEBUG
    texts = json.loads(path.read_text(encoding="utf-8"))
    nlp = medspacy.load()
    nlp.get_pipe("medspacy_target_matcher").add([TargetRule(t, "PROBLEM") for t in _TARGETS])
    timings, docs = [], []
    for _ in range(runs):
        start = time.perf_counter()
        docs = list(nlp.pipe(texts))
        timings.append(time.perf_counter() - start)
    print(f"{nlp.pipe_names}: {len(texts) / statistics.median(timings):.0f} bullets/s")
    for doc in docs:
        for ent in doc.ents:
            marks = [
                name
                for name in ("is_negated", "is_historical", "is_hypothetical", "is_family")
                if getattr(ent._, name)
            ]
            if marks:
                print(f"{ent.text!r} {marks} in {doc.text[:90]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-bullets", type=Path)
    parser.add_argument("--read-bullets", type=Path)
    parser.add_argument("--studies", type=int, default=80)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.write_bullets:
        write_bullets(args.write_bullets, args.studies)
    if args.read_bullets:
        read_bullets(args.read_bullets, args.runs)


if __name__ == "__main__":
    main()
