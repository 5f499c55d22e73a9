"""The candidate's age said inside a longer inclusion bullet.

"People aged over 18 years with a new referral for type-2 diabetes management", "Female subjects
between 18 and 65 years of age currently taking oral antibiotics for acne vulgaris", "Patient with
paroxysmal atrial fibrillation who is scheduled for ablation and >=20 and <=80 years of age": the
patient must be of that age whatever the rest says. `age_clause_parts` cuts the age clause out of
the bullet, reads it with the rules' own full reading (so every number and comparator in it is
accounted for, or nothing is read), reads the rest with the partial reading (`rules.partial`:
known parts and a TEXT residue) and returns all-of(age, rest's parts…, TEXT). The rest keeps its
sex words ("Female subjects …"): the readings of the rest read them.

`rules.demographic_parts` reads an age at the head of a bullet whose rest names nothing else;
this reads one anywhere, whatever the rest names, and is refused (None: the bullet stays as the
other readings leave it) whenever the age might not be the candidate's own, might hold for one
group only, or might be an alternative:

- another person anywhere in the bullet ("Donor age > 65", "Parents/caregivers >= 18 years old",
  "Maternal age >= 18" — the mother of a neonate in a neonatal study —, "a child aged 12-18
  living in the household", "matched for age"), or another age (gestational, at onset, at
  diagnosis: the age finders find none then);
- a group, cohort, arm or control ("Age >= 30 years (Healthy control group)", "7 and 65 years old
  for patients with CGD"), a label before a colon ("Adolescent participants: Age 13-17"), an
  allowance or condition ("may", "if", "unless", "except", "eligible");
- an "or" before the age clause, right after it, or before another population or number
  ("adults >= 18 or children with …", "Age 13-17 years or 18-20 if living at home"); the "or" of
  "18 years or older" is the clause's own;
- a second age, a negation right before the clause, or a clause the full reading leaves unread.

Exclusion bullets are not read: "Subjects < 18 years with asthma" excludes the minors with
asthma only, and an age read on its own would exclude every minor.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind, evolve
from fhirtrial.eligibility.rules.ages import WORDED_AGE, find_age_ranges
from fhirtrial.eligibility.rules.base import has_any
from fhirtrial.eligibility.rules.demographics import find_age, find_sex

# Cheap gate: an age in years has one of these and a digit.
_GATE = ("age", "year", "yr", "old", "y/o", "y.o")
# The words an age clause is made of; it is the run of them around what the age finders read.
_CLAUSE_TOKEN = re.compile(r"\d+|[a-z/]+|<=|>=|[<>=()~+,\-]")
_CLAUSE_WORDS = frozenset(
    {
        *("and", "to", "between", "from", "of", "age", "aged", "ages", "years", "year", "yrs"),
        *("yr", "y", "yo", "y/o", "old", "younger", "older", "than", "above", "over", "under"),
        *("below", "more", "less", "or", "inclusive", "adult", "adults", "<", ">", "<=", ">="),
        *("=", "(", ")", "~", "+", ",", "-"),
    }
)
# Connectives that may not open or close a clause.
_EDGE_WORDS = frozenset({"and", "or", "of", ",", "-", "to", "from", "("})
# Anywhere in the bullet: the age may be another person's, a group's, optional or conditional.
_REFUSAL = re.compile(
    r"\b(?:either|nor|vs|versus|if|unless|except\w*|may|might|could|allow\w*|permit\w*"
    r"|accept\w*|eligible|optional\w*|prefer\w*|ideally|parent\w*|caregivers?|carers?"
    r"|guardians?|mothers?|maternal|fathers?|paternal|siblings?|spouses?|partners?|husbands?"
    r"|wives|wife|famil(?:y|ies)|household|(?<!nursing )(?<!care )home|relatives?|offspring"
    r"|donors?|proxy|dyads?|recipients?"
    r"|infants?|newborns?|neonates?|babies|baby|fetus\w*|foetus\w*|cohorts?|arms?|groups?"
    r"|controls?|strat(?:um|a)|substudy|sub-study|part [a-z0-9]|phase|gestation\w*|onset"
    r"|diagnosis at|menarche|menopaus\w*|bone age|mental age|corrected|matched|match|living"
    r"|live|lives|at least one of|one of|any of|limit|range|can be)\b"
    r"|:(?!\s*(?:\d|[<>]))|^for\b"
    r"|\bfor (?:the )?(?:healthy|patients|participants|subjects|volunteers|those|individuals"
    r"|people|women|men|children|adults|cases)\b"
)
# A child who is not the candidate: "have a child aged …", "their children".
_OTHER_CHILD = re.compile(
    r"\b(?:a|an|their|his|her|your|one|of|with|has|have|having|own)\s+(?:\w+[- ])?"
    r"(?:child|children|kids?|sons?|daughters?)\b"
)
# The age of the people someone else serves: "Children of elderly patients aged >= 65 years",
# "Nurses working with patients aged >= 65 years", "Cohort of patients aged 18-65".
_THEIR_AGE = re.compile(
    r"\b(?:of|for|with|treating|caring for|serving)\s+(?:[a-z-]+\s+){0,2}?(?:patients|people"
    r"|persons|individuals|adults|residents|clients|children|infants)\s+(?:who are\s+)?"
    r"(?:aged?\b|ages\b|[<>]|\d|between\b)"
)
# After the clause, an "or" before another population, age or number offers an alternative.
_OR_ALTERNATIVE = re.compile(
    r"\b(?:or|/)\s+(?:\w+\s+)?(?:\d|<|>|children|child|adults?|adolescents?|minors?|patients"
    r"|subjects|participants|individuals|people|persons|those|women|men|girls|boys|infants"
    r"|younger|older|emancipated|aged?)"
)
# The clause's subject is tied to it by these ("Adults over 18 with …", "… who are 18 years").
_RELATIVE = re.compile(
    r"\b(?:with|who|whom|that|which|diagnosed|having|has|have|undergoing|scheduled|planning"
    r"|planned|receiving|taking|currently|requiring|admitted|referred|presenting|suffering"
    r"|treated|hospitali[sz]ed|affected|meeting|able|willing)\b"
)
_AFTER_REFUSAL = re.compile(
    r"(?!\s*[,(]?\s*at (?:the )?(?:time|date|day) of (?:the )?(?:study )?(?:enrol\w*|screening"
    r"|inclusion|consent|informed consent|registration|randomi[sz]ation|signing)\b)"
    r"\s*[,(]?\s*(?:at|when|since|after|before|for|upon|during|until|hours?|hrs?|h|days?|d"
    r"|weeks?|wks?|months?|mos?|kg|cm|mm|%|x|times|per)\b"
)
_LONE_COMPARATOR = re.compile(r"[<>=](?!\s*=?\s*(?:\d|(?:the )?age\b))")
# In the rest, a comparator the normalizer made of a word ("under general anesthesia", "at least
# a year of experience", "lasting less than one hour") bounds no age and stays in the residue;
# one with no word after it ("(<=)") or a spelled-out age ("under sixty years old",
# `ages.WORDED_AGE`) still refuses.
_WORD_COMPARATOR = re.compile(r"[<>]=?\s*(?=[a-z])")
_NEGATION_BEFORE = re.compile(r"\b(?:no|not|non|never|without|neither|nor)\s*$")
# "11 to no older than 17 years of age" (normalized "11 to no > 17"): a range to 17.
_TO_NO_MORE = re.compile(r"(\d)\s+to\s+no\s*>\s*(?=\d)")
_ANOTHER_AGE = re.compile(r"\bage[sd]?\b\W{0,3}\d|\d\s*(?:years?|yrs?)[- ](?:old|of age)")

ReadRest = Callable[[str], Criterion | None]


def age_clause_parts(
    normalized: str, text: str, read_clause: ReadRest, read_rest: ReadRest
) -> Criterion | None:
    """all-of(age, parts of the rest…, TEXT) for an inclusion bullet with an age clause, or None.

    ``read_clause`` reads a piece of text in full (the rules' own reading), ``read_rest`` in
    part (all-of(parts…, TEXT), or None)."""
    if not has_any(normalized, _GATE) or not _DIGIT.search(normalized):
        return None
    if normalized.startswith("all ") and (every := _ALL_GROUPS.match(normalized)):
        normalized = normalized[every.end() :]  # "All groups: age >= 18 …" holds for everyone
    normalized = without_list_heading(normalized)
    if " no " in normalized:
        normalized = _TO_NO_MORE.sub(r"\1 to ", normalized)
    matches = find_age(normalized) + find_age_ranges(normalized)
    matches = [m for m in matches if m.kind == "criterion" and m.criterion.kind is not Kind.TEXT]
    if not matches or _REFUSAL.search(normalized) or _OTHER_CHILD.search(normalized):
        return None
    if _THEIR_AGE.search(normalized):
        return None
    start = min(m.start for m in matches)
    end = max(m.end for m in matches)
    start, end = _clause_span(normalized, start, end)
    if start >= end:
        return None
    clause = normalized[start:end]
    if _LONE_COMPARATOR.search(clause):
        return None  # "under 80 years old (<=)": a comparator without its number
    age = read_clause(clause[1:-1] if clause[:1] == "(" and clause[-1:] == ")" else clause)
    if age is None or not _only_ages(age):
        return None
    before, after = normalized[:start], normalized[end:]
    if _NEGATION_BEFORE.search(before) or not _not_an_alternative(before, after):
        return None
    if _AFTER_REFUSAL.match(after):
        # "18 years at diagnosis": the age at another moment; "Age less than 72 hours": the
        # clause ends before its unit.
        return None
    rest = " ".join(f"{before} {after}".replace("( )", " ").replace("()", " ").split())
    if _LONE_COMPARATOR.search(_WORD_COMPARATOR.sub(" ", rest)) or WORDED_AGE.search(rest):
        return None  # "under 80 years old (<=)": a comparator the clause does not account for
    rest_matches = find_age(rest) + find_age_ranges(rest)
    if any(m.kind == "criterion" for m in rest_matches) or _ANOTHER_AGE.search(rest):
        return None  # a second age: which holds is not for this reading to say
    ages = list(age.children) if age.kind is Kind.COMBINATION else [age]
    # The sex said with the age ("Female subjects between 18 and 65 years of age …"), as
    # `find_sex` reads it in the bullet or in the rest.
    sexes = {m.criterion for m in find_sex(normalized) + find_sex(rest) if m.kind == "criterion"}
    if len({s.value_concept for s in sexes}) == 1:
        ages.extend(sexes)
    residue = Criterion(Kind.TEXT, source_text=text)
    if not _has_words(rest):
        members = [*ages]
    else:
        read = read_clause(rest)
        if read is not None:
            members = [*ages, *_members(read)]
        else:
            partly = read_rest(rest)
            parts = _members(partly) if partly is not None else []
            parts = [p for p in parts if p.kind is not Kind.TEXT]
            if not parts:
                parts = _listed_diagnoses(rest, read_clause)
            members = [*ages, *parts, residue]
    members = [m for i, m in enumerate(members) if m not in members[:i]]
    if len(members) == 1:
        return evolve(members[0], source_text=text)
    return Criterion(
        Kind.COMBINATION, children=tuple(members), combination="all-of", source_text=text
    )


_DIGIT = re.compile(r"\d")


def without_list_heading(normalized: str) -> str:
    """The bullet without a heading that labels the list ("Participants' eligibility: …",
    "Inclusion criteria: …"); a group's label ("Healthy subjects:", "Patients:") stays."""
    if ":" in normalized and (heading := _HEADING.match(normalized)):
        return normalized[heading.end() :]
    return normalized


_ALL_GROUPS = re.compile(r"all (?:groups|cohorts|arms|participants|subjects|patients)\s*:\s*")
# A heading that labels the list, not a group: "Eligibility:", "Participants' eligibility:",
# "Inclusion criteria:" (a group's label — "Healthy subjects:", "Patients:" — still refuses).
_HEADING = re.compile(
    r"(?:(?:key|main) )?(?:(?:participants?|patients?|subjects?)'?s?'? )?"
    r"(?:eligibility(?: criteria)?|inclusion criteria|inclusion)\s*:\s*(?![\d<>])"
)
_WORD = re.compile(r"[a-z]{3,}")
_FILLER_REST = frozenset(
    {"patients", "patient", "subjects", "subject", "participants", "participant", "with", "are"}
)


def _has_words(rest: str) -> bool:
    return any(word not in _FILLER_REST for word in _WORD.findall(rest))


# "Adults with diabetes mellitus, diabetic macular edema and visually significant cataracts
# planning to undergo …": the diagnoses the subject is said to have, each one necessary.
_HAVING = re.compile(
    r"(?:(?:^|\b(?:patients?|subjects?|participants?|adults?|people|persons|individuals|women"
    r"|men|children|adolescents|volunteers|outpatients|inpatients) )(?:who (?:have|has) |with )"
    r"|\b(?:diagnosed|admitted|hospitali[sz]ed|presenting) with "
    r"|\b(?:referral|referred|admitted|hospitali[sz]ed) for (?:the )?"
    r"(?:(?:management|treatment|care) of )?)"
    r"(?:(?:a|an|the|confirmed|medical|clinical|established|documented) )*(?:diagnos[ie]s of )?"
)
# "Female subjects … currently taking spironolactone for acne": the drug taken now.
_TAKING = re.compile(r"\b(?:currently |actively )?(?:taking|receiving) ")
_NEGATION_NEAR = re.compile(r"\b(?:no|not|non|never|without|longer|stopped)\W+(?:\w+\W+)?$")
_LIST_END = re.compile(
    r"[;.:(]|\b(?:who|whom|that|which|with|for|in|at|on|to|from|by|planning|planned|scheduled"
    r"|undergoing|requiring|receiving|according|based|confirmed|defined|as|due|after|before"
    r"|since|during|within|management|treatment|care)\b"
)
_LIST_REFUSAL = re.compile(
    r"\b(?:or|either|no|not|non|without|free|history|prior|previous\w*|past|suspect\w*"
    r"|suspicion|risk|family|e\.?g|such|including|like|any|other|except\w*|unless|if|may"
    r"|resolved|remission|treated|untreated|cured|mild|moderate|severe)\b"
    r"|/"
)
_KIND_WORDS = re.compile(r"\b(?:type|stage|grade|class|left|right|upper|lower|acute|chronic)\b")
_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def _listed_diagnoses(rest: str, read_clause: ReadRest) -> list[Criterion]:
    """The diagnoses of "<subject> with A, B and C …" (or "referred for A management") that
    read in full, when none of the lists' words can make one optional, past or a modifier of
    another; [] otherwise."""
    if not has_any(rest, ("with ", " ha", " for ", "taking ", "receiving ")):
        return []
    found: list[Criterion] = []
    leads = [(m, Kind.CONDITION) for m in _HAVING.finditer(rest)]
    if "taking " in rest or "receiving " in rest:
        leads += [(m, Kind.MEDICATION) for m in _TAKING.finditer(rest)]
    for having, kind in leads:
        if kind is Kind.MEDICATION and _NEGATION_NEAR.search(rest, 0, having.start()):
            return []  # "not currently taking …", "no longer receiving …"
        tail = rest[having.end() :]
        end = _LIST_END.search(tail)
        listed = tail[: end.start()] if end else tail
        if _LIST_REFUSAL.search(listed):
            return []
        items = _LIST_SPLIT.split(listed.strip(" ,"))
        if len(items) > 1 and _KIND_WORDS.search(listed):
            return []  # "type 1 and type 2 diabetes": an item may qualify the next
        for item in items:
            said = f"currently taking {item}" if kind is Kind.MEDICATION else item
            read = read_clause(said) if item else None
            if read is None:
                if len(item.split()) < 2 or _DIGIT.search(item):
                    return []  # "type 1 and type 2 diabetes": the item may qualify the next
                continue
            if read.kind is not kind or read.negated or read.window:
                return []
            found.append(read)
    return found


def _clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The run of age-clause words around [start, end), without connectives at its edges."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in _CLAUSE_TOKEN.finditer(text)]
    inside = [i for i, (s, e, _) in enumerate(tokens) if s < end and e > start]
    if not inside:
        return start, start
    first, last = inside[0], inside[-1]
    while first > 0 and _clause_word(tokens[first - 1][2]):
        first -= 1
    while last + 1 < len(tokens) and _clause_word(tokens[last + 1][2]):
        last += 1
    while first <= last and tokens[first][2] in _EDGE_WORDS:
        first += 1
    while last >= first and tokens[last][2] in _EDGE_WORDS | {"or", "and", ","}:
        last -= 1
    if first > last:
        return start, start
    span_start, span_end = min(tokens[first][0], start), max(tokens[last][1], end)
    if text.count("(", span_start, span_end) != text.count(")", span_start, span_end):
        # "(aged > 18 years)": the parentheses go with the clause, or stay with the rest.
        span_end = len(text[:span_end].rstrip(") "))
        span_start = len(text) - len(text[span_start:].lstrip("( "))
        if text[span_start - 1 : span_start] == "(" and text[span_end : span_end + 1] == ")":
            return span_start - 1, span_end + 1
    return span_start, span_end


def _clause_word(token: str) -> bool:
    return token.isdigit() or token in _CLAUSE_WORDS


def _only_ages(criterion: Criterion) -> bool:
    if criterion.kind is Kind.COMBINATION:
        return (
            criterion.combination == "all-of"
            and not criterion.negated
            and all(_only_ages(child) for child in criterion.children)
        )
    return criterion.kind is Kind.AGE and not criterion.negated


_OR = re.compile(r"\bor\b|/")
_OR_START = re.compile(r"\s*[;.]\s*(?:or|and/or)\b")
# Both sexes named are no alternative: "Men or women aged 18 or older".
_BOTH_SEXES = re.compile(
    r"\b(?:men|males?|women|females?|boys|girls)\s*(?:or|and/or|/)\s*"
    r"(?:men|males?|women|females?|boys|girls)\b"
)

# "of any race or ethnicity": a choice left free, no alternative.
_ANY_CHOICE = re.compile(r"\bany [a-z]+(?:,? (?:or|and/or) [a-z]+)+\b")


def _not_an_alternative(before: str, after: str) -> bool:
    """No "or" before the clause, right after it, or before another population or number."""
    if "or" in before or "/" in before:
        before = _ANY_CHOICE.sub(" ", _BOTH_SEXES.sub(" ", before))
    if _OR.search(before.replace("y/o", "")):
        return False
    first_or = _OR.search(after)
    if first_or is None:
        return True
    if after.lstrip()[:1] in (";", ".") and not _OR_START.match(after):
        # "Age >= 18; presence of hypertension (by history or BP >= 140/90)": another sentence
        return not _OR_ALTERNATIVE.search(after)
    relative = _RELATIVE.search(after)
    if relative is None or relative.start() > first_or.start():
        return False  # "≥ 18 or children with …": the "or" joins the age to something
    return not _OR_ALTERNATIVE.search(after)


def _members(criterion: Criterion) -> list[Criterion]:
    if (
        criterion.kind is Kind.COMBINATION
        and criterion.combination == "all-of"
        and not criterion.negated
        and not criterion.cohort
    ):
        return list(criterion.children)
    return [criterion]


__all__ = ["age_clause_parts", "without_list_heading"]
