"""What an imaging report says about brain metastases: absent, present, new, progressing, stable.

A small rule-based reader in the manner of ConText (Harkema et al. 2009; medspaCy's ConText),
without its dependencies: the report's impression is cut into sentences and clauses, and each
mention of a metastasis is read with the cues around it.

- **Which text**: ``conclusion`` (the impression); when it says nothing, the IMPRESSION /
  CONCLUSION section of the full text, else the full text without its history, indication,
  technique and comparison sections (an indication such as "evaluate for metastases" is no
  finding).
- **Which reports**: a brain study (its code names the brain, head or CNS: MRI BRAIN, CT HEAD,
  CPT 70450–70470 / 70551–70553 …) is read whole. In any other imaging report only sentences
  that name the brain (brain, intracranial, cerebral, cerebellar, CNS, leptomeningeal) are read,
  and they can show metastases but never rule them out: a chest CT does not image the brain.
- **Targets**: metastasis words, enhancing lesions / foci / masses, leptomeningeal disease, and
  treated sites (post-treatment changes, treated metastasis, SRS sites, resection cavity,
  radiation necrosis), which show brain metastases were there and were treated. A bare
  "lesion" / "mass" (white-matter lesions, mass effect) is no target.
- **Negation**: a cue (no, not, without, negative for, free of, absence of, …) negates the
  targets and course words after it up to the end of its clause; a clause ends at ";", ":", a
  contrast (but, however, although, except), an affirmation (consistent with, compatible with,
  in keeping with, representing), or a comma unless what follows is a short list item ("no
  liver, lung, or brain metastases"). After the target, "not seen / not identified / absent"
  negate it. "No new …" is not "no …": it says nothing about the known lesions.
- **Uncertainty**: a hedge anywhere in the sentence (possible, probable, likely, suspicious,
  concerning, cannot exclude, not excluded, equivocal, indeterminate, may represent, versus,
  favors, no definite, …) makes its findings uncertain; an indication or history sentence
  ("evaluate for", "rule out", "history of") is not read at all.
- **Course**: progressing (progression, enlarging, increased, grown, larger, worsening), new,
  stable (stable, unchanged, no change, and any negated progression: "no new or enlarging"),
  improving (decreased, smaller, improving, resolving, regressing).

The report's reading: metastases **present** when a certain sentence affirms one (or a treated
site); **absent** only in a brain study whose certain sentences negate them and affirm none;
**uncertain** when only hedged sentences speak; otherwise the report says nothing. The course is
read only when metastases are present: a certain progression wins, then certain new lesions;
a hedged course blocks stable / improving. Unsure always decides nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from fhirtrial.patient.items import ImagingReport
from fhirtrial.patient.readers import CPT
from fhirtrial.patient.values import Concept

Presence = Literal["present", "absent", "uncertain"]
Course = Literal["progressing", "new", "stable", "improving", "uncertain"]


@dataclass(frozen=True, slots=True)
class BrainReading:
    """What one imaging report says about brain metastases."""

    report: ImagingReport
    brain_study: bool
    presence: Presence | None
    course: Course | None
    treated: bool
    no_new: bool
    """The report says there are no new lesions."""
    words: str
    """The sentence(s) that decided, as written in the report."""

    @property
    def describe(self) -> str:
        what = self.report.code.label
        day = self.report.date.isoformat() if self.report.date else "an unknown date"
        status = f", {self.report.status}" if self.report.is_preliminary else ""
        return f'{what} on {day} ({self.report.ref}{status}): "{self.words}"'


# ---------------------------------------------------------------- which report, which text

_BRAIN_CPT = frozenset(
    {"70450", "70460", "70470", "70496", "70544", "70545", "70546", "70551", "70552", "70553"}
)
_BRAIN_STUDY = re.compile(
    r"(?<![a-z])(?:brain|head|intracranial|cranial|cerebr\w*|c[ée]r[ée]bral\w*|enc[ée]phal\w*"
    r"|neuro\w*|cns|central nervous system|leptomening\w*|pituitary|sella)(?![a-z])"
)
_NOT_BRAIN_STUDY = re.compile(r"head (?:and|&) neck|neck soft tissue|soft tissue neck|neuroendo")
_BRAIN_WORDS = re.compile(
    r"(?<![a-z])(?:brain|intracranial|intra-cranial|cerebr\w*|cerebell\w*|cns|central nervous"
    r" system|leptomening\w*)(?![a-z])"
)
_SECTION = re.compile(
    r"(?im)^\s*(impression|conclusions?|findings|history|clinical (?:history|information|"
    r"indication)|indications?|reason for (?:exam|study)|technique|comparison)\s*:"
)
_SKIPPED_SECTIONS = frozenset(
    {"history", "clinical history", "clinical information", "clinical indication", "indication"}
    | {"indications", "reason for exam", "reason for study", "technique", "comparison"}
)


def is_brain_study(report: ImagingReport) -> bool:
    """The study images the brain: by its CPT code, else by the words of its code."""
    for coding in report.code.codings:
        if coding.system == CPT and coding.code in _BRAIN_CPT:
            return True
    words = _label_words(report.code)
    return bool(_BRAIN_STUDY.search(words)) and not _NOT_BRAIN_STUDY.search(words)


def _label_words(code: Concept) -> str:
    return " ".join([code.text or "", *(c.display or "" for c in code.codings)]).lower()


def _report_texts(report: ImagingReport) -> list[str]:
    """The texts to read, best first: the conclusion, then the impression of the full text."""
    texts = []
    if report.conclusion:
        texts.append(report.conclusion)
    if report.text:
        texts.append(_impression(report.text))
    return texts


def _impression(text: str) -> str:
    """The IMPRESSION / CONCLUSION section, else the text without the sections that are no
    findings (history, indication, technique, comparison)."""
    marks = list(_SECTION.finditer(text))
    if not marks:
        return text
    sections = []
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        sections.append((mark[1].lower(), text[mark.end() : end]))
    wanted = [body for name, body in sections if name.startswith(("impression", "conclusion"))]
    if wanted:
        return "\n".join(wanted)
    kept = [body for name, body in sections if name not in _SKIPPED_SECTIONS]
    return text[: marks[0].start()] + "\n" + "\n".join(kept)


# ---------------------------------------------------------------- cues

_SENTENCES = re.compile(r"(?<=[.;!?])\s+|\n+|\s(?=\(?\d{1,2}[.)]\s)")
_HEADER = re.compile(r"^\s*(?:\(?\d{1,2}[.)]\s*)?(?:impression|conclusions?|findings)?\s*:?\s*")
_CLAUSE_BREAK = re.compile(
    r"\s*[:;]\s*|\s*\b(?:but|however|although|though|whereas|except|aside from|apart from)\b"
    r"|(?=\b(?:consistent with|compatible with|in keeping with|suggestive of|representing"
    r"|diagnostic of|which)\b)"
)
_STRONG_TARGET = re.compile(
    r"metasta\w*|(?<![a-z])mets(?![a-z])|enhancing (?:\w+ ){0,2}?(?:lesions?|masse?s?|foc(?:us|i)"
    r"|nodules?|tumou?rs?)|(?:lesions?|foc(?:us|i)|nodules?) of (?:abnormal |nodular )?"
    r"enhancement|leptomeningeal (?:disease|enhancement|spread|carcinomatosis|involvement)"
    r"|intracranial (?:disease|involvement|progression)"
)
_TREATED_SITE = re.compile(
    r"post[- ]?(?:treatment|radiation|radiotherapy|radiosurgery|srs|surgical|operative|resection)"
    r"|treatment[- ]related|treated (?:\w+ ){0,3}?(?:metasta\w*|lesions?|foc(?:us|i)|sites?)"
    r"|radiation necrosis|resection cavity|(?:srs|radiosurgery|gamma knife) (?:sites?|beds?)"
    r"|after (?:srs|radiosurgery|radiation|radiotherapy|resection|surgery|wbrt|gamma knife)"
)
_NEGATION = re.compile(r"(?<![a-z])(?:no|without|negative for|free of|absence of|never)(?![a-z])")
_NO_NEW = re.compile(
    r"(?:no|without) (?:evidence of |other |definite )?(?:new|newly|additional|further"
    r"|interval new)(?![a-z])"
)
_POST_NEGATION = re.compile(
    r"(?:(?:is|are|was|were) )?(?:not (?:seen|identified|visuali[sz]ed|demonstrated|present"
    r"|evident|appreciated|detected)|(?<![a-z])absent(?![a-z]))"
)
_HEDGE = re.compile(
    r"(?<![a-z])(?:possib\w*|probabl\w*|likely|unlikely|suspicious|suspect\w*|concerning"
    r"|cannot (?:be )?(?:exclude\w*|rule\w* out|excluded)|can ?not (?:exclude|rule out)"
    r"|can't (?:exclude|rule out)|not (?:be )?excluded|equivocal|indeterminate|questionabl\w*"
    r"|uncertain|unclear|may|might|could|differential|versus|vs|favou?r\w*|no definite"
    r"|no convincing|not definite\w*|nonspecific|non-specific|too small to characteri[sz]e"
    r"|cannot be characteri[sz]ed|either)(?![a-z])|\?"
)
_HYPOTHETICAL = re.compile(
    r"(?<![a-z])(?:evaluat\w* for|assess\w* for|rule out|r/o|to exclude|screen\w* for"
    r"|history of|hx of|indication|reason for (?:exam|study)|recommend\w*|follow[- ]up (?:mri|ct)"
    r"|correlat\w*|if clinically)(?![a-z])"
)
_PROGRESS = re.compile(
    r"(?<![a-z])(?:progress\w*|enlarg\w*|increas\w*|grow\w*|grown|larger|expan\w*|worsen\w*)"
    r"(?![a-z])"
)
_NEW = re.compile(r"(?<![a-z])(?:new|newly|interval (?:development|appearance))(?![a-z])")
_STABLE = re.compile(
    r"(?<![a-z])(?:stable|stability|unchanged|no (?:significant |interval |appreciable )?change"
    r"|without (?:significant |interval )?change|not changed|similar)(?![a-z])"
)
_IMPROVING = re.compile(
    r"(?<![a-z])(?:decreas\w*|smaller|improv\w*|resolv\w*|resolution|regress\w*|shrink\w*"
    r"|shrunk|reduc\w*|no longer (?:seen|visible|present|identified))(?![a-z])"
)
_NEGATED_COURSE = re.compile(
    r"(?:no|without|never)(?: evidence of| significant| interval| definite| further)*"
    r" (?:progress\w*|enlarg\w*|increas\w*|grow\w*|worsen\w*|expan\w*)"
)
_TREATED = re.compile(r"(?<![a-z])(?:treated|irradiated|resected)(?![a-z])")
_LIST_ITEM = re.compile(r"^\s*(?:(?:and|or|and/or|nor)\s+)?[a-z/-]+(?:\s+[a-z/-]+){0,3}\s*$")
_COURSE_OR_TREATED = re.compile(
    r"(?<![a-z])(?:new|newly|progress\w*|enlarg\w*|increas\w*|stable|unchanged|decreas\w*"
    r"|smaller|treated|post[- ]?\w+)(?![a-z])"
)


@dataclass(slots=True)
class _Clause:
    text: str
    present: bool = False
    absent: bool = False
    treated: bool = False
    no_new: bool = False
    progress: bool = False
    new: bool = False
    stable: bool = False
    improving: bool = False
    brain: bool = False


def _clauses(sentence: str) -> list[str]:
    """The sentence's clauses; a comma ends one unless a list goes on ("no liver, lung, or
    brain metastases"; "no hemorrhage, mass or metastasis")."""
    clauses: list[str] = []
    for part in _CLAUSE_BREAK.split(sentence):
        pieces = part.split(",")
        current = pieces[0]
        for piece in pieces[1:]:
            if _continues_list(current, piece):
                current += "," + piece
            else:
                clauses.append(current)
                current = piece
        clauses.append(current)
    return [c.strip() for c in clauses if c.strip()]


def _continues_list(current: str, piece: str) -> bool:
    if not _LIST_ITEM.match(piece):
        return False
    if _STRONG_TARGET.search(piece) is None:
        return True
    # A target after a comma stays under the negation before it only as a plain list item.
    return _NEGATION.search(current) is not None and not _COURSE_OR_TREATED.search(piece)


def _read_clause(text: str) -> _Clause:
    """One clause: what stands before a negation cue is affirmed, what follows it negated."""
    clause = _Clause(text, brain=_BRAIN_WORDS.search(text) is not None)
    post = _POST_NEGATION.search(text)
    if post is not None and _STRONG_TARGET.search(text, 0, post.start()):
        clause.absent = True  # "metastases are not seen"
        return clause
    cue = _NEGATION.search(text)
    before, after = (text, "") if cue is None else (text[: cue.start()], text[cue.start() :])
    if after:
        _read_negated(clause, after)
    if _STRONG_TARGET.search(before) or _TREATED_SITE.search(before):
        clause.present = True
    clause.treated |= _TREATED_SITE.search(before) is not None or (
        _TREATED.search(before) is not None and clause.present
    )
    clause.progress = _PROGRESS.search(before) is not None
    clause.new = _NEW.search(before) is not None
    clause.stable |= _STABLE.search(before) is not None
    clause.improving = _IMPROVING.search(before) is not None
    return clause


def _read_negated(clause: _Clause, after: str) -> None:
    """The clause from its negation cue on."""
    if _STABLE.match(after):  # "no change in the treated metastasis": affirmed, stable
        clause.stable = True
        clause.present = _STRONG_TARGET.search(after) is not None
        clause.treated = _TREATED_SITE.search(after) is not None or (
            _TREATED.search(after) is not None and clause.present
        )
        return
    if _NO_NEW.match(after):  # "no new lesions": says nothing of the known ones
        clause.no_new = True
        clause.stable = _PROGRESS.search(after) is not None  # "no new or enlarging lesions"
        return
    if _NEGATED_COURSE.match(after):  # "no progression of …", "no enlarging metastases"
        clause.stable = True
        return
    if _STRONG_TARGET.search(after):
        clause.absent = True


@dataclass(slots=True)
class _Tally:
    present: list[str]
    absent: list[str]
    hedged: list[str]
    progress: list[str]
    new: list[str]
    stable: list[str]
    improving: list[str]
    hedged_course: list[str]
    treated: bool = False
    no_new: bool = False


def _tally(text: str, brain_study: bool) -> _Tally:
    tally = _Tally([], [], [], [], [], [], [], [])
    for raw in _SENTENCES.split(text):
        original = _HEADER.sub("", raw).strip().rstrip(".;!")
        sentence = original.lower()
        if not sentence or _HYPOTHETICAL.search(sentence):
            continue
        if not brain_study and not _BRAIN_WORDS.search(sentence):
            continue
        clauses = [_read_clause(c) for c in _clauses(sentence)]
        about_metastases = any(c.present or c.absent or c.no_new for c in clauses)
        course = any(c.progress or c.new or c.stable or c.improving for c in clauses)
        if _HEDGE.search(sentence):
            if about_metastases:
                tally.hedged.append(original)
            if course or about_metastases:
                tally.hedged_course.append(original)
            continue
        for clause in clauses:
            if clause.present:
                tally.present.append(original)
            if clause.absent and not clause.present:
                tally.absent.append(original)
            tally.treated |= clause.treated and (clause.present or about_metastases)
            tally.no_new |= clause.no_new
            # A course word counts where the sentence speaks of a lesion or of the brain.
            if not (about_metastases or clause.brain or brain_study):
                continue
            if clause.progress and (clause.present or about_metastases or clause.brain):
                tally.progress.append(original)
            if clause.new and clause.present:
                tally.new.append(original)
            if clause.stable:
                tally.stable.append(original)
            if clause.improving:
                tally.improving.append(original)
    return tally


def read_brain_findings(report: ImagingReport) -> BrainReading | None:
    """What the report says about brain metastases; ``None`` when it says nothing."""
    brain_study = is_brain_study(report)
    for text in _report_texts(report):
        reading = _reading(report, text, brain_study)
        if reading is not None:
            return reading
    return None


def _reading(report: ImagingReport, text: str, brain_study: bool) -> BrainReading | None:
    tally = _tally(text, brain_study)
    presence: Presence | None = None
    course: Course | None = None
    words: list[str] = []
    if tally.present:
        presence = "present"
        if tally.progress:
            course, words = "progressing", tally.progress
        elif tally.new:
            course, words = "new", tally.new
        elif tally.hedged_course:
            course, words = "uncertain", tally.hedged_course
        elif tally.stable:
            course, words = "stable", tally.stable
        elif tally.improving:
            course, words = "improving", tally.improving
        else:
            words = tally.present
    elif tally.absent and brain_study and not tally.hedged:
        presence, words = "absent", tally.absent
    elif tally.hedged:
        presence, words = "uncertain", tally.hedged
    elif not tally.no_new:
        return None
    if presence is None and tally.no_new:
        return None
    return BrainReading(
        report=report,
        brain_study=brain_study,
        presence=presence,
        course=course,
        treated=tally.treated,
        no_new=tally.no_new,
        words=" ".join(dict.fromkeys(words))[:300],
    )


__all__ = ["BrainReading", "Course", "Presence", "is_brain_study", "read_brain_findings"]
