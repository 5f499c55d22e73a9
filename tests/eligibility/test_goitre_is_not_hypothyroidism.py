"""An iodine-deficiency goitre is no hypothyroidism.

`hypothyroidism` held the whole ICD-10-CM category E01 "Iodine-deficiency related thyroid
disorders and allied conditions", whose E01.0-E01.2 are goitres (an enlarged gland, most often
with normal function): the exclusion "Hypothyroidism" was met by an endemic goitre. Only E01.8
(which holds acquired iodine-deficiency hypothyroidism) stays, beside E00, E02 and E03.
"""

from __future__ import annotations

from fhirtrial.eligibility import terminology
from fhirtrial.eligibility.compiler import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, record, result_of

GOITRE = condition(
    "Multinodular goiter", (ICD, "E01.1", "Iodine-deficiency related multinodular goiter")
)
HYPOTHYROIDISM = condition("Hypothyroidism", (ICD, "E03.9", "Hypothyroidism, unspecified"))


def test_the_concept_leaves_out_the_goitres() -> None:
    codes = {
        c.code
        for c in terminology.terminology().concept("hypothyroidism").codings
        if c.system == ICD
    }
    # E89.0 postprocedural hypothyroidism (after thyroidectomy or radioiodine) is hypothyroidism
    # filed under another heading (extents15 sweep); the goitres E01.0-E01.2, E04 stay out.
    assert codes == {"E00*", "E01.8", "E02", "E03*", "E89.0"}


def test_a_goitre_does_not_meet_hypothyroidism() -> None:
    criterion = compile_text("Hypothyroidism", exclusion=True)
    assert criterion is not None
    assert result_of(criterion, record(patient(), GOITRE)) != "met"
    assert result_of(criterion, record(patient(), HYPOTHYROIDISM)) == "met"
    # Still a thyroid disease.
    thyroid = compile_text("Thyroid disease", exclusion=True)
    assert thyroid is not None
    assert result_of(thyroid, record(patient(), GOITRE)) == "met"
