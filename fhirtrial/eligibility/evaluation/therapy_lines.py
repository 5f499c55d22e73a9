"""Lines of therapy: a patient's drug courses grouped into lines, and the prior-therapy criteria
that count them (a criterion with a ``count``, e.g. "at least 2 prior lines of therapy")."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fhirtrial.eligibility.evaluation.context import EvalContext, fmt_date
from fhirtrial.eligibility.evaluation.facts import drug_names, unidentified_drugs
from fhirtrial.eligibility.evaluation.results import Finding
from fhirtrial.eligibility.evaluation.staging import distant_metastases, read_stage
from fhirtrial.eligibility.model import Count, Criterion
from fhirtrial.patient.items import MedicationItem
from fhirtrial.patient.values import Concept

_LINE_GAP_DAYS = 28
_METASTATIC_SETTING = "metastatic-setting"
# A course started this close before metastatic disease was first recorded may already have
# treated it (the diagnosis is often entered after the scan that found it): it may count or not.
_SETTING_SLACK_DAYS = 90


def therapy_lines(uses: list[MedicationItem]) -> list[list[MedicationItem]]:
    """Group drug courses into lines: a drug started more than 28 days after the current line
    began, and not already part of it, opens a new line (the usual real-world-data rule)."""
    lines: list[list[MedicationItem]] = []
    line_start: date | None = None
    line_drugs: set[str] = set()
    for use in uses:
        start = use.start or use.authored
        drug = _drug_key(use.medication)
        if lines and (
            drug in line_drugs
            or start is None
            or line_start is None
            or (start - line_start).days <= _LINE_GAP_DAYS
        ):
            lines[-1].append(use)
            line_drugs.add(drug)
            continue
        lines.append([use])
        line_start, line_drugs = start, {drug}
    return lines


def _drug_key(concept: Concept) -> str:
    """One key per drug, whatever the record calls it ("KEYTRUDA 100 MG/4ML" and
    "pembrolizumab" are one drug): its generic names, else its first word."""
    names = drug_names(concept)
    if names:
        return ",".join(sorted(names))
    words = re.findall(r"[a-z]{4,}", concept.label.lower())
    return words[0] if words else concept.label.lower()


def evaluate_therapy_lines(
    criterion: Criterion, ctx: EvalContext, uses: list[MedicationItem], name: str, note: str
) -> Finding:
    """A "N prior lines of X" criterion: the drug courses of X (oldest first) grouped into lines
    and counted against the criterion's bounds. For a required count (not an exclusion's), a
    course of a drug the terminology cannot name may be one of X: the answer must be the same
    with it counted as without, else `unknown`."""
    found = _counted(criterion, ctx, uses, name, note)
    if ctx.excluding or found.result == "unknown":
        return found
    unnamed = [
        u
        for u in unidentified_drugs(ctx.record.medications, ctx.facts.medications)
        if (u.start or u.authored or ctx.as_of) <= ctx.as_of and u not in uses
    ]
    if not unnamed:
        return found
    wider = sorted([*uses, *unnamed], key=lambda m: m.start or m.authored or date.min)
    if _counted(criterion, ctx, wider, name, note).result == found.result:
        return found
    return Finding(
        "unknown",
        f"{found.reason}; {unnamed[0].medication.label} ({unnamed[0].ref}) is a drug the "
        "shipped terminology does not know (a brand or a local code) and may be one more course",
        (unnamed[0].ref, *found.evidence),
    )


def _counted(
    criterion: Criterion, ctx: EvalContext, uses: list[MedicationItem], name: str, note: str
) -> Finding:
    count = criterion.count
    assert count is not None
    if _METASTATIC_SETTING in criterion.qualifiers:
        return _in_metastatic_setting(criterion, ctx, uses, name, note)
    dated = [u for u in uses if u.start or u.authored]
    undated = [u for u in uses if not (u.start or u.authored)]
    lines = therapy_lines(dated if undated else uses)
    if not lines and not ctx.record.medications:
        return Finding(
            "unknown", f"no medications in the record, so prior {name} lines are unknown"
        )
    wanted = (
        f"{count.low}–{count.high}"
        if count.low is not None and count.high is not None
        else (f"≥ {count.low}" if count.low is not None else f"≤ {count.high}")
    )
    ok = (count.low is None or len(lines) >= count.low) and (
        count.high is None or len(lines) <= count.high
    )
    if undated:
        return _with_undated(count, lines, undated, name, wanted)
    detail = "; ".join(
        f"line {i}: {', '.join(sorted({u.medication.label for u in line}))} from "
        f"{fmt_date(line[0].start or line[0].authored)}"
        for i, line in enumerate(lines, start=1)
    )
    stated = f"{len(lines)} prior line(s) of {name}" + (f" ({detail})" if detail else "")
    evidence = tuple(u.ref for line in lines for u in line)[:6]
    note = note if lines else ""
    return Finding("met" if ok else "not-met", f"{stated} — required {wanted}{note}", evidence)


def _with_undated(
    count: Count,
    lines: list[list[MedicationItem]],
    undated: list[MedicationItem],
    name: str,
    wanted: str,
) -> Finding:
    """Courses without a date cannot be placed in a line: each may belong to a dated line or
    be a line of its own. The count lies between the dated lines (at least one when there are
    none) and the dated lines plus one per undated course — per course, not per drug: a drug
    given before and again after another one is two lines (`therapy_lines`); the answer is the
    one every count in that span gives, else `unknown`."""
    fewest = max(len(lines), 1)
    most = len(lines) + len(undated)

    def ok(n: int) -> bool:
        return (count.low is None or n >= count.low) and (count.high is None or n <= count.high)

    named = ", ".join(sorted({u.medication.label for u in undated}))
    stated = (
        f"{fewest}–{most} prior line(s) of {name} ({len(lines)} dated; {named} on an unknown "
        f"date) — required {wanted}"
    )
    evidence = tuple(u.ref for u in undated)[:3] + tuple(u.ref for line in lines for u in line)[:3]
    if ok(fewest) and ok(most):
        return Finding("met", stated, evidence)
    if (count.low is not None and most < count.low) or (
        count.high is not None and fewest > count.high
    ):
        return Finding("not-met", stated, evidence)
    return Finding("unknown", f"{stated}: how many lines they make is unknown", evidence)


def _in_metastatic_setting(
    criterion: Criterion, ctx: EvalContext, uses: list[MedicationItem], name: str, note: str
) -> Finding:
    """Lines counted from the date metastatic disease was first recorded (the earliest current
    distant metastasis or stage IV). Courses started shortly before it, or undated, may count
    or not: the answer must be the same either way, else `unknown`."""
    since = metastatic_since(ctx)
    if since is None:
        return Finding(
            "unknown",
            f"when metastatic disease was first recorded is unknown, so prior {name} lines in "
            "the metastatic setting cannot be counted",
        )
    day, ref = since
    plain = Criterion(criterion.kind, concept=criterion.concept, count=criterion.count)
    slack = day - timedelta(days=_SETTING_SLACK_DAYS)
    after = [u for u in uses if (u.start or u.authored or date.min) >= day]
    maybe = [u for u in uses if (u.start or u.authored or slack) >= slack]
    found = _counted(plain, ctx, after, name, note)
    if maybe != after:
        wider = _counted(plain, ctx, maybe, name, note)
        if wider.result != found.result:
            return Finding(
                "unknown",
                f"{found.reason} in the metastatic setting (metastatic since {fmt_date(day)}, "
                f"{ref}); a course started shortly before or undated may also count",
                (ref, *found.evidence),
            )
    return Finding(
        found.result,
        f"{found.reason} in the metastatic setting (metastatic since {fmt_date(day)}, {ref})",
        (ref, *found.evidence),
    )


def metastatic_since(ctx: EvalContext) -> tuple[date, str] | None:
    """(date, reference) metastatic disease was first recorded: the earliest dated current
    distant metastasis or stage IV; None when no such date is on record."""
    dated: list[tuple[date, str]] = [
        (item.date, item.ref) for item in distant_metastases(ctx) if item.date is not None
    ]
    for stage in ctx.record.stages:
        if stage.date is not None and read_stage(stage, stage.date).group == 4:
            dated.append((stage.date, stage.source_ref))
    return min(dated) if dated else None
