""" "Adults" as an inclusion bullet's population: an age of 18 years or more.

"Adults", "Adult patients", "Healthy adult men and women", "Adults with type 2 diabetes",
"Adult patients diagnosed with myasthenia gravis presenting to …": the study admits adults only,
and an adult is a person aged 18 or older — ClinicalTrials.gov's own age groups (its glossary:
Child, birth–17 years; Adult, 18–64; Older Adult, 65 and over; "adults" in a criterion takes in
older adults too, so no upper bound). `adults_aged` restates the lead with that age ("adult
patients aged >= 18 years with …") and the rules read the bullet as they read one that says it:
the age alone, the age with the rest read in full, or with its parts and a TEXT residue
(`rules.age_clauses`), with every refusal those readings make.

Read in inclusion bullets only. In an exclusion, "Adults unable to consent" excludes some adults
only, and where the age of majority is higher (19, 20 in some countries) an exclusion of "adults"
read as >= 18 would exclude a patient the text does not. Left alone (the bullet stays as the
other readings leave it):
- an age already said ("Adults over 50 years", "Adult patients (16 years old and older)": a
  study may call 16-year-olds adults; its own number wins), or "adult" defined by a law, a
  country or a definition ("adult according to local regulations");
- "adult" as part of a name, not the population ("Adult-onset Still's disease", "adult ADHD",
  "Adult Literacy", "adult congenital heart disease"): a singular "adult" is read only before a
  person, a relative clause or the end;
- another population beside it ("Adults and children", "adolescents", "young adults", "older
  adults", "elderly"), someone else's role (parents, caregivers, donors, a control group,
  cohort or arm) or a label ("Adult participants: BMI >= 18").
"""

from __future__ import annotations

import re

from fhirtrial.eligibility.rules.ages import find_age_ranges
from fhirtrial.eligibility.rules.demographics import find_age

_PERSON = (
    r"(?:patients?|subjects?|participants?|volunteers?|individuals?|persons?|people|inpatients?"
    r"|outpatients?|cases|(?:men|males?) (?:and|or|and/or|&) (?:women|females?)"
    r"|(?:women|females?) (?:and|or|and/or|&) (?:men|males?)|men|women|males?|females?)"
)
# What may follow a singular "adult" with no person after it: the end, a mark or a clause.
_CLAUSE = (
    r"(?:who|whom|that|with|willing|able|undergoing|underwent|scheduled|admitted|referred"
    r"|presenting|diagnosed|having|requiring|receiving|hospitali[sz]ed|treated|seen|attending"
    r"|in|at|from|on)\b"
)
_LEADING = r"^(?P<lead>(?:(?:all|the|an?|healthy|consecutive|ambulatory)\s+)*)"
# "Adult patients …", "Healthy adult men and women …": whatever follows the person.
_PERSON_LEAD = re.compile(rf"{_LEADING}adults?\s+(?P<person>{_PERSON})\b(?!\s*[-/])")
# "Adults …", "Adult." / "Adult who …": a lone "adult" only before a clause or the end.
_LEAD = re.compile(
    rf"{_LEADING}(?:(?P<adults>adults)(?!\s*[-/])|adult(?=\s*(?:$|[.;,(]|{_CLAUSE})))\b"
)
# Anywhere in the bullet: an age said, another population or person, a label or a definition.
_REFUSAL = re.compile(
    r"\d\s*(?:years?|yrs?|y/?o|y\.o|months?|mos?|weeks?|days?|\+)|\bage[sd]?\b|\bold\b"
    r"|\b(?:older|younger|elderly|geriatric|young|youth|child\w*|kids?|adolescen\w*|teen\w*"
    r"|minors?|pediatric|paediatric|infants?|newborns?|neonat\w*|juvenile|onset|parents?"
    r"|caregivers?|carers?|guardians?|mothers?|fathers?|spouses?|partners?|famil(?:y|ies)"
    r"|relatives?|household|donors?|recipients?|controls?|groups?|cohorts?|arms?|law|laws"
    r"|legal\w*|local\w*|regulat\w*|majority|countr\w*)\b"
    r"|\badults? \(?(?:as |is )?defined\b|:"
)

# A bound right after the lead, whatever its unit: "Adults > 18", "adult patients (>= 16)".
_BOUND = re.compile(r"^[a-z ]*\(?\s*(?:[<>]=?|=)\s*\d")


def adults_aged(normalized: str) -> str | None:
    """The normalized inclusion bullet with its "adult(s)" lead restated as "<who> aged >= 18
    years", or None when it has no such lead or is refused."""
    if "adult" not in normalized[:30]:
        return None
    lead = _PERSON_LEAD.match(normalized) or _LEAD.match(normalized)
    if lead is None:
        return None
    if _REFUSAL.search(normalized) or _BOUND.search(normalized):
        return None
    if any(m.kind == "criterion" for m in find_age(normalized) + find_age_ranges(normalized)):
        return None  # "Adults over 18 …" (normalized "adults > 18"): the age said
    person = lead.groupdict().get("person")  # "adult men and women": "men and women aged …"
    who = person or ("adults" if lead["adults"] else "adult")
    return f"{lead['lead']}{who} aged >= 18 years{normalized[lead.end() :]}"


__all__ = ["adults_aged"]
