"""A bullet that says it holds for one group "only" is no requirement of the other groups.

"Patients only: any TMS treatment in the past 3 months", "Controls only: history of any
psychiatric disorder", "A1C ≥ 8.0% (DSME cohort only)", "(for healthy control population only)",
"Only for the control Group : BMI between 18 and 25", "For patients in the emergency center
only, two or more of the following SIRS criteria:": the study has another group, and the bullet
is asked of one group only. Read as everyone's, it would turn away a patient of another group
(a surgical patient without SIRS signs, a healthy control with a normal A1C). When the outline
did not tie the bullet to a cohort (`outline.cohort_of_text`: "Cohort 1 only: …" is tied), the
bullet and its sub-bullets stay text.
"""

from __future__ import annotations

import re

# The people or the group the bullet is reserved for, then "only": "Patients only", "Controls
# only", "(DSME cohort only)", "(for healthy control population only)".
_GROUP = r"(?:groups?|cohorts?|arms?|population|patients|controls|volunteers|participants|subjects)"
_ONE_GROUP_ONLY = re.compile(
    r"\b" + _GROUP + r"\s+only\b"
    # "Only for the AN Group :", "only for the control group"
    r"|\bonly\s+for\s+(?:the\s+)?(?:[\w-]+\s+){0,4}?" + _GROUP + r"\b"
    # "For patients in the emergency center only, …": a place or a state between them
    r"|^\s*for\s+(?:the\s+)?(?:patients|participants|subjects|those)\b[^,:;.]{1,60}?\bonly\b",
    re.IGNORECASE,
)


def for_one_group_only(text: str) -> bool:
    """The bullet says which group alone it is asked of."""
    return "only" in text.lower() and _ONE_GROUP_ONLY.search(text) is not None
