"""Lead-ins and tails around a diagnosis the finders know, read only when the bullet failed.

Two readings, both tried on a bullet that did not compile in full, and kept only when the words
left read in full as diagnoses a record states (never a lab, a medication or a negation):

`plain_diagnosis` cuts words that add nothing a coded diagnosis does not already say, and gives
the rest itself:

- where it is recorded: "Asthma per medical history", "Epilepsy (per medical records)",
  "Neuromuscular disease in previous medical history", "HIV infection present in the medical
  record": a coded diagnosis is the recorded one;
- when, when it is any time: "HIV infection diagnosis at any time before study consent",
  "Stroke at any time in the past", "Psoriasis (past or present)": a diagnosis in the record,
  with no window;
- which form, when it is every form: "Psoriasis of any kind", "Breast cancer (all stages)",
  "Type 2 diabetes of any duration", "Hepatitis C, treated or untreated", "…, regardless of
  treatment" (as `diagnosis_leads` reads "(any type)");
- how it is lived with: "Patients affected by X", "Existing X", "Underlying X" (as
  "pre-existing X" reads, `vocabulary.FILLER`).

`narrowed_diagnosis` reads words that narrow the diagnosis in a way no coded entry decides as
all-of(diagnoses, TEXT), in either list: "Newly / recently diagnosed X", "(With a) recent / new
diagnosis of X" (in an exclusion: the "newly" is the investigator's to judge), "X, stable for 3
months", "X of at least 1 year duration", "X with a disease duration of at least 6 months", "X
for several years", "X at study entry" (in an inclusion `diagnosis_phrasing` dates the diagnosis
first; what it leaves, here, keeps its duration as text). A patient without X is then not
excluded and fails the inclusion as the text says; a patient with X is `unknown`: never wider
than the text. ("X diagnosed more than 3 months ago" in an exclusion is a window other readers
place: not here.)

Self-reported, suspected, family history, "at risk of", "symptoms of" are no recorded diagnosis
and are never cut: those bullets stay text.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.rules.base import has_any

_RECORD = (
    r"(?:the |their |his |her |a |the patient'?s |patient'?s |subject'?s )?"
    r"(?:previous |past |prior )?(?:electronic )?(?:medical|health|clinical) "
    r"(?:history|records?|charts?|files?|notes?)"
)
# A named set of criteria: words, a version ("DSM-5", "ICHD-3", "DSM-IV-TR"), a year ("2010").
# Never words that point at other criteria or narrow them ("the following criteria", "all
# criteria", "high-risk criteria"): those keep the bullet text.
_NOT_A_NAME = (
    r"(?!(?:following|below|above|these|those|this|all|any|some|other|additional|inclusion"
    r"|exclusion|eligibility|study|protocol|trial|high|low|risk|severity|minimum|major|minor"
    r"|one|two|three|four|five|six|several|both|either|at|of|for|or|and|no|not)\b)"
)
_CRITERIA = (
    rf"(?:the )?(?:{_NOT_A_NAME}(?:(?:19|20)\d\d|[a-z][a-z/.'-]*?(?:-?(?:\d{{1,2}}|[ivx]+))?"
    r"(?:-tr)?) ){0,5}?criteria(?: for (?:the |a )?diagnosis)?"
)
_WHO = (
    r"(?:a|an|the|his|her|their) (?:treating |attending |primary care |board-certified )?"
    r"(?:[a-z]+(?:ologist|iatrist|ician)|doctor|specialist|physician)"
)
# The tails above, one regex for each last word they may end on (the cheap gate: a failed
# bullet's last word picks at most one small regex, searched in its last `_TAIL_SPAN` characters).
_HOW = (
    rf",? (?:meeting|fulfill?ing|satisfying|(?:that|which) (?:meets?|fulfill?s?|satisf(?:y|ies)))"
    rf" {_CRITERIA}"
)
_BY_WHOM = rf",? (?:(?:diagnosed|confirmed) )?by {_WHO}"
_WHERE = (
    r",?\s*\(?(?:as )?(?:(?:present|recorded|documented|noted|listed) )?"
    rf"(?:per|in|from|based on|according to) {_RECORD}\)?"
)
_ANY_TIME = (
    r",? (?:(?:diagnosed|diagnosis) )?at any time(?: (?:in the past|previously"
    r"|in (?:his|her|their) (?:life|lifetime)|before (?:the )?(?:study )?(?:consent|enrol?lment"
    r"|entry|screening|inclusion|randomi[sz]ation)))?"
)
_PAST_OR_PRESENT = (
    r",? ?\((?:past or present|present or past|current or past|past or current)\)"
    r"|, (?:past or present|present or past|current or past|past or current)"
)
# Both states of a judgement: every form of the diagnosis ("Controlled or uncontrolled X").
_BOTH_STATES = (
    r"(?:controlled or uncontrolled|uncontrolled or controlled|symptomatic or asymptomatic"
    r"|asymptomatic or symptomatic|active or inactive|inactive or active|stable or unstable"
    r"|unstable or stable)"
)
_EVERY_FORM = (
    r",? ?\((?:of )?(?:any|all) (?:stages?|kinds?|types?|forms?|grades?)\)"
    r"|,? of (?:any|all) (?:stages?|kinds?|types?|forms?|durations?)"
    r"|,? (?:whether )?(?:treated or (?:untreated|not)|untreated or treated)"
    r"|,? ?\((?:treated or untreated|untreated or treated)\)"
    r"|, regardless of (?:treatment|therapy|(?:its )?severity)"
    rf"|,? ?\(?(?:whether )?{_BOTH_STATES}\)?"
    r"|,? (?:whether or not treated|(?:medically )?treated or not|with or without (?:treatment"
    r"|therapy|complications))"
)


def _end(*alternatives: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{'|'.join(alternatives)})\s*[.;,]?\s*$")


_HOW_END = _end(_HOW)
_WHOM_END = _end(_BY_WHOM)
_WHERE_END = _end(_WHERE)
_TIME_END = _end(_ANY_TIME)
_PAST_END = _end(_ANY_TIME, _PAST_OR_PRESENT)
_FORM_END = _end(_EVERY_FORM)
_TAILS_BY_LAST_WORD: dict[str, re.Pattern[str]] = {
    **dict.fromkeys(("criteria", "diagnosis"), _HOW_END),
    **dict.fromkeys(("doctor", "specialist", "physician"), _WHOM_END),
    **dict.fromkeys(
        ("history", "record", "records", "chart", "charts", "file", "files", "note", "notes"),
        _WHERE_END,
    ),
    **dict.fromkeys(
        (
            *("time", "previously", "life", "lifetime", "consent", "enrollment", "enrolment"),
            *("entry", "screening", "inclusion", "randomization", "randomisation"),
        ),
        _TIME_END,
    ),
    **dict.fromkeys(("past", "present", "current"), _PAST_END),
    **dict.fromkeys(
        (
            *("stage", "stages", "kind", "kinds", "type", "types", "form", "forms", "grade"),
            *("grades", "duration", "durations", "untreated", "not", "treated", "treatment"),
            *("therapy", "severity", "uncontrolled", "controlled", "asymptomatic"),
            *("symptomatic", "inactive", "active", "unstable", "stable", "complications"),
        ),
        _FORM_END,
    ),
}
_WHO_LAST = ("ologist", "iatrist", "ician")
_TAIL_SPAN = 90
"""How far from the end a tail may start: the cheap gate and the regex look only there."""
_PLAIN_LEAD = re.compile(
    r"^(?:(?:patients|subjects|individuals|participants|people|persons|children|adults|women"
    r"|men) )?(?:(?:who are |being )?affected by |(?:with )?(?:existing|underlying) "
    r"(?!(?:patients?|participants?|subjects?|members?|users?|clients?|residents?)\b)"
    r"|(?:who )?(?:have |has )?ever (?:been )?diagnosed (?:with |as )?"
    rf"|(?:either )?{_BOTH_STATES} "
    r"|(?:known|diagnosed|confirmed|a) cases? of |clinical history of |clinically confirmed "
    r"|(?:who )?carr(?:y|ies|ying) (?:a|the) diagnosis of |(?:present |official )(?:medical )?"
    rf"diagnosis of |fulfill?s? (?:the )?(?:{_NOT_A_NAME}(?:(?:19|20)\d\d|[a-z][a-z/.'-]*) )"
    r"{0,5}?criteria for )"
)
_PLAIN_LEAD_WORDS = (
    *("affected by ", "existing ", "underlying ", "ever ", "case", "clinical history"),
    *("confirmed ", "carr", "diagnosis of ", "criteria for ", " or "),
)

_UNIT = r"(?:days?|weeks?|months?|years?|yrs?)"
_AMOUNT = r"(?:at least |more than |over |longer than |>= ?|> ?|≥ ?)?[0-9a-z.]+ "
_NARROWING_TAIL = re.compile(
    rf",? (?:(?:clinically )?stable (?:for|over) (?:at least |the (?:last|past) )?[0-9a-z]+ {_UNIT}"
    rf"|of {_AMOUNT}{_UNIT}(?:'?s?)? (?:duration|standing)"
    rf"|with (?:an? )?(?:disease |symptom |illness )?duration of {_AMOUNT}{_UNIT}"
    rf"|(?:diagnosed )?(?:for )?several (?:months|years)"
    r"|at (?:the time of )?(?:study )?(?:entry|enrol?lment|inclusion|randomi[sz]ation|baseline))"
    r"\s*[.;,]?\s*$"
)
_NARROWING_TAIL_LAST = frozenset(
    {
        *("day", "days", "week", "weeks", "month", "months", "year", "years", "yr", "yrs"),
        *("duration", "standing", "entry", "enrollment", "enrolment", "inclusion"),
        *("randomization", "randomisation", "baseline"),
    }
)
_NARROWING_LEAD = re.compile(
    r"^(?:(?:patients|subjects|individuals|participants|people|persons|children|adults|women"
    r"|men) )?(?:who (?:are|were|have been) )?(?:(?:newly|recently) diagnosed(?: with| as)? "
    r"|(?:with )?(?:an? )?(?:new|recent) diagnosis of )"
)


_ALTERNATIVE_AFTER_LEAD = ("or ", "and/or ", ", or ")

# "Concurrent diagnosis of X": X now, as "concurrent X" reads (`diagnosis_leads`).
_NOW_LEAD = re.compile(r"^(?:concurrent|concomitant|co-?existing|co-?morbid) diagnos[ie]s of ")


def plain_diagnosis(text: str) -> str | None:
    """The normalized text without its lead-in or tail that adds nothing a coded diagnosis does
    not say, or None when it has none."""
    rest = text
    if "diagnos" in rest and (now := _NOW_LEAD.match(rest)):
        rest = "current " + rest[now.end() :]
    if has_any(rest, _PLAIN_LEAD_WORDS) and (lead := _PLAIN_LEAD.match(rest)):
        rest = rest[lead.end() :]
    end = rest[-_TAIL_SPAN:]
    last = _last_word(end)
    tails = _TAILS_BY_LAST_WORD.get(last) or (_WHOM_END if last.endswith(_WHO_LAST) else None)
    if tails is not None and (tail := tails.search(end)):
        rest = rest[: len(rest) - len(end) + tail.start()]
    rest = rest.strip(" ,.;")
    return rest if rest and rest != text.strip(" ,.;") else None


def _last_word(text: str) -> str:
    words = text.rsplit(None, 1)
    return words[-1].strip(").;,") if words else ""


def narrowed_diagnosis(text: str) -> str | None:
    """The normalized text without its narrowing lead-in or tail ("newly diagnosed", "stable
    for 3 months", "of at least 1 year duration"), or None when it has none."""
    rest = text
    if "diagnos" in rest and (lead := _NARROWING_LEAD.match(rest)):
        rest = rest[lead.end() :]
        if rest.startswith(_ALTERNATIVE_AFTER_LEAD):
            # "Newly diagnosed or previously untreated X": the lead is one of two alternatives,
            # and the other's words ("untreated") are no requirement of the bullet.
            return None
    end = rest[-_TAIL_SPAN:]
    if _last_word(end) in _NARROWING_TAIL_LAST and (tail := _NARROWING_TAIL.search(end)):
        rest = rest[: len(rest) - len(end) + tail.start()]
    rest = rest.strip(" ,.;")
    return rest if rest and rest != text.strip(" ,.;") else None
