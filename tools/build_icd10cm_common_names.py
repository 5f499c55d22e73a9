r"""Regenerate fhirtrial/eligibility/terminology/icd10cm_common_names.json.

    python tools/build_icd10cm_common_names.py

The everyday clinical names of diagnoses that criteria use and that neither a hand-made concept
(conditions.json) nor an ICD-10-CM title or synonym (icd10cm_titles.json, icd10cm_synonyms.json)
reads: "osteoarthritis", "aortic stenosis", "COPD exacerbation", "chronic pain". They were chosen
by how often the development texts use them, not by hand: tools/diagnosis_name_frequency.py
lists the noun phrases in diagnosis places ("history of X", "known X", list members) of the
bullets left text, most frequent first; from its top phrases, every one that names a diagnosis
with a definite ICD-10-CM extent is kept here. Judgement words ("cognitive impairment",
"renal insufficiency", "infection"), organ groups ("chronic liver disease") and names narrower
than any code ("left ventricular thrombus" is only part of I51.3, intracardiac thrombosis) are
left out. A name no development line spells is kept only as another name of one that is
("aortic regurgitation" beside "aortic insufficiency"). The session 9 batch (after the
"Session 9" comment of NAMES) was chosen otherwise: from clinical knowledge of the common
diagnoses of every specialty ("gallstones", "uterine fibroids", "glomerulonephritis",
"vasculitis", "sickle cell anemia"), each of which compiled to nothing alone and as "history
of X", not by development frequency (most of them no development line names; the count beside
each says so); the same extent rules apply, and names of the classes the titles leave out on
purpose (measured states, symptoms, cancers, pregnancy: tools/build_icd10cm_titles.py), names no
code set states exactly ("Wolff-Parkinson-White": pre-excitation I45.6 is wider; "Brugada":
other arrhythmias I49.8; "cerebral aneurysm": I67.1 also holds acquired fistulas), and
names with another sense in criteria ("amenorrhea": "11 to 42 weeks of amenorrhea" dates a
pregnancy) are left out.

Each name means a set of ICD-10-CM codes, each with its whole subtree: never a code wider than
the name (a patient coded with any of them has the named diagnosis, so an exclusion turns away
no one the text accepts); where the name is wider than one code, the set holds every code of
the release that is wholly the diagnosis ("aortic stenosis": nonrheumatic I35.0 and I35.2,
rheumatic I06.0 and I06.2, congenital Q23.0). Checked against the release as simple-icd-10-cm
1.5.0 ships it (the April 2026 ICD-10-CM of CDC/NCHS): every code is a category or subcategory
of the release, its title is copied from it, and no code of a set lies under another. The count
of development bullets naming each name (word for word, any case) is written beside it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import simple_icd_10_cm as release

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.eligibility.corpus import development_texts  # noqa: E402

PATH = ROOT / "fhirtrial" / "eligibility" / "terminology" / "icd10cm_common_names.json"
_DIABETES = ("E08", "E09", "E10", "E11", "E13")


def _diabetic(*complications: str) -> tuple[str, ...]:
    """A diabetic complication in every diabetes category ("E11.21" …)."""
    return tuple(f"{d}.{c}" for d in _DIABETES for c in complications)


_DEPRESSIVE_EPISODE = (
    *("F32.0", "F32.1", "F32.2", "F32.3", "F32.4", "F32.5", "F32.89", "F32.9", "F32.A"),
    "F33",
)
_AORTIC_STENOSIS = ("I35.0", "I35.2", "I06.0", "I06.2", "Q23.0")
_AORTIC_REGURGITATION = ("I35.1", "I35.2", "I06.1", "I06.2", "Q23.1")
_MITRAL_STENOSIS = ("I05.0", "I05.2", "I34.2", "Q23.2")
_MITRAL_REGURGITATION = ("I34.0", "I05.1", "I05.2", "Q23.3")
_DIVERTICULITIS = (
    *("K57.0", "K57.12", "K57.13", "K57.2", "K57.32", "K57.33", "K57.4"),
    *("K57.52", "K57.53", "K57.8", "K57.92", "K57.93"),
)
_GI_BLEEDING = ("K92.0", "K92.1", "K92.2", "K62.5")
_INTRACRANIAL_HEMORRHAGE = ("I60", "I61", "I62")
_OBSTRUCTION = ("K56.1", "K56.2", "K56.3", "K56.5", "K56.6", "K91.3")
_OSTEOARTHRITIS = ("M15", "M16", "M17", "M18", "M19", "M47")
_MCI = ("G31.84", "F06.7")
_DELIRIUM = (
    *("F05", "F10.121", "F10.131", "F10.221", "F10.231", "F10.921", "F10.931", "F11.121"),
    *("F11.221", "F11.921", "F12.121", "F12.221", "F12.921", "F13.121", "F13.131", "F13.221"),
    *("F13.231", "F13.921", "F13.931", "F14.121", "F14.221", "F14.921", "F15.121", "F15.221"),
    *("F15.921", "F16.121", "F16.221", "F16.921", "F18.121", "F18.221", "F18.921", "F19.121"),
    *("F19.131", "F19.221", "F19.231", "F19.921", "F19.931"),
)
_MACULAR_DEGENERATION = ("H35.30", "H35.31", "H35.32")
_ANGLE_CLOSURE = ("H40.2",)
_UVEITIS = ("H20", "H30", "H44.11", "H44.13")
_SPINAL_CORD_INJURY = ("S14.0", "S14.1", "S24.0", "S24.1", "S34.0", "S34.1")
# The injuries of the skull and brain, and their history code; not the superficial wounds of
# the scalp and face, nor the eye, ear, nose, jaw and tooth injuries that ICD-10-CM's block
# "Injuries to the head" (S00-S09) also holds: a broken tooth is not what a criterion on
# "head injury" means.
_HEAD_INJURY = ("S02.0", "S02.1", "S06", "S09.8", "S09.90", "Z87.820")
_APHASIA = ("R47.01", "I69.020", "I69.120", "I69.220", "I69.320", "I69.820", "I69.920")
_HEMIPLEGIA = ("G81", "I69.05", "I69.15", "I69.25", "I69.35", "I69.85", "I69.95")
_SUICIDE_ATTEMPT = ("T14.91", "Z91.51")
_DEVELOPMENTAL_DELAY = ("F88", "R62.0", "R62.50")
_HEARING_LOSS = ("H90", "H91")
# RA, juvenile, psoriatic, reactive and enteropathic arthritis, ankylosing spondylitis and the
# other inflammatory spondylopathies, gout and the other crystal arthropathies; not septic
# arthritis (M00, M01: an infection, named apart), nor osteoarthritis.
_INFLAMMATORY_ARTHRITIS = (
    *("M02", "M05", "M06", "M07", "M08", "M10", "M11", "M1A", "M45", "M46.8", "M46.9"),
    "L40.5",
)
_NEUROCOGNITIVE = ("F01", "F02", "F03", "G30", "G31.83", "G31.84", "F06.7")
_FATTY_LIVER = ("K70.0", "K75.81", "K76.0")
_ECZEMA = ("L20", "L30.0", "L30.1", "L30.9")
_DRY_EYE = ("H04.12", "H16.22")
# Session 8 (issue 13): the sets of the next most frequent names of the bullets left text.
# Every code titled a hepatitis: viral (acute, chronic, unspecified, CMV, herpesviral, in
# pregnancy, congenital), alcoholic, toxic with hepatitis, chronic NEC, reactive, granulomatous,
# autoimmune, inflammatory liver disease NOS (Index: Hepatitis → K75.9); not the steatohepatitis
# of NASH K75.81 (a fatty liver disease, named so).
_HEPATITIS = (
    *("B15", "B16", "B17", "B18", "B19", "B25.1", "B00.81", "B58.1", "A51.45", "O98.4"),
    *("P35.3", "K70.1", "K71.2", "K71.3", "K71.4", "K71.5", "K71.6", "K73", "K75.2", "K75.3"),
    *("K75.4", "K75.9"),
)
_HERNIA = ("K40", "K41", "K42", "K43", "K44", "K45", "K46", "Q40.1", "Q79.0")
_LUPUS = ("M32", "L93")
_RESPIRATORY_FAILURE = ("J96", "J95.82", "P28.5", "J80")
_MALABSORPTION = ("K90", "K91.2")
_PATHOLOGICAL_FRACTURE = ("M84.4", "M84.5", "M84.6", "M80")
_CHRONIC_BRONCHITIS = ("J41", "J42")
_CENTRAL_SLEEP_APNEA = ("G47.31", "G47.37")
# The hemolytic anemias of ICD-10-CM's block D55-D59 but the carrier states: sickle-cell trait
# D57.3, thalassemia minor D56.3, hereditary persistence of fetal hemoglobin D56.4 (no anemia),
# and thalassemia unspecified D56.9 (often a trait).
_HEMOLYTIC_ANEMIA = (
    *("D55", "D56.0", "D56.1", "D56.2", "D56.5", "D56.8", "D57.0", "D57.1", "D57.2", "D57.4"),
    *("D57.8", "D58", "D59"),
)
_CHLAMYDIA = ("A55", "A56", "A70", "A71", "A74", "J16.0")
# Pneumothorax J93 less the other air leak J93.82 (no pneumothorax), postprocedural, traumatic
# and perinatal pneumothorax.
_PNEUMOTHORAX = ("J93.0", "J93.1", "J93.81", "J93.83", "J93.9", "J95.811", "S27.0", "P25.1")
_MENINGITIS = (
    *("A01.01", "A02.21", "A17.0", "A20.3", "A27.81", "A32.1", "A39.0", "A42.81", "A50.41"),
    *("A51.41", "A52.13", "A54.81", "A69.21", "A87", "B00.3", "B01.0", "B02.1", "B05.1"),
    *("B06.02", "B26.1", "B27.02", "B27.12", "B27.82", "B27.92", "B37.5", "B38.4", "B57.41"),
    *("D86.81", "G00", "G01", "G02", "G03"),
)
_HYPERCHOLESTEROLEMIA = ("E78.0", "E78.2")
_HYPERTRIGLYCERIDEMIA = ("E78.1", "E78.2", "E78.3")
_AV_BLOCK = ("I44.0", "I44.1", "I44.2", "I44.3", "Q24.6")
# Block A50-A64 Infections with a predominantly sexual mode of transmission (not HIV B20 nor
# hepatitis B, which criteria name apart).
_STD = (
    *("A50", "A51", "A52", "A53", "A54", "A55", "A56", "A57", "A58", "A59", "A60", "A63"),
    "A64",
)
# Every code titled a cellulitis of a site, not the acute lymphangitis L03 shares its categories
# with, the "cellulitis and abscess" of the mouth K12.2, pelvic cellulitis with parametritis N73,
# nor eosinophilic cellulitis L98.3 (Wells syndrome, no infection).
_CELLULITIS = (
    *("L03.01", "L03.03", "L03.11", "L03.211", "L03.213", "L03.221", "L03.31", "L03.81"),
    *("L03.90", "H05.01", "H60.1", "N48.22"),
)
_SENSORINEURAL = (
    *("H90.3", "H90.4", "H90.5", "H90.6", "H90.7", "H90.8", "H90.A2", "H90.A3", "H91.0"),
    *("H91.1", "H91.2"),
)
_IVH = ("P52.0", "P52.1", "P52.2", "P52.3", "I61.5")
_BRONCHITIS = ("J20", "J40", "J41", "J42")
_ILEUS = ("K56.0", "K56.3", "K56.7", "P76.1", "E84.11")
_MEGACOLON = ("K59.3", "Q43.1")
_BLINDNESS = ("H54.0", "H54.1", "H54.4", "H54.8")

# Session 9: sets of the names chosen from clinical knowledge (below).
_TRICUSPID_REGURGITATION = ("I36.1", "I36.2", "I07.1", "I07.2")
_VASCULITIS = (
    *("M30", "M31.0", "M31.2", "M31.3", "M31.4", "M31.5", "M31.6", "M31.7", "M31.8", "M31.9"),
    *("M35.2", "L95", "D69.0", "I77.82", "I67.7", "I77.6"),
)
_HEMORRHOIDS = ("K64.0", "K64.1", "K64.2", "K64.3", "K64.4", "K64.8", "K64.9")
_C_DIFFICILE = ("A04.7",)
_COLON_POLYPS = ("K63.5", "D12.0", "D12.2", "D12.3", "D12.4", "D12.5", "D12.6")
_MEMBRANOUS = tuple(f"N0{x}.2" for x in range(8))
_FSGS = tuple(f"N0{x}.1" for x in range(8))
_LEMS = ("G70.80", "G70.81", "G73.1")
_CONVERSION = ("F44.4", "F44.5", "F44.6", "F44.7")
_RSV = ("B97.4", "J12.1", "J20.5", "J21.0")
_GOITER = ("E01.0", "E01.1", "E01.2", "E04", "E05.0", "E05.2", "E07.1", "E03.0")

# Session 11: injuries, which the titles leave out (their chapter S00-T88 is not selected). Each
# S- or T- code stands with its whole subtree, so with every 7th character (initial and
# subsequent encounter, sequela). A fracture: every category titled a fracture of a region, the
# osteoporotic, stress, pathological, fatigue and periprosthetic fractures, a collapsed vertebra
# (compression fracture of vertebra NOS), fractures of birth, and the personal history codes of a
# healed fracture (Z87.31 nontraumatic, Z87.81 traumatic: read as past, so a bare "fracture"
# leaves them unknown and "history of fractures" is met by them); not a fractured tooth S02.5,
# which no criterion on fractures means. Session 15 audit: also the physeal (growth plate)
# fractures of the limbs, children's commonest, which ICD-10-CM files apart (S49.0-, S49.1-,
# S59.0- to S59.2-, S79.0-, S79.1-, S89.0- to S89.3-), the nontraumatic fractures NEC M84.7-
# (atypical femoral fracture), and the fractures after an orthopaedic implant M96.6- and from
# chest compression in CPR M96.A-: an inclusion "Fractures" failed a child coded S59.21-.
_FRACTURE = (
    *("S02.0", "S02.1", "S02.2", "S02.3", "S02.4", "S02.6", "S02.8", "S02.9", "S12", "S22"),
    *("S32", "S42", "S52", "S62", "S72", "S82", "S92", "M48.4", "M48.5", "M80", "M84.3"),
    *("M84.4", "M84.5", "M84.6", "M97", "P13.0", "P13.4", "Z87.31", "Z87.81"),
    *("S49.0", "S49.1", "S59.0", "S59.1", "S59.2", "S79.0", "S79.1", "S89.0", "S89.1"),
    *("S89.2", "S89.3", "M84.7", "M96.6", "M96.A"),
)
# A hip fracture is a fracture of the proximal femur: head and neck, pertrochanteric
# (intertrochanteric), subtrochanteric (Index: Fracture, hip → see Fracture, femur, neck). Not
# the rest of the femur, the acetabulum (pelvis), a periprosthetic fracture, nor the femur sites
# of M80/M84 (pelvis and femur, femur: wider than the hip), nor Z87.81 (any healed fracture).
_HIP_FRACTURE = ("S72.0", "S72.1", "S72.2")
# The femoral neck: unspecified part of the neck, intracapsular, midcervical, base of neck; not
# the head (S72.05, S72.06), the upper epiphysis S72.02, nor S72.09 (head or neck).
_FEMORAL_NECK_FRACTURE = ("S72.00", "S72.01", "S72.03", "S72.04")
_FEMUR_FRACTURE = ("S72", "M80.05", "M80.85")
# A fracture of a vertebral body: cervical C1-C7 (not the hyoid, larynx or "neck" S12.8, S12.9),
# thoracic and lumbar vertebrae, osteoporotic vertebral fractures, fatigue fracture and collapse
# of a vertebra; not the sacrum and coccyx, nor the pathological fractures of "other site".
_VERTEBRAL_FRACTURE = (
    *("S12.0", "S12.1", "S12.2", "S12.3", "S12.4", "S12.5", "S12.6", "S22.0", "S32.0"),
    *("M48.4", "M48.5", "M80.08", "M80.88"),
)
# Not "osteoporotic / fragility fracture": records code most of them as the injury (S72.-) beside
# osteoporosis M81, not as M80, so M80 + Z87.310 would fail an inclusion's patient (text instead).
_DISTAL_RADIUS_FRACTURE = ("S52.5",)
_WRIST_FRACTURE = ("S52.5", "S52.6", "S62.0", "S62.1")
_TIBIA_FRACTURE = ("S82.1", "S82.2", "S82.3", "S82.5")
# Burns (thermal), not the corrosions (chemical burns) the same categories hold, nor sunburn.
_BURN = (
    *("T20.0", "T20.1", "T20.2", "T20.3", "T21.0", "T21.1", "T21.2", "T21.3", "T22.0", "T22.1"),
    *("T22.2", "T22.3", "T23.0", "T23.1", "T23.2", "T23.3", "T24.0", "T24.1", "T24.2", "T24.3"),
    *("T25.0", "T25.1", "T25.2", "T25.3", "T26.0", "T26.1", "T26.2", "T26.3", "T26.4", "T27.0"),
    *("T27.1", "T27.2", "T27.3", "T28.0", "T28.1", "T28.2", "T28.3", "T28.4", "T30.0", "T31"),
)
_ACL_INJURY = ("S83.51", "M23.61")

# name → (codes, why the codes are the name's: where ICD-10-CM says so).
NAMES: dict[str, tuple[tuple[str, ...], str]] = {
    # Session 13: names whose title is one code but which the Alphabetic Index also files under
    # another heading (a patient coded there has the named diagnosis: an inclusion must not
    # turn him away). "Insomnia" G47.0 (organic) and F51.0 (not due to a substance or known
    # physiological condition); "low back pain" M54.5 and M54.4 lumbago (low back pain) with
    # sciatica.
    "insomnia": (("G47.0", "F51.0"), "index: Insomnia G47.00; nonorganic origin F51.0-"),
    "low back pain": (("M54.4", "M54.5"), "title M54.5, and M54.4 Lumbago with sciatica"),
    # Session 15: the other spellings development bullets give low back pain ("Lumbar pain for
    # more than 6 months", "lumbar pain present for more than 12 weeks", "chronic lower back
    # pain"): lumbago, the inclusion term of M54.50, is pain of the lumbar region.
    "lumbar pain": (
        ("M54.4", "M54.5"),
        "inclusion term of M54.50: Lumbago NOS (pain of the lumbar region); M54.4 lumbago with"
        " sciatica",
    ),
    "lower back pain": (("M54.4", "M54.5"), "another name of low back pain (title M54.5)"),
    # Session 15 audit: "sciatica" is the title of M54.3, but the index files it with lumbago
    # under M54.4 ("Diagnosed with sciatica by GP" must not turn away a patient coded M54.4).
    "sciatica": (("M54.3", "M54.4"), "index: Sciatica M54.3-; with lumbago M54.4-"),
    # DSM-5 names whose extent spans two ICD-10-CM categories: autism spectrum disorder holds
    # what ICD-10-CM still codes apart as Asperger's syndrome F84.5 (DSM-5 299.00 merged them).
    "autism spectrum disorder": (
        ("F84.0", "F84.5"),
        "inclusion term of F84.0; DSM-5 ASD also holds Asperger's disorder F84.5",
    ),
    "autism": (("F84.0", "F84.5"), "index: Autism F84.0; DSM-5 ASD also holds Asperger's F84.5"),
    # Pain and the spine.
    "chronic pain": (("G89.2", "G89.4"), "G89.2 title without NEC, and chronic pain syndrome"),
    "chronic pain disorder": (("G89.2", "G89.4"), "another name of chronic pain"),
    "neck pain": (("M54.2",), "alphabetic index: Pain, neck NEC → M54.2 (cervicalgia)"),
    "back pain": (
        ("M54.4", "M54.5", "M54.6", "M54.89", "M54.9"),
        "alphabetic index: Pain, back → M54.9 (dorsalgia); the dorsalgias that are pain (M54.8 less"
        " occipital neuralgia M54.81, a head pain)",
    ),
    "abdominal pain": (
        ("R10.1", "R10.3", "R10.84", "R10.85", "R10.9"),
        "R10 less pelvic/perineal pain R10.2, acute abdomen R10.0 and flank pain R10.A; of R10.8"
        " only the pains: not the examination signs (abdominal, rebound, flank tenderness R10.81,"
        " R10.82, R10.8A) nor colic R10.83 (an infant's crying)",
    ),
    "chest pain": (("R07.1", "R07.2", "R07.8", "R07.9"), "R07 less throat pain R07.0"),
    "cervical radiculopathy": (("M54.12", "M50.1"), "titles: radiculopathy, cervical region"),
    "kyphosis": (
        ("M40.0", "M40.1", "M40.2", "M96.2", "M96.3", "Q76.41"),
        "M40 less lordosis; postradiation, postlaminectomy, congenital kyphosis",
    ),
    "idiopathic scoliosis": (
        ("M41.0", "M41.1", "M41.2"),
        "titles: infantile, juvenile and other idiopathic",
    ),
    "osteoarthritis": (
        _OSTEOARTHRITIS,
        "block M15-M19 Osteoarthritis, and M47 Spondylosis (includes: osteoarthritis of spine)",
    ),
    "degenerative joint disease": (
        _OSTEOARTHRITIS,
        "alphabetic index: Disease, joint, degenerative → M19.90; block M15-M19",
    ),
    "panniculitis": (("M79.3", "M54.0", "M35.6"), "titles naming panniculitis"),
    # Heart and vessels.
    "aortic stenosis": (_AORTIC_STENOSIS, "titles: nonrheumatic, rheumatic, congenital"),
    "aortic valve stenosis": (_AORTIC_STENOSIS, "titles: nonrheumatic, rheumatic, congenital"),
    "aortic regurgitation": (_AORTIC_REGURGITATION, "titles: aortic insufficiency"),
    "aortic insufficiency": (_AORTIC_REGURGITATION, "titles: aortic insufficiency"),
    "mitral stenosis": (_MITRAL_STENOSIS, "titles: rheumatic, nonrheumatic, congenital"),
    "mitral valve stenosis": (_MITRAL_STENOSIS, "titles: rheumatic, nonrheumatic, congenital"),
    "mitral regurgitation": (_MITRAL_REGURGITATION, "titles: mitral insufficiency"),
    "mitral insufficiency": (_MITRAL_REGURGITATION, "titles: mitral insufficiency"),
    "pericarditis": (
        ("I30", "I31.0", "I31.1", "I32", "I01.0", "I09.2", "A39.53", "B33.23", "M32.12"),
        "every title naming pericarditis",
    ),
    "myocarditis": (
        (
            *("I40", "I41", "I51.4", "I01.2", "I09.0", "A38.1", "A39.52", "B26.82"),
            *("B33.22", "B58.81", "D86.85", "J10.82", "J11.82"),
        ),
        "every title naming myocarditis",
    ),
    "endocarditis": (
        (
            *("I33", "I38", "I01.1", "I09.1", "A32.82", "A39.51", "A52.03", "B33.21"),
            *("B37.6", "M32.11"),
        ),
        "every title naming endocarditis but I39 (valve disorders in other diseases too)",
    ),
    "rheumatic heart disease": (
        ("I05", "I06", "I07", "I08", "I09"),
        "block I05-I09 Chronic rheumatic heart diseases",
    ),
    "hypertrophic cardiomyopathy": (("I42.1", "I42.2"), "titles: obstructive and other"),
    "post-thrombotic syndrome": (("I87.0",), "spelling of the title Postthrombotic syndrome"),
    "lymphedema": (("I89.0", "I97.2", "Q82.0"), "titles naming lymphedema"),
    "intracranial hemorrhage": (_INTRACRANIAL_HEMORRHAGE, "nontraumatic intracranial hemorrhage"),
    "intracranial bleeding": (_INTRACRANIAL_HEMORRHAGE, "nontraumatic intracranial hemorrhage"),
    # Lungs.
    "copd exacerbation": (("J44.1",), "title J44.1 COPD with (acute) exacerbation"),
    "exacerbation of copd": (("J44.1",), "title J44.1 COPD with (acute) exacerbation"),
    "aecopd": (("J44.1",), "abbreviation of acute exacerbation of COPD, J44.1"),
    "acute exacerbation of copd": (
        ("J44.1",),
        "title J44.1 COPD with (acute) exacerbation; a record's words (a criterion's 'acute' "
        "event stays text unless timed)",
    ),
    "pleural effusion": (("J90", "J91"), "titles J90, J91"),
    "pulmonary fibrosis": (("J84.10", "J84.112"), "titles: unspecified, idiopathic"),
    "sinusitis": (("J01", "J32"), "titles: acute and chronic sinusitis"),
    "chronic rhinosinusitis": (("J32",), "alphabetic index: Rhinosinusitis, chronic → J32"),
    # Digestive.
    "diverticulitis": (_DIVERTICULITIS, "the K57 codes whose title says diverticulitis"),
    "bowel obstruction": (_OBSTRUCTION, "K56 less ileus and impaction; postprocedural K91.3"),
    "intestinal obstruction": (_OBSTRUCTION, "K56 less ileus and impaction; K91.3"),
    "pancreatitis": (
        ("K85", "K86.0", "K86.1", "B25.2", "B26.3"),
        "titles: acute, chronic, cytomegaloviral and mumps pancreatitis",
    ),
    "stomach ulcer": (("K25",), "alphabetic index: Ulcer, stomach → K25.9"),
    "gastrointestinal bleeding": (_GI_BLEEDING, "K92.0-K92.2 and rectal hemorrhage K62.5"),
    "gi bleeding": (_GI_BLEEDING, "K92.0-K92.2 and rectal hemorrhage K62.5"),
    "gastrointestinal hemorrhage": (_GI_BLEEDING, "K92.0-K92.2 and rectal hemorrhage K62.5"),
    "malnutrition": (
        ("E40", "E41", "E42", "E43", "E44", "E45", "E46", "O25"),
        "block E40-E46 Malnutrition; malnutrition in pregnancy O25",
    ),
    # Endocrine and metabolic.
    "adrenal insufficiency": (
        ("E27.1", "E27.2", "E27.3", "E27.4", "E89.6"),
        "titles naming adrenocortical insufficiency",
    ),
    "hyperparathyroidism": (
        ("E21.0", "E21.1", "E21.2", "E21.3", "N25.81"),
        "titles naming hyperparathyroidism",
    ),
    "secondary hyperparathyroidism": (("E21.1", "N25.81"), "titles E21.1, N25.81"),
    "diabetic ketoacidosis": (_diabetic("1"), "titles: diabetes mellitus with ketoacidosis"),
    "dka": (_diabetic("1"), "abbreviation of diabetic ketoacidosis"),
    "diabetic retinopathy": (
        _diabetic("31", "32", "33", "34", "35"),
        "titles: diabetes mellitus with … diabetic retinopathy",
    ),
    "diabetic macular edema": (
        _diabetic("311", "321", "331", "341", "351"),
        "titles: … diabetic retinopathy with macular edema (not 'resolved following treatment')",
    ),
    "diabetic neuropathy": (
        _diabetic("40", "41", "42", "43", "44"),
        "titles: diabetes mellitus with diabetic (mono, poly, autonomic) neuropathy, amyotrophy",
    ),
    "diabetic nephropathy": (_diabetic("21", "22"), "titles: diabetic nephropathy, diabetic CKD"),
    "diabetic kidney disease": (_diabetic("21", "22"), "titles: diabetic nephropathy and CKD"),
    "porphyria": (("E80.0", "E80.1", "E80.2"), "titles naming porphyria"),
    "end-stage renal disease": (("N18.6",), "spelling of the title End stage renal disease"),
    # Mind and nerves.
    "mild cognitive impairment": (_MCI, "G31.84 and mild neurocognitive disorder F06.7"),
    "mood disorder": (
        ("F30", "F31", "F32", "F33", "F34", "F39", "F06.3"),
        "block F30-F39 Mood [affective] disorders; F06.3",
    ),
    "delirium": (_DELIRIUM, "every title naming delirium: F05 and the substance-induced"),
    "alcohol dependency": (("F10.2",), "spelling of the title Alcohol dependence"),
    "chronic alcoholism": (("F10.2",), "alphabetic index: Alcoholism, chronic → F10.20"),
    "cataplexy": (("G47.411", "G47.421"), "titles: narcolepsy with cataplexy"),
    # Other organs.
    "erectile dysfunction": (("N52", "F52.21"), "titles N52, F52.21"),
    "prostatitis": (
        ("N41.0", "N41.1", "N41.3", "N41.4", "N41.9", "A54.22", "A59.02"),
        "N41 less abscess N41.2 and other N41.8; gonococcal, trichomonal prostatitis",
    ),
    "cervicitis": (("N72",), "inclusion term of N72"),
    "urinary retention": (("R33",), "alphabetic index: Retention, urine → R33.9"),
    "urinary incontinence": (
        ("N39.3", "N39.4", "R32", "R39.81"),
        "titles naming urinary incontinence",
    ),
    "infertility": (("N46", "N97"), "titles: male and female infertility"),
    "cryptorchidism": (("Q53.1", "Q53.2", "Q53.9"), "Q53 less ectopic testis Q53.0"),
    "undescended testis": (("Q53.1", "Q53.2", "Q53.9"), "titles: undescended testicle"),
    "periodontitis": (("K05.2", "K05.3"), "titles: aggressive and chronic periodontitis"),
    "periodontal disease": (
        ("K05.2", "K05.3", "K05.4", "K05.5", "K05.6"),
        "K05 less gingivitis K05.0, K05.1",
    ),
    "cataract": (("H25", "H26", "H28", "Q12.0", *_diabetic("36")), "titles naming cataract"),
    "macular degeneration": (_MACULAR_DEGENERATION, "titles naming macular degeneration"),
    # H35.30's inclusion term is "Age-related macular degeneration" (NOS): where a record codes
    # it unqualified (session 15; the set held only H35.31 and H35.32 before).
    "age-related macular degeneration": (
        _MACULAR_DEGENERATION,
        "titles: nonexudative and exudative age-related macular degeneration; inclusion term of"
        " H35.30",
    ),
    "strabismus": (
        (
            *("H50.0", "H50.1", "H50.2", "H50.3", "H50.4", "H50.6", "H50.8", "H50.9"),
            *("H49.0", "H49.1", "H49.2", "H49.8", "H49.9"),
        ),
        "H50 less heterophoria H50.5 (a latent deviation most eyes have, no squint), and"
        " paralytic strabismus H49 but ophthalmoplegia H49.3, H49.4",
    ),
    "visual impairment": (("H54",), "H54 Blindness and low vision (visual impairment)"),
    "dizziness": (("R42",), "title R42 Dizziness and giddiness"),
    "angioedema": (("T78.3",), "alphabetic index: Angioedema → T78.3"),
    "malignant hyperthermia": (("T88.3",), "title T88.3"),
    "candidemia": (("B37.7",), "alphabetic index: Candidemia → B37.7"),
    "ehlers-danlos syndrome": (("Q79.6",), "singular of the title Ehlers-Danlos syndromes"),
    "sjogren's disease": (("M35.0",), "another name of the title Sjögren syndrome"),
    "lumbar spinal stenosis": (("M48.06",), "title M48.06 Spinal stenosis, lumbar region"),
    "lumbar stenosis": (("M48.06",), "title M48.06 Spinal stenosis, lumbar region"),
    "brachial plexopathy": (("G54.0",), "title G54.0 Brachial plexus disorders"),
    "fronto-temporal dementia": (("G31.0",), "spelling of the title Frontotemporal dementia"),
    "post-concussion syndrome": (("F07.81",), "title F07.81 Postconcussional syndrome"),
    "gastroesophageal varices": (("I85", "I86.4"), "titles: esophageal and gastric varices"),
    "cerebral hemorrhage": (("I61",), "alphabetic index: Hemorrhage, cerebral → I61.9"),
    "scapulohumeral periarthritis": (("M75.0",), "alphabetic index: Periarthritis, shoulder"),
    "aseptic bone necrosis": (("M87",), "alphabetic index: Necrosis, bone, aseptic → M87.9"),
    # Not the remission codes (F30.3, F30.4, F31.73, F31.74): a bipolar patient in remission
    # is not in mania, and read as one was excluded by "mania".
    "mania": (
        ("F30.1", "F30.2", "F30.8", "F30.9", "F31.1", "F31.2", "F06.33"),
        "alphabetic index: Mania → F30.9; manic episode and bipolar disorder, current episode "
        "manic; F06.33 (not the remission codes F30.3, F30.4, F31.73, F31.74)",
    ),
    "glenohumeral osteoarthritis": (
        ("M19.01", "M19.11", "M19.21"),
        "titles: primary, post-traumatic and secondary osteoarthritis, shoulder",
    ),
    "lateral epicondylalgia": (("M77.1",), "title M77.1 Lateral epicondylitis (tennis elbow)"),
    "epiretinal membrane": (("H35.37",), "alphabetic index: Membrane, epiretinal → H35.37"),
    "mci": (_MCI, "abbreviation of mild cognitive impairment"),
    # Not I49.3 (premature ventricular beats): common and usually harmless, and not what a
    # trial excluding "ventricular arrhythmia" means; read as one, it ruled those patients out.
    "ventricular arrhythmia": (
        ("I47.2", "I49.0"),
        "titles: ventricular tachycardia, fibrillation and flutter (not premature beats, I49.3)",
    ),
    "pain disorder": (("F45.4",), "title F45.4 Pain disorders related to psychological factors"),
    # Not R41.81 (age-related cognitive decline): a note of normal ageing, not an impairment a
    # trial means to exclude.
    "cognitive impairment": (
        ("F01", "F02", "F03", "G30", "G31.84", "F06.7"),
        "dementias, mild cognitive impairment / neurocognitive disorder (not age-related "
        "cognitive decline R41.81, nor the single-domain deficits of R41.84)",
    ),
    # Session 7 (issue 13): the next most frequent names of the bullets left text.
    # Eyes.
    "angle-closure glaucoma": (
        _ANGLE_CLOSURE,
        "alphabetic index: Glaucoma, angle-closure → H40.2-",
    ),
    "angle closure glaucoma": (_ANGLE_CLOSURE, "spelling of angle-closure glaucoma, H40.2"),
    "closed-angle glaucoma": (_ANGLE_CLOSURE, "another name of angle-closure glaucoma, H40.2"),
    "closed angle glaucoma": (_ANGLE_CLOSURE, "another name of angle-closure glaucoma, H40.2"),
    "narrow-angle glaucoma": (
        _ANGLE_CLOSURE,
        "alphabetic index: Glaucoma, narrow angle → see Glaucoma, angle-closure (not H40.03, an"
        " anatomical narrow angle without glaucoma)",
    ),
    "narrow angle glaucoma": (_ANGLE_CLOSURE, "spelling of narrow-angle glaucoma, H40.2"),
    "uveitis": (
        _UVEITIS,
        "alphabetic index: Uveitis (anterior) → H20.9, posterior → H30.9-; panuveitis H44.11,"
        " sympathetic uveitis H44.13",
    ),
    "dry eye disease": (
        _DRY_EYE,
        "titles: dry eye syndrome H04.12, keratoconjunctivitis sicca H16.22 (Sjögren's, M35.01, is"
        " a disease of its own)",
    ),
    "dry eye": (_DRY_EYE, "another name of dry eye disease"),
    "deafness": (
        _HEARING_LOSS,
        "alphabetic index: Deafness → H91.9- and its kinds in H90, H91 (as hearing loss)",
    ),
    "hearing impairment": (_HEARING_LOSS, "alphabetic index: Impaired, hearing → Deafness"),
    # Metabolic, liver, skin and joints.
    "lipodystrophy": (("E88.1",), "E88.1 Lipodystrophy, not elsewhere classified, all kinds"),
    "phenylketonuria": (
        ("E70.0", "E70.1"),
        "alphabetic index: Phenylketonuria → E70.1, classical → E70.0",
    ),
    "pku": (("E70.0", "E70.1"), "abbreviation of phenylketonuria"),
    "fatty liver disease": (
        _FATTY_LIVER,
        "titles: fatty liver NEC K76.0 (NAFLD), nonalcoholic steatohepatitis K75.81, alcoholic"
        " fatty liver K70.0",
    ),
    "fatty liver": (_FATTY_LIVER, "another name of fatty liver disease"),
    "eczema": (
        _ECZEMA,
        "alphabetic index: Eczema → L30.9 (inclusion term of Dermatitis, unspecified), atopic L20,"
        " nummular L30.0, dyshidrotic L30.1",
    ),
    "inflammatory arthritis": (
        _INFLAMMATORY_ARTHRITIS,
        "rheumatoid, juvenile, psoriatic, reactive and enteropathic arthritis, ankylosing"
        " spondylitis and inflammatory spondylopathies, gout and crystal arthropathies (not"
        " septic arthritis M00-M01, nor osteoarthritis)",
    ),
    # Injuries and their sequelae.
    "spinal cord injury": (
        _SPINAL_CORD_INJURY,
        "titles: concussion, edema and other injuries of the cervical, thoracic, lumbar and sacral"
        " spinal cord",
    ),
    "head injury": (
        _HEAD_INJURY,
        "alphabetic index: Injury, head → S09.90; intracranial injury S06, skull fractures S02.0,"
        " S02.1, history of traumatic brain injury Z87.820 (not scalp, face, eye, ear or tooth"
        " injuries)",
    ),
    "head trauma": (_HEAD_INJURY, "another name of head injury"),
    # Session 11: injuries by their everyday names.
    "fracture": (
        _FRACTURE,
        "every category titled a fracture of a body region (not a tooth S02.5), osteoporotic"
        " M80, stress M84.3, pathological M84.4-M84.6, fatigue M48.4, periprosthetic M97,"
        " collapsed vertebra M48.5, birth fractures P13.0, P13.4, personal history of a healed"
        " fracture Z87.31, Z87.81",
    ),
    "bone fracture": (_FRACTURE, "another name of fracture"),
    "broken bone": (_FRACTURE, "another name of fracture"),
    "hip fracture": (
        _HIP_FRACTURE,
        "alphabetic index: Fracture, hip → femur, neck; the proximal femur: head and neck S72.0,"
        " pertrochanteric S72.1, subtrochanteric S72.2",
    ),
    "fracture of the hip": (_HIP_FRACTURE, "another name of hip fracture"),
    "fracture of hip": (_HIP_FRACTURE, "another name of hip fracture"),
    "fractured hip": (_HIP_FRACTURE, "another name of hip fracture"),
    "proximal femur fracture": (_HIP_FRACTURE, "another name of hip fracture"),
    "proximal femoral fracture": (_HIP_FRACTURE, "another name of hip fracture"),
    "femoral neck fracture": (
        _FEMORAL_NECK_FRACTURE,
        "titles: fracture of unspecified part of neck of femur, intracapsular, midcervical, base"
        " of neck (not the head nor the epiphysis)",
    ),
    "fracture of the femoral neck": (
        _FEMORAL_NECK_FRACTURE,
        "another name of femoral neck fracture",
    ),
    "femur fracture": (_FEMUR_FRACTURE, "S72 Fracture of femur; osteoporotic fracture, femur"),
    "femoral fracture": (_FEMUR_FRACTURE, "another name of femur fracture"),
    "fracture of the femur": (_FEMUR_FRACTURE, "another name of femur fracture"),
    "femoral shaft fracture": (("S72.3",), "title: fracture of shaft of femur"),
    "vertebral fracture": (
        _VERTEBRAL_FRACTURE,
        "fractures of the cervical (C1-C7), thoracic and lumbar vertebrae, osteoporotic vertebral"
        " fractures M80.08, M80.88, fatigue fracture M48.4 and collapsed vertebra M48.5",
    ),
    "vertebral body fracture": (_VERTEBRAL_FRACTURE, "another name of vertebral fracture"),
    "spine fracture": (_VERTEBRAL_FRACTURE, "another name of vertebral fracture"),
    "spinal fracture": (_VERTEBRAL_FRACTURE, "another name of vertebral fracture"),
    "distal radius fracture": (
        _DISTAL_RADIUS_FRACTURE,
        "title S52.5 Fracture of lower end of radius (Colles', Smith's, Barton's)",
    ),
    "distal radial fracture": (_DISTAL_RADIUS_FRACTURE, "another name of distal radius fracture"),
    "fracture of the distal radius": (
        _DISTAL_RADIUS_FRACTURE,
        "another name of distal radius fracture",
    ),
    "colles fracture": (("S52.53",), "title: Colles' fracture"),
    "colles' fracture": (("S52.53",), "title: Colles' fracture"),
    "wrist fracture": (
        _WRIST_FRACTURE,
        "fractures of the lower end of radius and ulna, scaphoid and other carpal bones",
    ),
    "tibial fracture": (
        _TIBIA_FRACTURE,
        "titles: fracture of upper end, shaft, lower end of tibia, medial malleolus",
    ),
    "tibia fracture": (_TIBIA_FRACTURE, "another name of tibial fracture"),
    "tibial shaft fracture": (("S82.2",), "title: fracture of shaft of tibia"),
    "concussion": (("S06.0",), "title S06.0 Concussion"),
    "burn": (
        _BURN,
        "the burns of T20-T28 and T30 by site and degree (not the corrosions), burns by extent"
        " of body surface T31 (not sunburn L55)",
    ),
    "burn injury": (_BURN, "another name of burn"),
    "rotator cuff tear": (
        ("M75.1",),
        "title M75.1 Rotator cuff tear or rupture, not specified as traumatic (the traumatic"
        " strain S46.01 is wider: a strain need not be a tear)",
    ),
    "rotator cuff rupture": (("M75.1",), "another name of rotator cuff tear"),
    "ankle sprain": (("S93.4",), "title S93.4 Sprain of ankle"),
    "sprained ankle": (("S93.4",), "another name of ankle sprain"),
    "whiplash": (("S13.4",), "alphabetic index: Whiplash injury → S13.4"),
    "whiplash injury": (("S13.4",), "alphabetic index: Whiplash injury → S13.4"),
    "acl injury": (
        _ACL_INJURY,
        "titles: sprain of anterior cruciate ligament S83.51, spontaneous disruption M23.61",
    ),
    "anterior cruciate ligament injury": (_ACL_INJURY, "another name of ACL injury"),
    "lead poisoning": (("T56.0",), "title: toxic effects of lead and its compounds"),
    "carbon monoxide poisoning": (("T58",), "title: toxic effect of carbon monoxide"),
    "hemiplegia": (
        _HEMIPLEGIA,
        "title G81 Hemiplegia and hemiparesis; hemiplegia following cerebrovascular disease I69.x5",
    ),
    "hemiparesis": (_HEMIPLEGIA, "title G81 Hemiplegia and hemiparesis; I69.x5"),
    # Mind and development.
    "aphasia": (
        _APHASIA,
        "title R47.01 Aphasia; aphasia following cerebrovascular disease I69.x20",
    ),
    "neurocognitive disorder": (
        _NEUROCOGNITIVE,
        "DSM-5 major (dementias F01-F03, G30, with Lewy bodies G31.83) and mild neurocognitive"
        " disorder (F06.7, G31.84); not delirium",
    ),
    "developmental delay": (
        _DEVELOPMENTAL_DELAY,
        "alphabetic index: Delay, development → R62.50, global → F88; delayed milestone R62.0 (not"
        " failure to thrive R62.51 nor short stature R62.52)",
    ),
    "global developmental delay": (("F88",), "alphabetic index: Delay, development, global → F88"),
    "suicidal ideation": (("R45.851",), "title R45.851 Suicidal ideations"),
    "suicidal thoughts": (("R45.851",), "another name of suicidal ideation, R45.851"),
    "suicide attempt": (
        _SUICIDE_ATTEMPT,
        "title T14.91 Suicide attempt; Z91.51 Personal history of suicidal behavior",
    ),
    "attempted suicide": (_SUICIDE_ATTEMPT, "another name of suicide attempt"),
    "suicidality": (
        ("R45.851", *_SUICIDE_ATTEMPT),
        "suicidal ideation R45.851 or behaviour T14.91, Z91.51",
    ),
    # Rarer names, each in a few development bullets.
    "retinal detachment": (
        ("H33.0", "H33.2", "H33.4", "H33.8"),
        "titles naming retinal detachment (not retinoschisis H33.1 nor breaks without detachment"
        " H33.3)",
    ),
    "color blindness": (("H53.5",), "alphabetic index: Blindness, color → H53.50"),
    "colour blindness": (("H53.5",), "British spelling of color blindness, H53.5"),
    "ntm pulmonary disease": (
        ("A31.0",),
        "title A31.0 Pulmonary mycobacterial infection (nontuberculous mycobacteria)",
    ),
    "ntm lung disease": (("A31.0",), "another name of NTM pulmonary disease, A31.0"),
    "needle phobia": (("F40.231",), "title F40.231 Fear of injections and transfusions"),
    "kawasaki disease": (("M30.3",), "title M30.3 Mucocutaneous lymph node syndrome [Kawasaki]"),
    "sideroblastic anemia": (
        ("D64.0", "D64.1", "D64.2", "D64.3"),
        "titles naming sideroblastic anemia",
    ),
    "cleft lip and palate": (("Q37",), "title Q37 Cleft palate with cleft lip"),
    # Session 8 (issue 13): the next most frequent names of the bullets left text
    # (tools/diagnosis_name_frequency.py and the development leaves left text).
    "hepatitis": (
        _HEPATITIS,
        "every code titled a hepatitis: viral B15-B19, CMV B25.1, herpesviral B00.81, toxoplasma"
        " B58.1, syphilitic A51.45, in pregnancy O98.4, congenital P35.3, alcoholic K70.1, toxic"
        " K71.2-K71.6, chronic NEC K73, reactive K75.2, granulomatous K75.3, autoimmune K75.4,"
        " inflammatory liver disease NOS K75.9 (Index: Hepatitis → K75.9); not NASH K75.81",
    ),
    "hernia": (
        _HERNIA,
        "the abdominal hernias K40-K46 (inguinal, femoral, umbilical, ventral, incisional,"
        " diaphragmatic and hiatal), congenital hiatus Q40.1 and diaphragmatic Q79.0 hernia (not"
        " disc herniation M51.2 nor brain herniation G93.5, named so)",
    ),
    "depressive episode": (
        _DEPRESSIVE_EPISODE,
        "the ICD-10-CM title of F32 (a single episode), but as criteria write it any depressive"
        " episode: single F32 (less premenstrual dysphoric disorder F32.81) and of a recurrent"
        " disorder F33",
    ),
    "major depressive episode": (
        _DEPRESSIVE_EPISODE,
        "every depressive episode of ICD-10-CM is one of major depressive disorder, single F32 or"
        " recurrent F33 (less premenstrual dysphoric disorder F32.81)",
    ),
    "lupus erythematosus": (
        _LUPUS,
        "the ICD-10-CM title of L93 (cutaneous lupus only), but as criteria write it the"
        " disease with its systemic form: systemic M32 and cutaneous L93, as 'lupus'",
    ),
    "lupus": (
        _LUPUS,
        "lupus erythematosus: systemic M32 (lupus nephritis, drug-induced SLE), discoid and"
        " subacute cutaneous L93 (not lupus vulgaris A18.4, a tuberculosis, nor lupus"
        " anticoagulant D68.62, named so)",
    ),
    "respiratory failure": (
        _RESPIRATORY_FAILURE,
        "J96 Respiratory failure NEC (acute, chronic, acute on chronic, unspecified),"
        " postprocedural J95.82, of newborn P28.5, and the acute respiratory distress syndrome J80"
        " (acute hypoxemic respiratory failure by its definition)",
    ),
    "malabsorption": (
        _MALABSORPTION,
        "K90 Intestinal malabsorption (celiac disease, tropical sprue, blind loop, pancreatic"
        " steatorrhea), postsurgical malabsorption K91.2",
    ),
    "pathologic fracture": (
        _PATHOLOGICAL_FRACTURE,
        "titles: pathological fracture NEC M84.4, in neoplastic M84.5 and other disease M84.6,"
        " osteoporosis with current pathological fracture M80 (not stress fractures M84.3)",
    ),
    "pathological fracture": (_PATHOLOGICAL_FRACTURE, "spelling of pathologic fracture"),
    "vestibular disorder": (
        ("H81", "H83.0", "H83.2"),
        "title H81 Disorders of vestibular function (Ménière, BPPV, vestibular neuronitis,"
        " peripheral and central vertigo), labyrinthitis H83.0, labyrinthine dysfunction H83.2"
        " (vestibular hypofunction)",
    ),
    "chronic bronchitis": (
        _CHRONIC_BRONCHITIS,
        "titles: simple and mucopurulent J41, unspecified J42 chronic bronchitis (not COPD J44,"
        " which holds emphysema too)",
    ),
    "central sleep apnea": (
        _CENTRAL_SLEEP_APNEA,
        "titles: primary central sleep apnea G47.31, central sleep apnea in conditions classified"
        " elsewhere G47.37",
    ),
    "hemolytic anemia": (
        _HEMOLYTIC_ANEMIA,
        "block D55-D59 Hemolytic anemias less the carrier states (sickle-cell trait D57.3,"
        " thalassemia minor D56.3, fetal hemoglobin persistence D56.4, thalassemia NOS D56.9)",
    ),
    "chlamydia": (
        _CHLAMYDIA,
        "every chlamydial disease: lymphogranuloma A55, sexually transmitted A56, psittacosis A70,"
        " trachoma A71, other A74, chlamydial pneumonia J16.0",
    ),
    "pneumothorax": (
        _PNEUMOTHORAX,
        "J93 less other air leak J93.82; postprocedural J95.811, traumatic S27.0, perinatal P25.1",
    ),
    "meningitis": (
        _MENINGITIS,
        "every code titled a meningitis: G00-G03, viral A87, and the meningitis of named"
        " infections (tuberculous A17.0, meningococcal A39.0, herpesviral B00.3, …) and"
        " sarcoidosis D86.81",
    ),
    "hypercholesterolemia": (
        _HYPERCHOLESTEROLEMIA,
        "titles: pure hypercholesterolemia E78.0 (familial E78.01), mixed hyperlipidemia E78.2"
        " (cholesterol with triglycerides)",
    ),
    "hypertriglyceridemia": (
        _HYPERTRIGLYCERIDEMIA,
        "titles: pure hyperglyceridemia E78.1, mixed hyperlipidemia E78.2, hyperchylomicronemia"
        " E78.3",
    ),
    "atrioventricular block": (
        _AV_BLOCK,
        "titles: atrioventricular block first degree I44.0, second degree I44.1, complete I44.2,"
        " other and unspecified I44.3, congenital heart block Q24.6 (not bundle-branch blocks)",
    ),
    "av block": (_AV_BLOCK, "abbreviation of atrioventricular block"),
    "neurogenic bladder": (
        ("N31",),
        "alphabetic index: Neurogenic, bladder → N31.9; N31 Neuromuscular dysfunction of bladder",
    ),
    "adhesive capsulitis": (("M75.0",), "title M75.0 Adhesive capsulitis of shoulder"),
    "frozen shoulder": (("M75.0",), "alphabetic index: Frozen shoulder → M75.0-"),
    "pancreatic insufficiency": (
        ("K86.81", "K90.3"),
        "title K86.81 Exocrine pancreatic insufficiency, pancreatic steatorrhea K90.3 (the"
        " endocrine one is diabetes, named so)",
    ),
    "septic arthritis": (
        ("M00",),
        "M00 Pyogenic arthritis (Index: Arthritis, septic → M00.9); not the arthritis of other"
        " infections M01 (Lyme)",
    ),
    "osteomalacia": (("M83",), "M83 Adult osteomalacia (Index: Osteomalacia → M83.9)"),
    "opioid addiction": (("F11.2",), "alphabetic index: Addiction → see Dependence; F11.2"),
    "sexually transmitted disease": (
        _STD,
        "block A50-A64 Infections with a predominantly sexual mode of transmission (syphilis,"
        " gonorrhea, chlamydia, chancroid, trichomoniasis, anogenital herpes, warts); not HIV B20"
        " nor hepatitis B, named apart",
    ),
    "sexually transmitted infection": (_STD, "another name of sexually transmitted disease"),
    "cellulitis": (
        _CELLULITIS,
        "every code titled a cellulitis of a site (finger, toe, limb, face, periorbital, neck,"
        " trunk, other, unspecified, orbit, external ear, penis); not the acute lymphangitis of"
        " L03, K12.2 (with abscess), N73 (with parametritis) nor eosinophilic cellulitis L98.3",
    ),
    "sensorineural hearing loss": (
        _SENSORINEURAL,
        "titles: sensorineural hearing loss H90.3, H90.4, H90.5, H90.A2, the mixed conductive and"
        " sensorineural losses H90.6-H90.8, H90.A3 (a sensorineural loss with a conductive one);"
        " ototoxic H91.0, presbycusis H91.1, sudden idiopathic H91.2 (not the conductive losses)",
    ),
    "ivh": (_IVH, "abbreviation of intraventricular hemorrhage (no other meaning in criteria)"),
    "snhl": (_SENSORINEURAL, "abbreviation of sensorineural hearing loss"),
    "intraventricular hemorrhage": (
        _IVH,
        "titles: intraventricular (nontraumatic) hemorrhage of newborn, grades 1-4 and"
        " unspecified P52.0-P52.3; intracerebral hemorrhage, intraventricular I61.5",
    ),
    "bronchitis": (
        _BRONCHITIS,
        "titles: acute J20, not specified as acute or chronic J40, chronic J41, J42 (not COPD J44)",
    ),
    "ileus": (
        _ILEUS,
        "titles: paralytic K56.0, gallstone K56.3, unspecified K56.7, transitory of newborn P76.1,"
        " meconium ileus in cystic fibrosis E84.11",
    ),
    "megacolon": (
        _MEGACOLON,
        "K59.3 Megacolon NEC (toxic K59.31), congenital megacolon Q43.1 (Hirschsprung)",
    ),
    "blindness": (
        _BLINDNESS,
        "titles: blindness both eyes H54.0, one eye with low vision in the other H54.1, one eye"
        " H54.4, legal blindness H54.8 (not low vision H54.2, H54.5, H54.6)",
    ),
    "myelodysplastic syndrome": (("D46",), "singular of the title D46 Myelodysplastic syndromes"),
    "heparin-induced thrombocytopenia": (
        ("D75.82",),
        "spelling of the title D75.82 Heparin induced thrombocytopenia (HIT)",
    ),
    "mastoiditis": (
        ("H70.0", "H70.1", "H70.9"),
        "titles: acute, chronic and unspecified mastoiditis (not petrositis H70.2)",
    ),
    "parkinsonism": (
        ("G20", "G21"),
        "Parkinson's disease G20 (G20.C Parkinsonism, unspecified), secondary parkinsonism G21",
    ),
    "dysmenorrhea": (("N94.4", "N94.5", "N94.6"), "titles: primary, secondary, unspecified"),
    "oligomenorrhea": (("N91.3", "N91.4", "N91.5"), "titles: primary, secondary, unspecified"),
    "postherpetic neuralgia": (
        ("B02.22", "B02.29"),
        "alphabetic index: Neuralgia, postherpetic NEC → B02.29 (whose inclusion term is the"
        " postherpetic radiculopathy, a neuralgia of the root), trigeminal → B02.22",
    ),
    "post-herpetic neuralgia": (("B02.22", "B02.29"), "spelling of postherpetic neuralgia"),
    "post herpetic neuralgia": (("B02.22", "B02.29"), "spelling of postherpetic neuralgia"),
    "autonomic neuropathy": (
        (*_diabetic("43"), "G90.09", "G99.0"),
        "titles: diabetes with diabetic autonomic (poly)neuropathy E08-E13 .43, idiopathic"
        " peripheral autonomic neuropathy G90.09 (not carotid sinus syncope G90.01), autonomic"
        " neuropathy in diseases classified elsewhere G99.0",
    ),
    # Session 9 (issue 13): everyday names of diagnoses chosen from clinical knowledge of common
    # diagnoses across specialties (each compiled alone and as "history of X" to nothing before),
    # not by development frequency; every code checked against the release.
    # Heart and vessels.
    "restrictive cardiomyopathy": (("I42.5",), "title: other restrictive cardiomyopathy"),
    "varicose veins": (("I83",), "I83 Varicose veins of lower extremities (what the name means)"),
    "tricuspid regurgitation": (_TRICUSPID_REGURGITATION, "titles: tricuspid insufficiency"),
    "tricuspid insufficiency": (_TRICUSPID_REGURGITATION, "titles: tricuspid insufficiency"),
    "pulmonary valve stenosis": (
        ("I37.0", "I37.2", "Q22.1"),
        "titles: nonrheumatic pulmonary valve stenosis (with insufficiency), congenital",
    ),
    "carotid stenosis": (
        ("I65.2",),
        "alphabetic index: Stenosis, carotid → I65.2- (occlusion and stenosis of carotid artery)",
    ),
    "carotid artery stenosis": (("I65.2",), "another name of carotid stenosis"),
    "vasculitis": (
        _VASCULITIS,
        "the vasculitides of ICD-10-CM: polyarteritis nodosa and related M30, hypersensitivity"
        " angiitis M31.0, M31.2-M31.9 (granulomatosis with polyangiitis, Takayasu, giant cell"
        " arteritis, microscopic polyangiitis, necrotizing vasculopathies; not thrombotic"
        " microangiopathy M31.1), Behçet M35.2, cutaneous L95, IgA vasculitis D69.0, ANCA"
        " vasculitis I77.82, cerebral arteritis I67.7, arteritis unspecified I77.6",
    ),
    "giant cell arteritis": (("M31.5", "M31.6"), "titles: with polymyalgia rheumatica, other"),
    "temporal arteritis": (("M31.5", "M31.6"), "alphabetic index: Arteritis, temporal → M31.6"),
    "takayasu arteritis": (("M31.4",), "title: aortic arch syndrome [Takayasu]"),
    "takayasu's arteritis": (("M31.4",), "title: aortic arch syndrome [Takayasu]"),
    "renal artery stenosis": (
        ("I70.1", "Q27.1"),
        "alphabetic index: Stenosis, renal artery → I70.1; congenital Q27.1",
    ),
    # Lungs, nose and throat.
    "allergic rhinitis": (
        ("J30.1", "J30.2", "J30.5", "J30.8", "J30.9"),
        "J30 less vasomotor rhinitis J30.0",
    ),
    "hay fever": (("J30.1", "J30.2"), "alphabetic index: Fever, hay → J30.1; seasonal J30.2"),
    "empyema": (("J86",), "alphabetic index: Empyema (chest) (pleura) → J86.9 (pyothorax)"),
    "alpha-1 antitrypsin deficiency": (("E88.01",), "title: alpha-1-antitrypsin deficiency"),
    "hypersensitivity pneumonitis": (("J67",), "J67 Hypersensitivity pneumonitis (organic dust)"),
    "pneumoconiosis": (("J60", "J61", "J62", "J63", "J64", "J65"), "block J60-J65"),
    "silicosis": (("J62.8",), "alphabetic index: Silicosis → J62.8 (not talc dust J62.0)"),
    "tonsillitis": (("J03", "J35.01", "J35.03"), "titles: acute, chronic (and adenoiditis)"),
    "croup": (("J05.0",), "title: acute obstructive laryngitis [croup]"),
    "bronchiolitis": (("J21",), "J21 Acute bronchiolitis (not bronchiolitis obliterans)"),
    # Digestive system.
    "gastritis": (
        ("K29.0", "K29.2", "K29.3", "K29.4", "K29.5", "K29.6", "K29.7"),
        "K29 less duodenitis K29.8 and gastroduodenitis K29.9",
    ),
    "helicobacter pylori infection": (("B96.81",), "title: Helicobacter pylori as the cause"),
    "diverticulosis": (
        ("K57.10", "K57.11", "K57.30", "K57.31", "K57.50", "K57.51", "K57.90", "K57.91"),
        "titles: diverticulosis (without perforation or abscess) of each part of the intestine",
    ),
    "diverticular disease": (("K57",), "K57 Diverticular disease of intestine"),
    "hemorrhoids": (_HEMORRHOIDS, "K64 less perianal venous thrombosis K64.5"),
    "haemorrhoids": (_HEMORRHOIDS, "British spelling of hemorrhoids"),
    "anal fissure": (("K60.0", "K60.1", "K60.2"), "titles: acute, chronic, unspecified"),
    "perianal abscess": (("K61.0",), "alphabetic index: Abscess, perianal → K61.0"),
    "gallstones": (("K80",), "alphabetic index: Gallstone → see Calculus, gallbladder; K80"),
    "gallstone disease": (("K80",), "another name of cholelithiasis K80"),
    "choledocholithiasis": (
        ("K80.3", "K80.4", "K80.5", "K80.6", "K80.7"),
        "titles: calculus of bile duct (with or without gallbladder calculus)",
    ),
    "faecal incontinence": (("R15",), "British spelling of R15 Fecal incontinence"),
    "clostridium difficile infection": (_C_DIFFICILE, "title: enterocolitis due to C. difficile"),
    "clostridioides difficile infection": (_C_DIFFICILE, "the bacterium's current name"),
    "colonic polyps": (_COLON_POLYPS, "polyp of colon K63.5, adenomas of the colon D12.0-D12.6"),
    "colon polyps": (_COLON_POLYPS, "another name of colonic polyps"),
    "pyloric stenosis": (("Q40.0", "K31.1"), "titles: congenital, adult hypertrophic"),
    # Kidneys and urinary tract.
    "acute kidney injury": (("N17",), "alphabetic index: Injury, kidney, acute → N17.9"),
    "nephritic syndrome": (
        ("N00", "N01", "N03", "N05"),
        "titles: acute, rapidly progressive, chronic, unspecified nephritic syndrome",
    ),
    "glomerulonephritis": (
        ("N00", "N01", "N03", "N05"),
        "alphabetic index: Glomerulonephritis → N05.9; acute N00, rapidly progressive N01,"
        " chronic N03 (the nephritic syndromes)",
    ),
    "iga nephropathy": (("N02.B",), "title: recurrent and persistent IgA nephropathy"),
    "membranous nephropathy": (_MEMBRANOUS, "titles: ... with diffuse membranous GN"),
    "focal segmental glomerulosclerosis": (_FSGS, "titles: ... with focal and segmental lesions"),
    "fsgs": (_FSGS, "abbreviation of focal segmental glomerulosclerosis"),
    "polycystic kidney disease": (
        ("Q61.1", "Q61.2", "Q61.3"),
        "titles: polycystic kidney, infantile, adult type, unspecified",
    ),
    "autosomal dominant polycystic kidney disease": (("Q61.2",), "title: adult type"),
    "adpkd": (("Q61.2",), "abbreviation of autosomal dominant polycystic kidney disease"),
    "urolithiasis": (("N20", "N21", "N22"), "titles: calculus of the urinary tract"),
    "hydronephrosis": (
        ("N13.0", "N13.1", "N13.2", "N13.3", "Q62.0"),
        "titles naming hydronephrosis, congenital Q62.0",
    ),
    "stress urinary incontinence": (("N39.3",), "title: stress incontinence (female) (male)"),
    "varicocele": (("I86.1",), "alphabetic index: Varicocele → I86.1 (scrotal varices)"),
    "hydrocele": (
        ("N43.0", "N43.1", "N43.2", "N43.3", "P83.5"),
        "N43 less spermatocele N43.4; congenital P83.5",
    ),
    "peyronie's disease": (("N48.6",), "title: induration penis plastica (Peyronie)"),
    "peyronie disease": (("N48.6",), "title: induration penis plastica (Peyronie)"),
    # Endocrine.
    "goiter": (_GOITER, "titles naming goiter (iodine-deficiency, nontoxic, toxic, congenital)"),
    "goitre": (_GOITER, "British spelling of goiter"),
    "thyroid nodule": (
        ("E04.1", "E04.2", "E05.1", "E05.2"),
        "titles: nontoxic single nodule, multinodular goiter; toxic single nodule, multinodular",
    ),
    "cushing's disease": (("E24.0",), "title: pituitary-dependent Cushing's disease"),
    "cushing disease": (("E24.0",), "title: pituitary-dependent Cushing's disease"),
    "acromegaly": (
        ("E22.0",),
        "title: acromegaly and pituitary gigantism (the same growth hormone excess, before the"
        " growth plates close)",
    ),
    "primary aldosteronism": (("E26.0",), "title: primary hyperaldosteronism"),
    "male hypogonadism": (("E29.1", "E89.5"), "titles: testicular hypofunction"),
    "premature ovarian insufficiency": (("E28.3",), "title: primary ovarian failure"),
    "primary ovarian insufficiency": (("E28.3",), "title: primary ovarian failure"),
    "premature ovarian failure": (("E28.3",), "title: primary ovarian failure"),
    "klinefelter syndrome": (("Q98.0", "Q98.1", "Q98.4"), "titles: Klinefelter syndrome"),
    # Musculoskeletal.
    "axial spondyloarthritis": (
        ("M45",),
        "M45 ankylosing spondylitis with M45.A non-radiographic axial spondyloarthritis",
    ),
    "dermatomyositis": (("M33.0", "M33.1"), "titles: juvenile, other dermatomyositis"),
    "juvenile idiopathic arthritis": (("M08",), "M08 Juvenile arthritis"),
    "jia": (("M08",), "abbreviation of juvenile idiopathic arthritis"),
    "reactive arthritis": (
        ("M02.1", "M02.3", "M02.8", "M02.9"),
        "M02 Postinfective and reactive arthropathies: postdysenteric, Reiter's, other, unspecified"
        " (not the arthropathies after intestinal bypass or immunization)",
    ),
    "avascular necrosis": (("M87",), "alphabetic index: Necrosis, avascular → see Osteonecrosis"),
    # Nervous system and mind.
    "cluster headache": (("G44.00", "G44.01", "G44.02"), "titles: unspecified, episodic, chronic"),
    "chronic inflammatory demyelinating polyneuropathy": (
        ("G61.81",),
        "title: chronic inflammatory demyelinating polyneuritis",
    ),
    "cidp": (("G61.81",), "abbreviation of chronic inflammatory demyelinating polyneuropathy"),
    "subarachnoid hemorrhage": (("I60", "S06.6"), "titles: nontraumatic, traumatic"),
    "subarachnoid haemorrhage": (("I60", "S06.6"), "British spelling"),
    "spinal muscular atrophy": (("G12.0", "G12.1"), "titles: infantile type I, other inherited"),
    "tourette syndrome": (("F95.2",), "title: Tourette's disorder"),
    "tourette's syndrome": (("F95.2",), "title: Tourette's disorder"),
    "opioid use disorder": (("F11.1", "F11.2"), "DSM-5 mild F11.1x, moderate or severe F11.2x"),
    "cannabis use disorder": (("F12.1", "F12.2"), "DSM-5 mild F12.1x, moderate or severe F12.2x"),
    "febrile seizures": (("R56.0",), "title: febrile convulsions"),
    "febrile convulsions": (("R56.0",), "title: febrile convulsions"),
    # Skin and eyes.
    "contact dermatitis": (("L23", "L24", "L25"), "titles: allergic, irritant, unspecified"),
    "lichen sclerosus": (("L90.0",), "title: lichen sclerosus et atrophicus"),
    "onychomycosis": (("B35.1",), "alphabetic index: Onychomycosis → B35.1 (tinea unguium)"),
    "warts": (("B07", "A63.0"), "titles: viral warts, anogenital (venereal) warts"),
    "retinitis pigmentosa": (("H35.52",), "alphabetic index → H35.52 pigmentary dystrophy"),
    "amblyopia": (
        ("H53.00", "H53.01", "H53.02", "H53.03"),
        "H53.0 Amblyopia ex anopsia less amblyopia suspect H53.04",
    ),
    "retinal vein occlusion": (("H34.81", "H34.83"), "titles: central, tributary (branch)"),
    # Women's health.
    "adenomyosis": (("N80.03",), "title: adenomyosis of the uterus"),
    "uterine fibroids": (("D25",), "D25 Leiomyoma of uterus (alphabetic index: Fibroid, uterus)"),
    "fibroids": (("D25",), "alphabetic index: Fibroid (uterus) → D25.9"),
    "uterine leiomyoma": (("D25",), "D25 Leiomyoma of uterus"),
    "pelvic inflammatory disease": (
        (
            *("N70", "N73.0", "N73.1", "N73.2", "N73.3", "N73.4", "N73.5", "N73.8", "N73.9"),
            "A56.11",
            "A54.24",
        ),
        "salpingitis and oophoritis N70, female pelvic inflammatory diseases N73 less the"
        " postinfective peritoneal adhesions N73.6; chlamydial and gonococcal A56.11, A54.24",
    ),
    "vulvovaginal candidiasis": (("B37.3",), "title: candidiasis of vulva and vagina"),
    "ovarian cysts": (
        ("N83.0", "N83.1", "N83.2", "Q50.1"),
        "titles: follicular, corpus luteum, other and unspecified, developmental ovarian cyst",
    ),
    "pelvic organ prolapse": (
        (
            *("N81.0", "N81.1", "N81.2", "N81.3", "N81.4", "N81.5", "N81.6", "N81.81", "N81.85"),
            *("N81.89", "N81.9", "N99.3"),
        ),
        "N81 Female genital prolapse less the weakening of pubocervical and rectovaginal tissue"
        " N81.82, N81.83 and pelvic muscle wasting N81.84; vault prolapse N99.3",
    ),
    "uterine prolapse": (("N81.2", "N81.3", "N81.4"), "titles: uterovaginal prolapse"),
    # Infections.
    "genital herpes": (("A60",), "title: anogenital herpesviral infections"),
    "herpes simplex": (("B00", "A60", "P35.2"), "titles: herpesviral [herpes simplex]"),
    "malaria": (("B50", "B51", "B52", "B53", "B54"), "block B50-B54 Malaria"),
    "infective endocarditis": (
        ("I33.0", "B37.6", "A39.51"),
        "titles: acute and subacute infective, candidal, meningococcal endocarditis",
    ),
    "covid-19": (("U07.1",), "title: COVID-19"),
    "influenza": (("J09", "J10", "J11"), "block J09-J11 Influenza"),
    "cytomegalovirus infection": (("B25", "P35.1", "B27.1"), "titles: cytomegaloviral"),
    "cmv infection": (("B25", "P35.1", "B27.1"), "abbreviation of cytomegalovirus infection"),
    "mrsa infection": (
        ("A41.02", "A49.02", "J15.212", "B95.62"),
        "titles naming methicillin resistant Staphylococcus aureus",
    ),
    "dengue": (("A90", "A91"), "titles: dengue fever, dengue hemorrhagic fever"),
    # Blood (not malignant).
    "sickle cell anemia": (("D57.0", "D57.1"), "titles: Hb-SS disease; sickle-cell anemia NOS"),
    "sickle cell anaemia": (("D57.0", "D57.1"), "British spelling"),
    "aplastic anemia": (
        ("D61.0", "D61.1", "D61.2", "D61.3", "D61.9"),
        "titles naming aplastic anemia (not pancytopenia D61.81 nor myelophthisis D61.82)",
    ),
    "aplastic anaemia": (("D61.0", "D61.1", "D61.2", "D61.3", "D61.9"), "British spelling"),
    "pernicious anemia": (("D51.0",), "title: B12 deficiency anemia due to intrinsic factor"),
    "pernicious anaemia": (("D51.0",), "British spelling"),
    "hemophilia a": (("D66",), "title: hereditary factor VIII deficiency"),
    "haemophilia a": (("D66",), "British spelling"),
    "hemophilia b": (("D67",), "title: hereditary factor IX deficiency"),
    "haemophilia b": (("D67",), "British spelling"),
    "immune thrombocytopenia": (("D69.3",), "title: immune thrombocytopenic purpura"),
    "g6pd deficiency": (("D55.0",), "title: anemia due to G6PD deficiency"),
    "factor v leiden": (
        ("D68.51",),
        "alphabetic index: Factor V Leiden mutation → D68.51 (activated protein C resistance)",
    ),
    # Session 9, second list (same selection): more specialties.
    "complex regional pain syndrome": (
        ("G90.5", "G56.4", "G57.7"),
        "titles: CRPS I G90.5; causalgia (CRPS II) of upper and lower limb",
    ),
    "tardive dyskinesia": (("G24.01",), "alphabetic index: Dyskinesia, tardive → G24.01"),
    "neuroleptic malignant syndrome": (("G21.0",), "title: malignant neuroleptic syndrome"),
    "lambert-eaton myasthenic syndrome": (_LEMS, "titles: Lambert-Eaton syndrome"),
    "lambert-eaton syndrome": (_LEMS, "titles: Lambert-Eaton syndrome"),
    "transverse myelitis": (("G37.3",), "alphabetic index: Myelitis, transverse → G37.3"),
    "idiopathic intracranial hypertension": (
        ("G93.2",),
        "title: benign intracranial hypertension (pseudotumor cerebri)",
    ),
    "infantile spasms": (("G40.82",), "title: epileptic spasms (infantile spasms, West)"),
    "west syndrome": (("G40.82",), "title: epileptic spasms"),
    "absence epilepsy": (("G40.A",), "title: absence epileptic syndrome"),
    "tuberous sclerosis complex": (("Q85.1",), "title: tuberous sclerosis"),
    "digeorge syndrome": (("D82.1",), "title: Di George's syndrome"),
    "stuttering": (("F80.81", "F98.5"), "titles: childhood and adult onset fluency disorder"),
    "gambling disorder": (("F63.0",), "title: pathological gambling"),
    "cocaine use disorder": (("F14.1", "F14.2"), "DSM-5 mild F14.1x, moderate or severe F14.2x"),
    "premenstrual syndrome": (("N94.3",), "title: premenstrual tension syndrome"),
    "hemifacial spasm": (("G51.3",), "title: clonic hemifacial spasm"),
    "cervical dystonia": (("G24.3",), "title: spasmodic torticollis"),
    "conversion disorder": (_CONVERSION, "titles: conversion disorder with each presentation"),
    "functional neurological disorder": (_CONVERSION, "the DSM-5 name of conversion disorder"),
    "specific phobia": (("F40.2",), "title: specific (isolated) phobias"),
    "phantom limb pain": (("G54.6",), "title: phantom limb syndrome with pain"),
    "autoimmune hemolytic anemia": (("D59.0", "D59.1"), "titles: drug-induced, other"),
    "autoimmune hemolytic anaemia": (("D59.0", "D59.1"), "British spelling"),
    "cold agglutinin disease": (("D59.12",), "title: cold autoimmune hemolytic anemia"),
    "severe combined immunodeficiency": (
        ("D81.0", "D81.1", "D81.2"),
        "titles: severe combined immunodeficiency [SCID]",
    ),
    "selective iga deficiency": (("D80.2",), "title: selective deficiency of IgA"),
    "mucormycosis": (
        ("B46.0", "B46.1", "B46.2", "B46.3", "B46.4", "B46.5"),
        "titles naming mucormycosis (not the other zygomycoses B46.8, B46.9)",
    ),
    "pneumocystis pneumonia": (("B59",), "B59 Pneumocystosis (pneumonia due to Pneumocystis)"),
    "pneumocystis jirovecii pneumonia": (("B59",), "B59 Pneumocystosis"),
    "pcp pneumonia": (("B59",), "abbreviation of pneumocystis pneumonia"),
    "zika virus infection": (("A92.5", "P35.4"), "titles: Zika virus disease, congenital"),
    "chikungunya": (("A92.0",), "title: chikungunya virus disease"),
    "ebola virus disease": (("A98.4",), "title: Ebola virus disease"),
    "mpox": (("B04",), "the WHO name of B04 Monkeypox"),
    "monkeypox": (("B04",), "title: monkeypox"),
    "rsv infection": (_RSV, "titles naming respiratory syncytial virus"),
    "respiratory syncytial virus infection": (_RSV, "titles naming respiratory syncytial virus"),
    "hepatitis d": (
        ("B16.0", "B16.1", "B17.0", "B18.0"),
        "titles: hepatitis B with delta-agent (acute, chronic), delta-(super) infection",
    ),
    "hepatitis e": (("B17.2",), "title: acute hepatitis E"),
    "htlv-1 infection": (("B97.33",), "title: HTLV-I as the cause of diseases"),
    "mallory-weiss tear": (("K22.6",), "title: gastro-esophageal laceration-hemorrhage syndrome"),
    "mallory-weiss syndrome": (("K22.6",), "title: gastro-esophageal laceration-hemorrhage"),
    "biliary atresia": (("Q44.2",), "title: atresia of bile ducts"),
    "renal cyst": (("N28.1", "Q61.0"), "titles: cyst of kidney, acquired; congenital renal cyst"),
    "vaginitis": (("N76.0", "N76.1", "A59.01"), "titles: acute, subacute and chronic, trichomonal"),
    "mastitis": (("N61.0", "N61.1", "P39.0"), "titles: without abscess, abscess, neonatal"),
    "hyperhidrosis": (("L74.5", "R61"), "titles: focal, generalized hyperhidrosis"),
    "androgenetic alopecia": (("L64",), "title: androgenic alopecia"),
    "melasma": (("L81.1",), "alphabetic index: Melasma → L81.1 (chloasma)"),
    "tinea versicolor": (("B36.0",), "title: pityriasis versicolor"),
    "discoid lupus": (("L93.0",), "title: discoid lupus erythematosus"),
    "cutaneous lupus": (("L93",), "L93 Lupus erythematosus (of the skin)"),
    "ichthyosis": (("Q80", "L85.0"), "titles: congenital, acquired ichthyosis"),
    "diabetic foot ulcer": (_diabetic("621"), "titles: diabetes with foot ulcer E08-E13 .621"),
    "cholesteatoma": (("H71", "H60.4", "H95.0"), "titles: middle ear, external ear, recurrent"),
    "laryngitis": (("J04.0", "J37.0"), "titles: acute, chronic laryngitis"),
    "pharyngitis": (("J02", "J31.2"), "titles: acute, chronic pharyngitis"),
    "deviated septum": (("J34.2",), "title: deviated nasal septum"),
    "tmj disorder": (("M26.6",), "title: temporomandibular joint disorders"),
    "temporomandibular disorder": (("M26.6",), "title: temporomandibular joint disorders"),
    "gingivitis": (("K05.0", "K05.1"), "titles: acute, chronic gingivitis"),
    "aphthous stomatitis": (("K12.0",), "title: recurrent oral aphthae"),
    "still's disease": (("M06.1", "M08.2"), "titles: adult-onset Still's, systemic-onset JRA"),
    "adult-onset still's disease": (("M06.1",), "title: adult-onset Still's disease"),
    "ganglion cyst": (("M67.4",), "M67.4 Ganglion"),
    "clubfoot": (
        ("Q66.0",),
        "congenital talipes equinovarus, the clubfoot criteria mean (clubfoot NOS indexes to"
        " the wider Q66.89)",
    ),
    "perthes disease": (("M91.1",), "title: juvenile osteochondrosis of head of femur"),
    "legg-calve-perthes disease": (("M91.1",), "title: [Legg-Calvé-Perthes]"),
    "slipped capital femoral epiphysis": (("M93.0",), "title: slipped upper femoral epiphysis"),
    "golfer's elbow": (("M77.0",), "alphabetic index: Golfer's elbow → M77.0-"),
    "achilles tendinopathy": (("M76.6",), "title: Achilles tendinitis"),
    "shoulder impingement": (("M75.4",), "title: impingement syndrome of shoulder"),
    "iga vasculitis": (("D69.0",), "D69.0 Allergic purpura (Henoch-Schönlein)"),
    "henoch-schonlein purpura": (("D69.0",), "D69.0 Allergic purpura (Henoch-Schönlein)"),
    "henoch-schönlein purpura": (("D69.0",), "D69.0 Allergic purpura (Henoch-Schönlein)"),
    # Session 12 batch: names of diagnosis-gap bullets of the development texts (a sample of the
    # bullets no finder read). Of the abnormal findings R70-R99 the titles leave out (a name
    # asking for a value: "proteinuria", "elevated glucose"), only a lasting state a problem list
    # codes as the diagnosis itself; transient findings ("bacteremia", "asymptomatic
    # bacteriuria", "cardiogenic shock", "fever") stay out: a criterion means one now, and a
    # problem list leaves such an entry "active" long after it passed (as "acute" titles).
    "prediabetes": (("R73.03",), "title: prediabetes"),
    "pre-diabetes": (("R73.03",), "spelling of prediabetes, R73.03"),
    "glucose-6-phosphate dehydrogenase deficiency": (
        ("D55.0",),
        "the name g6pd deficiency abbreviates; alphabetic index: Deficiency,"
        " glucose-6-phosphate dehydrogenase (G6PD) → D55.0",
    ),
    "postural hypotension": (("I95.1",), "alphabetic index: Hypotension, postural → I95.1"),
    "learning disorder": (
        ("F81",),
        "F81 specific developmental disorders of scholastic skills, DSM-5's specific learning"
        " disorder (not 'learning disability': intellectual disability in British usage)",
    ),
    "specific learning disorder": (("F81",), "DSM-5 name of F81"),
    # Session 15 (issue 13): abbreviations development bullets give names of this table, each
    # with no other meaning in the development texts: "non-specific LBP within the past 8
    # weeks", "management of Low Back Pain (LBP)", "Non-traumatic LBP"; "diagnosed with DME
    # with central macular thickness", "Presence of DME in the study eye", "other than
    # cataract and DME". Not "OA" alone, "UC" (urothelial carcinoma), "TBI" (total body
    # irradiation): other meanings in criteria.
    "lbp": (("M54.4", "M54.5"), "abbreviation of low back pain (title M54.5, and M54.4)"),
    # "Subject with a perceptual disorder (AMD, deafness...)", "diagnosed stage II or stage III
    # AMD"; "have a SCI resulting in incomplete or complete (C5 and below) paraplegia",
    # "Clinical diagnosis of a non-penetrating traumatic SCI".
    "amd": (_MACULAR_DEGENERATION, "abbreviation of age-related macular degeneration"),
    "sci": (_SPINAL_CORD_INJURY, "abbreviation of spinal cord injury"),
    "dme": (
        _diabetic("311", "321", "331", "341", "351"),
        "abbreviation of diabetic macular edema",
    ),
}


def _count(names: list[str]) -> dict[str, int]:
    """How many development bullets (lines) name each name, word for word."""
    lines = [
        line.lower()
        for row in development_texts()
        for line in (row.get("eligibilityCriteria") or "").splitlines()
    ]
    counts = {}
    for name in names:
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?:e?s)?(?![\w-])")
        counts[name] = sum(1 for line in lines if pattern.search(line))
    return counts


def _checked(name: str, codes: tuple[str, ...]) -> dict[str, str]:
    for code in codes:
        if not release.is_category_or_subcategory(code):
            raise ValueError(f"{name}: {code} is no category or subcategory of the release")
        if any(other != code and code.startswith(other) for other in codes):
            raise ValueError(f"{name}: {code} lies under another code of the set")
    return {code: release.get_description(code) for code in codes}


def build() -> dict[str, object]:
    counts = _count(list(NAMES))
    names = {}
    for name, (codes, why) in sorted(NAMES.items()):
        names[name] = {
            "codes": _checked(name, codes),
            "why": why,
            "developmentLines": counts[name],
        }
    return {
        "source": "ICD-10-CM, CDC/NCHS (public domain), April 2026 release as shipped by "
        "simple-icd-10-cm 1.5.0; names chosen by tools/diagnosis_name_frequency.py from the "
        "development texts (tests/eligibility/corpus.py) and, in session 9, from clinical "
        "knowledge of common diagnoses, codes and titles checked against the "
        "release by tools/build_icd10cm_common_names.py (never edited by hand)",
        "version": "ICD-10-CM April 2026 (FY2026)",
        "licence": "ICD-10-CM is in the public domain (CDC/NCHS); this table: the project's "
        "licence",
        "selection": "Everyday names of diagnoses that criteria left as text use most (a hand-"
        "made concept or an ICD-10-CM title or synonym reads none of them), each meaning the set "
        "of codes listed (each code with its whole subtree), every code wholly the named "
        "diagnosis: never a code wider than the name. Read like the names of "
        "icd10cm_synonyms.json (`rules.icd_titles`): judgement qualifiers around them keep a "
        "bullet text. developmentLines: development text lines naming the name.",
        "names": names,
    }


def main() -> None:
    PATH.write_text(json.dumps(build(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
