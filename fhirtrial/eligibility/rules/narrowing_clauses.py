"""An exclusion whose known criterion is followed by a clause that narrows it: all-of(it, TEXT).

"Presence of a congenital abnormality requiring major surgical intervention", "Neuromuscular
disorders affecting gait", "Subjects with gastrointestinal diseases that affect the digestion or
absorption of nutrients", "Patient presents with a skin or scalp condition that may preclude the
attachment of the adhesive adapter": the words before the clause read in full; the clause says
which of those patients are meant, and no structured datum decides it. The bullet excludes a
kind of what the head reads, so it means all-of(head, TEXT): not met when the record lacks the
head (the patient is not excluded by it), unknown otherwise. It can exclude nobody, and it is
read in exclusion bullets only: in an inclusion a name covering fewer codes than the text
means would call a patient ineligible (see `rules.narrowing_words`).

The clause must only narrow. The reading refuses when it may do more: an "or" that starts
another alternative ("… that requires treatment, or uncontrolled hypertension"), a clause the
finders read anything in ("Coagulopathy with INR > 1.5 or thrombocytopenia": a criterion of its
own, maybe an alternative), a number or comparator no finder read ("… < 92% with FiO2 of
≥ 0.3"), a requirement of treatment ("Hypertension requiring treatment":
`rules.autoimmune_treatment` and the qualifiers read those, or none; a required operation
ending the bullet is a narrowing, "… requiring major surgical intervention"), an allowance, a
head that spans sentences, "with" after a head joined by "and" (which item it qualifies), a head
whose last "or" / "and" has only filler after it ("Smokers or those subjects with high alcohol
consumption": the clause is the second item), a new sentence
or a ";" after it, examples or a definition ("which includes …", "such as", "defined as",
", that is": they may name what the head's codes do not cover), a cause or a companion
condition ("associated with", "secondary to", "due to": a criterion of its own), a negation in
the head, and a head that names only who (an age, a sex: "Women with Cushing's syndrome" says
nothing of the women's other states).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.any_medication import CONCEPT as ANY_MEDICATION
from fhirtrial.eligibility.rules.base import has_any
from fhirtrial.eligibility.rules.excepted_diagnoses import uses_only
from fhirtrial.eligibility.rules.narrowing_words import CLAUSE_BREAK, NEGATION, affirmed, kind_of
from fhirtrial.eligibility.rules.other_alternatives import other_alternative
from fhirtrial.eligibility.rules.vocabulary import FILLER

# Where a narrowing clause starts: a relative pronoun, a participle that says which, "with".
_CLAUSE = re.compile(
    r"\s*,?\s*(?<![\w-])(?:that|which|who|whose|in whom|requiring|needing|affecting|interfering"
    r"|causing|limiting|precluding|preventing|making|with|likely to|severe enough"
    r"|significant enough|sufficient(?:ly)? (?:severe|significant) )(?![\w-])"
)
_TRIGGERS = (
    *(" that", " which", " who", " requiring", " needing", " affecting", " interfering"),
    *(" causing", " limiting", " precluding", " preventing", " making", " with", " likely"),
    *(" enough", " sufficient"),
)
_NOT_NARROWING = re.compile(
    r"(?:,\s*|\)\s*)(?:or|and/or)\b|;|\.\s+\S|:\s*\S"
    r"|\b(?:or|and/or) (?:any |an? |the )?(?:evidence|history|active|current|known|prior|previous"
    r"|presence|signs?|symptoms?|patients?|subjects?|participants?|those|who|use|treatment"
    r"|planned|scheduled|suspected|diagnos\w*|other|another|ongoing)\b"
    r"|\b(?:includ\w*|such as|e\.g|i\.e|that is to say|defined|definition|like|for example"
    r"|especially|particularly|namely|associated with|secondary to|due to|caused by"
    r"|except\w*|other than|unless|apart from|excluding)\b"
)
# "Flank pain, that is pain originating from …": a definition, not a narrower kind.
_DEFINITION = re.compile(r"\s*,\s*that is\b")
# Who the bullet is about, not what they have: "Pregnant women with fetal anomalies".
_WHO_ONLY = frozenset({Kind.AGE, Kind.SEX, Kind.PREGNANCY, Kind.BREASTFEEDING})
# A number or comparator in the clause is a bound no finder read: the bullet stays text.
_NUMBER = re.compile(r"\d|[<>≤≥=]|\b(?:less|more|greater|fewer|under|over|above|below) than\b")
# An allowance anywhere: "(prior treatment with SCT is allowed but not if …)".
_ALLOWANCE = re.compile(
    r"\b(?:allowed|permitted|acceptable|eligible|may be (?:included|enrol+ed)|can be included)\b"
)
# The one requirement read as a narrowing clause: an operation needed, ending the bullet
# ("Presence of a congenital abnormality requiring major surgical intervention", "Cancer that
# will require multiorgan resection"). Not "required" (an operation done: "HIV that required
# surgery" names a surgery of its own). A requirement of treatment, medication or a stay is the
# qualifiers' to read, or none's.
_REQUIRED_OPERATION = re.compile(
    r"(?<![\w-])(?:requiring|requires?|will require) (?:an? )?(?:(?:major|urgent|immediate|further"
    r"|surgical|operative|multi-?organ|multiorgan|extensive)\s+)*(?:surg\w*|surgical"
    r" (?:intervention|repair|correction|treatment)|operations?|resections?|interventions?)"
    r"\s*[.;,]?\s*$"
)
_TOKEN = re.compile(r"and/or|[a-z0-9][a-z0-9'+\-]*|[,;&/]")
_CONNECTIVES = frozenset({"or", "and", "and/or", ",", ";", "&", "/"})


def narrowed_by_clause(
    normalized: str,
    text: str,
    read: Callable[[str], Criterion | None],
    found: Callable[[str], set[Kind]],
) -> Criterion | None:
    """all-of(the head read in full, TEXT) for "head that / requiring / with …", or None.

    ``read`` reads a normalized exclusion clause in full; ``found`` gives the kinds of what the
    finders read in a text."""
    if not any(trigger in normalized for trigger in _TRIGGERS) or _ALLOWANCE.search(normalized):
        return None
    required = _REQUIRED_OPERATION.search(normalized) if "requir" in normalized else None
    if "requir" in normalized[: required.start() if required else len(normalized)]:
        return None  # "Hypertension requiring treatment": other rules read those, or none
    for match in _CLAUSE.finditer(normalized):
        if match.start() == 0:
            continue
        head, tail = normalized[: match.start()].rstrip(" ,"), normalized[match.end() :]
        clause = normalized[match.start() :].rstrip(" .;,")
        if _NOT_NARROWING.search(clause) or _DEFINITION.match(clause):
            return None  # a later split point has the same tail's end: none can do better
        if NEGATION.search(head) or "-free" in head or open_alternative(head):
            return None
        if match.group(0).strip(" ,") == "with" and " and " in head:
            return None  # "HIV and on antiretrovirals with interactions": which item it qualifies
        # A required operation is a need, none done: the finders' procedure is no criterion.
        unread = tail if required is None else normalized[match.end() : required.start()]
        if CLAUSE_BREAK.search(head) or _NUMBER.search(tail) or found(unread):
            # "Coagulopathy with INR > 1.5 or thrombocytopenia < 50,000": a criterion of its
            # own, maybe an alternative, which a TEXT member would hide.
            return None
        reading = read(head)
        if reading is None:
            continue
        if not affirmed(reading) or _names_only_who(reading):
            return None
        return kind_of(reading, text)
    return None


def open_alternative(head: str) -> bool:
    """Whether the head's last connective has nothing but filler after it: "Smokers or those
    subjects [with high alcohol consumption]", "Known HIV or has been diagnosed [with AIDS]",
    "bilateral breast cancer, and those [who had a biopsy]": the clause is an item of its own."""
    tokens = _TOKEN.findall(head)
    last = max((i for i, t in enumerate(tokens) if t in _CONNECTIVES), default=None)
    return last is not None and all(t in FILLER for t in tokens[last + 1 :])


def _names_only_who(criterion: Criterion) -> bool:
    """Whether the head names only who, or a use of any medication, which the clause alone
    defines ("Taking medications that may affect the outcome": no class a record holds)."""
    if criterion.kind is Kind.COMBINATION:
        return all(_names_only_who(child) for child in criterion.children)
    return criterion.kind in _WHO_ONLY or criterion.concept == ANY_MEDICATION


# A use or a procedure with what it was for: "Treatment with warfarin due to increased risk of
# calciphylaxis", "Ongoing antibiotic treatment for other infections that cannot be stopped",
# "Radiotherapy for antalgic purposes", "Previous vitrectomy for a disease other than macular
# pucker". The purpose only says which uses are meant.
_PURPOSE = re.compile(r"\s*,?\s*(?<![\w-])(?:for|due to|because of|owing to)(?![\w-])")
_PURPOSE_TRIGGERS = (" for ", " due to ", " because of ", " owing to ")
# After "for": how long, or a time to come, is no purpose ("for at least one month", "for the
# duration of the study", "for more than 48 hours"); nor is a person ("for patients with …").
_NOT_A_PURPOSE = re.compile(
    r"\b(?:at least|least|more|longer|over|up to|under|less|minimum|maximum|days?|weeks?|months?"
    r"|years?|hours?|study|trial|duration|during|planned|future|next|period|time|life\w*|ever"
    r"|patients?|subjects?|participants?|those|women|men|children|people|individuals"
    r"|contraindicat\w*|intolera\w*|allerg\w*|need\w*|requir\w*|indicat\w*)\b"
)


def narrowed_by_purpose(
    normalized: str,
    text: str,
    read: Callable[[str], Criterion | None],
    found: Callable[[str], set[Kind]],
) -> Criterion | None:
    """all-of(the use read in full, TEXT) for an exclusion "use of X for / due to Y", or None.

    The head must read in full, affirmed, as uses of medications, procedures or prior therapies
    only (a diagnosis "due to" another names a second diagnosis: `narrowed_by_clause` refuses
    those). The purpose must only narrow: it refuses what `narrowed_by_clause` refuses (another
    alternative, a number, a criterion the finders read, examples, an exception, a new
    sentence) and a duration, a time to come, a person, or a need instead of a purpose.

    It also reads, with the same full reader, an exclusion read in full up to a last
    alternative no record decides ("X or other … that may affect …", "X or suspected X":
    `rules.other_alternatives`), a reading the dispatch holds in this place."""
    return _use_for_a_purpose(normalized, text, read, found) or other_alternative(
        normalized,
        text,
        read,
        found,
        head_refused=open_alternative,
    )


def _use_for_a_purpose(
    normalized: str,
    text: str,
    read: Callable[[str], Criterion | None],
    found: Callable[[str], set[Kind]],
) -> Criterion | None:
    if not has_any(normalized, _PURPOSE_TRIGGERS) or _ALLOWANCE.search(normalized):
        return None
    match = _PURPOSE.search(normalized)
    if match is None or match.start() == 0:
        return None
    head, tail = normalized[: match.start()].rstrip(" ,"), normalized[match.end() :]
    clause = normalized[match.start() :].rstrip(" .;,")
    if _NOT_NARROWING.search(clause.replace("due to", "").replace("because of", "")):
        return None
    if _NOT_A_PURPOSE.search(tail) or _NUMBER.search(tail) or found(tail):
        return None
    if NEGATION.search(head) or CLAUSE_BREAK.search(head) or open_alternative(head):
        return None
    reading = read(head)
    if reading is None or not affirmed(reading) or not uses_only(reading, any_medication=False):
        return None
    return kind_of(reading, text)
