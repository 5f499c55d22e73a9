"""Broad medication groups criteria name by what the drugs are for: psychotropic drugs, pain
medications, ovulation stimulants, vitamin and mineral supplements (the classes of
terminology/medications.json; `rules.medications` reads their use as it reads any class's).

Each group is no wider than its words:

- "psychotropic drugs", "psychopharmacological drugs", "psychiatric medications": ATC N05A
  (antipsychotics, lithium among them), N05B (anxiolytics), N05C (hypnotics and sedatives), N06A
  (antidepressants), N06B (psychostimulants). Mood stabilisers that are antiepileptics
  (valproate, lamotrigine) are not members, but a current use of one makes a missing member
  `unknown`, never `not-met` (`evaluation.medications`).
- "pain medications", "analgesics", "painkillers": opioids, paracetamol, metamizole,
  antimigraine drugs and non-steroidal anti-inflammatory drugs; not low-dose aspirin (taken for
  the heart, not for pain). "Opioid analgesics", "non-opioid analgesics", "local analgesics"
  are other classes (or text). Gabapentinoids, tricyclics and SNRIs, often given for pain, make a
  missing member `unknown`.
- "sedatives", "hypnotics", "sedative-hypnotic medication", "sleeping pills": ATC N05C (hypnotics
  and sedatives: Z-drugs, orexin antagonists, barbiturates) and the benzodiazepines. Sedating
  antipsychotics or antihistamines given for sleep are not members.
- "ovulation stimulators", "ovulation-inducing drugs": ATC G03G (gonadotropins, clomifene).
  Letrozole, used off-label for it, is not a member: it is mostly an aromatase inhibitor given
  for breast cancer.
- "weight-loss medications", "anti-obesity drugs": ATC A08 (orlistat, phentermine) and the
  products sold for weight loss (Wegovy, Saxenda, Zepbound); any other GLP-1 receptor agonist
  makes a missing member `unknown` (semaglutide for diabetes or for weight).
- "dietary supplements", "nutritional supplements", "supplements" (after a use: "intake of
  supplements"): vitamins, minerals, probiotics, fish oil, herbal and other named supplements. A
  record names only some: a supplement it does not list is not read as taken. "Calcium
  supplements", "herbal supplements" alone are narrower: their other words stay to be read.
- "vitamin or mineral supplements", "vitamins, minerals" (both words): ATC A11, A12, iron (B03A),
  vitamin B12 and folic acid (B03B). A text naming only vitamins, or "dietary supplements"
  (herbals too), is not read.
"""

from __future__ import annotations

_KIND_WORDS = r"(?: (?:medications?|drugs?|agents?|therap(?:y|ies)|treatments?|regimens?))?"

# (concepts, qualifiers, pattern), as `rules.medications._CLASSES`.
CLASSES: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (
        ("psychotropic-drug",),
        (),
        r"psycho-?tropics|psycho-?tropic (?:medications?|drugs?|agents?|medicines?|treatments?)"
        r"|psycho-?pharmac(?:ological|ologic|eutical)(?: (?:medications?|drugs?|agents?"
        r"|medicines?|treatments?|therap(?:y|ies)))|psycho-?pharmaceuticals"
        r"|psychiatric (?:medications?|drugs?|medicines?)",
    ),
    (
        ("analgesic",),
        (),
        r"(?<!opioid )(?<!non-opioid )(?<!local )(?<!topical )(?<!neuropathic )"
        r"(?:analgesics?(?: (?:medications?|drugs?|agents?|medicines?))?|pain[- ]?killers?"
        r"|pain (?:medications?|medicines?|relievers?|relief (?:medications?|medicines?"
        r"|drugs?)))",
    ),
    (
        ("sedative-hypnotic",),
        (),
        r"(?<!non-)(?:sedatives?(?:[- /]hypnotics?| (?:or|and|and/or) hypnotics?)?"
        r"|hypnotics?(?: (?:or|and|and/or) sedatives?)?)(?: (?:medications?|drugs?|agents?"
        r"|medicines?))?|sleeping (?:pills?|tablets?|medications?)",
    ),
    (
        ("ovulation-stimulant",),
        (),
        r"ovulation[- ](?:stimulators?|stimulants?|(?:stimulating|inducing|induction)"
        r" (?:drugs?|agents?|medications?))",
    ),
    (
        ("vitamin-mineral-supplement",),
        (),
        r"(?:(?:multi-?)?vitamins?(?:,? (?:and|or|and/or) ?|, | ?/ ?)minerals?"
        r"|minerals?(?:,? (?:and|or|and/or) ?|, | ?/ ?)(?:multi-?)?vitamins?)"
        r"(?: (?:supplements?|supplementation|preparations?|products?))?"
        # "Vitamin and mineral deficiencies", "vitamin or mineral levels": not a use.
        r"(?! (?:deficien|insufficien|levels?|status|concentrations?|malabsorption))",
    ),
    (
        ("weight-loss-medication",),
        (),
        r"(?:weight[- ]loss|weight[- ]reducing|anti-?obesity|slimming|diet) (?:medications?"
        r"|drugs?|agents?|pills?|medicines?)",
    ),
    (
        ("dietary-supplement",),
        (),
        r"(?:dietary|nutritional|nutrition|food)[- ](?:supplements?|supplementation)"
        # A bare "supplements" only after a use or a list word: "calcium supplements", "iron
        # supplements" name one kind, which their first word says.
        r"|(?:^|(?<=of )|(?<=any )|(?<=taking )|(?<=using )|(?<=use )|(?<=on )|(?<=other )"
        r"|(?<=or )|(?<=and ))supplements(?! of)",
    ),
)
# Substrings every match of a group contains (its prefilter).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "psychotropic-drug": ("psycho", "psychiatric"),
    "analgesic": ("analgesic", "pain"),
    "sedative-hypnotic": ("sedativ", "hypnotic", "sleeping"),
    "ovulation-stimulant": ("ovulation",),
    "vitamin-mineral-supplement": ("mineral",),
    "weight-loss-medication": ("weight", "obesity", "slimming", "diet "),
    "dietary-supplement": ("supplement",),
}
# Drugs often given for what the group treats without being members of it: a current use of
# one makes a missing member `unknown` (`evaluation.medications`).
MAY_ALSO_COUNT: dict[str, tuple[str, ...]] = {
    "psychotropic-drug": ("antiepileptic",),
    "analgesic": ("antiepileptic", "tricyclic-antidepressant", "snri"),
    # Semaglutide or liraglutide for diabetes, or for weight (Wegovy, Saxenda: members).
    "weight-loss-medication": ("glp-1-receptor-agonist",),
}
