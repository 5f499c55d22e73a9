"""Procedures a patient lives with: current dialysis ("on hemodialysis", "dialysis patients"), a
tracheostomy or another stoma, a cochlear implant, a prosthetic heart valve, a replaced hip, knee
or shoulder, an oophorectomy, a limb amputation: `procedure` concepts
(terminology/procedures.json) a record shows by a Procedure or by an ICD-10-CM status / presence /
acquired-absence code (Z99.2, Z93-, Z96.21, Z95.2-Z95.4, Z96.6-, Z90.72-, Z89-).

Dialysis, a stoma, an implant and a prosthetic valve are states: the noun alone says the patient
has one ("Tracheostomy", "Cochlear implant users"). A replaced joint, a removed ovary or an
amputation is an operation, as often the study's own as one done: only where words say it was
done or is there ("history of", "presence of", "with", "amputated", a window after). A word right
before the name that narrows it ("mechanical prosthetic heart valve", "total knee arthroplasty",
"transmetatarsal amputation", "loop ileostomy"; only the kinds `_NARROWING` lists) is read as
all-of(concept, TEXT): the record's codes do not tell the narrower one apart, so none on record
rules it out and one on record leaves the kind to a reader. "On dialysis", "receiving
hemodialysis", "requiring dialysis" beside the disease it treats ("end-stage renal disease on
dialysis", "renal failure requiring dialysis") is that disease with dialysis now. Any replaced
joint ("history of joint replacement", "artificial joints") is `joint-replacement` (Z96.6-);
joints sharing the noun ("prior hip or knee replacement") are any-of their replacements.
Dialysis in the past ("required dialysis", "history of dialysis") is not the current state the
concept means, and stays text; "requiring" anything else is a need.
"Renal replacement therapy" may be a transplant: any-of(dialysis, TEXT).

Devices and support a patient uses now are states too: a hearing aid, CPAP, a neurostimulator,
a ventricular assist device ("current hearing aid user", "patients on CPAP"), and mechanical
ventilation ("receiving mechanical ventilation", "mechanically ventilated patients"; invasive
ventilation its own narrower concept), read like dialysis: not when past, needed, expected,
postoperative or the unit's ability ("able to provide mechanical ventilation"); how long it has
lasted ("for ≥ 48 hours", "after 48 hours of invasive ventilation", with the extubation that ends
it) is left to a reader (all-of(ventilation, TEXT)). ECMO is read as ventilation is ("ECMO",
"supported on ECMO"), without its durations.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind
from fhirtrial.eligibility.rules.amputation_levels import level_before
from fhirtrial.eligibility.rules.base import Match, has_any

_DIALYSIS = re.compile(
    r"(?<![\w-])(?:(?:undergoing|under|dependent on|treated with|treatment with|on|receiving"
    r"|currently on|currently receiving|requiring|requires|require) )?"
    r"(?:(?:chronic|maintenance|long[- ]term|regular|kidney|renal|acute or chronic"
    r"|chronic or acute) )*"
    r"(?:(?P<hemodialysis>ha?emodialysis)|(?P<peritoneal_dialysis>peritoneal dialysis)"
    r"|(?P<crrt>continuous renal replacement therapy(?: \(crrt\))?|crrt)|(?P<dialysis>dialysis)"
    r"|(?P<rrt>renal replacement therapy(?: \(rrt\))?))"
    r"(?:(?:[- ]dependent| dependence| treatment| therapy)\b)?(?: patients?\b)?"
    r"(?![\w-]| (?:catheters?|access|fistulas?|cent(?:er|re)s?|units?|sessions?|programs?"
    r"|programmes?|machines?|adequacy|vintage|duration|day|days|population|modality|per)\b)"
)
# A state the noun alone states; the names keep no narrowing word before them (`_LEAD`).
_STATES = {
    "tracheostomy": r"tracheostom(?:y|ies)|tracheotom(?:y|ies)",
    "cochlear-implant": r"cochlear implants?(?: (?:users?|recipients?))?",
    "heart-valve-replacement": (
        r"(?:prosthetic|artificial) (?:heart |cardiac )?valves?|valvular prosthes[ie]s"
        # A mechanical one is a prosthetic valve: read with its narrowing word (`_NARROWING`).
        r"|(?<=mechanical )(?:heart |cardiac )?valves?"
        r"|(?:heart |cardiac )?valve prosthes[ie]s|(?:heart |cardiac )?valve replacements?"
    ),
    "colostomy": r"colostom(?:y|ies)",
    "ileostomy": r"ileostom(?:y|ies)",
    "ostomy": r"stomas?|ostom(?:y|ies)",
    # Devices a patient wears or carries: the noun alone says it is there ("hearing aid user").
    "hearing-aid": r"hearing aids?(?: (?:users?|wearers?))?",
    "neurostimulator": (
        r"(?:implanted |implantable )?(?:neurostimulators?|(?:neuro|nerve|neurological|spinal cord"
        r"|deep brain|vagus nerve|vagal nerve|brain) stimulators?)(?: devices?)?"
    ),
    "ventricular-assist-device": (
        # Not a bare "VAD": also a chemotherapy regimen (vincristine, doxorubicin, dexamethasone).
        r"(?:(?:left )?ventricular assist devices?(?: \((?:l?vad)\))?|lvads?)"
        r"(?: surgery| implantation)?"
    ),
    "cpap": (
        r"cpap(?: (?:therapy|treatment|users?))?|continuous positive airway pressure"
        r"(?: \(cpap\))?(?: (?:therapy|treatment))?"
    ),
    # A person who is an amputee has had the amputation.
    "amputation": r"amputees?",
    # Dependence on a wheelchair, confinement to bed, supplemental oxygen (ICD-10-CM Z99.3,
    # Z74.01, Z99.81): "wheelchair users", "wheelchair bound or bedridden", "use of supplemental
    # oxygen", "home oxygen therapy".
    "wheelchair": (
        r"(?:(?:manual|electric|powered|motori[sz]ed) )?wheel-?chairs?"
        r"(?:[- ](?:users?|bound|dependen(?:t|ce)|confined|use))?(?! accessib)"
    ),
    "bed-confinement": r"bed-?ridden|bed[- ]bound|confined to (?:the |a )?bed",
    "supplemental-oxygen": (
        r"(?:home|domiciliary|long[- ]term) oxygen(?: \(o2\))?"
        r"(?: (?:therapy|treatment|supplementation|use|requirements?|dependen(?:ce|cy)))?"
        r"(?: \(ltot\))?|oxygen[- ]dependen(?:t|ce|cy)|ltot"
        # "Supplemental oxygen" alone may be a measuring condition ("SpO2 on supplemental
        # oxygen"): only its use, need or dependence.
        r"|supplement(?:al|ary) oxygen (?:therapy|treatment|use|requirements?|dependen(?:ce|cy))"
        r"|(?:(?<=use of )|(?<=using ))supplement(?:al|ary) oxygen"
    ),
}
# An operation: only where words say it was done (`_DONE`).
_OPERATIONS = {
    "hip-replacement": r"hip (?:replacements?|arthroplast(?:y|ies)|prosthes[ie]s)",
    "knee-replacement": r"knee (?:replacements?|arthroplast(?:y|ies)|prosthes[ie]s)",
    "shoulder-replacement": r"shoulder (?:replacements?|arthroplast(?:y|ies)|prosthes[ie]s)",
    # Any replaced joint (Z96.6-): "history of joint replacement", "prosthetic joints".
    "joint-replacement": (
        r"joint (?:replacements?|arthroplast(?:y|ies)|prosthes[ie]s)|artificial joints?"
        r"|(?:prosthetic|replaced) joints?(?! infections?)"
    ),
    "bilateral-oophorectomy": (
        r"bilateral (?:salpingo-?)?oophorectom(?:y|ies)|bilateral ovariectom(?:y|ies)"
    ),
    "oophorectomy": r"oophorectom(?:y|ies)|ovariectom(?:y|ies)",
    "lower-limb-amputation": (
        r"lower (?:limb|extremity) amputations?|amputated lower (?:limbs?|extremit(?:y|ies))"
        r"|amputations? of (?:the |a )?lower (?:limbs?|extremit(?:y|ies))"
    ),
    "upper-limb-amputation": (
        r"upper (?:limb|extremity) amputations?|amputated upper (?:limbs?|extremit(?:y|ies))"
        r"|amputations? of (?:the |an? )?upper (?:limbs?|extremit(?:y|ies))"
    ),
    "amputation": (r"(?:(?:lower or upper|upper or lower) (?:limb|extremity) |limb )?amputations?"),
}


def _alternatives(names: dict[str, str]) -> re.Pattern[str]:
    groups = "|".join(f"(?P<{c.replace('-', '_')}>{p})" for c, p in names.items())
    return re.compile(rf"(?<![\w-])(?:{groups})(?![\w-])")


_STATE = _alternatives(_STATES)
# The wheelchair, bed-confinement and oxygen names hold one of these.
_DEPENDENCE_WORDS = (
    *("wheel", "bedrid", "bed-rid", "bed bound", "bed-bound", "confined to", "oxygen", "ltot"),
)
# Every `_STATES` pattern holds one of these (checked per name): most texts have none.
_STATE_WORDS = (
    *("trache", "cochlear", "valv", "stom", "hearing aid", "stimulator", "ventricular assist"),
    *("lvad", "cpap", "continuous positive", "amputee", *_DEPENDENCE_WORDS),
)
_OPERATION = _alternatives(_OPERATIONS)
_USE_LEAD = re.compile(
    r"(?<![\w-])(?:using|uses|wearing|wears|use of|users? of|ongoing|current|currently using)"
    r" (?:an? |the )?$"
)
# "… or plans to acquire a hearing aid", "… or intends to start CPAP": a plan beside the state.
_PLAN_TAIL = re.compile(
    r",? or (?:(?:is|are) )?((?:plans?|planning|intends?|intending|expects?|expecting) to [^;.]*)"
)
_STATE_TAIL = re.compile(r" (?:status|tubes?|in situ|in place)\b")
# What follows a name that makes it a place or an act, not the state ("colostomy site").
_NOT_THE_STATE = re.compile(
    r" (?:sites?|closure|reversal|takedown|formation|creation|formed|placement|insertion)\b"
)
# Only these may stand right before a name: a past or presence word, a list word, a bracket.
_LEAD = re.compile(
    r"(?:^|[,;:(/]|\b(?:prior|previous|previously|history of|hx of|h/o|had|have had|has had"
    r"|underwent|undergone|past|s/p|status post|of|or|and|a|an|any|with|have|has|having"
    r"|presence of|carrier of|carriers of|wearing|implanted with|known|current|currently"
    r"|ongoing|using|uses|use of|users? of|on|is|are))\s*$"
)
# Joints sharing one noun: "hip or knee replacement", "hip/knee/shoulder arthroplasty".
_JOINT = re.compile(r"hip|knee|shoulder")
_JOINT_LIST = re.compile(
    r"(?<![\w-])(?P<joints>(?:hip|knee|shoulder)(?:(?:,| or| and| and/or|/|, or|, and) ?"
    r"(?:hip|knee|shoulder))+) (?:joint )?(?:replacements?|arthroplast(?:y|ies)|prosthes[ie]s)"
    r"(?![\w-])"
)
# Kinds of a state or an operation the record's codes do not tell apart (`_narrowed`).
_NARROWING = re.compile(
    r"(?<![\w-])(?:(?:mechanical|bioprosthetic|biological|tissue|porcine|aortic|mitral|tricuspid"
    r"|total|partial|unicompartmental|unilateral|primary|loop|end|diverting|permanent|temporary"
    r"|transmetatarsal|below[- ]knee|above[- ]knee|below[- ]elbow|above[- ]elbow|major|minor"
    r"|traumatic|toe|finger|digit) ){1,2}$"
)
# Words before a name that make it one needed, to come or not in place now.
_NOT_NOW = re.compile(
    r"\b(?:candidates?|scheduled|planned|planning|plan|awaiting|eligible|indicat\w*|undergo"
    r"|will|expected|anticipated|contraindicat\w*|unfit|refus\w*|suitable|amenable|waiting"
    r"|consider\w*|intend\w*|referr\w*|start\w*|initiat\w*|likely|imminent|impending|future"
    r"|change|switch\w*|need|needs|needed|after|post|before|unable|incapable|until|removal"
    r"|removed|revision|elective|risk|plans|acquir\w*|obtain\w*|fitting|unwilling|willing"
    r"|adheren\w*|non-?adheren\w*|non-?complian\w*|intoleran\w*|try|trial)\b"
)
# Needed, for anything but dialysis ("requiring dialysis" is dialysis now).
_NEEDED = re.compile(r"\brequir\w*\b")
# Mechanical ventilation now ("receiving mechanical ventilation", "mechanically ventilated
# patients", "on invasive mechanical ventilation"): a state, read like dialysis. Invasive
# ventilation is its own, narrower concept; "non-invasive" ventilation is neither.
_VENTILATION = re.compile(
    r"(?<![\w-])(?:(?:receiving|on|under|undergoing|requiring|dependent on|treated with"
    r"|treatment with|supported (?:on|by|with)|currently on|currently receiving|current|ongoing)"
    r" )?(?:(?:continuous|prolonged) )?(?:(?P<invasive_mechanical_ventilation>"
    r"(?:invasive|endotracheal) mechanical ventilation"
    r"|(?:endotracheal|tracheal) intubation and mechanical ventilation"
    r"|invasive ventilation|intubated and (?:mechanically )?ventilated|mechanical ventilation via"
    r" (?:an? )?endotracheal tube)|(?<!non-invasive )(?<!noninvasive )(?<!non invasive )"
    r"(?P<mechanical_ventilation>mechanical(?:ly)? ventilat(?:ion|ed)"
    r"|ventilator[- ]dependen(?:t|ce)|on (?:a |the )?(?:mechanical )?ventilator))"
    r"(?: patients?| support)?"
    r"(?![\w-]| (?:pneumonia|associated|weaning|settings?|days|free|bundles?|modes?)\b)"
)
# ECMO now ("ECMO", "Extracorporeal membrane oxygenation", "supported on ECMO"): life support a
# patient is on, read like mechanical ventilation. A kind the codes do not tell ("VA-ECMO",
# "veno-venous ECMO") is not matched (the name must stand alone or after a use word).
_ECMO = re.compile(
    r"(?<![\w-])(?:(?:receiving|on|under|undergoing|requiring|dependent on|treated with"
    r"|treatment with|supported (?:on|by|with)|currently on|currently receiving|current|ongoing)"
    r" )?(?<![\w-])(?:extracorporeal membrane oxygenation(?: \(ecmo\))?|ecmo)"
    r"(?: support| therapy| treatment)?(?![\w-]| (?:circuits?|cannula\w*|cent(?:er|re)s?|units?"
    r"|teams?|programs?|programmes?|runs?|days|weaning|decannulation)\b)"
)
# "for ≥ 48 hours", "for more than 24 hours (without interruption)", "less than 24 hours prior
# to enrollment": how long the patient has been ventilated.
_VENTILATION_DURATION = re.compile(
    r"(?: for)? (?:(?:more|less|longer|shorter) than |at least |at most |over |under |up to "
    r"|(?:≥|>=|>|<|≤|<=) ?)?\d+ (?:hours?|hrs?|h|days?)\b(?: \(\d+ hours?\))?"
    r"(?: \(?without interruption\)?)?(?: (?:prior to|before) (?:enrollment|inclusion"
    r"|randomi[sz]ation|screening))?(?: (?:in|during) the (?:same|current) (?:hospital )?"
    r"(?:admission|hospitali[sz]ation|stay))?"
)
# … or before it: "after 48 hours of invasive ventilation", "with more than 24 hours of mechanical
# ventilation"; an extubation that ends it ("Extubation must be performed after 48 hours of
# invasive ventilation") says the patient is ventilated until then: the when is the reader's.
_DURATION_BEFORE = re.compile(
    r"(?:(?:patients? )?extubat(?:ion|ed)(?: (?:must|will|should) be performed| (?:is|was)"
    r" performed)? )?(?:after|following|with) (?:(?:more|less|longer) than |at least |over "
    r"|(?:≥|>=|>) ?)?\d+ (?:hours?|hrs?|h|days?) of $"
)
_EXTUBATION = re.compile(r"\bextubat(?:ion|ed)\b")
# Words that make ventilation another's, past, planned or the unit's ability, not the patient's
# state now.
_NOT_VENTILATED_NOW = re.compile(
    r"\b(?:post-?operative\w*|peri-?operative\w*|ability|able|provide|withdraw\w*|wean\w*"
    r"|extubat\w*|do not|dni|one-lung|mask|anticipated|expected|solely|at baseline)\b"
)
_DIALYSIS_PAST = re.compile(
    r"\b(?:history|prior|previous|previously|past|former|ever|had|received|required|needed"
    r"|underwent|undergone|s/p|status post)\b"
)
_DONE = re.compile(
    r"\b(?:prior|previous|previously|history|hx|h/o|had|underwent|undergone|past|s/p"
    r"|status post|presence|with|carrier|carriers|wearing)\b"
)
_WINDOW_AFTER = re.compile(
    r",? (?:with)?in (?:the )?(?:last|past|previous|preceding|\d|one|two|three|four|six|twelve)"
)
TRIGGERS = (
    *("dialys", "tracheo", "cochlear", "valv", "hip", "knee", "shoulder", "ectom", "stom"),
    *("amput", "hearing aid", "stimulator", "vad", "ventricular assist", "cpap", "positive airway"),
    *("ventilat", "renal replacement", "crrt", "joint", *_DEPENDENCE_WORDS),
    *("ecmo", "extracorporeal membrane"),
)


def find_procedure_states(text: str) -> list[Match]:
    if not has_any(text, TRIGGERS):
        return []
    found: list[Match] = []
    if has_any(text, ("dialys", "renal replacement", "crrt")):
        for match in _DIALYSIS.finditer(text):
            clause = _clause(text, match.start())
            if _NOT_NOW.search(clause) or _DIALYSIS_PAST.search(clause):
                continue
            if match["rrt"] and (_NEEDED.search(clause) or _NEEDED.match(match[0])):
                continue
            if match["crrt"]:
                # Continuous RRT is one modality: any dialysis on record may or may not be it
                # (a patient on chronic haemodialysis is not on CRRT); none rules it out.
                dialysis = Criterion(Kind.PROCEDURE, concept="dialysis")
                modality = Criterion(Kind.TEXT, source_text=match[0])
                crrt = Criterion(
                    Kind.COMBINATION, children=(dialysis, modality), combination="all-of"
                )
                found.append(Match(crrt, match.start(), match.end()))
                continue
            if match["rrt"]:
                # Renal replacement therapy is dialysis or a kidney transplant: dialysis on
                # record meets it, anything else is left to a reader.
                dialysis = Criterion(Kind.PROCEDURE, concept="dialysis")
                other = Criterion(Kind.TEXT, source_text=match[0])
                either = Criterion(
                    Kind.COMBINATION, children=(dialysis, other), combination="any-of"
                )
                found.append(Match(either, match.start(), match.end()))
                continue
            found.append(_match(match, match.start(), match.end()))
    if "ventilat" in text:
        for match in _VENTILATION.finditer(text):
            clause = _clause(text, match.start())
            before = _DURATION_BEFORE.search(text, 0, match.start())
            rest = _EXTUBATION.sub("", text) if before else text
            if (
                _NOT_NOW.search(clause.replace(before[0], "") if before else clause)
                or _DIALYSIS_PAST.search(clause)
                or _NOT_VENTILATED_NOW.search(rest)
            ):
                continue
            leaf = _match(match, match.start(), match.end())
            duration = _VENTILATION_DURATION.match(text, match.end())
            if before:
                how_long = Criterion(Kind.TEXT, source_text=before[0].strip())
                leaf = Match(
                    Criterion(
                        Kind.COMBINATION, children=(leaf.criterion, how_long), combination="all-of"
                    ),
                    before.start(),
                    match.end(),
                )
            elif duration:
                # How long ventilation has lasted is not in the record's codes: the reader's.
                how_long = Criterion(Kind.TEXT, source_text=duration[0].strip())
                both = (leaf.criterion, how_long)
                leaf = Match(
                    Criterion(Kind.COMBINATION, children=both, combination="all-of"),
                    match.start(),
                    duration.end(),
                )
            found.append(leaf)
    if has_any(text, ("ecmo", "extracorporeal membrane")):
        found += _ecmo(text)
    for match in _STATE.finditer(text) if has_any(text, _STATE_WORDS) else ():
        if _not_now(_clause(text, match.start())) or _NOT_THE_STATE.match(text, match.end()):
            continue
        if match["amputation"] and (level := _level(text, match)) is not None:
            found.extend(level)
            continue
        if not _LEAD.search(text, 0, match.start()):
            found.extend(_narrowed(text, match, done=True) or _made_by(text, match))
            continue
        tail = _STATE_TAIL.match(text, match.end())
        # "using a hearing aid", "ongoing CPAP treatment": the verb says no more than the name.
        use = _USE_LEAD.search(text, 0, match.start())
        start = use.start() if use else match.start()
        end = tail.end() if tail else match.end()
        plan = _PLAN_TAIL.match(text, end) if " to " in text else None
        if plan:
            # "Uses a hearing aid or plans to acquire one": the plan is another case no record
            # tells — any-of(state, TEXT), as "pregnant or planning to become pregnant".
            members = (
                _match(match, start, end).criterion,
                Criterion(Kind.TEXT, source_text=plan[1]),
            )
            either = Criterion(Kind.COMBINATION, children=members, combination="any-of")
            found.append(Match(either, start, plan.end()))
            continue
        found.append(_match(match, start, end))
    lists = _joint_lists(text) if "replace" in text or "arthroplast" in text else []
    found += lists
    for match in _OPERATION.finditer(text):
        if any(m.start <= match.start() < m.end for m in lists):
            continue
        if _not_now(_clause(text, match.start())) or not (
            match[0].startswith("amputated")
            or _done(text, match)
            or (match["amputation"] and _AS_COMPLICATION.search(text, 0, match.start()))
        ):
            continue
        if match["amputation"] and (level := _level(text, match)) is not None:
            found.extend(level)
            continue
        if not _LEAD.search(text, 0, match.start()):
            found.extend(_narrowed(text, match, done=True))
            continue
        found.append(_match(match, match.start(), match.end()))
    return found


def _ecmo(text: str) -> list[Match]:
    """ECMO now, as mechanical ventilation: not when past, planned, needed after something,
    post-operative or the unit's ability, and not with how long it has run (a reader's)."""
    found: list[Match] = []
    for match in _ECMO.finditer(text):
        clause = _clause(text, match.start())
        if (
            _NOT_NOW.search(clause)
            or _DIALYSIS_PAST.search(clause)
            or _NOT_VENTILATED_NOW.search(text)
            or _VENTILATION_DURATION.match(text, match.end())
        ):
            continue
        ecmo = Criterion(Kind.PROCEDURE, concept="ecmo")
        found.append(Match(ecmo, match.start(), match.end()))
    return found


def _joint_lists(text: str) -> list[Match]:
    """ "Prior hip or knee replacement", "hip/knee arthroplasty": the joints share the noun,
    either of them — any-of(hip-replacement, knee-replacement) — only where words say it was
    done, right after a word `_LEAD` allows."""
    found: list[Match] = []
    for match in _JOINT_LIST.finditer(text):
        if (
            _not_now(_clause(text, match.start()))
            or not _LEAD.search(text, 0, match.start())
            or not _done(text, match)
        ):
            continue
        joints = dict.fromkeys(_JOINT.findall(match["joints"]))
        members = tuple(Criterion(Kind.PROCEDURE, concept=f"{j}-replacement") for j in joints)
        either = Criterion(Kind.COMBINATION, children=members, combination="any-of")
        found.append(Match(either, match.start(), match.end()))
    return found


# "Diabetes complications such as … above ankle amputations": a complication the patient has.
_AS_COMPLICATION = re.compile(r"\bcomplications? (?:such as|including|like|e\.g\.?)\b")


def _level(text: str, match: re.Match[str]) -> list[Match] | None:
    """ "Transfemoral amputee", "below- or above-elbow amputee" (`rules.amputation_levels`): the
    level's concept, right after a word `_LEAD` allows; after a narrowing word ("unilateral"),
    all-of(level, TEXT). None when no level the codes tell stands before the noun."""
    level = level_before(text, match.start())
    if level is None:
        return None
    start, criterion = level
    if _LEAD.search(text, 0, start):
        return [Match(criterion, start, match.end())]
    narrowing = _NARROWING.search(text, 0, start)
    if narrowing is None or not _LEAD.search(text, 0, narrowing.start()):
        return []
    which = Criterion(Kind.TEXT, source_text=text[narrowing.start() : match.end()])
    both = Criterion(Kind.COMBINATION, children=(criterion, which), combination="all-of")
    return [Match(both, narrowing.start(), match.end())]


# Devices a maker's or a model's name may stand before ("Advanced Bionics cochlear implant
# users", "Cochlear Nucleus cochlear implant"): the name narrows the device (`_made_by`).
_MADE = frozenset({"cochlear-implant", "hearing-aid", "neurostimulator"})
# Up to three words before the device, none a word that negates, dates or moves it elsewhere.
_MAKER = re.compile(
    r"(?<![\w-])(?:(?!(?:no|not|non|without|never|former|formerly|previous|previously|prior|past"
    r"|old|older|any|other|failed|removed|explanted|planned|future|new|the|a|an|and|or|with|of"
    r"|for|to|in|on|is|are|his|her|their|patients?|subjects?|participants?|users?|current"
    r"|currently|than|except|external|temporary|trial"
    # an example of a class ("hearing devices including cochlear implants"), not a maker
    r"|including|includes?|like|such|as|eg|ie|namely|example)\b)[a-z][\w-]*[ ]){1,3}$"
)


def _made_by(text: str, match: re.Match[str]) -> list[Match]:
    """ "Advanced Bionics cochlear implant users": words before a device that `_LEAD` does not
    allow and `_NARROWING` does not list — a maker, a model or a kind — narrow it:
    all-of(device, TEXT), only after a word `_LEAD` allows (the start, "or", "an" …)."""
    concept = next(k for k, v in match.groupdict().items() if v).replace("_", "-")
    maker = _MAKER.search(text, max(0, match.start() - 60), match.start())
    if concept not in _MADE or maker is None or not _LEAD.search(text, 0, maker.start()):
        return []
    leaf = _match(match, match.start(), match.end()).criterion
    which = Criterion(Kind.TEXT, source_text=text[maker.start() : match.end()])
    both = Criterion(Kind.COMBINATION, children=(leaf, which), combination="all-of")
    return [Match(both, maker.start(), match.end())]


def _narrowed(text: str, match: re.Match[str], *, done: bool) -> list[Match]:
    """ "Mechanical prosthetic heart valve", "total knee arthroplasty", "below-knee amputation":
    a kind the record's codes do not tell apart, read as all-of(concept, TEXT) — none on record
    rules it out, one on record leaves the kind to a reader. Only the kinds `_NARROWING` names,
    right after a word `_LEAD` allows."""
    narrowing = _NARROWING.search(text, 0, match.start())
    if not done or narrowing is None or not _LEAD.search(text, 0, narrowing.start()):
        return []
    leaf = _match(match, match.start(), match.end()).criterion
    which = Criterion(Kind.TEXT, source_text=text[narrowing.start() : match.end()])
    both = Criterion(Kind.COMBINATION, children=(leaf, which), combination="all-of")
    return [Match(both, narrowing.start(), match.end())]


def _match(match: re.Match[str], start: int, end: int) -> Match:
    concept = next(k for k, v in match.groupdict().items() if v).replace("_", "-")
    return Match(Criterion(Kind.PROCEDURE, concept=concept), start, end)


def _not_now(clause: str) -> bool:
    return _NOT_NOW.search(clause) is not None or _NEEDED.search(clause) is not None


def _clause(text: str, start: int) -> str:
    before = text[:start]
    return before[max(before.rfind(c) for c in ",;.:(") + 1 :]


def _done(text: str, match: re.Match[str]) -> bool:
    """A past or presence word earlier in the sentence (a list shares it: "presence of knee
    prosthesis, hip replacement"), or a window after the name."""
    before = text[: match.start()]
    sentence = before[max(before.rfind(c) for c in ";.:(") + 1 :]
    return _DONE.search(sentence) is not None or _WINDOW_AFTER.match(text, match.end()) is not None
