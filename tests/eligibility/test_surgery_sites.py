"""Surgery at a site of its own: the heart, the spine, the inside of the chest, the brain and the
breast (`cardiac-surgery`, `spinal-surgery`, `thoracic-surgery`, `brain-surgery`,
`breast-surgery`), like `abdominal-surgery` — in every way a criterion says one was done ("prior",
"previous", "history of", "status post", "has undergone", "underwent", a window after it); met by
an operation whose words (Procedure.code.text or the display of a CPT / SNOMED CT / ICD-10-PCS
coding) or status code say so, `unknown` against any other operation (its site may not be
stated), `not-met` only for a procedure list holding no surgery.

Never wider than the words: an operation to come ("planned", "undergoing", "scheduled for",
"cardiac surgery patients") is no record of a past one and is not read; "non-cardiac",
"cardiothoracic", "ipsilateral breast", "brain tumour" and "thoracic and abdominal" keep their
words as text; "recent" without a window is a judgement (a text member).

Expected forms and results were written from the clinical text before running the code.
"""

from __future__ import annotations

from typing import Any

import pytest

from fhirtrial.eligibility.rules import compile_text
from tests.eligibility.ehr_records import ICD, condition, patient, procedure, record, result_of
from tests.eligibility.signature import signature

SCT = "http://snomed.info/sct"
CPT = "http://www.ama-assn.org/go/cpt"
PCS = "http://www.cms.gov/Medicare/Coding/ICD10"

_SITES = {
    "cardiac surgery": "cardiac-surgery",
    "heart surgery": "cardiac-surgery",
    "open-heart surgery": "cardiac-surgery",
    "open heart surgery": "cardiac-surgery",
    "spinal surgery": "spinal-surgery",
    "spine surgery": "spinal-surgery",
    "thoracic surgery": "thoracic-surgery",
    "brain surgery": "brain-surgery",
    "intracranial surgery": "brain-surgery",
    "breast surgery": "breast-surgery",
    "knee surgery": "knee-surgery",
    "hip surgery": "hip-surgery",
    "shoulder surgery": "shoulder-surgery",
    "colorectal surgery": "colorectal-surgery",
}
_DONE = (
    "Prior {}",
    "Previous {}",
    "History of {}",
    "Status post {}",
    "Has undergone {}",
    "Underwent {}",
    "Patients who have had {}",
)


@pytest.mark.parametrize("lead", _DONE)
@pytest.mark.parametrize(("name", "concept"), _SITES.items())
@pytest.mark.parametrize("exclusion", [True, False])
def test_a_site_done_before_compiles_to_its_concept(
    lead: str, name: str, concept: str, exclusion: bool
) -> None:
    text = lead.format(name)
    assert signature(compile_text(text, exclusion=exclusion)) == f"procedure:{concept}", text


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("{} in the past 6 months", "w-183,0,enrollment"),
        ("{} within the last 12 months", "w-365,0,enrollment"),
        ("History of {} within 3 months", "w-91,0,enrollment"),
        ("Had {} in the past three months", "w-91,0,enrollment"),
    ],
)
@pytest.mark.parametrize(("name", "concept"), _SITES.items())
def test_a_site_in_a_window_keeps_its_window(
    window: str, expected: str, name: str, concept: str
) -> None:
    text = window.format(name)
    text = text[0].upper() + text[1:]
    assert signature(compile_text(text, exclusion=True)) == f"procedure:{concept}:{expected}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Development bullets.
        ("Previous cardiac surgery", "procedure:cardiac-surgery"),
        ("With prior history of spinal surgery", "procedure:spinal-surgery"),
        ("Previous history of thoracic surgery", "procedure:thoracic-surgery"),
        (
            "had a cardiac surgery in the past three months",
            "procedure:cardiac-surgery:w-91,0,enrollment",
        ),
        (
            "Previous thoracic or abdominal surgery.",
            "any-of(procedure:thoracic-surgery, procedure:abdominal-surgery)",
        ),
        (
            "thoracic, abdominal or eye surgery in the last six months",
            "any-of(procedure:thoracic-surgery:w-183,0,enrollment, "
            "procedure:abdominal-surgery:w-183,0,enrollment, "
            "procedure:eye-surgery:w-183,0,enrollment)",
        ),
        # The site after the operation.
        ("Previous surgery on the spine", "procedure:spinal-surgery"),
        ("Prior surgery of the heart", "procedure:cardiac-surgery"),
        ("Previous surgery to the brain", "procedure:brain-surgery"),
        (
            "Prior surgery on the spine within 6 months",
            "procedure:spinal-surgery:w-183,0,enrollment",
        ),
        (
            "Previous surgery on the knee, hip or shoulder",
            "any-of(procedure:knee-surgery, procedure:hip-surgery, procedure:shoulder-surgery)",
        ),
        # A list of whole sites: either.
        (
            "Prior cardiac or abdominal surgery",
            "any-of(procedure:cardiac-surgery, procedure:abdominal-surgery)",
        ),
        (
            "Prior spine or brain surgery",
            "any-of(procedure:spinal-surgery, procedure:brain-surgery)",
        ),
        (
            "Prior cardiac/abdominal surgery",
            "any-of(procedure:cardiac-surgery, procedure:abdominal-surgery)",
        ),
        # A cardiac surgery beside another operation.
        (
            "Prior cardiac surgery or PCI",
            "any-of(procedure:cardiac-surgery, procedure:percutaneous-coronary-intervention)",
        ),
        (
            "Prior major cardiac surgery",
            "all-of(procedure:major-surgery, procedure:cardiac-surgery)",
        ),
        ("Prior knee or hip surgery", "any-of(procedure:knee-surgery, procedure:hip-surgery)"),
        ("Prior surgery on the knee", "procedure:knee-surgery"),
        # Development bullets.
        ("With prior history of shoulder surgery", "procedure:shoulder-surgery"),
        ("The subject has a history of knee surgery.", "procedure:knee-surgery"),
        ("Shoulder surgery within the past year", "procedure:shoulder-surgery:w-365,0,enrollment"),
        # Words that narrow the site stay text beside the concept.
        ("Previous lumbar spine surgery", "all-of(procedure:spinal-surgery, text)"),
        ("Previous thoracic spine surgery", "all-of(procedure:spinal-surgery, text)"),
        ("History of congenital heart surgery", "all-of(procedure:cardiac-surgery, text)"),
        ("Prior minor breast surgery", "all-of(procedure:breast-surgery, text)"),
        # "Recent" is done, how recent a judgement: a text member, the window kept where stated.
        ("Recent heart surgery", "all-of(procedure:cardiac-surgery, text)"),
        (
            "Recent cardiac surgery (within 4 weeks)",
            "all-of(procedure:cardiac-surgery:w-28,0,enrollment, text)",
        ),
        ("Recent cholecystectomy", "all-of(procedure:cholecystectomy, text)"),
        (
            "Recent cholecystectomy (within 4 weeks)",
            "all-of(procedure:cholecystectomy:w-28,0,enrollment, text)",
        ),
    ],
)
def test_site_phrasings_compile(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Every operation but the heart: not cardiac surgery, never wider than the words.
        ("Prior non-cardiac surgery", "all-of(procedure:surgery, text)"),
        ("Prior non cardiac surgery", "all-of(procedure:surgery, text)"),
        ("Prior non abdominal surgery", "all-of(procedure:surgery, text)"),
        # The heart or the chest: neither concept alone.
        ("Previous cardiothoracic surgery", "all-of(procedure:surgery, text)"),
        # Narrower than the breast / the brain.
        ("Previous ipsilateral breast surgery", "all-of(procedure:surgery, text)"),
        ("Previous ipsilateral knee surgery", "all-of(procedure:surgery, text)"),
        # The colon or the rectum alone is narrower than colorectal surgery.
        ("Prior colon surgery", "all-of(procedure:surgery, text)"),
        ("Prior rectal surgery", "all-of(procedure:surgery, text)"),
        ("History of brain tumour surgery", "all-of(procedure:surgery, text)"),
        # "and" may be one thoracoabdominal operation; the pelvis is no concept.
        ("Prior cardiac and abdominal surgery", "all-of(procedure:surgery, text)"),
        ("Prior abdominal or pelvic surgery", "all-of(procedure:surgery, text)"),
        ("Previous pelvic surgery", "all-of(procedure:surgery, text)"),
        # After the operation, a site that names a disease: the disease may have been operated
        # elsewhere, and not every operation at the site was for it.
        ("Prior surgery for heart disease", "all-of(procedure:surgery, text)"),
        # A radiotherapy's site stays text.
        ("Prior radiotherapy to the breast", "all-of(procedure:radiotherapy, text)"),
        ("Prior thoracic radiotherapy", "all-of(procedure:radiotherapy, text)"),
    ],
)
def test_words_wider_or_narrower_than_a_site_stay_text(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Planned cardiac surgery",
        "Patients undergoing cardiac surgery",
        "Cardiac surgery patients",
        "Scheduled for spine surgery",
        "Candidates for breast surgery",
        "Requiring cardiac surgery",
        "Planned thoracic surgery",
        "Patients undergoing brain surgery",
    ],
)
@pytest.mark.parametrize("exclusion", [True, False])
def test_an_operation_to_come_is_not_one_done(text: str, exclusion: bool) -> None:
    # No record of past procedures holds a planned one.
    criterion = compile_text(text, exclusion=exclusion)
    for concept in set(_SITES.values()):
        assert concept not in str(criterion), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prior pacemaker implantation", "procedure:pacemaker"),
        ("Prior ICD implantation", "procedure:implantable-cardioverter-defibrillator"),
        ("History of ICD insertion", "procedure:implantable-cardioverter-defibrillator"),
        (
            "Permanent pacemaker implantation within 3 months",
            "procedure:pacemaker:w-91,0,enrollment",
        ),
    ],
)
def test_a_device_implantation_done_before_is_the_device(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # The study's own operation, or one to come.
        "Pacemaker implantation",
        "Planned pacemaker implantation",
        "Patients undergoing pacemaker implantation",
        # The classification, not the device.
        "ICD-10 implantation codes",
    ],
)
def test_a_device_implantation_not_said_done_is_not_read(text: str) -> None:
    assert "pacemaker" not in str(compile_text(text, exclusion=True))
    assert "defibrillator" not in str(compile_text(text, exclusion=True))


# ---------------------------------------------------------------- against EHR-style records


def _result(text: str, *resources: dict[str, Any], exclusion: bool = True) -> str:
    criterion = compile_text(text, exclusion=exclusion)
    assert criterion is not None, text
    return result_of(criterion, record(patient(), *resources))


def test_cardiac_surgery_against_records() -> None:
    text = "Prior cardiac surgery"
    cabg_cpt = (
        CPT,
        "33533",
        "Coronary artery bypass, using arterial graft(s); single arterial graft",
    )
    assert _result(text, procedure("CABG x3", "2019-05-02", cabg_cpt)) == "met"
    cabg_sct = (SCT, "232717009", "Coronary artery bypass graft")
    assert _result(text, procedure("Coronary artery bypass graft", "2019-05-02", cabg_sct)) == "met"
    cabg_pcs = (
        PCS,
        "021009W",
        "Bypass Coronary Artery, One Artery from Aorta with Autologous Venous Tissue, "
        "Open Approach",
    )
    assert _result(text, procedure("CABG", "2019-05-02", cabg_pcs)) == "met"
    z951 = (ICD, "Z95.1", "Presence of aortocoronary bypass graft")
    assert _result(text, condition("Presence of aortocoronary bypass graft", z951)) == "met"
    assert _result(text, procedure("Aortic valve replacement, open", "2018-01-01")) == "met"
    assert _result(text, procedure("Mitral valve repair", "2018-01-01")) == "met"
    # A catheter procedure is no cardiac surgery: a TAVR may be read either way, a PCI is none.
    assert _result(text, procedure("Transcatheter aortic valve replacement", "2018-1-1")) != "met"
    assert _result(text, procedure("PTCA with drug-eluting stent, LAD", "2018-01-01")) != "met"
    # Another operation: whether it was on the heart is not recorded.
    assert _result(text, procedure("Total knee arthroplasty", "2018-01-01")) == "unknown"
    assert _result(text, procedure("Non-cardiac surgery", "2018-01-01")) == "unknown"
    # A procedure list without surgery rules it out; no procedures at all does not.
    assert _result(text, procedure("Colonoscopy", "2018-01-01")) == "not-met"
    assert _result(text) == "unknown"


def test_cardiac_surgery_in_a_window() -> None:
    text = "Cardiac surgery within the last 3 months"
    assert _result(text, procedure("CABG x3", "2026-11-01")) == "met"
    assert _result(text, procedure("CABG x3", "2020-11-01")) == "not-met"
    # Z95.1 has no date of its own: the graft may be a month old.
    undated = condition("Presence of aortocoronary bypass graft", (ICD, "Z95.1", "x"), onset=None)
    assert _result(text, undated) == "unknown"


def test_spinal_surgery_against_records() -> None:
    text = "History of spinal surgery"
    assert _result(text, procedure("L4-L5 laminectomy", "2017-02-02")) == "met"
    assert _result(text, procedure("Lumbar spinal fusion L4-S1", "2017-02-02")) == "met"
    assert _result(text, procedure("ACDF C5-C6", "2017-02-02")) == "met"
    assert _result(text, procedure("Lumbar microdiscectomy", "2017-02-02")) == "met"
    fusion = (
        PCS,
        "0SG0070",
        "Fusion of Lumbar Vertebral Joint with Autologous Tissue Substitute, Anterior Approach, "
        "Anterior Column, Open Approach",
    )
    assert _result(text, procedure("Fusion", "2017-02-02", fusion)) == "met"
    # An injection or a puncture is no surgery; a kyphoplasty may be read either way.
    assert _result(text, procedure("Epidural steroid injection, lumbar", "2017-2-2")) == "not-met"
    assert _result(text, procedure("Lumbar puncture", "2017-02-02")) == "not-met"
    assert _result(text, procedure("Kyphoplasty T12", "2017-02-02")) == "unknown"
    assert _result(text, procedure("Appendectomy", "2017-02-02")) == "unknown"


def test_thoracic_surgery_against_records() -> None:
    text = "Previous thoracic surgery"
    assert _result(text, procedure("VATS right upper lobectomy", "2016-01-01")) == "met"
    assert _result(text, procedure("Thoracotomy", "2016-01-01")) == "met"
    lobe = (PCS, "0BTC0ZZ", "Resection of Right Upper Lung Lobe, Open Approach")
    assert _result(text, procedure("Lobectomy", "2016-01-01", lobe)) == "met"
    # A lobectomy of the thyroid or the liver is not of the lung.
    assert _result(text, procedure("Thyroid lobectomy, right", "2016-01-01")) == "unknown"
    assert _result(text, procedure("Right hepatic lobectomy", "2016-01-01")) == "unknown"
    # A heart operation is thoracic in some usage, not in other: not recorded which is meant.
    assert _result(text, procedure("CABG x2", "2016-01-01")) == "unknown"
    assert _result(text, procedure("CT-guided lung biopsy", "2016-01-01")) == "not-met"


def test_brain_surgery_against_records() -> None:
    text = "Prior brain surgery"
    assert _result(text, procedure("Craniotomy for removal of tumor", "2015-01-01")) == "met"
    assert _result(text, procedure("Deep brain stimulator implantation", "2015-01-01")) == "met"
    assert _result(text, procedure("Laminectomy", "2015-01-01")) == "unknown"
    assert _result(text, procedure("MRI brain", "2015-01-01")) == "not-met"


def test_breast_surgery_against_records() -> None:
    text = "Prior breast surgery"
    assert _result(text, procedure("Left partial mastectomy", "2015-01-01")) == "met"
    assert _result(text, procedure("Lumpectomy, right breast", "2015-01-01")) == "met"
    assert _result(text, procedure("Bilateral reduction mammoplasty", "2015-01-01")) == "met"
    absent_breast = (ICD, "Z90.12", "Acquired absence of left breast and nipple")
    assert _result(text, condition("Acquired absence of left breast", absent_breast)) == "met"
    assert _result(text, procedure("Core needle biopsy of left breast", "2015-1-1")) == "not-met"
    assert _result(text, procedure("Cholecystectomy", "2015-01-01")) == "unknown"


def test_a_list_of_sites_against_records() -> None:
    text = "Prior cardiac or abdominal surgery"
    assert _result(text, procedure("CABG x3", "2020-11-01")) == "met"
    assert _result(text, procedure("Laparoscopic cholecystectomy", "2020-11-01")) == "met"
    assert _result(text, procedure("Total knee arthroplasty", "2020-11-01")) == "unknown"
    assert _result(text, procedure("Colonoscopy", "2020-11-01")) == "not-met"


def test_an_inclusion_is_never_failed_by_another_operation() -> None:
    # "History of cardiac surgery" as an inclusion: an operation of no stated site leaves it open.
    text = "History of cardiac surgery"
    knee = procedure("Total knee arthroplasty", "2020-11-01")
    assert _result(text, knee, exclusion=False) == "unknown"
    assert _result(text, procedure("CABG x3", "2020-11-01"), exclusion=False) == "met"


def test_pacemaker_implantation_against_records() -> None:
    text = "Prior pacemaker implantation"
    implant = procedure("Insertion of permanent cardiac pacemaker", "2018-01-01")
    assert _result(text, implant) == "met"
    presence = condition("Presence of cardiac pacemaker", (ICD, "Z95.0", "x"))
    assert _result(text, presence) == "met"
    assert _result(text, procedure("Colonoscopy", "2018-01-01")) == "not-met"


# ---------------------------------------------------------------- named operations


_OPERATIONS = {
    "prostatectomy": "prostatectomy",
    "thyroidectomy": "thyroidectomy",
    "orchiectomy": "orchiectomy",
    "orchidectomy": "orchiectomy",
    "pneumonectomy": "pneumonectomy",
    "hepatectomy": "hepatectomy",
    "liver resection": "hepatectomy",
    "pancreatectomy": "pancreatectomy",
    "lumpectomy": "lumpectomy",
    "breast-conserving surgery": "lumpectomy",
}


@pytest.mark.parametrize("lead", [*_DONE, "{} in the past 6 months"])
@pytest.mark.parametrize(("name", "concept"), _OPERATIONS.items())
def test_a_named_operation_done_before_is_its_concept(lead: str, name: str, concept: str) -> None:
    text = lead.format(name)
    text = text[0].upper() + text[1:]
    window = ":w-183,0,enrollment" if "months" in lead else ""
    assert signature(compile_text(text, exclusion=True)) == f"procedure:{concept}{window}", text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A word that narrows the operation stays text.
        ("Prior radical prostatectomy", "all-of(procedure:prostatectomy, text)"),
        ("Status post radical prostatectomy", "all-of(procedure:prostatectomy, text)"),
        ("Prior total thyroidectomy", "all-of(procedure:thyroidectomy, text)"),
        ("Prior bilateral orchiectomy", "all-of(procedure:orchiectomy, text)"),
        ("History of partial hepatectomy", "all-of(procedure:hepatectomy, text)"),
        ("Prior distal pancreatectomy", "all-of(procedure:pancreatectomy, text)"),
        ("Recent prostatectomy", "all-of(procedure:prostatectomy, text)"),
        # One kind of pancreatectomy is narrower than any: its name stays text beside it.
        ("Prior pancreaticoduodenectomy", "all-of(procedure:pancreatectomy, text)"),
        # Another gland.
        ("Prior parathyroidectomy", "all-of(procedure:surgery, text)"),
    ],
)
def test_narrowed_named_operations_keep_their_words(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "indication for radical prostatectomy",
        "Patients undergoing total thyroidectomy",
        "Planned lumpectomy",
        "Scheduled for hepatectomy",
        "Candidates for pancreatectomy",
    ],
)
def test_a_named_operation_to_come_is_not_read(text: str) -> None:
    criterion = compile_text(text, exclusion=True)
    for concept in set(_OPERATIONS.values()):
        assert f"procedure:{concept}" not in str(signature(criterion)), text


def test_prostatectomy_against_records() -> None:
    text = "Prior prostatectomy"
    robotic = procedure("Robotic-assisted laparoscopic radical prostatectomy", "2019-01-01")
    assert _result(text, robotic) == "met"
    ralp = (
        CPT,
        "55866",
        "Laparoscopy, surgical prostatectomy, retropubic radical, including nerve sparing, "
        "includes robotic assistance, when performed",
    )
    assert _result(text, procedure("RALP", "2019-01-01", ralp)) == "met"
    assert _result(text, procedure("Cystoprostatectomy with ileal conduit", "2019-1-1")) == "met"
    # A TURP resects the prostate: whether the study counts it is not recorded.
    turp = procedure("Transurethral resection of prostate (TURP)", "2019-01-01")
    assert _result(text, turp) == "unknown"
    assert _result(text, procedure("Prostate biopsy, transrectal", "2019-01-01")) == "not-met"
    # The narrowing word is left to a reader.
    radical = "Prior radical prostatectomy"
    assert _result(radical, procedure("Simple prostatectomy", "2019-01-01")) == "unknown"
    assert _result(radical, procedure("Colonoscopy", "2019-01-01")) == "not-met"


def test_named_operations_against_records() -> None:
    thyroid = "History of thyroidectomy"
    assert _result(thyroid, procedure("Total thyroidectomy", "2019-01-01")) == "met"
    assert _result(thyroid, procedure("Right thyroid lobectomy", "2019-01-01")) == "met"
    assert _result(thyroid, procedure("Parathyroidectomy", "2019-01-01")) == "unknown"
    assert _result(thyroid, procedure("Thyroid FNA biopsy", "2019-01-01")) == "not-met"
    lung = "Prior pneumonectomy"
    assert _result(lung, procedure("Right pneumonectomy", "2019-01-01")) == "met"
    # A lobectomy takes part of a lung, not all of it.
    assert _result(lung, procedure("Right upper lobectomy", "2019-01-01")) == "unknown"
    liver = "Previous hepatectomy"
    assert _result(liver, procedure("Right hepatectomy", "2019-01-01")) == "met"
    assert _result(liver, procedure("Liver biopsy, percutaneous", "2019-01-01")) == "not-met"
    assert _result(liver, procedure("Liver transplant", "2019-01-01")) == "unknown"
    pancreas = "Prior pancreatectomy"
    whipple = procedure("Pancreaticoduodenectomy (Whipple)", "2019-01-01")
    assert _result(pancreas, whipple) == "met"
    partial = (ICD, "Z90.411", "Acquired partial absence of pancreas")
    assert _result(pancreas, condition("Acquired partial absence of pancreas", partial)) == "met"
    assert _result(pancreas, procedure("Cholecystectomy", "2019-01-01")) == "unknown"
    breast = "Prior lumpectomy"
    assert _result(breast, procedure("Partial mastectomy, left", "2019-01-01")) == "met"
    assert _result(breast, procedure("Modified radical mastectomy", "2019-01-01")) == "unknown"


def test_status_codes_of_organs_count_for_their_site() -> None:
    lung = (ICD, "Z90.2", "Acquired absence of lung [part of]")
    absent_lung = condition("Acquired absence of lung [part of]", lung)
    assert _result("Prior thoracic surgery", absent_lung) == "met"
    pancreas = (ICD, "Z90.410", "Acquired total absence of pancreas")
    absent_pancreas = condition("Acquired total absence of pancreas", pancreas)
    assert _result("Prior abdominal surgery", absent_pancreas) == "met"


def test_joint_surgery_against_records() -> None:
    knee = "Prior knee surgery"
    scope = procedure("Arthroscopy of right knee with partial medial meniscectomy", "2019-01-01")
    assert _result(knee, scope) == "met"
    assert _result(knee, procedure("ACL reconstruction, left", "2019-01-01")) == "met"
    artificial = (ICD, "Z96.651", "Presence of right artificial knee joint")
    assert _result(knee, condition("Presence of right artificial knee joint", artificial)) == "met"
    assert _result(knee, procedure("Total hip arthroplasty", "2019-01-01")) == "unknown"
    assert _result(knee, procedure("Knee joint injection", "2019-01-01")) == "not-met"
    hip = "History of hip surgery"
    assert _result(hip, procedure("ORIF of left hip", "2019-01-01")) == "met"
    assert _result(hip, procedure("Right total hip arthroplasty", "2019-01-01")) == "met"
    assert _result(hip, procedure("Knee arthroscopy", "2019-01-01")) == "unknown"
    shoulder = "Prior shoulder surgery"
    cuff = procedure("Arthroscopic rotator cuff repair, right", "2019-01-01")
    assert _result(shoulder, cuff) == "met"
    assert _result(shoulder, procedure("Shoulder injection", "2019-01-01")) == "not-met"


# ---------------------------------------------------------------- operations named by their site


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An -ectomy / -otomy word that names its site: that site, the word as text.
        ("Previous laminectomy", "all-of(procedure:spinal-surgery, text)"),
        ("Prior lumbar laminectomy", "all-of(procedure:spinal-surgery, text)"),
        ("Prior craniotomy", "all-of(procedure:brain-surgery, text)"),
        ("Prior decompressive craniectomy", "all-of(procedure:brain-surgery, text)"),
        ("Prior thoracotomy", "all-of(procedure:thoracic-surgery, text)"),
        ("Prior hemithyroidectomy", "all-of(procedure:thyroidectomy, text)"),
        # Names without such an ending.
        ("Prior spinal fusion", "all-of(procedure:spinal-surgery, text)"),
        ("History of cervical fusion", "all-of(procedure:spinal-surgery, text)"),
        ("Prior ACDF", "all-of(procedure:spinal-surgery, text)"),
        (
            "Spinal fusion within 12 months",
            "all-of(procedure:spinal-surgery:w-365,0,enrollment, text)",
        ),
        ("Previous LASIK", "all-of(procedure:eye-surgery, text)"),
        ("Prior Whipple procedure", "all-of(procedure:pancreatectomy, text)"),
        ("Prior pancreaticoduodenectomy", "all-of(procedure:pancreatectomy, text)"),
        ("Prior VATS", "all-of(procedure:thoracic-surgery, text)"),
        ("History of lung resection", "all-of(procedure:thoracic-surgery, text)"),
        # An operation with no site concept keeps the bare surgery.
        ("Prior septorhinoplasty", "all-of(procedure:surgery, text)"),
    ],
)
def test_operations_named_by_their_site(text: str, expected: str) -> None:
    assert signature(compile_text(text, exclusion=True)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Patients undergoing VATS",
        "Scheduled for spinal fusion",
        "Bone fusion",
        "Prior cell fusion",
    ],
)
def test_site_operations_to_come_or_of_no_site_are_not_read(text: str) -> None:
    criterion = compile_text(text, exclusion=True)
    assert "procedure:" not in str(signature(criterion)), text


def test_a_site_operation_against_records() -> None:
    text = "Prior spinal fusion"
    # The site is met; which operation it was is left to a reader.
    assert _result(text, procedure("Posterior lumbar fusion L4-L5", "2018-01-01")) == "unknown"
    assert _result(text, procedure("Total knee arthroplasty", "2018-01-01")) == "unknown"
    # No surgery at all rules it out, as any surgery reading.
    assert _result(text, procedure("Colonoscopy", "2018-01-01")) == "not-met"
    whipple = "Prior Whipple procedure"
    assert _result(whipple, procedure("Cholecystectomy", "2018-01-01")) == "unknown"
    assert _result(whipple, procedure("Upper endoscopy", "2018-01-01")) == "not-met"


def test_colorectal_surgery_against_records() -> None:
    text = "Prior colorectal surgery"
    assert _result(text, procedure("Laparoscopic low anterior resection", "2018-01-01")) == "met"
    assert _result(text, procedure("Right hemicolectomy", "2018-01-01")) == "met"
    colostomy = (ICD, "Z93.3", "Colostomy status")
    assert _result(text, condition("Colostomy status", colostomy)) == "met"
    # A polypectomy at colonoscopy is an endoscopy, not colorectal surgery (the word "-ectomy"
    # makes it some surgery: unknown at most).
    polyp = procedure("Colonoscopy with polypectomy", "2018-01-01")
    assert _result(text, polyp) != "met"
    assert _result(text, procedure("Colonoscopy", "2018-01-01")) == "not-met"
    assert _result(text, procedure("Laparoscopic cholecystectomy", "2018-01-01")) == "unknown"
