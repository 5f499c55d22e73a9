"""The words the criterion compiler may leave over around what its finders matched.

After the finders have matched every criterion they know in a text, the words in the gaps must
all be filler (`FILLER`: articles, "patients must have", "history of", …), connectives
(`OR_WORDS`, `AND_WORDS`) or negations (`NEGATORS`); any other word means the text says
something the rules do not understand. `NOISE` phrases are cut out before matching: they add
nothing a record can decide beyond the criterion they introduce (`NOISE_TRIGGERS` are cheap
substrings that tell whether `NOISE` can match at all).
"""

from __future__ import annotations

import re

FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "with",
        "to",
        "for",
        "in",
        "on",
        "at",
        "by",
        "as",
        "from",
        "any",
        "all",
        "both",
        "its",
        "their",
        "his",
        "her",
        "this",
        "that",
        "these",
        "those",
        "who",
        "whom",
        "which",
        "patient",
        "patients",
        "participant",
        "participants",
        "subject",
        "subjects",
        "person",
        "persons",
        "people",
        "anyone",
        "individual",
        "individuals",
        "adult",
        "adults",
        "must",
        "should",
        "shall",
        "will",
        "would",
        "may",
        "can",
        "could",
        "be",
        "been",
        "being",
        "is",
        "are",
        "was",
        "were",
        "am",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "currently",
        "current",
        "presently",
        "known",
        "history",
        "prior",
        "previous",
        "previously",
        "past",
        "diagnosis",
        "diagnosed",
        "confirmed",
        "confirmation",
        "histologically",
        "cytologically",
        "pathologically",
        "histological",
        "cytological",
        "pathological",
        "documented",
        "documentation",
        "evidence",
        "presence",
        "form",
        "type",
        "status",
        "performance",
        "score",
        "ecog",
        "level",
        "value",
        "also",
        "require",
        "requires",
        "required",
        "requiring",
        "receive",
        "received",
        "receipt",
        "receiving",
        "undergone",
        "treated",
        "treatment",
        "therapy",
        "evaluable",
        "measurable",
        "obtained",
        "assessed",
        "defined",
        "criteria",
        "following",
        "positive",
        "test",
        "tests",
        "testing",
        "result",
        "results",
        "serology",
        "seropositivity",
        "seropositive",
        "infection",
        "infections",
        "disease",
        "diseases",
        "own",
        "age",
        "aged",
        "years",
        "year",
        "old",
        "institutional",
        "s",
        "i",
        "ie",
        "per",
        "edition",
        "ajcc",
        "8th",
        "dose",
        "doses",
        "equivalent",
        "another",
        "steroid",
        "cohort",
        "melanoma",
        "nsclc",
        "blocking",
        "antibody",
        "antibodies",
        "uln",
        "proven",
        # How a diagnosis is known or lived with: "pre-existing dementia", "verified cardiac
        # arrhythmia", "suffering from drug abuse", "lifetime diagnosis of", "living with HIV"
        # (the diagnosis says it all).
        "pre-existing",
        "preexisting",
        "verified",
        "suffering",
        "suffers",
        "suffer",
        "experiencing",
        "established",
        "lifetime",
        "past-history",
        "living",
    ]
)
NEGATORS = frozenset({"no", "not", "without", "never", "free", "negative", "seronegative", "non"})
OR_WORDS = frozenset({"or", "and/or", "either"})
# "e.g." and "etc" are no filler: examples are not the class (an exclusion's examples are read
# by `rules.example_lists`, the class as text).
AND_WORDS = frozenset({"and", ",", ";", ".", "plus", "&", "including"})
# How LVEF was measured: adds nothing a record decides (the LOINC code is the same).
_CARDIAC_MODALITY = (
    r"(?:(?:2d |two-dimensional |transthoracic )?echocardiogra(?:m|phy)(?: \((?:echo|tte)\))?"
    r"|echo|tte|(?:multi-?gated acquisition|multigated acquisition|multiple gated acquisition)"
    r"(?: \(muga\))?(?: scan)?|muga(?: scan)?|cardiac mri|mri)"
)
NOISE = re.compile(
    r"progressed on or did not achieve a response or were intolerant due to toxicity following"
    rf"|(?:as )?(?:measured|assessed|determined|evaluated) (?:by|on|via|with) (?:an? )?"
    rf"{_CARDIAC_MODALITY}(?:(?:,? or |/|,? and/or |, ){_CARDIAC_MODALITY})*(?: scan)?"
    r"|at (?:the )?time of (?:registration|enrol?lment|screening|consent"
    r"|inclusion|randomi[sz]ation)(?: for (?:eligibility|inclusion))?"
    # " women" first, the word before it looked back at after: the same matches, but the
    # lookbehinds run only where " women" stands, not at every position.
    r"| women\b(?:(?<=pregnant women)|(?<=lactating women)|(?<=feeding women)|(?<=nursing women))"
)
NOISE_TRIGGERS = ("progressed on or did not", "time of", " women", "echo", "muga", " mri")
# More noise, each phrase with its own cheap triggers (one alternation for all of them costs
# every text that has any trigger the price of every branch).
_SUBJECT_OF_PREGNANCY = re.compile(
    # "Pregnant or nursing woman", "Women pregnant or nursing", "Pregnant females": the
    # pregnancy or breastfeeding criterion already says who; the word adds nothing.
    # The lookahead, implied by what follows, fails at once where no " w"/" f" stands.
    r"(?= [wf])(?:(?<=pregnant)|(?<=lactating)|(?<=feeding)|(?<=feeding\))|(?<=nursing)"
    r"|(?<=lactation))"
    r" (?:women|woman|females?)\b"
    r"|^(?:women|woman|females?) (?:who are |who is |that are )?"
    r"(?=(?:currently )?(?:pregnant|nursing|lactating|breast[- ]?feeding)\b)"
)
_EITHER_SEX = re.compile(
    # Either sex: no restriction ("Men and women aged 18-70 years", "both genders, ages 18-60").
    r"^(?:patients?,? |subjects?,? |participants?,? )?(?:(?:of )?both (?:sexes|genders),?"
    r"|(?:men|males?|women|females?) (?:and|or|and/or|&) (?:women|females?|men|males?),?"
    r"|(?:men|males?|women|females?)/(?:women|females?|men|males?),?)(?= )"
    r"|,? (?:(?:of )?(?:both|either|any) (?:sexes|sex|genders?)\b|gender is not limited)"
    # After a bound: "BMI > 30 kg/m2 regardless of sex", "age 18-65 in both men and women".
    r"|,? (?:(?:regardless|irrespective) of (?:sex|gender)(?![\w-]| identit)"
    r"|(?:for|in) both (?:sexes|genders|men and women|males and females))(?=\s*[.;,]?\s*$)"
)
# "Obese (BMI >= 30 kg/m2)", "severe obesity (BMI>30kg/m2)": the BMI bound is the criterion.
_OBESE_BMI = re.compile(
    r"(?<![\w-])(?:(?:morbid|severe|extreme) )?obes(?:e|ity)(?=\s*\(\s*(?:bmi|body mass))"
)
# "Medical history of bipolar disorder", "clinical diagnosis of dementia", "clinically
# diagnosed as type 2 diabetes": a history or diagnosis, whoever keeps or makes it (not
# "clinical signs / symptoms / evidence of", which are findings).
_MEDICAL_HISTORY = re.compile(r"\b(?:medical (?=history of\b)|clinical(?:ly)? (?=diagnos[ei]))")
# The manual a psychiatric diagnosis is made by: "(DSM-IV criteria)", "as defined in DSM V",
# "DSM-5 diagnosis of", "meets DSM-5 criteria for". The record's diagnosis is the same one.
_DSM = r"dsm[- ]?(?:iv(?:-tr)?|5|v)(?![\w-])"
_DSM_REFERENCE = re.compile(
    rf"\s*\((?:(?:according to|as defined (?:in|by)|per|by) )?(?:the )?{_DSM}(?: criteria)?\)"
    rf"|,? (?:according to|as defined (?:in|by)|per|based on) (?:the )?{_DSM}(?: criteria)?"
    r"(?=\s*[.;,]?\s*$)"
    rf"|(?<![\w-]){_DSM} (?=diagnosis of )"
    rf"|(?<![\w-])meets? (?:the )?{_DSM} criteria for (?:a )?(?:diagnosis of )?"
)
# "Heart failure of any severity", "any grade of neuropathy": every grade, the diagnosis itself.
_ANY_GRADE = re.compile(
    r",? of any (?:severity|grade|degree)(?![\w-])|\bany (?:severity|grade"
    r"|degree) of (?=[a-z])"
)
# Who made or where one finds the diagnosis: "(diagnosed by a health care professional)",
# "(recorded by anamnesis)", "coded diagnoses of". The record's diagnosis is that one. How it
# was tested ("diagnosed by EEG") is `rules.diagnosis_phrasing`'s.
_BY_WHOM = (
    r"(?:as )?(?:diagnosed|confirmed|documented|recorded|established|made) (?:by|via|through|in)"
    r" (?:an? |the )?(?:physician|doctor|medical doctor|health ?care (?:professional|provider)"
    r"|psychiatrist|neurologist|specialist|clinician|anamnesis|(?:the )?(?:patient'?s )?"
    r"medical records?)"
)
_DIAGNOSED_BY = re.compile(
    rf"\s*\({_BY_WHOM}\)|,? {_BY_WHOM}(?=\s*[.;,]?\s*$)|(?<![\w-])coded diagnos[ie]s of "
)
# "Not currently pregnant or nursing (mandatory)": the list already makes it required.
_REQUIRED_MARK = re.compile(r"\s*\((?:mandatory|required|obligatory|compulsory)\)")
# "Past or present psychiatric diseases", "With antecedent or current neurologic disease",
# "concurrent or previous malignant tumors", "No antecedent of limb ischemia": now or before is
# the diagnosis on record, as "current or prior" and "history of" (filler) say. Not before a use
# or a treatment ("past or present use of steroids": the window of a use is its own reading).
_PRESENT_OR_PAST = re.compile(
    r"(?<![\w-])(?:(?:present|antecedent|concurrent)(?: or | and | and/or |/)"
    r"(?:past|previous|prior|current|present|antecedent)"
    r"|(?:past|previous|prior|former|current)(?: or | and | and/or |/)"
    r"(?:present|concurrent|antecedent)|antecedents? of)"
    r"(?= (?!use\b|usage|treat|therap|exposure|intake|administration|smok|drink|consumption"
    r"|medication|participation|enrol|service|employment|work|pregnan|birth|deliver)[a-z])"
)
MORE_NOISE: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (_PRESENT_OR_PAST, ("present", "antecedent", "concurrent")),
    (_REQUIRED_MARK, ("(mandatory)", "(required)", "(obligatory)", "(compulsory)")),
    (_DSM_REFERENCE, ("dsm",)),
    (_DIAGNOSED_BY, (" by ", " via ", " through ", "record", "coded diagnos")),
    (_ANY_GRADE, ("any sever", "any grade", "any degree")),
    (_SUBJECT_OF_PREGNANCY, ("wom", "female")),
    (
        _EITHER_SEX,
        (
            "men and",
            "men or",
            "men &",
            "men/",
            "male and",
            "male or",
            "males and",
            "males or",
            "male &",
            "male/",
            "sexes",
            " sex",
            "gender",
        ),
    ),
    (_OBESE_BMI, ("obes",)),
    (_MEDICAL_HISTORY, ("medical history of", "clinical diagnos", "clinically diagnos")),
)


# Words in an aside that could widen, except, allow, negate, hedge, date or change the population
# (`rules.asides` and `rules.measured_asides`, each adding its own).
ASIDE_REFUSAL_WORDS = (
    r"nor|either|neither|etc|e\.?g|eg|such as|including|includes"
    r"|include|like|for example|for instance|among|other|others|any|all|every|also|even"
    r"|unless|except\w*|excluding|exclud\w*|apart|besides|but|allow\w*|permit\w*|accept\w*"
    r"|eligible|eligibility|included|enrol\w*|if|when|whenever|while|whether|regardless"
    r"|irrespective|provided|only|may|might|can|could|should|would|will|must|optional"
    r"|no|not|non|without|never|none|free|negative|absence|absent|lack\w*|denied|deny"
    r"|suspect\w*|suspicio\w*|probable|possible|possibly|presumed|likely|risk|ruled|rule"
    r"|history|historical|prior|previous\w*|past|ever|former\w*|lifetime|recent\w*|within"
    r"|last|since|before|after|during|until|ago|days?|weeks?|months?|years?|hours?"
    r"|group|groups|cohort|cohorts|arm|arms|phase|part|control|controls|healthy|volunteers?"
    r"|women|woman|men|man|males?|females?|children|child|adults?|adolescents?|infants?"
    r"|parents?|family|relatives?|partners?|caregivers?|donors?|self|reported|reports?"
    r"|report|stated|planned|plan\w*|intend\w*|future|scheduled|expected"
    r"|stable|resolved|remission|cured|recovered|treated|untreated|controlled"
)
