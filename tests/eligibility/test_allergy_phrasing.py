"""Allergy bullets as real criteria word them beyond "allergy to <drug>": brand names, foods and
other substances, drug classes, and the ways a list of leads is written ("allergy/intolerance",
"allergic history of", "significant reaction to any ingredient of …").

Expected forms were written from the clinical text before the rules: a brand name is its generic
drug; "any ingredient of <product>" is the drug or one of the product's excipients, which no
record holds (a TEXT member); a reaction that is not said to be allergic is not an allergy entry
(a TEXT member too). "Food allergies" is an allergy to any food: met by a record's food allergy
(its category, or a food it names), not met when the allergy list has only drugs, unknown when the
record has no allergy list.
"""

from __future__ import annotations

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import RXNORM, SNOMED, patient, record, result_of
from tests.eligibility.signature import signature
from tests.eligibility.test_allergies_and_medications import allergy


def _result(text: str, *resources: dict) -> str:
    criterion = compile_text(text, exclusion=True)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Brand names are their generic drug.
        (
            "Hypersensitivity, allergy, or significant reaction to any ingredient of Pitocin®",
            "any-of(allergy:oxytocin, text)",
        ),
        ("Known allergy to Syntocinon/oxytocin", "allergy:oxytocin"),
        ("Allergy to transamine", "allergy:tranexamic-acid"),
        ("Known allergy to Tylenol or Toradol", "any-of(allergy:acetaminophen, allergy:ketorolac)"),
        ("Allergy to Exparel or Marcaine", "allergy:bupivacaine"),
        ("Lidocaine or Niacin/Niaspan allergy", "any-of(allergy:lidocaine, allergy:niacin)"),
        # Foods and other substances.
        ("allergic to sesame oil", "allergy:sesame-oil"),
        ("Known allergy to sesame", "allergy:sesame"),
        ("Shellfish allergy", "allergy:shellfish"),
        ("Peanut or tree nut allergy", "any-of(allergy:peanut, allergy:tree-nut)"),
        ("Allergy to fish or shellfish", "any-of(allergy:fish, allergy:shellfish)"),
        ("Allergy to adhesive tape", "allergy:adhesive"),
        (
            "Known allergy to hydromorphone, eggs or adhesive tape",
            "any-of(allergy:hydromorphone, allergy:egg, allergy:adhesive)",
        ),
        ("Allergy to nickel", "allergy:nickel"),
        ("Known allergies to iodides", "allergy:iodine"),
        ("Patients with a history of allergy to iodides", "allergy:iodine"),
        (
            "Allergy to chlorhexidine or povidone-iodine.",
            "any-of(allergy:chlorhexidine, allergy:povidone-iodine)",
        ),
        ("Food allergies/intolerances", "allergy:food"),
        ("food allergies,", "allergy:food"),
        ("Known food allergy", "allergy:food"),
        ("have intolerances or allergies to any foods", "allergy:food"),
        ("allergy or documented intolerance to food,", "allergy:food"),
        # Lactose intolerance is a diagnosis (E73), not a food allergy entry; each excludes.
        (
            "Food allergies or lactose intolerance",
            "any-of(allergy:food, condition:icd10cm:E73)",
        ),
        # Drug classes.
        (
            "Allergic to misoprostol or prostaglandin analogues",
            "any-of(allergy:misoprostol, allergy:prostaglandin-analogue)",
        ),
        ("Allergy to diuretics", "allergy:diuretic"),
        ("Known allergy to gadolinium-based contrast agents", "allergy:gadolinium-contrast"),
        ("History of allergy to contrast dye", "allergy:contrast-agent"),
        (
            "Known allergy to IV contrast or shellfish",
            "any-of(allergy:contrast-agent, allergy:shellfish)",
        ),
        ("Sulfa allergy", "allergy:sulfonamide"),
        ("Allergy to sulfa drugs or penicillin", "any-of(allergy:sulfonamide, allergy:penicillin)"),
        # Phrasing of the lead.
        ("Known allergy/intolerance to ramelteon", "allergy:ramelteon"),
        ("History of hypersensitivity (including anaphylaxis) to penicillin", "allergy:penicillin"),
        # Salts and other names of the same drug in brackets.
        ("Allergy to acetaminophen (paracetamol)", "allergy:acetaminophen"),
        ("Known allergy to ondansetron (Zofran®)", "allergy:ondansetron"),
        ("Subjects with a known allergy to chlorhexidine gluconate", "allergy:chlorhexidine"),
        ("Known allergy to soy or peanut products", "any-of(allergy:soy, allergy:peanut)"),
        (
            "Known hypersensitivity to glucagon-like peptide-1 receptor agonists",
            "allergy:glp-1-receptor-agonist",
        ),
        (
            "Known allergy or previous hypersensitivity reaction to dronabinol or sesame oil",
            "any-of(allergy:dronabinol, allergy:sesame-oil)",
        ),
        (
            "Allergic history of propofol or dexmedetomidine",
            "any-of(allergy:propofol, allergy:dexmedetomidine)",
        ),
        (
            "Patients who have allergic reaction / contraindications to anti-TNF",
            "any-of(allergy:tnf-inhibitor, text)",
        ),
    ],
)
def test_allergy_bullets_compile(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # The study's own product: what it is, the record cannot tell.
        "Allergic to the study drug or any of its components",
        "Known hypersensitivity to any of the constituents or excipients of the investigational "
        "product",
        "Hypersensitivity to any ingredient of the study product",
        # Severity or a reaction that may be no allergy.
        "Severe allergies to bees/spiders/insects",
        "Severe allergic reaction to iodinated contrast",
        # Not the patient's allergy list: meals the study serves, a disease, a judgement.
        "Children who are allergic to any of the foods served",
        "History of relevant drug and/or food allergies",
        "Allergic diseases",
        # Another drug in brackets is no other name of the first one.
        "Allergy to lidocaine (bupivacaine)",
        # A contraindication without any allergy word is not an allergy.
        "Contraindication to prostaglandin analogues",
    ],
)
def test_allergy_bullets_that_stay_text(text: str) -> None:
    criterion = compile_text(text, exclusion=True)
    assert signature(criterion) in (None, "any-of(text)"), text
    if criterion is not None and criterion.computable:
        assert "allergy:food" not in (signature(criterion) or "")


# ---------------------------------------------------------------- evaluating

FOOD = "Food allergies/intolerances"


def test_a_recorded_food_allergy_meets_food_allergies() -> None:
    shrimp = allergy("Shrimp", category="food")
    assert _result("food allergies,", shrimp) == "met"
    peanut = allergy("Peanut (substance)", (SNOMED, "762952008", "Peanut"), category="food")
    assert _result(FOOD, peanut) == "met"


def test_only_drug_allergies_leave_food_allergies_not_met_and_nkda_says_nothing() -> None:
    penicillin = allergy("Penicillin G", (RXNORM, "7980", "penicillin G"))
    assert _result("food allergies,", penicillin) == "not-met"
    # "No known drug allergies" says nothing of food.
    assert _result("food allergies,", allergy("NKDA")) == "unknown"
    nka = allergy("No known allergies", (SNOMED, "716186003", "No known allergy"))
    assert _result("food allergies,", nka) == "not-met"
    assert _result("food allergies,") == "unknown"


def test_no_known_food_allergies_is_no_food_allergy_and_says_nothing_of_drugs() -> None:
    nkfa = allergy("No Known Food Allergies", category="food")
    assert _result("food allergies,", nkfa) == "not-met"
    assert _result("Allergy to sesame", nkfa) == "not-met"
    assert _result("History of allergy to penicillin", nkfa) == "unknown"


def test_food_intolerance_is_met_by_a_recorded_intolerance_and_never_ruled_out() -> None:
    lactose = allergy("Milk protein", category="food", type="intolerance")
    assert _result(FOOD, lactose) == "met"
    penicillin = allergy("Penicillin G", (RXNORM, "7980", "penicillin G"))
    assert _result(FOOD, penicillin) == "unknown"


def test_a_brand_name_is_met_by_the_generic_drug_and_the_ingredient_part_stays_open() -> None:
    text = "Hypersensitivity, allergy, or significant reaction to any ingredient of Pitocin®"
    assert _result(text, allergy("Oxytocin")) == "met"
    assert _result(text, allergy("PITOCIN 10 UNIT/ML INJECTION")) == "met"
    # The allergy list rules out oxytocin, not the product's other ingredients.
    assert _result(text, allergy("Sulfa (Sulfonamide Antibiotics)")) == "unknown"


def test_a_prostaglandin_class_allergy_is_met_by_a_member() -> None:
    text = "Allergic to misoprostol or prostaglandin analogues"
    assert _result(text, allergy("Latanoprost")) == "met"
    assert _result(text, allergy("Cytotec")) == "met"
    assert _result(text, allergy("Penicillins")) == "not-met"


def test_shellfish_allergy_as_epic_names_it() -> None:
    text = "Shellfish allergy"
    assert _result(text, allergy("Shellfish-derived Products", category="food")) == "met"
    assert _result(text, allergy("Peanut (substance)", category="food")) == "not-met"


def test_iodine_allergy_as_ehrs_write_it() -> None:
    text = "Patients with a history of allergy to iodides"
    assert _result(text, allergy("Iodine")) == "met"
    assert _result(text, allergy("Povidone-iodine (Betadine)")) == "met"
    assert _result(text, allergy("Shellfish", category="food")) == "not-met"


def test_sesame_oil_allergy_is_met_by_a_sesame_allergy() -> None:
    assert _result("allergic to sesame oil", allergy("Sesame seed", category="food")) == "met"
    assert _result("allergic to sesame oil", allergy("Eggs", category="food")) == "not-met"


def test_an_allergy_to_another_member_of_the_class_is_no_allergy_to_the_substance() -> None:
    # Cefazolin and penicillin are both beta-lactams; bupivacaine and lidocaine both local
    # anesthetics: one allergy says nothing of the other.
    assert _result("History of allergy to penicillin", allergy("Cefazolin")) == "not-met"
    assert _result("History of allergy to penicillin", allergy("Meropenem")) == "not-met"
    assert _result("Allergy to lidocaine", allergy("Bupivacaine")) == "not-met"
    assert _result("Allergy to ibuprofen", allergy("Naproxen")) == "not-met"
    # An allergy recorded to the class itself is one to its members.
    assert _result("History of allergy to penicillin", allergy("Beta-lactam antibiotics")) == "met"
    assert _result("Allergy to lidocaine", allergy("Local anesthetics")) == "met"


def test_a_contrast_allergy_is_met_by_any_contrast_medium_and_not_by_another_kind() -> None:
    text = "History of allergy to contrast dye"
    assert _result(text, allergy("Iodinated Contrast Media -- IV Dye")) == "met"
    assert _result(text, allergy("Gadolinium-containing contrast media")) == "met"
    # A recorded "contrast" allergy is one to iodinated contrast; a gadolinium one is not.
    iodinated = "Patients with known allergy to iodinated contrast material."
    assert _result(iodinated, allergy("Contrast dye")) == "met"
    assert _result(iodinated, allergy("Gadobutrol")) == "not-met"


def test_sulfa_allergy_as_ehrs_write_it() -> None:
    assert _result("Sulfa allergy", allergy("Sulfa (Sulfonamide Antibiotics)")) == "met"
    assert _result("Sulfa allergy", allergy("Bactrim")) == "met"
    assert _result("Sulfa allergy", allergy("Penicillins")) == "not-met"


def test_a_brand_named_allergy_is_met_by_the_generic_in_either_direction() -> None:
    assert _result("Known allergy to Tylenol", allergy("Acetaminophen")) == "met"
    assert _result("Allergy to acetaminophen", allergy("TYLENOL")) == "met"
    assert _result("Known allergy to Tylenol", allergy("Ibuprofen")) == "not-met"


def test_an_adhesive_allergy_as_epic_lists_it_and_nkda_leaves_it_open() -> None:
    text = "Allergy to adhesive tape"
    assert _result(text, allergy("Tape", category="environment")) == "met"
    assert _result(text, allergy("Penicillins")) == "not-met"
    # Tape is no drug: "no known drug allergies" says nothing of it.
    assert _result(text, allergy("NKDA")) == "unknown"


def test_no_known_latex_allergy_is_never_a_latex_allergy() -> None:
    nkla = allergy("No Known Latex Allergy", category="environment")
    assert _result("Allergy to latex", nkla) == "unknown"
    penicillin = allergy("Penicillin G", (RXNORM, "7980", "penicillin G"))
    assert _result("Allergy to latex", nkla, penicillin) == "not-met"
