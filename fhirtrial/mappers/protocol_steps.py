"""Finding an ordered treatment sequence in free text (e.g. an adoptive cell therapy).

CT.gov has no structured field for "first resect a tumour, then manufacture the cells, then
lymphodeplete, then infuse, then give IL-2": the sequence lives in the intervention, arm or
detailed description. Each step kind below has a fixed place in that workflow, so the order is
taken from the workflow, not from the sentence order ("After lymphodepleting chemotherapy,
participants are infused ..." names the steps in order, but many texts do not).

A sequence is reported only when the text speaks of a cell product (autologous cells, TIL, CAR-T,
ex vivo culture) and names a manufacturing step plus at least two other steps: "resection",
"infusion" or "IL-2" alone appear in countless ordinary drug trials.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_STEPS = 3


@dataclass(frozen=True)
class StepKind:
    key: str
    title: str
    rank: int
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class ProtocolStep:
    key: str
    title: str
    sentence: str
    agents: tuple[str, ...] = ()


def _pattern(expression: str) -> re.Pattern[str]:
    return re.compile(expression, re.IGNORECASE)


STEP_KINDS: tuple[StepKind, ...] = (
    StepKind(
        "tumor-resection",
        "Tumour resection",
        1,
        _pattern(r"\bresect(?:ed|ion)\b|\bsurgical(?:ly)? (?:removed|removal|harvest\w*)"),
    ),
    StepKind("leukapheresis", "Leukapheresis", 1, _pattern(r"\b(?:leuk)?apheres[ie]s\b")),
    StepKind(
        "manufacture",
        "Cell product manufacture",
        2,
        _pattern(
            r"\bmanufactur\w*|\bcultured ex[- ]?vivo\b|\bex[- ]?vivo expan\w*"
            r"|\bexpand\w* (?:ex[- ]?vivo|in vitro)\b"
        ),
    ),
    StepKind(
        "lymphodepletion",
        "Lymphodepleting chemotherapy",
        3,
        _pattern(
            r"\blympho-?deplet\w*|\bNMA[- ]?LD\b|\bnon-?myeloablative\b"
            r"|\bconditioning (?:chemotherapy|regimen)\b"
        ),
    ),
    StepKind("infusion", "Cell product infusion", 4, _pattern(r"\binfus(?:ed|ion|ing)\b")),
    StepKind(
        "interleukin-2",
        "Interleukin-2 (IL-2)",
        5,
        _pattern(r"\bIL-?2\b|\binterleukin[- ]?2\b|\baldesleukin\b|\bproleukin\b"),
    ),
)

LYMPHODEPLETING_AGENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Cyclophosphamide", _pattern(r"\bcyclophosphamide\b")),
    ("Fludarabine", _pattern(r"\bfludarabine\b")),
    ("Bendamustine", _pattern(r"\bbendamustine\b")),
)

CELL_THERAPY_SIGNAL = _pattern(
    r"\bautologous\b|\bTILs?\b|\btumou?r[- ]infiltrating lymphocytes?\b|\bCAR[- ]?T\b"
    r"|\bT[- ]cells?\b|\bcell(?:ular)? (?:therapy|product)\b|\bex[- ]?vivo\b"
)

_SENTENCE = re.compile(r"[^.;]+(?:[.;]|$)")


def _sentence_around(text: str, position: int) -> str:
    for match in _SENTENCE.finditer(text):
        if match.start() <= position < match.end():
            return match.group().strip()
    return text.strip()


def find_sequence(text: str | None) -> list[ProtocolStep]:
    """The ordered steps described in `text`, or [] when it describes no such sequence."""
    if not text or not CELL_THERAPY_SIGNAL.search(text):
        return []
    found: list[tuple[int, int, StepKind, str]] = []
    for kind in STEP_KINDS:
        match = kind.pattern.search(text)
        if match:
            found.append((kind.rank, match.start(), kind, _sentence_around(text, match.start())))
    keys = {kind.key for _, _, kind, _ in found}
    if len(found) < MIN_STEPS or "manufacture" not in keys:
        return []
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return [
        ProtocolStep(
            key=kind.key,
            title=kind.title,
            sentence=sentence,
            agents=_agents(text) if kind.key == "lymphodepletion" else (),
        )
        for _, _, kind, sentence in found
    ]


def _agents(text: str) -> tuple[str, ...]:
    return tuple(name for name, pattern in LYMPHODEPLETING_AGENTS if pattern.search(text))
