"""Implanted devices an exclusion bullet lists among other things it does not read.

"Contraindications to MRI (claustrophobia, intraocular metal foreign bodies, pacemaker,
neurostimulator, cochlear implants, old heart valves)", "Prior metallic device implants such as
cardiac pacemakers/defibrillators or perfusion pumps that cannot be removed", "Neurostimulator,
bladder stimulator, non-removable insulin pump": in an exclusion bullet each item of such a list
excludes on its own, so a patient whose record shows one of the devices named (a pacemaker, an
implantable defibrillator, a neurostimulator, a cochlear implant, a prosthetic heart valve, a
ventricular assist device) is excluded whatever the other items are. `device_parts` returns
any-of(<each item understood in full>, TEXT): TEXT stands for the items the rules do not read
(aneurysm clips, shrapnel, insulin pumps, "old heart valves") and for the class the list gives
examples of; it never excludes anyone the text does not.

The general list readings (`partial._listed_parts`, `example_lists.example_parts`) refuse such
lists: an item they do not understand is most often a diagnosis the form would lack, and a
device is no diagnosis. Here the list must name at least one implanted device; the other items
read in full (a diagnosis, pregnancy, an allergy) are kept too, any other reading goes to TEXT
("malignancy" too: in a cancer study it means another one).

Refused (None: the bullet stays text), since a word could then narrow, date, hedge or qualify
the devices: allowances and conditions ("unless", "if", "allowed", "MR-conditional"), negations
(but "cannot be removed", "non-removable", "non-MR compatible devices", which say only what
the devices are), hedges and modal verbs, a time word (a window read onto one item only
would widen the others), a device needed, planned, temporary, external or wearable, a device as
a source of data ("AF documented on pacemaker or ICD", "capable of monitoring"), "other"
pacemakers, and a qualifier after a device ("… pacemaker or arrhythmia requiring treatment",
"… devices which obstruct visibility").

An inclusion that asks for none of such a list ("No contraindications to MRI (e.g., pacemaker,
claustrophobia)") is the exclusion reading negated (`absent_devices`): NOT any-of(…, TEXT), not
met by a device on record and otherwise unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.base import has_any
from fhirtrial.eligibility.rules.phrasing import names_any_malignancy, negate

# Implanted devices a record shows by a Procedure or a Z95-/Z96- presence code.
DEVICES = frozenset(
    {
        *("pacemaker", "implantable-cardioverter-defibrillator", "neurostimulator"),
        *("cochlear-implant", "heart-valve-replacement", "ventricular-assist-device"),
    }
)
_TRIGGERS = (
    *("pace", "peacemaker", "defibrillat", "icd", "stimulator", "cochlear", "valv", "vad"),
    *("ventricular assist", "cardiac device", "electr"),
)
# What the items may be read as: states a record shows on their own.
_KINDS = frozenset(
    {Kind.PROCEDURE, Kind.CONDITION, Kind.PREGNANCY, Kind.BREASTFEEDING, Kind.ALLERGY}
)
# Words that only say what the devices are (set aside before the refusal is read).
_HARMLESS = re.compile(
    r"\b(?:that|which) (?:can ?not|could not|cannot) be (?:safely )?removed\b"
    r"|\bnon-?removable\b|\bnot removable\b|\bbut not limited to\b"
    # An item of its own ("non-MR compatible devices"), never a word narrowing a device named
    # ("pacemakers that are not MR-conditional" stays text).
    r"|\b(?:non-? ?|not )(?:mri?|magnetic resonance)[- ]?(?:compatible|safe|conditional)"
    r"(?= (?:\w+ )?(?:devices?|implants?|objects?|metal\w*|materials?|hardware))"
)
_REFUSAL = re.compile(
    r"\b(?:unless|except\w*|other than|apart from|besides|eligible|eligibility|allow\w*"
    r"|permit\w*|accept\w*|provided|whether|only|discretion|judge?ment|opinion|deemed"
    r"|regardless|irrespective|waive\w*|optional|may|might|can|could|would|should|will|if"
    r"|when|whenever|while|no|not|non|without|never|free|neither|nor|absence|absent|lack\w*"
    r"|negative|suspect\w*|suspicio\w*|probable|probably|presumed|likely|possible|possibly"
    r"|potential\w*|risks?|ruled? out|family|relatives?|partners?|caregivers?|plan\w*"
    r"|intend\w*|future|scheduled|expected|anticipated|candidates?|indicat\w*|requir\w*"
    r"|need\w*|undergo\w*|awaiting|insertion|placement|temporary|temporarily|external"
    r"|wearable|transcutaneous|leadless|conditional|compatible|safe|monitor\w*|interrogat\w*"
    r"|record\w*|detect\w*|documented|capable|able|dependen\w*|cohorts?|arms?|phases?"
    r"|healthy|volunteers?|donors?|within|since|days?|weeks?|months?|years?|prior to|before"
    r"|after|following|during|recent\w*|last|past|current\w*|ongoing|due|caused|causing"
    r"|associated|related|secondary|induced|other pacemakers?|explant\w*|revision|removal"
    r"|replacement of)\b"
    # A problem of the device, not the device: "pacemaker infection", "valve dehiscence".
    r"|\b(?:pace ?makers?|defibrillators?|icds?|devices?|implants?|valves?|stimulators?)"
    r" (?:infection|malfunction|failure|dehiscence|endocarditis|leads?|pocket|thrombosis)\b"
)
# Words in the last item that may qualify the whole list before it ("…, pacemaker or
# arrhythmia requiring treatment"); a place ("metal fragments in the eye") does not.
_QUALIFIER = re.compile(
    r"\b(?:that|which|who|whose|with|for|on|to|at|by|from|where|limiting|preventing"
    r"|precluding|prohibiting|interfer\w*|affecting|contraindicat\w*|obstruct\w*)\b"
    r"|\bin (?!(?:the |their )?(?:head|eyes?|brain|body|skull|chest|orbits?|ears?|skin)\b)"
)
# A bare defibrillator beside a pacemaker is the implanted one ("pacemakers/defibrillators",
# "(pacemaker, ICD etc)"), never "ICD-10".
_BARE_ICD = re.compile(
    r"(?:an? )?(?:automatic )?(?:implant(?:ed|able) )?(?:cardioverter[- ])?defibrillators?"
    r"|a?icds?(?: devices?)?"
)
_MARKER = re.compile(
    r"\b(?:e\.?g\.?|i\.?e\.?|such as|including|includes|include|like|namely|for example"
    r"|for instance|etc\.?|and so on|among others)(?=[\s,.:;)]|$)|[():;]"
)
# A list of three or more ("…, metallic foreign bodies, and claustrophobia") is a list; two
# items joined by "and" may be one patient with both.
_JOINED_BY_AND = re.compile(r"\band\b|&|\bplus\b")
_BOTH = re.compile(r"\b(?:both|together|concurrent|concomitant|combined|combination|also)\b")
_SEPARATOR = re.compile(r"\s*,\s*(?:or |and/or |and )?|\s+(?:or|and/or|and)\s+|\s*/\s*")
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|vs)\.")
_SENTENCE_END = re.compile(r"\.\s")
_OPENING = re.compile(
    r"^(?:(?:a |an |the |any )?(?:history of|presence of|carriers? of|patients? with"
    r"|subjects? with|participants? with|known|have|has|with|implanted|prior|previous)\s+)+"
)


def device_parts(
    normalized: str, text: str, compile_clause: Callable[[str], Criterion | None]
) -> Criterion | None:
    """any-of(items read in full…, TEXT) for an exclusion bullet listing implanted devices."""
    if not has_any(normalized, _TRIGGERS):
        return None
    if _SENTENCE_END.search(_ABBREVIATION.sub("", normalized).rstrip(" .;")):
        return None  # one sentence only: a second may narrow or allow the first
    bullet = _HARMLESS.sub(" ", normalized.rstrip(" .;"))
    if _REFUSAL.search(bullet):
        return None
    items = [i.strip(" ,.-") for part in _MARKER.split(bullet) for i in _SEPARATOR.split(part)]
    items = [item for item in items if item]
    if _JOINED_BY_AND.search(bullet) and (len(items) < 3 or _BOTH.search(bullet)):
        return None  # "pacemaker and X", "both …": one patient with both, or a list — unsaid
    pacemaker = "pace" in bullet
    members: list[Criterion] = []
    residue = False
    device_seen = False
    for index, item in enumerate(items):
        reading = _read(item, compile_clause)
        if reading is None and pacemaker and _BARE_ICD.fullmatch(item):
            reading = Criterion(Kind.PROCEDURE, concept="implantable-cardioverter-defibrillator")
        if reading is None:
            if index == len(items) - 1 and _QUALIFIER.search(item):
                return None  # "… pacemaker or perfusion pumps for chemotherapy"
            residue = True
            continue
        device = any(leaf.concept in DEVICES for leaf in _leaves(reading))
        device_seen = device_seen or device
        if reading.kind is Kind.COMBINATION and reading.combination == "any-of":
            members.extend(reading.children)
        else:
            members.append(reading)
    if not device_seen:
        return None
    text_member = residue or any(m.kind is Kind.TEXT for m in members)
    members = [m for i, m in enumerate(members) if m.kind is not Kind.TEXT and m not in members[:i]]
    if text_member:
        members.append(Criterion(Kind.TEXT, source_text=text))
    if len(members) == 1:
        return members[0]
    return Criterion(Kind.COMBINATION, children=tuple(members), combination="any-of")


# An inclusion that asks for none of them: "No contraindications to MRI (e.g., pacemaker, …)".
_ABSENCE = re.compile(
    r"^(?:(?:patients?|subjects?|participants?) (?:with )?)?(?:no|without|absence of|free of"
    r"|free from) (?:any )?(?:known )?"
)


def absent_devices(
    normalized: str, text: str, compile_clause: Callable[[str], Criterion | None]
) -> Criterion | None:
    """NOT any-of(devices…, TEXT) for an inclusion bullet that asks for none of a device list:
    not met when a device named is on record, otherwise unknown (the other items are unread)."""
    absence = _ABSENCE.match(normalized)
    if absence is None:
        return None
    listed = device_parts(normalized[absence.end() :], text, compile_clause)
    return None if listed is None else negate(listed)


def _read(item: str, compile_clause: Callable[[str], Criterion | None]) -> Criterion | None:
    """The item read in full as a state a record shows, or None (residue)."""
    reading = compile_clause(item)
    if reading is None and (opening := _OPENING.match(item)):
        reading = compile_clause(item[opening.end() :])
    if reading is None:
        return None
    leaves = _leaves(reading)
    if any(leaf.negated or leaf.window is not None for leaf in leaves) or reading.negated:
        return None
    if not all(leaf.kind in _KINDS or leaf.kind is Kind.TEXT for leaf in leaves):
        return None
    if any(
        leaf.kind is Kind.PROCEDURE and leaf.concept not in DEVICES for leaf in leaves
    ) or not any(leaf.kind is not Kind.TEXT for leaf in leaves):
        return None  # an operation without the words that it was done: the reader's
    if reading.kind is Kind.COMBINATION and reading.combination != "any-of":
        return None  # a narrowed item ("mechanical prosthetic heart valve"): the reader's
    if names_any_malignancy(reading):
        return None  # in a cancer study "malignancy" in a list means another one
    return reading


def _leaves(criterion: Criterion) -> list[Criterion]:
    if criterion.kind is Kind.COMBINATION:
        return [leaf for child in criterion.children for leaf in _leaves(child)]
    return [criterion]
