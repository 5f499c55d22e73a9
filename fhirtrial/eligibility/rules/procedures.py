"""Procedures: surgery ("major surgery within 4 weeks before the first dose") and radiotherapy
("prior radiotherapy within 2 weeks"), the `procedure` kind (concepts in
terminology/procedures.json), windows measured from the date the procedure was performed.

The assembly attaches a following "within N weeks …" window; this module reads the windows
written the other way round: "at least 4 weeks since major surgery" (NOT major surgery within
the last 4 weeks) and "major surgery ≤ 28 days prior to registration".

A body site the codes cannot tell ("previous cardiac surgery", "prior radiotherapy to the
chest", "abdominal surgery within one year"): all-of(the procedure, TEXT): no surgery at all
rules the bullet out, a surgery somewhere leaves it to a reader. Only where words say it was
done (a past word, a window): "cardiac surgery patients" is the study's own operation. A
procedure the patient needs or is to have ("requiring surgery", "candidate for surgery",
"scheduled for surgery") is not one done and is not read.

Implanted cardiac devices ("pacemaker", "implantable cardioverter-defibrillator"): the
`procedure` kind too, concepts `pacemaker` and `implantable-cardioverter-defibrillator`, met by the
implantation or by the device's presence code (ICD-10-CM Z95.0, Z95.810).

Named operations ("prior cholecystectomy", "history of bariatric surgery", "previous MI, PCI or
CABG", "prior prostatectomy", "previous liver resection"): their own concepts (`cholecystectomy`,
`bariatric-surgery`, `prostatectomy`, `hepatectomy`, …; one of a kind, such as a Whipple
pancreaticoduodenectomy, is narrower than `pancreatectomy`: all-of(pancreatectomy, TEXT),
`rules.site_operations`, which also reads "prior spinal fusion", "previous laminectomy" or
"prior craniotomy" as their site with their name as text), only where words say
one was done (a past word in the clause, or a window after) and no word right before the name
narrows it ("radical hysterectomy", "revision bariatric surgery" stay text). "Coronary
revascularization" is PCI or CABG; bare "revascularization" may be of a leg and is not read.

The abdomen as a whole is its own concept ("previous abdominal surgery" → `abdominal-surgery`,
met by a laparotomy, a colectomy, a cholecystectomy …), so are the gastrointestinal tract
("history of gastrointestinal surgery" → `gastrointestinal-surgery`, met by a gastrectomy, a bowel
resection, bariatric surgery, a stoma or their status codes) and the inside of the eye ("prior
intraocular surgery" → `intraocular-surgery`, met by cataract extraction, a vitrectomy or an
intraocular lens, Z96.1), the stomach (`gastric-surgery`), the eye (`eye-surgery`), the heart
("previous cardiac / heart / open-heart surgery" → `cardiac-surgery`: CABG, open valve surgery),
the spine (`spinal-surgery`), the inside of the chest (`thoracic-surgery`: lungs, pleura,
mediastinum), the brain (`brain-surgery`), the breast (`breast-surgery`), the colon and rectum
(`colorectal-surgery`) and the knee, hip and shoulder (`knee-surgery` …, each met by its joint's
replacement too); a list of them
joined by "or", "/" or commas is any-of them ("prior cardiac or abdominal surgery"); another
site, "non-cardiac", "cardiothoracic" and "cardiac and abdominal" stay text. "Recent" says done
(how recent stays a text member: "recent heart surgery", "recent cholecystectomy"). A device's
implantation ("prior pacemaker implantation") is the device, only where words say it was done:
bare "pacemaker implantation" is as often the study's own operation. An operation
the vocabulary has no concept for, done before ("prior septorhinoplasty"), is all-of(surgery,
TEXT). A bare "ICD" is the implanted defibrillator only beside a pacemaker ("pacemaker or ICD"),
never "ICD-10"; "implanted cardiac device" is any-of(pacemaker, ICD, TEXT), "implanted electronic
device" any-of(pacemaker, ICD, neurostimulator, cochlear implant, TEXT). IVF, ICSI, an
embryo transfer and cardiopulmonary bypass are read only where words say they were done.

A surgery or a radiotherapy narrowed by words the codes do not tell ("previous glaucoma
surgery", "prior palliative radiotherapy", "recent surgery", "history of lung resection"):
all-of(procedure, TEXT), `rules.procedure_qualifiers`. Ablation for an arrhythmia ("prior
catheter ablation", "previous ablation for AF"): `rules.ablation`. "Coronary stent placement"
is a PCI.

"Underwent" and "status post" before a procedure say only that it was done ("status post" and
"s/p" are normalized to "history of", `rules.base`). Procedures a patient
lives with (dialysis, a stoma, an implant, a replaced joint): `rules.procedure_states`. A recent
childbirth ("given birth within the past 3 months", "< 6 months post-partum"): `rules.childbirth`.
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.model import Criterion, Kind, evolve
from fhirtrial.eligibility.rules.ablation import find_ablation
from fhirtrial.eligibility.rules.base import (
    DURATION_NUMBER,
    DURATION_UNIT,
    EVENT_ENDS,
    Match,
    Triggers,
    has_any,
    remember_recent,
    window_before,
    word_number,
)
from fhirtrial.eligibility.rules.childbirth import TRIGGERS as CHILDBIRTH_TRIGGERS
from fhirtrial.eligibility.rules.childbirth import find_childbirth
from fhirtrial.eligibility.rules.medications import counts_from_enrolment
from fhirtrial.eligibility.rules.procedure_qualifiers import narrowed_procedures
from fhirtrial.eligibility.rules.procedure_states import TRIGGERS as STATE_TRIGGERS
from fhirtrial.eligibility.rules.procedure_states import find_procedure_states
from fhirtrial.eligibility.rules.rehabilitation import TRIGGERS as REHABILITATION_TRIGGERS
from fhirtrial.eligibility.rules.rehabilitation import find_rehabilitation
from fhirtrial.eligibility.rules.revisions import TRIGGERS as REVISION_TRIGGERS
from fhirtrial.eligibility.rules.revisions import find_revisions
from fhirtrial.eligibility.rules.site_operations import TRIGGERS as SITE_OPERATION_TRIGGERS
from fhirtrial.eligibility.rules.site_operations import find_site_operations, site_of_operation

_SURGERY = (
    r"(?P<major>major )?(?:surgery|surgeries|surgical (?:procedures?|interventions?)"
    r"|operations?|operative procedures?)"
)
# "Radiation" alone only where it cannot be an exposure, an injury or a field.
_RADIOTHERAPY = (
    r"(?:radiotherapy|radiation therapy|radiation treatment|irradiation|radiation"
    r"(?! (?:pneumonitis|exposure|necrosis|dermatitis|injury|induced|recall|oncolog\w*|fields?"
    r"|doses?|safety|sensitiv\w*|fibrosis|proctitis|cystitis|enteritis|toxicit\w*|related))"
    r"(?: \((?:rt|xrt)\))?|xrt)"
)
_NAME = rf"(?:(?P<surgery>{_SURGERY})|(?P<radio>{_RADIOTHERAPY}))"
# Body sites a criterion qualifies a surgery or a radiotherapy with; the record's codes do not
# say the site in a way the concepts read, so the site stays text.
_SITE_WORD = (
    # "the same breast", "ipsilateral knee", "the operated side", "upper abdomen"
    r"(?:(?:ipsilateral|contralateral|affected|same|operated|study|upper|lower) )?"
    r"(?:cardiac|heart|open[- ]heart|cardiothoracic|cardiovascular|thoracic|chest|lungs?|pulmonary"
    r"|mediastinal"
    r"|abdominal|abdomen|upper abdominal|pelvic|pelvis|gastrointestinal|gi|gastric|stomach"
    r"|bowel|intestinal|colorectal|colonic|colon|rectal|rectum|anal|hepatic|liver|pancreatic"
    r"|intra-?abdominal|pancreas|biliary|esophageal|oesophageal|bariatric|spine|spinal|lumbar|brain|cranial"
    r"|whole brain|intracranial|head|neck|head and neck|eyes?|ocular|intraocular|orbital"
    r"|retinal|cataract|corneal|refractive|ears?|nasal|sinus|dental|oral|periodontal|thyroid"
    r"|breasts?|prostate|bladder|kidneys?|renal|uterine|uterus|gyn(?:a)?ecolog(?:ic|ical)"
    r"|ovarian|knees?|hips?|shoulders?|elbows?|wrists?|hands?|foot|feet|ankles?|joints?"
    r"|orthop(?:a)?edic|vascular|aortic|aorta|carotid|valve|valvular|bone|skin|limbs?"
    r"|lower limbs?|upper limbs?|arms?|legs?|genital|vaginal|urologic(?:al)?|gallbladder"
    r"|hernia|ipsilateral (?:breast|chest|lung|thoracic)|central nervous system|cns|head-neck"
    r"|same (?:region|site|area|field|side|breast)|sampling site|implantation site|side"
    r"|femoral|thigh|back|eyelids?|intra-ocular|axillary|axilla|extremit(?:y|ies)"
    r"|(?:gastrointestinal|digestive|gi) tract|small (?:bowel|intestin(?:e|al))|intestines?"
    r"|larynx|laryngeal|esophagus|oesophagus|brain tumou?r|face|facial|c(?:a)?ecum|hepatobiliary"
    r"|(?:colostomy|ileostomy|stoma|ostomy) site|strabismus|carpal tunnel"
    r"|(?:skull|cranial) base|middle ear|digestive|neurosurgical|nose)"
)
# The abdomen as a whole is a concept of its own (`abdominal-surgery`, a laparotomy, a colectomy,
# a cholecystectomy …), so are the gastrointestinal tract as a whole (`gastrointestinal-surgery`:
# a gastrectomy, a bowel resection, bariatric surgery, a stoma …), the stomach (`gastric-surgery`),
# the inside of the eye (`intraocular-surgery`: cataract extraction, vitrectomy …) and the eye
# (`eye-surgery`: those, a keratoplasty, refractive surgery …; an eyelid operation is unknown);
# "upper abdominal", "upper gastrointestinal", "bowel" and every other site stay text.
_WHOLE_SITES = {
    **dict.fromkeys(("abdominal", "abdomen", "intra-abdominal", "intraabdominal"), "abdominal"),
    **dict.fromkeys(
        (
            "gastrointestinal",
            "gi",
            "gastrointestinal tract",
            "gi tract",
            "digestive tract",
            "digestive",
        ),
        "gastrointestinal",
    ),
    **dict.fromkeys(("gastric", "stomach"), "gastric"),
    **dict.fromkeys(("intraocular", "intra-ocular"), "intraocular"),
    **dict.fromkeys(("eye", "eyes", "ocular"), "eye"),
    # The heart, the spine, the chest's inside (lungs, pleura, mediastinum: a heart operation is
    # thoracic in some usage and not in other, so it answers `unknown`), the brain and the breast.
    **dict.fromkeys(("cardiac", "heart", "open-heart", "open heart"), "cardiac"),
    **dict.fromkeys(("spinal", "spine"), "spinal"),
    "thoracic": "thoracic",
    **dict.fromkeys(("brain", "intracranial"), "brain"),
    **dict.fromkeys(("breast", "breasts"), "breast"),
    **dict.fromkeys(("knee", "knees"), "knee"),
    **dict.fromkeys(("hip", "hips"), "hip"),
    **dict.fromkeys(("shoulder", "shoulders"), "shoulder"),
    # The colon and rectum together; "colon" or "rectal" alone is narrower and stays text.
    "colorectal": "colorectal",
}
# "Non-cardiac surgery", "non abdominal surgery": every operation but that site.
_NON = re.compile(r"\bnon[- ]?$")
_WORD_AFTER = re.compile(r" (?!(?:or|and|and/or|with|within|in|during|at|before|prior)\b)[a-z]")
_SITES = rf"{_SITE_WORD}(?:(?:,|,? or|,? and|,? and/or|/) {_SITE_WORD}|/{_SITE_WORD})*"
_SITED = (
    re.compile(rf"(?<![\w-])(?P<major_site>major )?(?P<site>{_SITES}) {_NAME}(?![\w-])"),
    re.compile(
        rf"(?<![\w-]){_NAME} (?:to|on|of|in|at|involving|for|(?P<near>(?:on or )?(?:around|near)))"
        r" (?:the )?(?:(?:left|right|same) )?"
        rf"(?P<site>{_SITES})(?: (?:regions?|areas?|fields?|tract))?(?![\w-])"
    ),
)
# Words before a procedure that make it one needed or to come, not one done — or one going on
# now ("patients receiving radiotherapy", "during radiotherapy"): a course the record may not
# hold yet, not one at any time.
_NOT_DONE = re.compile(
    r"\b(?:receiving|receives|concurrent\w*|concomitant|ongoing|during|currently"
    r"|requir\w*|need\w*|candidates?|scheduled|planned|planning|plan|awaiting|eligible"
    r"|indicat\w*|undergo|undergoing|will|expected|anticipated|elective|contraindicat\w*"
    r"|unfit|refus\w*|suitable|amenable|waiting|consider\w*|intend\w*|referr\w*|after|post)\b"
)
_PAST = re.compile(
    r"\b(?:prior|previous|previously|history|had|underwent|undergone|past|former|earlier|ever"
    r"|s/p|status post|recent|recently)\b"
)
_WINDOW_AFTER = re.compile(
    r",? (?:with)?in (?:the )?(?:last|past|previous|preceding|\d|one|two"
    r"|three|four|six|twelve)"
)
_DEVICES = re.compile(
    r"(?<![\w-])(?:implanted with (?:an? )?)?(?:(?P<pacemaker>(?:permanent |implanted "
    # "Peacemaker": a misspelling two development studies share.
    r"|implantable |cardiac |heart )*(?:pace|peace) ?makers?(?: \(ppm\))?)"
    r"|(?P<icd>(?:an? )?(?:implanted "
    r"|implantable |automatic implantable )(?:cardioverter[- ]|cardiac )?defibrillators?"
    r"(?: \((?:a?icd)\))?|(?:a?icd) device|a?icd(?= (?:implantation|insertion|placement)\b)))"
    # The act of putting one in: "pacemaker implantation", "prior ICD insertion".
    r"(?: in situ| in place| implantation| insertion| placement)?"
    # The device's own parts in brackets say what it is, not a narrower one: "pacemaker (wires)".
    r"(?: \((?:its |the )?(?:wires?|leads?|electrodes?)(?: or (?:wires?|leads?|electrodes?))?\))?"
    r"(?![\w-])"
)
# An implanted cardiac (electronic / rhythm) device: a pacemaker or an ICD is one; a loop recorder,
# a resynchronisation device or another is left to a reader.
_CARDIAC_DEVICE = re.compile(
    r"(?<![\w-])(?:(?:an? )?(?:implanted|implantable) (?:cardiac|heart) (?:electronic |rhythm )?"
    r"devices?|cardiac (?:implantable electronic|rhythm) devices?)(?: \(cied\))?(?![\w-])"
)
# An implanted electronic (active) device of any kind: a pacemaker, an ICD, a neurostimulator and a
# cochlear implant are ones; a drug pump, a loop recorder or another is left to a reader.
_ELECTRONIC_DEVICE = re.compile(
    r"(?<![\w-])(?:an? )?(?:active )?(?:implanted|implantable) (?:electronic|electrical|electric"
    r"|electronically (?:operated|activated)|electrically (?:operated|activated)) (?:medical )?"
    r"devices?(?![\w-])"
)
_ELECTRONIC_MEMBERS = (
    "pacemaker",
    "implantable-cardioverter-defibrillator",
    "neurostimulator",
    "cochlear-implant",
)
# Beside a pacemaker ("pacemaker or ICD", "pacemakers/defibrillators", "(pacemaker, ICD etc)"),
# a bare "ICD" / "AICD" or "defibrillator" is the implanted one; never "ICD-10", "ICD code" or
# "ICD 10" (the classification).
_BESIDE_PACEMAKER = re.compile(
    r"(?<![\w-])(?<!external )(?<!wearable )(?<!wearable cardioverter-)"
    r"(?P<icd>a?icds?|(?:cardioverter[- ])?defibrillators?)"
    r"(?![\w-]| ?-? ?\d| (?:codes?|classification|criteria|diagnos\w*|chapters?)\b)"
)
_PROCEDURE = re.compile(rf"(?<![\w-]){_NAME}(?![\w-])")
# Specific operations a criterion names, each its own concept.
_NAMED_OPERATIONS = {
    "cholecystectomy": r"cholecystectom(?:y|ies)",
    "appendectomy": r"append(?:i)?cectom(?:y|ies)|appendectom(?:y|ies)",
    "hysterectomy": r"hysterectom(?:y|ies)",
    "mastectomy": r"mastectom(?:y|ies)",
    "splenectomy": r"splenectom(?:y|ies)",
    "gastrectomy": r"gastrectom(?:y|ies)",
    "nephrectomy": r"nephrectom(?:y|ies)",
    "thymectomy": r"thymectom(?:y|ies)",
    "vitrectomy": r"vitrectom(?:y|ies)",
    "prostatectomy": r"prostatectom(?:y|ies)",
    "thyroidectomy": r"thyroidectom(?:y|ies)",
    "orchiectomy": r"orchi(?:d)?ectom(?:y|ies)",
    "pneumonectomy": r"pneumonectom(?:y|ies)",
    "hepatectomy": r"hepatectom(?:y|ies)|(?:liver|hepatic) resections?",
    # A pancreaticoduodenectomy (Whipple) is one kind of pancreatectomy: narrower, left as text.
    "pancreatectomy": r"pancreatectom(?:y|ies)",
    "lumpectomy": r"lumpectom(?:y|ies)|breast[- ]conserving surgery",
    "esophagectomy": r"o?esophagectom(?:y|ies)",
    "colectomy": r"(?:hemi-?)?colectom(?:y|ies)",
    # "Bowel resection" may be of the small or the large bowel: a colectomy is one, not the
    # other way round.
    "bowel-resection": r"(?:bowel|intestinal) resections?",
    "gastrostomy": (
        r"(?:percutaneous endoscopic )?gastrostom(?:y|ies)(?: tubes?)?(?: \(peg\))?|peg tubes?"
    ),
    "bariatric-surgery": (
        r"bariatric (?:surgery|surgeries|procedures?|operations?)|gastric bypass(?: surgery)?"
        r"|roux[- ]en[- ]y gastric bypass(?: surgery)?|sleeve gastrectomy"
    ),
    "cataract-surgery": r"cataract (?:surgery|surgeries|extractions?|operations?)",
    "coronary-artery-bypass-graft": (
        r"coronary artery bypass graft(?:ing|s)?(?: surgery)?(?: \(cabg\))?"
        r"|coronary artery bypass(?: surgery)?|cabg(?: surgery)?"
    ),
    "percutaneous-coronary-intervention": (
        r"percutaneous coronary interventions?(?: \(pci\))?|pci"
        r"|coronary (?:artery )?(?:angioplasty|stent(?:ing|s)?)"
        # "coronary stent placement", "coronary stent implantation": the act of stenting.
        r"(?: (?:placement|implantation|insertion))?"
    ),
    "cardiopulmonary-bypass": (
        r"cardiopulmonary bypass(?: surgery| procedures?)?(?: \((?:cpb|cbp)\))?"
        r"|(?:heart|cardiac) surgery (?:on|under|with) cardiopulmonary bypass"
    ),
    "cesarean-section": (
        r"c(?:a)?esarean (?:sections?|deliver(?:y|ies))(?: \((?:cs|c-section|lscs)\))?"
        r"|c-sections?|lscs"
    ),
    # Assisted reproduction, done before: "previous embryo transfer", "prior IVF/ICSI cycles".
    "embryo-transfer": r"embryo transfers?(?: cycles?)?",
    "in-vitro-fertilization": (
        # "IVF/ICSI" is IVF of either kind (ICSI is one, `icsi`).
        r"(?:in vitro fertili[sz]ation(?: \(ivf\))?|ivf)(?: ?/ ?icsi| or icsi)?"
        r"(?: cycles?| treatments?| attempts?)?"
    ),
    "icsi": (
        r"intracytoplasmic sperm injections?(?: \(icsi\))?(?: cycles?| treatments?)?"
        r"|icsi(?: cycles?| treatments?| attempts?)?"
    ),
    # Bare "revascularization" may be peripheral: only with "coronary" or its two kinds named.
    "coronary-revascularization": (
        r"(?:coronary (?:artery )?|myocardial )revasculari[sz]ations?"
        r"|revasculari[sz]ations? \((?:pci or cabg|cabg or pci|pci/cabg|cabg/pci)\)"
    ),
}
# An operation the vocabulary has no concept for ("prior septorhinoplasty", "history of mitral
# valvuloplasty", "previous corrective osteotomy"): surgery, with the operation as text
# (all-of(surgery, TEXT)), up to two words before it taken with it; a named operation narrowed by
# them ("bilateral mastectomy") is all-of(that operation, TEXT). Not surgery: a blood draw,
# an obstetric or a word that only ends the same way.
_UNNAMED_OPERATION = re.compile(
    r"(?<![\w-])(?:(?!(?:prior|previous|previously|history|of|or|and|any|with|had|have|has|a|an"
    r"|the|no|not|without|underwent|undergone|past|s/p|post|status|for|in|to|on|other|than"
    r"|including|e\.?g|i\.?e|such|as|type)\b)[a-z]+[- ]){0,2}?"
    r"(?!(?:phlebotom|amniotom|episiotom|dichotom|lobotom|tracheotom|tracheostom)\w*)"
    r"[a-z]+(?:ectom(?:y|ies)|otom(?:y|ies)|oplast(?:y|ies)|plast(?:y|ies)|opex(?:y|ies)"
    r"|orrhaph(?:y|ies))(?![\w-])"
)
# What a record's words do not call surgery (the `surgery` concept's patterns): an injection
# laryngoplasty, a needle biopsy.
_NOT_SURGERY = re.compile(r"\b(?:injection|biops\w*|aspiration|infusion|puncture)\b")
_OPERATION_WORDS = ("ectom", "otom", "plast", "pex", "rrhaph")
_NAMED = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?P<{c.replace('-', '_')}>{p})" for c, p in _NAMED_OPERATIONS.items())
    + r")(?![\w-])"
)
# The word right before a named operation must not narrow it ("radical hysterectomy",
# "revision bariatric surgery", "primary PCI"): only a past word, a list word or a bracket.
_NAMED_LEAD = re.compile(
    r"(?:^|[,;:(/]|\b(?:prior|previous|previously|history of|hx of|h/o|had|have had|has had"
    r"|underwent|undergone|past|s/p|status post|of|or|and|a|an|any|with|recent|recently))\s*$"
)
# "Recent cholecystectomy": done, but how recent is a judgement no record states (a text member)
# unless a window says it ("recent cholecystectomy (within 4 weeks)" keeps the text member too).
_RECENT_LEAD = re.compile(r"\brecent(?:ly)?\s*$")
_NAMED_TRIGGERS = (
    "ectom",
    "resection",
    "breast-conserving",
    "breast conserving",
    "gastrostom",
    "peg tube",
    "bariatric",
    "gastric bypass",
    "cataract",
    "bypass",
    "cabg",
    "pci",
    "coronary",
    "revascular",
    "embryo",
    "esarean",
    "c-section",
    "lscs",
    "ivf",
    "in vitro",
    "icsi",
    "sperm injection",
)
# "(performed) ≤ 28 days prior to registration", "< 4 weeks before the first dose" after the name.
_BOUND_AFTER = re.compile(
    rf"(?: performed)?\s*(?P<cmp><=|<)\s*{DURATION_NUMBER} {DURATION_UNIT}"
    r" (?:prior to|before|of) (?:the )?[a-z0-9 '/-]{0,60}?(?=[.;),]|$| and | or | "
    + EVENT_ENDS
    + r"(?![\w-]))"
)
# "At least 4 weeks since major surgery", "> 28 days from prior radiotherapy",
# "4 weeks or more after major surgery": the procedure must not lie in the last N days.
_SINCE = re.compile(
    rf"(?:(?P<cmp>>=|>)\s*{DURATION_NUMBER} {DURATION_UNIT}"
    rf"|{DURATION_NUMBER.replace('<n>', '<n2>')} "
    rf"{DURATION_UNIT.replace('<unit>', '<unit2>')} or (?:more|longer))"
    r" (?:must have |have |has )?(?:elapsed |passed )?(?:since|from|after|following) "
    r"(?:the )?(?:completion of |end of )?(?:the )?(?:any |last |prior |previous |most recent )*"
    # Not "the surgery" itself: a definite procedure is the study's index operation ("more
    # than 5 years following the surgery"), not every operation in the window.
    rf"(?<!\bthe ){_NAME}(?![\w-])"
)
_MAJOR = "major-surgery"
_TRAUMA = re.compile(
    r"(?<![\w-])(?:significant|serious|severe|major) (?:traumatic injur(?:y|ies)|trauma)(?![\w-])"
)
_UNDERWENT = re.compile(r"(?:\bunderwent|\bstatus post|(?<!\w)s/p) (?:an? |any )?$")
_TRIGGERS = ("surg", "operat", "radiat", "radiother", "irradiat", "xrt")
# Words a narrowed procedure ends with (`procedure_qualifiers`).
_NARROWED_TRIGGERS = ("surg", "operat", "radi", "xrt", "resection")


@remember_recent(8)
def find_procedures(text: str) -> list[Match]:
    if not _ANY_TRIGGER.any_in(text):
        return []  # most texts: one scan instead of the ~60 substring tests of `_found`'s gates
    found = _found(text)
    if (found or "resection" in text) and has_any(text, _NARROWED_TRIGGERS):
        found = narrowed_procedures(text, found, not_done=_not_done, done_before=_done_between)
    if "trauma" in text and any(m.criterion.concept == _MAJOR for m in found):
        found += _trauma_beside_surgery(text)
    if has_any(text, ("underwent", "post", "s/p")):
        # "Subject who underwent thyroid surgery": the verb says no more than the match.
        for match in found:
            verb = _UNDERWENT.search(text, 0, match.start)
            if verb:
                match.start = verb.start()
    return found


_DEVICE_TRIGGERS = ("pace", "peacemaker", "defibrillator", "icd", "device")


def _trauma_beside_surgery(text: str) -> list[Match]:
    """ "Major surgery or significant traumatic injury within 28 days": the injury, which no
    code tells as significant, is a text member beside the surgery — any-of(major surgery in
    the window, TEXT): a major surgery in it excludes, none leaves the injury to a reader."""
    return [
        Match(Criterion(Kind.TEXT, source_text=m[0]), m.start(), m.end())
        for m in _TRAUMA.finditer(text)
    ]


def _found(text: str) -> list[Match]:
    found = _devices(text) if has_any(text, _DEVICE_TRIGGERS) else []
    found += _slash_alternatives(text, find_procedure_states(text))
    found += find_childbirth(text)
    named = _named(text) if has_any(text, _NAMED_TRIGGERS) else []
    if has_any(text, ("ablat", "vein isolation")):
        named += find_ablation(
            text, not_done=_not_done, done_before=_done_between, lead=_NAMED_LEAD
        )
    if has_any(text, SITE_OPERATION_TRIGGERS):
        named += find_site_operations(
            text, not_done=_not_done, done_before=_done_between, lead=_NAMED_LEAD
        )
    found += named
    if has_any(text, REHABILITATION_TRIGGERS):
        found += find_rehabilitation(text, not_done=_not_done, done_before=_done_between)
    if "revision" in text:
        found += find_revisions(text)
    if has_any(text, _OPERATION_WORDS):
        found += _unnamed_operations(text, [*named, *found])
    if not has_any(text, _TRIGGERS):
        return found

    def taken(match: re.Match[str]) -> bool:
        return any(m.start < match.end() and match.start() < m.end for m in named)

    for match in (m for pattern in _SITED for m in pattern.finditer(text)):
        if _not_done(text, match.start()) or not _done_before(text, match) or taken(match):
            continue
        leaf = Criterion(Kind.PROCEDURE, concept=_concept(match))
        site: Criterion = Criterion(Kind.TEXT, source_text=match["site"])
        whole = _WHOLE_SITES.get(match["site"]) if match["surgery"] else None
        if match["surgery"] and _NON.search(text, max(0, match.start() - 4), match.start()):
            continue
        if match.re is _SITED[1] and match["near"]:
            # "Surgery on or around the knee": near the site, not only of it (all-of(surgery,
            # TEXT)).
            site = Criterion(Kind.TEXT, source_text=text[match.start("near") : match.end()])
            whole = None
        elif match.re is _SITED[1] and _WORD_AFTER.match(text, match.end()):
            # "Surgery for heart disease", "… for breast cancer": the site names a disease, which
            # may have been operated elsewhere; only a site the words end with is the operation's.
            whole = None
        wholes = (
            _whole_sites(match["site"])
            if whole is None and match["surgery"] and not _near(match)
            else None
        )
        if wholes and leaf.concept == "surgery":
            # "Prior cardiac or abdominal surgery": either site, each its own concept.
            kinds = tuple(Criterion(Kind.PROCEDURE, concept=f"{w}-surgery") for w in wholes)
            either = Criterion(Kind.COMBINATION, children=kinds, combination="any-of")
            found.append(Match(either, match.start(), match.end()))
            continue
        if whole:
            site = Criterion(Kind.PROCEDURE, concept=f"{whole}-surgery")
            if leaf.concept == "surgery":
                found.append(Match(site, match.start(), match.end()))
                continue
        criterion = Criterion(Kind.COMBINATION, children=(leaf, site), combination="all-of")
        found.append(Match(criterion, match.start(), match.end()))
    for match in _PROCEDURE.finditer(text):
        if _not_done(text, match.start()) or taken(match):
            continue
        criterion = Criterion(Kind.PROCEDURE, concept=_concept(match))
        end = match.end()
        bound = _BOUND_AFTER.match(text, end)
        if bound and not counts_from_enrolment(bound[0]):
            continue  # "< 4 weeks before surgery": another moment than enrolment
        if bound:
            n = word_number(bound["n"])
            if n is not None:
                criterion = Criterion(
                    Kind.PROCEDURE,
                    concept=criterion.concept,
                    window=window_before(n, bound["unit"]),
                )
                end = bound.end()
        found.append(Match(criterion, match.start(), end))
    if has_any(text, ("since", "from", "after", "following")):
        for match in _SINCE.finditer(text):
            n = word_number(match["n"] or match["n2"])
            if n is None:
                continue
            # A day either way of the bound ("> 28 days" / "≥ 28 days") is not told apart.
            span = window_before(n, match["unit"] or match["unit2"])
            criterion = Criterion(
                Kind.PROCEDURE, concept=_concept(match), window=span, negated=True
            )
            found.append(Match(criterion, match.start(), match.end()))
    return found


# The words between the sites of a list that say "either": not "and" (a "thoracic and abdominal
# surgery" may be one thoracoabdominal operation).
_EITHER = re.compile(r"\s*(?:,|,? or|,? and/or|/)\s*")


def _whole_sites(sites: str) -> tuple[str, ...] | None:
    """The whole sites of a list of sites ("cardiac or abdominal"), None unless every one is."""
    parts = _EITHER.split(sites)
    wholes = [_WHOLE_SITES.get(part) for part in parts]
    if len(parts) < 2 or None in wholes:
        return None
    return tuple(dict.fromkeys(w for w in wholes if w))


def _done_between(text: str, start: int, end: int) -> bool:
    """`_done_before` for the words at [start, end)."""
    before = text[:start]
    # A list shares its past word: "history of pelvic surgery, cardiac surgery".
    clause = before[max(before.rfind(c) for c in ";.:(") + 1 :]
    return _PAST.search(clause) is not None or _WINDOW_AFTER.match(text, end) is not None


def _done_before(text: str, match: re.Match[str]) -> bool:
    """Whether words say the sited procedure was done: a past word before it ("previous cardiac
    surgery") or a window after it ("abdominal surgery within one year"). Without one, a sited
    procedure is as often the study's own operation ("cardiac surgery patients")."""
    return _done_between(text, match.start(), match.end())


def _not_done(text: str, start: int) -> bool:
    before = text[:start]
    clause = before[max(before.rfind(c) for c in ",;.:(") + 1 :].replace("status post", "")
    return _NOT_DONE.search(clause) is not None


def _named(text: str) -> list[Match]:
    found: list[Match] = []
    for match in _NAMED.finditer(text):
        bound = _BOUND_AFTER.match(text, match.end())
        if bound and not counts_from_enrolment(bound[0]):
            continue  # "radiotherapy < 4 weeks before surgery": not a window of enrolment
        if (
            _not_done(text, match.start())
            or not (bound or _done_before(text, match))
            or not _NAMED_LEAD.search(text, 0, match.start())
        ):
            continue
        concept = next(k for k, v in match.groupdict().items() if v).replace("_", "-")
        criterion = Criterion(Kind.PROCEDURE, concept=concept)
        end = match.end()
        n = word_number(bound["n"]) if bound else None
        if bound and n is not None:
            criterion = evolve(criterion, window=window_before(n, bound["unit"]))
            end = bound.end()
        start = match.start()
        recent = _RECENT_LEAD.search(text, max(0, start - 10), start)
        if recent:
            start = recent.start()
            which = Criterion(Kind.TEXT, source_text=text[start : match.end()])
            criterion = Criterion(
                Kind.COMBINATION, children=(criterion, which), combination="all-of"
            )
        found.append(Match(criterion, start, end))
    return found


def _unnamed_operations(text: str, known: list[Match]) -> list[Match]:
    found: list[Match] = []
    for match in _UNNAMED_OPERATION.finditer(text):
        if (
            any(m.start < match.end() and match.start() < m.end for m in known)
            or _NOT_SURGERY.search(match[0])
            or _not_done(text, match.start())
            or not _done_before(text, match)
        ):
            continue
        # A named operation with a word that narrows it ("bilateral mastectomy"): that
        # operation, the narrowing left to a reader.
        named = _NAMED.search(match[0])
        concept = (
            next(k for k, v in named.groupdict().items() if v).replace("_", "-")
            if named
            else site_of_operation(match[0]) or "surgery"
        )
        leaf = Criterion(Kind.PROCEDURE, concept=concept)
        which = Criterion(Kind.TEXT, source_text=match[0])
        criterion = Criterion(Kind.COMBINATION, children=(leaf, which), combination="all-of")
        found.append(Match(criterion, match.start(), match.end()))
    return found


_PUTTING_IN = (" implantation", " insertion", " placement")


def _devices(text: str) -> list[Match]:
    found: list[Match] = []
    for match in _DEVICES.finditer(text):
        if _not_done(text, match.start()):
            continue
        if match[0].endswith(_PUTTING_IN) and not (
            _done_before(text, match) or _BOUND_AFTER.match(text, match.end())
        ):
            continue  # "Pacemaker implantation": as often the study's own operation
        concept = "pacemaker" if match["pacemaker"] else "implantable-cardioverter-defibrillator"
        found.append(Match(Criterion(Kind.PROCEDURE, concept=concept), match.start(), match.end()))
    for match in _CARDIAC_DEVICE.finditer(text):
        if _not_done(text, match.start()):
            continue
        members = (
            Criterion(Kind.PROCEDURE, concept="pacemaker"),
            Criterion(Kind.PROCEDURE, concept="implantable-cardioverter-defibrillator"),
            Criterion(Kind.TEXT, source_text=match[0]),
        )
        either = Criterion(Kind.COMBINATION, children=members, combination="any-of")
        found.append(Match(either, match.start(), match.end()))
    for match in _ELECTRONIC_DEVICE.finditer(text):
        if _not_done(text, match.start()):
            continue
        kinds = tuple(Criterion(Kind.PROCEDURE, concept=c) for c in _ELECTRONIC_MEMBERS)
        devices = (*kinds, Criterion(Kind.TEXT, source_text=match[0]))
        either = Criterion(Kind.COMBINATION, children=devices, combination="any-of")
        found.append(Match(either, match.start(), match.end()))
    if any(m.criterion.concept == "pacemaker" for m in found):
        for match in _BESIDE_PACEMAKER.finditer(text):
            if _not_done(text, match.start()) or any(
                m.start <= match.start() < m.end for m in found
            ):
                continue
            criterion = Criterion(Kind.PROCEDURE, concept="implantable-cardioverter-defibrillator")
            found.append(Match(criterion, match.start(), match.end()))
    return _slash_alternatives(text, found)


# Every gate of `_found` in one scan: each of its readers runs only when a word of its own gate
# is in the text (`find_procedure_states` and `find_childbirth` test theirs first), and the
# `_SITED` / `_PROCEDURE` loop only after `_TRIGGERS`; without any of them `_found` is empty.
_ANY_TRIGGER = Triggers(
    (
        *_DEVICE_TRIGGERS,
        *STATE_TRIGGERS,
        *CHILDBIRTH_TRIGGERS,
        *_NAMED_TRIGGERS,
        *_OPERATION_WORDS,
        *_TRIGGERS,
        *SITE_OPERATION_TRIGGERS,
        *REHABILITATION_TRIGGERS,
        *REVISION_TRIGGERS,
        "ablat",
        "vein isolation",
        "resection",
    )
)


def _slash_alternatives(text: str, found: list[Match]) -> list[Match]:
    """ "Pacemakers/defibrillators", "pacemaker/ICD": two devices either of which; read side by
    side they would bind as all-of (both required)."""
    if "/" not in text or len(found) < 2:
        return found
    found = sorted(found, key=lambda m: m.start)
    out = [found[0]]
    for match in found[1:]:
        last = out[-1]
        if text[last.end : match.start].strip() == "/":
            children = (*_members(last.criterion), match.criterion)
            either = Criterion(Kind.COMBINATION, children=children, combination="any-of")
            out[-1] = Match(either, last.start, match.end)
        else:
            out.append(match)
    return out


def _members(criterion: Criterion) -> tuple[Criterion, ...]:
    if criterion.kind is Kind.COMBINATION and criterion.combination == "any-of":
        return criterion.children
    return (criterion,)


def _near(match: re.Match[str]) -> bool:
    return match.re is _SITED[1] and bool(match["near"])


def _concept(match: re.Match[str]) -> str:
    if match["radio"]:
        return "radiotherapy"
    major = match["major"] or (match.re.groupindex.get("major_site") and match["major_site"])
    return "major-surgery" if major else "surgery"
