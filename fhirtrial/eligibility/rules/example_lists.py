"""The examples an exclusion bullet gives of the class it names.

"Clinically significant cardiovascular disease (e.g., myocardial infarction within 6 months,
unstable angina)", "Use of strong CYP3A4 inhibitors such as ketoconazole within 14 days",
"Metabolic diseases (such as diabetes, hypertension etc)": in an exclusion bullet each example is,
by the text, an instance of what excludes, so a patient with one on record is excluded whatever
the class name means. `example_parts` returns any-of(<each example understood in full>, TEXT) —
TEXT standing for the class; it never excludes anyone the text does not. An example the rules
do not understand would be a leaf the form lacks (most are diagnoses or drugs a record decides),
so it leaves the bullet text, unless it only leaves the list open ("any other …", "etc"), which
the TEXT stands for too — or the class puts a judgement on every example ("uncontrolled
intercurrent illness including …"): then every part carries that judgement (a diagnosis read
without it takes it as a qualifier), so no record decides a part without the judgement, and
an example not understood is left to TEXT when most examples are understood; a last example
that only judges ("… or social situations that would limit compliance") is left to TEXT too.
A class read in full as diagnoses that hold every example read ("eating disorders such as
anorexia, bulimia …") is read alone (`class_heads`). A definition ("i.e.", "namely", "defined
as") lists the whole class:
any-of(items…) without TEXT when every item is understood and the list is not left open.

Each example is compiled in full (the rules' own exclusion reading) with what the class says of
every example: the words that open the bullet ("history of", "use of", "patients with"), the
judgements on the class ("clinically significant", "uncontrolled") and the words after a closing
parenthesis ("within 14 days"). The class itself may hold only such words, any adjectives and a
class noun ("disease", "disorders", "medications" …); a word that relates the class to something
else ("due to", "associated with", "contraindicating", "change in") refuses, since the examples
are then instances of that something, not of what excludes. Refused too (None: the bullet stays
text): allowances, negations, hedges, modal verbs, other people, anything said after the first
sentence, a second marker, an item whose qualifier, window or lead may reach the other examples,
a fragment sharing a head across "or" ("kidney or liver disease"). An example read as something
no example may be ("cancer": another one, in a cancer study?) counts as not understood.
A clause that says what the class does ("medications that may prolong QT (e.g., …)", "any
condition that could interfere with …, such as …") is cut first when `class_clauses` finds
it safe; every example must then be of the class's kind. A drug class with no lead is taken
("QT-prolonging medications (e.g., …)": use of each example); a class's own abbreviation
("gastrointestinal (GI) disorders") is no aside.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from fhirtrial.eligibility.model import Criterion, Kind, evolve
from fhirtrial.eligibility.rules.base import has_any
from fhirtrial.eligibility.rules.class_clauses import TRIGGERS as CLAUSE_TRIGGERS
from fhirtrial.eligibility.rules.class_clauses import ClassClause, class_clause
from fhirtrial.eligibility.rules.class_heads import class_alone
from fhirtrial.eligibility.rules.list_members import may_be_listed

_TRIGGERS = ("e.g", "eg", "such as", "includ", "for example", "for instance", "like")
_DEFINITION_TRIGGERS = ("i.e", "ie", "namely", "defined as")
_MARKER = re.compile(
    r"\b(?P<m>eg|ie|for example|for instance|such as|including|includes|like|namely"
    r"|defined as)\b(?:\s*but not limited to\b)?[.,:]*\s*"
)
_DEFINITIONS = frozenset({"ie", "namely", "defined as"})
# Words anywhere in the bullet that allow, negate, hedge or speak of someone else.
_REFUSAL = re.compile(
    r"\b(?:unless|except\w*|other than|apart from|besides|eligible|eligibility|allow\w*"
    r"|permit\w*|accept\w*|provided|whether|only|discretion|judge?ment|opinion|deemed"
    r"|investigators?|physicians?|regardless|irrespective|waive\w*|optional|may|might|can"
    r"|could|would|should|will|if|when|whenever|while|no|not|non|without|never|free|neither"
    r"|nor|absence|absent|lack\w*|negative|suspect\w*|suspicio\w*|probable|probably"
    r"|presumed|likely|possible|possibly|potential\w*|risks?|ruled? out|family|relatives?"
    r"|parents?|partners?|spouses?|caregivers?|mothers?|fathers?|siblings?|self[- ]\w+"
    r"|reported|plan\w*|intend\w*|future|scheduled|expected|stable|stabili\w*|resolved"
    r"|remission|cured|recovered|controlled|well[- ]controlled|cohorts?|arms?|phases?"
    r"|healthy|volunteers?|donors?|because|resulting|result)\b|non-"
)
# Examples that only leave the list open ("… or any other autoimmune disease").
_GENERIC = re.compile(r"(?:(?:any|all|or) )*(?:other|similar|related|comparable)\b")
_OPEN_END = re.compile(r"[,\s]*\b(?:etc|and so on|among others|and others|and the like)\b\.*")
# Words of the class carried onto every example: its lead and its judgements.
_CARRIED = frozenset(
    {
        *("history", "known", "documented", "confirmed", "diagnosed", "diagnosis", "presence"),
        *("evidence", "prior", "previous", "past", "current", "currently", "use", "using"),
        *("taking", "receiving", "treatment", "with", "of", "to", "allergy", "allergies"),
        *("allergic", "hypersensitivity"),
        *("patients", "patient", "participants", "participant", "subjects", "subject"),
        *("have", "has", "had", "clinically", "significant", "severe", "serious"),
        *("uncontrolled", "unstable", "symptomatic", "active", "major", "chronic", "acute"),
        *("recent", "ongoing", "poorly", "decompensated", "untreated", "relevant"),
        *("end-stage", "advanced", "moderate", "mild", "refractory", "progressive"),
        *("persistent", "recurrent", "terminal", "debilitating", "inadequately"),
        *("clinically-significant", "poorly-controlled", "life-threatening"),
    }
)
# Lead words that may govern a noun ("history of", "patients with", "treatment with").
_OF_WITH_AFTER = frozenset(
    {
        *("history", "presence", "evidence", "use", "diagnosis", "treatment", "patients"),
        *("patient", "participants", "participant", "subjects", "subject", "diagnosed"),
    }
)
_TO_AFTER = frozenset({"allergy", "allergies", "allergic", "hypersensitivity"})
# Words of the class that say nothing of the examples.
_DROPPED = frozenset(
    {
        *("a", "an", "the", "any", "other", "or", "and", "and/or", "/", ",", "some"),
        # "at the same time": what an example on record is anyway
        *("concomitant", "concurrent", "coexisting", "co-existing", "intercurrent"),
    }
)
# Class nouns whose instances an example list names.
_HEADS = frozenset(
    {
        *("disease", "diseases", "disorder", "disorders", "condition", "conditions"),
        *("illness", "illnesses", "comorbidity", "comorbidities", "co-morbidity"),
        *("co-morbidities", "infection", "infections", "medication", "impairment", "event"),
        *("medications", "drug", "drugs", "agent", "agents", "therapy", "therapies"),
        *("treatments", "inhibitors", "inducers", "problems", "abnormalities", "abnormality"),
        *("pathology", "pathologies", "syndromes", "diagnoses", "dysfunction", "diathesis"),
        *("events", "malignancies", "medicines", "immunosuppressants", "anticoagulants"),
        *("antibiotics", "antidepressants", "antipsychotics", "anticonvulsants", "opioids"),
        *("antiepileptics", "corticosteroids", "steroids", "vaccines"),
        # ("previous uterine surgery (e.g., myomectomy)", "significant arrhythmia (i.e. …)")
        *("surgery", "surgeries", "procedures", "complications", "arrhythmia", "arrhythmias"),
        *("treatment", "vasodilators", "immunomodulators", "immuno-modulators"),
        # Devices a patient carries ("implanted electronic devices such as a pacemaker or a
        # neurostimulator", "electrical equipment (pacemaker, ICD etc)").
        *("device", "devices", "implant", "implants", "equipment"),
    }
)
# Drug classes a bullet with no lead ("use of", "taking") speaks of as taken.
_TAKEN_HEADS = frozenset(
    {
        *("medication", "medications", "medicines", "drugs", "immunosuppressants"),
        *("anticoagulants", "antibiotics", "antidepressants", "antipsychotics"),
        *("anticonvulsants", "antiepileptics", "corticosteroids", "steroids", "opioids"),
        *("inhibitors", "inducers", "vasodilators", "immunomodulators", "immuno-modulators"),
    }
)
# Words that relate the class to something else: the examples are that something's.
_RELATIONAL = frozenset(
    {
        *("to", "for", "in", "on", "by", "from", "due", "that", "which", "who", "whose"),
        *("where", "associated", "related", "caused", "causing", "secondary", "induced"),
        *("affecting", "affect", "interfere", "interfering", "change", "changes", "requiring"),
        *("required", "requires", "need", "needs", "contraindicat", "reason", "reasons"),
        *("during", "after", "before", "following", "since", "until", "within", "between"),
        *("than", "as", "at", "under", "over", "about", "against", "into", "per", "via"),
    }
)
# Words of a class that make it an event, a report or an exposure, not a state on record.
_EVENT_WORD = re.compile(
    r"(?:develop|report|experienc|expos|suffer|undergo|present|exacerbat|complicat|worsen"
    r"|flare|episode|attack|onset|new|newly|ever)"
)
_WORD = re.compile(r"and/or|[a-z0-9][a-z0-9'+\-]*|/|,")
_LEAD_SEPARATOR = re.compile(r"\s*,\s*(?:or\s+|and\s+|and/or\s+)?|\s+(?:or|and|and/or)\s+|/")
_ITEM_SEPARATOR = re.compile(r"(\s*,\s*(?:or|and/or|and)\s+|\s*,\s*|\s+(?:or|and/or|and)\s+)")
_OWN_QUALIFIER = re.compile(
    r"(?:un\w+|poorly|clinically|severe|serious|active|symptomatic|chronic|acute|recent\w*"
    r"|current\w*|significant|major|unstable|decompensated|moderate|mild|history|known)\b"
)
_RESTRICTING = re.compile(
    r"\b(?:with|without|requir\w*|need\w*|that|which|who|whose|due|caused|related"
    r"|associated|secondary|induced|treated|treatment|therapy|receiving|taking|on|in|during"
    r"|for|lasting|leading|resulting)\b"
)
_GOVERNING = re.compile(
    r"(?:allerg\w*|hypersensitiv\w*|intoleran\w*|use|using|treatment|therapy|taking"
    r"|receiving|exposure|history|prior|previous)\b"
)
_TIME = re.compile(r"\b(?:within|since|days?|weeks?|months?|years?|prior to|before|after)\b|[<>=]")
_LISTED_KINDS = frozenset(
    {
        *(Kind.CONDITION, Kind.MEDICATION, Kind.PRIOR_THERAPY, Kind.PROCEDURE, Kind.ALLERGY),
        *(Kind.VACCINE, Kind.LAB, Kind.PREGNANCY, Kind.BREASTFEEDING, Kind.BIOMARKER),
    }
)


# A list in parentheses with no marker after a class ("Cardiovascular disease (heart failure,
# myocardial infarction or stroke).", NCT03928145 exc-4; "Participants with comorbidities (DM,
# CKD)", NCT03924596 exc-2; "Presence or history of gastrointestinal disorder (gastric ulcer, GERD,
# Crohn's disease, etc.)", NCT03863938 exc-2; "Contraindications to MRI (claustrophobia, …,
# pacemaker, …)", NCT03928002 exc-1.2): examples of the class or its definition, each item an
# instance of what excludes either way — read as the examples are. Not with a number or
# comparator inside (a definition by a measure: "(ALT > 5×ULN, eGFR < 30 …)"), nor after a
# malignancy (a list after "malignancy" is as often the cancers allowed), and never the class
# alone (`class_heads`): "Fracture (hip, spine)" may define which fractures.
_UNMARKED_LIST = re.compile(r"(?<=[a-z0-9)]) ?\((?=[^()]*(?:,| or | and )[^()]*\))")
_MEASURE = re.compile(r"[0-9<>=≤≥%×]")
# The word before the list, past an abbreviation in parentheses ("disease (CVD) (…").
_HEAD_BEFORE = re.compile(r"(?P<head>[a-z-]+)(?:\s*\([a-z0-9-]{1,8}\))?\s*$")
_MALIGNANCY_HEAD = re.compile(r"cancer|malignan|neoplas|tumou?r|carcinom|oncolog")


def _marked(normalized: str) -> str | None:
    """The bullet with "eg" opening its one unmarked list in parentheses, or None."""
    found = list(_UNMARKED_LIST.finditer(normalized))
    if len(found) != 1:
        return None
    start = found[0].end()
    head = _HEAD_BEFORE.search(normalized, 0, found[0].start())
    if head is None or head["head"] not in _HEADS:
        return None  # a class noun right before its list ("disease (", "comorbidities (")
    if _MEASURE.search(normalized, start, normalized.index(")", start)):
        return None
    if _MALIGNANCY_HEAD.search(normalized, 0, start):
        return None
    return f"{normalized[:start]}eg {normalized[start:]}"


def example_parts(
    normalized: str, text: str, compile_clause: Callable[[str], Criterion | None]
) -> Criterion | None:
    """any-of(the examples understood in full…, TEXT) for an exclusion bullet, or None."""
    unmarked = False
    if not has_any(normalized, _TRIGGERS) and not has_any(normalized, _DEFINITION_TRIGGERS):
        if "(" not in normalized or (marked := _marked(normalized)) is None:
            return None
        normalized, unmarked = marked, True  # "Cardiovascular disease (heart failure, …)"
    bullet = normalized.replace("e.g.", "eg").replace("i.e.", "ie").replace("e.g", "eg")
    bullet = re.sub(r"\bi\.e\b", "ie", bullet)
    bullet = bullet.replace("but not limited to", "").replace("without limitation", "")
    bullet, judged_last = _without_judged_last_item(bullet)
    clause: ClassClause | None = None
    if has_any(bullet, CLAUSE_TRIGGERS) and (clause := class_clause(bullet, compile_clause)):
        # "medications that may prolong QT (e.g., amiodarone)": the TEXT stands for the clause
        if _REFUSAL.search(clause.words):
            return None
        bullet = clause.bullet
    if _REFUSAL.search(bullet):
        return None
    markers = list(_MARKER.finditer(bullet))
    if not markers and (marked := _marked(bullet)) is not None:
        unmarked = True  # ("comorbidities" holds "ie")
        bullet, markers = marked, list(_MARKER.finditer(marked))
    if len(markers) != 1:
        return None
    marker = markers[0]
    shape = _shape(bullet, marker)
    if shape is None:
        return None
    lead, listed, after = shape
    if (
        clause is None
        and not unmarked  # "Fracture (hip, spine)" may define the class: never the class alone
        and marker["m"] not in (*_DEFINITIONS, "includes")
        and lead.strip()
    ):
        # "Eating disorders such as anorexia, bulimia …": a class read in full is the reading
        examples = _items(_OPEN_END.sub("", listed).strip(" ,.;:"))
        head = " ".join(w for w in (lead, after) if w)
        if examples and (alone := class_alone(head, examples[0], compile_clause)):
            return alone
    if window := _CLASS_WINDOW.search(lead):
        # "Cardiovascular disease within the past 6 months (e.g., …)": every example's window
        lead, after = lead[: window.start()], " ".join(w for w in (window[0].strip(), after) if w)
    carried = _carried(lead)
    if carried is None or _names_another_item(lead, compile_clause):
        return None
    if carried in ("", "current", "currently") and _WORD.findall(lead)[-1] in _TAKEN_HEADS:
        # "QT-prolonging medications (e.g., amiodarone)": a drug class with no lead is taken
        carried = f"{carried} use of".strip()
    judgement = _judgement(carried, compile_clause)
    if judged_last and not judgement:
        return None  # the last item's own judgement could reach the other examples
    listed, open_end = _OPEN_END.sub("", listed), bool(_OPEN_END.search(listed))
    open_end = open_end or judged_last
    split = _items(_SAME_STATE.sub("active", listed).strip(" ,.;:"))
    if split is None:
        return None
    items, links = split
    parts: list[Criterion] = []
    read: list[_Example] = []
    index = 0
    while index < len(items):
        reading = _judged(_reading(carried, items[index], after, compile_clause), judgement)
        stop = index + 1
        if reading:
            # "hepatitis B or C", "HIV 1/2": short items read only with the one before.
            while stop < len(items) and len(items[stop].split()) <= 2:
                if _reading(carried, items[stop], after, compile_clause):
                    break
                joined = f"{items[index]} or {' or '.join(items[index + 1 : stop + 1])}"
                longer = _judged(_reading(carried, joined, after, compile_clause), judgement)
                if not longer or len(longer) <= len(reading):
                    break  # the short item must add a part of its own
                reading, stop = longer, stop + 1
        if reading is None:
            return None
        if not reading and not _GENERIC.match(items[index]) and not judgement:
            return None  # an example not understood is most often a leaf the form would lack
        link = links[index - 1] if index else ","
        read.append(_Example(" or ".join(items[index:stop]), bool(reading), link))
        parts.extend(m for m in reading if m not in parts)
        index = stop
    if not parts or not _no_reach(read, judged=bool(_JUDGED.search(carried))):
        return None
    if clause is not None and any(part.kind not in clause.kinds for part in parts):
        return None  # an example of another kind than the class's: of what, then?
    if judgement and not _mostly_understood(read, items):
        return None
    definition = marker["m"] in _DEFINITIONS
    if definition and all(example.understood for example in read) and not open_end and not clause:
        return (
            parts[0]
            if len(parts) == 1
            else Criterion(Kind.COMBINATION, children=tuple(parts), combination="any-of")
        )
    return Criterion(
        Kind.COMBINATION,
        children=(*parts, Criterion(Kind.TEXT, source_text=text)),
        combination="any-of",
        source_text=text,
    )


# Parentheses in an example other than an abbreviation ("inflammatory bowel disease (IBD)").
_ABBREVIATION = re.compile(r"\s*\([a-z0-9 -]{1,12}\)")
# A class's own abbreviation or name in words only ("(GI)", "(Axis I)"): no number, no
# comparator, nothing said of the examples.
_CLASS_ABBREVIATION = re.compile(r"\s*\([a-z][a-z -]{0,11}\)(?=\s|$)")


def _unless_said_of_examples(aside: re.Match[str]) -> str:
    """Nothing for a class's own abbreviation; the aside itself when it may judge or date the
    examples ("infections (active)", "disease (recent)"), which then refuses the bullet."""
    words = set(_WORD.findall(aside[0]))
    if words & _CARRIED or _OWN_QUALIFIER.search(aside[0]) or _TIME.search(aside[0]):
        return aside[0]
    return ""


# What may follow a closing parenthesis: a window on every example.
_AFTER_WINDOW = re.compile(
    r"(?:within|in|during|over) (?:the )?(?:(?:past|last|previous|preceding|prior) )?(?:(?:\d+"
    r"|one|two|three|four|five|six|twelve) )?(?:days?|weeks?|months?|years?)(?: (?:before|prior"
    r" to|of|preceding) (?:enrol\w*|randomi[sz]ation|screening|study entry|registration"
    r"|(?:the )?(?:first|initial) dose(?: of (?:the )?study (?:drug|treatment|medication))?"
    r"|(?:the )?start of (?:the )?study(?: treatment| drug)?))?"
)


_CLASS_WINDOW = re.compile(
    r"\s+(?:within|in|during) (?:the )?(?:past |last |previous |preceding )?(?:\d+|one|two"
    r"|three|four|six|twelve) (?:days?|weeks?|months?|years?)(?: (?:before|prior to|of)"
    r" (?:enrol\w*|randomi[sz]ation|screening|study entry|registration|the first dose"
    r"(?: of study (?:drug|treatment))?))?\s*,?$"
)


def _shape(bullet: str, marker: re.Match[str]) -> tuple[str, str, str] | None:
    """(class, examples, words after the examples) of the bullet's only sentence."""
    before, after = bullet[: marker.start()], bullet[marker.end() :]
    if before.rstrip().endswith("(") or before.rstrip().endswith("["):
        closing = ")" if before.rstrip().endswith("(") else "]"
        end = after.find(closing)
        if end < 0 or "(" in after[:end]:
            return None
        lead = before.rstrip()[:-1]
        listed, rest = after[:end], after[end + 1 :]
    else:
        lead, listed, rest = before, after, ""
    rest, listed = rest.strip(" .;,"), listed.strip(" .;,:")
    if "(" in lead:
        lead = _CLASS_ABBREVIATION.sub(_unless_said_of_examples, lead)  # "gastrointestinal (GI) …"
    if "(" in lead or ")" in lead or has_any(_ABBREVIATION.sub("", listed), ("(", ")")):
        return None
    if (rest and not _AFTER_WINDOW.fullmatch(rest)) or has_any(listed, (";", ". ")):
        return None  # another item, sentence or restriction after the examples
    return lead.strip(" ,:-"), listed, rest


def _carried(lead: str) -> str | None:
    """The words of the class every example takes, or None when the class is no plain class
    noun (its last word) with leads, judgements and adjectives."""
    words = _WORD.findall(lead)
    if not words or words[-1] not in _HEADS:
        return None
    carried: list[str] = []
    for index, word in enumerate(words[:-1]):
        if (
            word in _HEADS
            or (word in _RELATIONAL and word != "to")
            or word.startswith("contraindicat")
        ):
            return None
        if word in ("of", "with") and (not index or words[index - 1] not in _OF_WITH_AFTER):
            return None
        if word == "to" and (not index or words[index - 1] not in _TO_AFTER):
            return None
        if word in _CARRIED:
            carried.append(word)
        elif word.startswith("un") and word != "underlying":
            return None  # a judgement the examples would not carry
        elif word in _DROPPED or word.isalnum() or "-" in word:
            continue  # an adjective of the class: the examples name their own
        else:
            return None
    return " ".join(carried)


def _reading(
    carried: str, item: str, after: str, compile_clause: Callable[[str], Criterion | None]
) -> list[Criterion] | None:
    """The parts of one example read with what the class says of it: [] when not understood,
    None when read as something no example may be."""
    own = set(_WORD.findall(item))
    # "chronic liver disease (e.g. chronic hepatitis B)": a word the example repeats is its own
    carried = " ".join(w for w in carried.split() if w not in own or w in ("of", "with", "to"))
    criterion = compile_clause(" ".join(w for w in (carried, item, after) if w))
    if criterion is None:
        return []
    if _negated(criterion):
        return None
    # An example read as something no example may be ("cancer": another one, in a cancer
    # study?) is one the form leaves to TEXT.
    return _members(criterion) or []


def _names_another_item(lead: str, compile_clause: Callable[[str], Criterion | None]) -> bool:
    """ "History of stroke, or cardiac disease (e.g., …)": a piece of the class's words before
    its last "," / "or" / "and" / "/" that the rules read is an item of its own, which the form
    would lack."""
    pieces = _LEAD_SEPARATOR.split(lead)
    return any(compile_clause(piece) is not None for piece in pieces[:-1] if piece.strip())


def _items(listed: str) -> tuple[list[str], list[str]] | None:
    """The examples and the connectives between them ("," or "or" / "and")."""
    pieces = _ITEM_SEPARATOR.split(listed)
    items = [item.strip(" .") for item in pieces[::2]]
    links = ["," if link.strip() == "," else "or" for link in pieces[1::2]]
    if not items or any(not item for item in items) or len(items) > 15:
        return None
    return items, links


def _members(criterion: Criterion) -> list[Criterion] | None:
    """The parts an example's reading gives, if each is a state a record can show."""
    members = (
        list(criterion.children)
        if criterion.kind is Kind.COMBINATION and criterion.combination == "any-of"
        else [criterion]
    )
    return (
        members
        if all(may_be_listed(m, _LISTED_KINDS, qualified=frozenset()) for m in members)
        else None
    )


def _negated(criterion: Criterion) -> bool:
    return criterion.negated or any(_negated(child) for child in criterion.children)


@dataclass(frozen=True, slots=True)
class _Example:
    words: str
    understood: bool
    link: str
    """The connective before it: "," or "or" (also "and")."""


def _no_reach(examples: list[_Example], *, judged: bool) -> bool:
    """No qualifier or window written on one example can reach another: a qualifier opening an
    example ("uncontrolled diabetes, hypertension") and a short example after it with none of
    its own — unless the class already puts a judgement on every example; a time or restriction
    after the first example ("MI, stroke within 6 months", "… requiring hospitalization") and
    the examples before it; a lead ("allergy to penicillin, sulfa") and those after it; a head
    or qualifier shared across "or" ("kidney or liver disease": a fragment not understood)."""
    words = [example.words for example in examples]
    for index, item in enumerate(words):
        if (
            not judged
            and _OWN_QUALIFIER.match(item)
            and any(
                len(later.split()) <= 2 and not _OWN_QUALIFIER.match(later)
                for later in words[index + 1 :]
            )
        ):
            return False
        if index and (_TIME.search(item) or _RESTRICTING.search(item)):
            return False
        if _GOVERNING.match(item) and any(not _GOVERNING.match(b) for b in words[index + 1 :]):
            return False
    for left, right in pairwise(examples):
        if right.link == "or" and left.understood != right.understood:
            fragment = right if left.understood else left
            if len(fragment.words.split()) <= 2 and not fragment.words.endswith(_OWN_HEADS):
                return False
    return True


_OWN_HEADS = ("disease", "disorder", "syndrome", "failure", "infection", "insufficiency")
_JUDGED = re.compile(
    r"\b(?:clinically|significant|severe|serious|uncontrolled|unstable|symptomatic"
    r"|decompensated|poorly|progressive)\b"
)


# "Uncontrolled intercurrent illness including … cardiac arrhythmia, or psychiatric
# illness/social situations that would limit compliance with study requirements" (the NCI
# template): a last item that is itself a judgement on the patient's situation, which the TEXT
# member stands for; cut before the refusal words are read, and only under a judged class.
_JUDGED_LAST_ITEM = re.compile(
    r"(?:,\s*(?:or |and/or |and )?|\s(?:or|and/or|and)\s)[^,;()]{0,80}?\b(?:that|which)"
    r"\s+(?:would|could|may|might)\s+(?:limit|interfere|compromise|preclude|impair|affect)"
    r"\b[^;()]*$"
)

_JUDGING_VERB = re.compile(r"\b(?:that|which)\s+(?:would|could|may|might)\b")


def _without_judged_last_item(bullet: str) -> tuple[str, bool]:
    """The bullet without a last example that only judges ("… that would limit compliance")."""
    marker = _MARKER.search(bullet)
    cut = _JUDGED_LAST_ITEM.search(bullet, marker.end()) if marker else None
    if cut is None or "(" in bullet[marker.end() if marker else 0 :]:
        return bullet, False
    if _REFUSAL.search(_JUDGING_VERB.sub("", bullet[cut.start() :], count=1)):
        return bullet, False  # an allowance or hedge in the cut words: the refusal reads it
    return bullet[: cut.start()].rstrip(" ,"), True


def _judgement(carried: str, compile_clause: Callable[[str], Criterion | None]) -> frozenset[str]:
    """The qualifiers the class's judgement ("clinically significant", "uncontrolled") puts on
    every example, as the rules read it on a plain diagnosis."""
    words = [w for w in carried.split() if _JUDGED.fullmatch(w)]
    if not words:
        return frozenset()
    reference = compile_clause(f"{' '.join(words)} hypertension")
    return frozenset(reference.qualifiers) if reference is not None else frozenset()


def _judged(reading: list[Criterion] | None, judgement: frozenset[str]) -> list[Criterion] | None:
    """Every part keeps the class's judgement: a diagnosis read without it ("ongoing or active
    infection" under "uncontrolled …" read as infection[active]) takes it as a qualifier; any
    other part without it leaves the example not understood. Never an example read bare when
    the judgement narrows it."""
    if not reading or not judgement:
        return reading
    parts: list[Criterion] = []
    for part in reading:
        if judgement <= set(part.qualifiers):
            parts.append(part)
        elif part.kind is Kind.CONDITION and not part.children:
            parts.append(evolve(part, qualifiers=(*part.qualifiers, *sorted(judgement))))
        else:
            return []
    return parts


# "ongoing or active infection": one state said twice, one example.
_SAME_STATE = re.compile(r"\b(?:ongoing|active|current) (?:or|and/or) (?:ongoing|active|current)\b")


def _mostly_understood(read: list[_Example], items: list[str]) -> bool:
    """Under a judged class ("uncontrolled intercurrent illness including …") an example the
    rules do not read is left to TEXT — every part carries the judgement a record does not
    decide, so the form is at best unknown without it — when most examples are understood:
    at least two, more than those left (open-ended "any other …" examples aside)."""
    understood = sum(example.understood for example in read)
    left = sum(not example.understood and not _GENERIC.match(example.words) for example in read)
    return not left or (understood >= 2 and understood > left)
