r"""Regenerate fhirtrial/eligibility/terminology/drug_names.json from a drug-name dictionary.

    pip install drug-named-entity-recognition==2.0.9
    python tools/build_drug_names.py > fhirtrial/eligibility/terminology/drug_names.json

Reads the dictionary shipped by `drug-named-entity-recognition` 2.0.9 (MIT; compiled by Fast
Data Science from the DrugBank open vocabulary (CC0), MeSH (NLM) and MedlinePlus) and keeps the
names of single drugs a criterion may name ("allergy to ceftriaxone", "currently taking
spironolactone"), each with its MeSH identifier: a criterion naming the drug is the concept of
that name (`rules.medications`), matched in a patient's record by the drug's words.

Kept: entries with a DrugBank id and a MeSH or MedlinePlus id (a drug, not a MeSH chemical class
or a research compound), whose name is one or two words of letters (no combination "A and B" or
"A/B", no code name "ABC-123"), five letters or more. Left out: substances a criterion names as
something other than a drug (`_NOT_A_DRUG`: nutrients, electrolytes, gases, hormones, analytes,
recreational substances). The dictionary's MeSH ids are not used: some are the drug's
pharmacological class, not the drug. Synonyms: only the well-known international names of
`_OTHER_NAMES` ("paracetamol"), where the dictionary lists them for that drug.
"""

from __future__ import annotations

import bz2
import importlib.util
import json
import pickle
import re
import sys
from pathlib import Path
from typing import Any

VERSION = "2.0.9"
_NAME = re.compile(r"[a-z]{5,}(?: [a-z]{3,})?")
_SYNONYM = re.compile(r"[a-z]{8,}")
# Substances criteria name as a lab, a habit, a nutrient or an exposure, not as a drug taken;
# a name with one of these words is left out ("sodium chloride", "uric acid").
_NOT_A_DRUG = frozenset(
    """
    water oxygen nitrogen hydrogen carbon helium argon xenon ozone alcohol ethanol methanol
    glucose fructose sucrose lactose galactose cholesterol triglycerides sodium potassium calcium
    magnesium phosphorus phosphate chloride bicarbonate iron zinc copper selenium iodine cobalt
    manganese chromium fluoride urea creatinine albumin hemoglobin bilirubin uric ammonia
    nicotine caffeine cannabis cannabidiol marijuana cocaine heroin tobacco opium protein
    glutamine arginine glycine lysine leucine serine valine alanine methionine histidine tyrosine
    tryptophan cysteine proline threonine phenylalanine isoleucine asparagine citrulline
    ornithine carnitine creatine taurine dopamine serotonin histamine acetylcholine
    cortisol testosterone estrogen estrogens progesterone insulin thyroxine
    renin angiotensin aldosterone bradykinin thrombin fibrinogen plasminogen ferritin
    transferrin lactate pyruvate citrate biotin thiamine riboflavin folate cobalamin
    vitamin retinol tocopherol ascorbic fatty
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# The international (INN) or British names criteria write for a drug the dictionary files under
# its US name: kept as synonyms where the dictionary itself lists them for that drug. Other
# variants of the dictionary (brand names, spellings in other languages) are left out: some are
# ordinary words or surnames, and a few name another drug.
_OTHER_NAMES = {
    "paracetamol": "acetaminophen",
    "lignocaine": "lidocaine",
    "adrenaline": "epinephrine",
    "noradrenaline": "norepinephrine",
    "salbutamol": "albuterol",
    "glibenclamide": "glyburide",
    "pethidine": "meperidine",
    "frusemide": "furosemide",
    "ciclosporin": "cyclosporine",
    "rifampicin": "rifampin",
    "acetylsalicylic acid": "aspirin",
}


def _dictionary() -> dict[str, Any]:
    # Located, not imported: the package's own import pulls in network clients it needs only
    # for its online lookups.
    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"pip install drug-named-entity-recognition=={VERSION}")
    path = Path(spec.submodule_search_locations[0]) / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path) as handle:
        data: dict[str, Any] = pickle.load(handle)
    return data


def main() -> None:
    data = _dictionary()
    canonical: dict[str, dict[str, Any]] = data["drug_canonical_to_data"]
    drugs: dict[str, dict[str, Any]] = {}
    for name, entry in canonical.items():
        if not _NAME.fullmatch(name) or name in _NOT_A_DRUG:
            continue
        if not entry.get("drugbank_id") or not (
            entry.get("mesh_id") or entry.get("medline_plus_id")
        ):
            continue
        if any(word in _NOT_A_DRUG for word in name.split()):
            continue
        drugs[name] = {"display": entry.get("name", name), "drugbank": entry["drugbank_id"]}
    variants: dict[str, Any] = data["drug_variant_to_canonical"]
    for other, name in _OTHER_NAMES.items():
        listed = variants.get(other, ())
        if name in drugs and name in (
            listed if isinstance(listed, (list, tuple, set)) else [listed]
        ):
            drugs[name]["synonyms"] = [*drugs[name].get("synonyms", ()), other]
    document = {
        "source": (
            f"drug-named-entity-recognition {VERSION} (Fast Data Science): DrugBank open "
            "vocabulary, MeSH and MedlinePlus names (tools/build_drug_names.py)"
        ),
        "version": VERSION,
        "licence": "MIT (the package); DrugBank open vocabulary CC0; MeSH courtesy of the NLM",
        "selection": (
            "single drugs with a DrugBank id and a MeSH or MedlinePlus id, named by one or two "
            "words of letters (five letters or more), substances criteria name as labs, "
            "nutrients, hormones, habits or exposures left out; synonyms: international names "
            "(paracetamol, lignocaine, ...) the dictionary lists for the drug"
        ),
        "drugs": dict(sorted(drugs.items())),
    }
    json.dump(document, sys.stdout, indent=0, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
