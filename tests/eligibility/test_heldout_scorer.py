"""The held-out scorer's reading of the notation, on synthetic forms (no held-out text)."""

import json

from fhirtrial.eligibility.model import Criterion, Kind
from tests.eligibility.heldout_score import (
    aliases_of,
    figures,
    parse,
    same,
    score,
    with_judgement_as_text,
)
from tests.eligibility.signature import signature

_ICD = "http://hl7.org/fhir/sid/icd-10-cm"


def _write_sample(folder, text, labels):
    """A one-study sample in the held-out layout (texts, labels, no concepts of its own)."""
    (folder / "texts.ndjson").write_text(
        json.dumps({"nctId": "NCT00000001", "eligibilityCriteria": text}) + "\n"
    )
    (folder / "labels.json").write_text(json.dumps(labels))
    (folder / "concepts.json").write_text("{}")


def test_any_of_a_concept_and_one_it_includes_is_the_broader_concept():
    # obstructive-sleep-apnea is a sleep-apnea in the terminology.
    assert same(
        parse("any-of(condition:sleep-apnea, condition:obstructive-sleep-apnea, text)"),
        parse("any-of(condition:sleep-apnea, text)"),
    )
    assert same(
        parse("any-of(condition:obstructive-sleep-apnea, condition:sleep-apnea)"),
        parse("condition:sleep-apnea"),
    )


def test_a_member_whose_codes_all_lie_within_another_members_codes_adds_nothing():
    # icd10cm:N18.6 (end-stage renal disease) is within chronic-kidney-disease (N18*) though the
    # terminology records no parent for the title concept; M16 is no chronic kidney disease.
    assert same(
        parse("any-of(condition:chronic-kidney-disease, condition:icd10cm:N18.6, text)"),
        parse("any-of(condition:chronic-kidney-disease, text)"),
    )
    assert not same(
        parse("any-of(condition:chronic-kidney-disease, condition:icd10cm:M16, text)"),
        parse("any-of(condition:chronic-kidney-disease, text)"),
    )
    # The broader one alone is not the narrower.
    assert not same(parse("condition:icd10cm:N18.6"), parse("condition:chronic-kidney-disease"))


def test_inclusion_is_not_absorbed_where_it_would_change_the_meaning():
    # The narrower concept alone is not the broader one.
    assert not same(parse("condition:obstructive-sleep-apnea"), parse("condition:sleep-apnea"))
    # all-of keeps both; negated members and members with other details are not absorbed.
    assert not same(
        parse("all-of(condition:sleep-apnea, condition:obstructive-sleep-apnea)"),
        parse("condition:sleep-apnea"),
    )
    assert not same(
        parse("any-of(NOT condition:sleep-apnea, NOT condition:obstructive-sleep-apnea)"),
        parse("NOT condition:sleep-apnea"),
    )
    assert not same(
        parse(
            "any-of(condition:sleep-apnea:w-365,0,enrollment, condition:obstructive-sleep-apnea)"
        ),
        parse("condition:sleep-apnea:w-365,0,enrollment"),
    )


def test_a_label_concept_named_as_a_terminology_concept_but_coded_by_its_category_keeps_its_id():
    labelled = {
        "sleep-apnea": {
            "display": "Sleep apnoea",
            "codings": [{"system": _ICD, "code": "G47", "display": "Sleep disorders"}],
        },
        "made-up-sleep-trouble": {
            "display": "Some sleep trouble",
            "codings": [{"system": _ICD, "code": "G47", "display": "Sleep disorders"}],
        },
    }
    aliases = aliases_of(labelled)
    assert aliases["sleep-apnea"] == "sleep-apnea"
    # A label concept of its own with the same code still reads as the category title.
    assert aliases["made-up-sleep-trouble"] == "icd10cm:G47"


def test_a_unit_of_annotations_only_is_dimensionless_as_ucum_defines_it():
    # UCUM: an annotation in curly braces without a unit symbol is the unit 1.
    for annotated in ("{score}", "{class}", "{points}", "{class}.{points}"):
        assert same(
            parse(f"lab:asa-physical-status:>2{annotated}"), parse("lab:asa-physical-status:>2")
        )
    assert same(parse("lab:some-score:<=3{score}"), parse("lab:some-score:<=3{points}"))
    assert same(
        parse("lab:some-score:1..3{score}"),
        parse("all-of(lab:some-score:>=1, lab:some-score:<=3{class})"),
    )
    # Only the unit is read alike: the bound and the comparator still count.
    assert not same(parse("lab:some-score:>2{score}"), parse("lab:some-score:>3"))
    assert not same(parse("lab:some-score:>2{score}"), parse("lab:some-score:>=2"))


def test_an_annotation_is_never_merged_with_a_real_unit():
    assert not same(parse("lab:some-score:>2{score}"), parse("lab:some-score:>2%"))
    assert not same(parse("lab:some-lab:>2{score}"), parse("lab:some-lab:>2mg/dL"))
    assert not same(parse("lab:some-lab:>2{cells}/uL"), parse("lab:some-lab:>2"))
    assert not same(parse("lab:some-lab:>2xULN"), parse("lab:some-lab:>2{score}"))


def test_a_labelled_fragment_of_a_wrapped_criterion_is_found_but_not_compiled(tmp_path):
    text = "Exclusion Criteria:\n\nPatients aged under 18 or\nover 75 years\n"
    label = {"nctId": "NCT00000001", "linkId": "exc-2", "decidable": "full"}
    labels = [{**label, "text": "over 75 years", "expected": "age:>75a"}]
    _write_sample(tmp_path, text, labels)
    [scored] = score(tmp_path)
    assert scored.found and scored.compiled is None
    result = figures([scored])
    assert (result.not_found, result.covered, result.decidable) == (0, 0, 1)


def test_a_judgement_every_member_of_an_any_of_shares_is_read_once_outside_it():
    # "Severe heart or lung disease": any-of(A∧severe, B∧severe) = all-of(any-of(A, B), text).
    both = Criterion(
        Kind.COMBINATION,
        combination="any-of",
        children=(
            Criterion(Kind.CONDITION, concept="heart-failure", qualifiers=("severe",)),
            Criterion(Kind.CONDITION, concept="copd", qualifiers=("severe",)),
        ),
    )
    read = signature(with_judgement_as_text(both))
    assert same(parse(read), parse("all-of(any-of(condition:heart-failure, condition:copd), text)"))
    one = Criterion(
        Kind.COMBINATION,
        combination="any-of",
        children=(
            Criterion(Kind.CONDITION, concept="heart-failure", qualifiers=("severe",)),
            Criterion(Kind.CONDITION, concept="copd"),
        ),
    )
    assert not same(
        parse(signature(with_judgement_as_text(one))),
        parse("all-of(any-of(condition:heart-failure, condition:copd), text)"),
    )


def test_a_labelled_bullet_with_a_glued_header_is_the_bullet_before_it(tmp_path):
    """The outline now splits "… consent Exclusion criteria:" into a bullet and a header; a
    bullet labelled with the header glued on is the bullet, and the next one an exclusion."""
    text = (
        "Inclusion Criteria:\n  -  Age over 18 years\n"
        "  -  Able to give written consent Exclusion criteria:\n  -  Pregnancy\n"
    )
    label = {"nctId": "NCT00000001", "decidable": "none", "expected": None}
    labels = [
        {**label, "linkId": "inc-2", "text": "Able to give written consent Exclusion criteria:"},
        {
            **label,
            "linkId": "inc-3",
            "text": "Pregnancy",
            "decidable": "full",
            "expected": "pregnancy:pregnancy",
        },
    ]
    _write_sample(tmp_path, text, labels)
    consent, pregnancy = score(tmp_path)
    assert consent.found and consent.compiled is None
    assert pregnancy.found and pregnancy.compiled == "pregnancy:pregnancy"


def test_a_form_in_the_wrong_section_is_a_polarity_error(tmp_path):
    """Read into the inclusion list (a lost exclusion header), an exclusion's form means the
    opposite: every patient without it fails. The form equals the label; the section does not."""
    text = "Inclusion Criteria:\n  -  Signed consent\n  -  Pregnancy\n"
    labels = [
        {
            "nctId": "NCT00000001",
            "linkId": "inc-2",
            "text": "Pregnancy",
            "section": "exclusion",
            "decidable": "full",
            "expected": "pregnancy:pregnancy",
        }
    ]
    _write_sample(tmp_path, text, labels)
    [scored] = score(tmp_path)
    assert scored.compiled == "pregnancy:pregnancy" and scored.section == "inclusion"
    assert not scored.right and scored.polarity_error
    assert figures([scored]).polarity_errors == 1


def test_a_bullet_labelled_a_header_that_is_read_as_one_is_found(tmp_path):
    text = "Cystic Fibrosis Main Study Inclusion Criteria:\n  -  Cystic fibrosis\n"
    label = {"nctId": "NCT00000001", "linkId": "inc-1", "decidable": "none", "expected": None}
    labels = [{**label, "text": "Cystic Fibrosis Main Study", "role": "header"}]
    _write_sample(tmp_path, text, labels)
    [scored] = score(tmp_path)
    assert scored.found and scored.compiled is None
