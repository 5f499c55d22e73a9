"""Draw the frozen held-out sample of real eligibility texts (issue 13).

    python -m tools.draw_heldout /path/to/eligibility-texts.ndjson

Shuffles the corpus with a fixed seed and takes whole studies, in that order, until their bullets
(every outline node, as `parse_outline` splits them on the day of drawing) reach `MIN_BULLETS`.
Writes `tests/eligibility/heldout/texts.ndjson` (the studies' full texts) and `bullets.json` (one
entry per bullet, to be labelled). Run once; the written files are the sample from then on —
rules are never written from them, and later parser changes do not redraw it.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from fhirtrial.eligibility.outline import OutlineNode, parse_outline

SEED = 20261203
MIN_BULLETS = 420
HELDOUT = Path(__file__).resolve().parent.parent / "tests" / "eligibility" / "heldout"


def _bullets(nct_id: str, nodes: list[OutlineNode], parent: str | None) -> list[dict]:
    out = []
    for node in nodes:
        out.append(
            {
                "nctId": nct_id,
                "linkId": node.link_id,
                "parent": parent,
                "section": node.section,
                "text": node.text,
            }
        )
        out.extend(_bullets(nct_id, node.children, node.link_id))
    return out


def draw(corpus: Path) -> tuple[list[dict], list[dict]]:
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line]
    order = list(range(len(rows)))
    random.Random(SEED).shuffle(order)
    studies: list[dict] = []
    bullets: list[dict] = []
    for index in order:
        row = rows[index]
        outline = parse_outline(row["eligibilityCriteria"])
        studies.append(row)
        bullets += _bullets(row["nctId"], [*outline.inclusion, *outline.exclusion], None)
        if len(bullets) >= MIN_BULLETS:
            break
    return studies, bullets


def main(argv: list[str]) -> None:
    studies, bullets = draw(Path(argv[0]))
    HELDOUT.mkdir(parents=True, exist_ok=True)
    (HELDOUT / "texts.ndjson").write_text(
        "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in studies), encoding="utf-8"
    )
    (HELDOUT / "bullets.json").write_text(
        json.dumps(bullets, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(studies)} studies, {len(bullets)} bullets → {HELDOUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
