// The $match answer (a searchset of ResearchSubjects with the eligibility-assessment extension,
// and the matched ResearchStudies) as the trials the app lists.

const ASSESSMENT = "https://fhirtrial.org/fhir/StructureDefinition/eligibility-assessment";

export const VERDICT_WORDS = {
  eligible: "Eligible",
  "potential-candidate": "Possibly eligible",
  ineligible: "Not eligible",
};

function parts(extension, url) {
  return (extension.extension || []).filter((p) => p.url === url);
}

function value(part) {
  if (!part) return undefined;
  const key = Object.keys(part).find((k) => k.startsWith("value"));
  return key ? part[key] : undefined;
}

function one(extension, url) {
  return value(parts(extension, url)[0]);
}

function readCriterion(part) {
  return {
    linkId: one(part, "linkId"),
    text: one(part, "text") || one(part, "linkId"),
    result: one(part, "result"),
    reason: one(part, "reason") || "",
    exclude: one(part, "exclude") === true,
    cohort: one(part, "cohort") || null,
    evidence: parts(part, "evidence").map((p) => value(p).reference),
  };
}

// In the patient's favour: an inclusion criterion met, an exclusion criterion not met.
export function standing(criterion) {
  if (criterion.result === "unknown") return "unknown";
  if (criterion.result === "not-applicable") return "not-applicable";
  const favourable = criterion.result === (criterion.exclude ? "not-met" : "met");
  return favourable ? "met" : "not-met";
}

export function readMatch(bundle) {
  const studies = new Map();
  const subjects = [];
  const notes = [];
  for (const entry of bundle.entry || []) {
    const resource = entry.resource;
    if (resource.resourceType === "ResearchStudy") studies.set(resource.id, resource);
    else if (resource.resourceType === "ResearchSubject") subjects.push([resource, entry]);
    else if (resource.resourceType === "OperationOutcome") {
      for (const issue of resource.issue || []) if (issue.diagnostics) notes.push(issue.diagnostics);
    }
  }
  const trials = subjects.map(([subject, entry]) => {
    const extension = (subject.extension || []).find((e) => e.url === ASSESSMENT) || {};
    const studyId = subject.study.reference.split("/").pop();
    const study = studies.get(studyId) || { id: studyId };
    const verdict = subject.progress?.[0]?.subjectState?.coding?.[0]?.code || "potential-candidate";
    return {
      studyId,
      study,
      subject,
      verdict,
      score: entry.search?.score ?? one(extension, "score") ?? 0,
      asOf: one(extension, "asOf"),
      distance: one(extension, "distance")?.value ?? null,
      site: one(extension, "site") || null,
      summary: one(extension, "summary") || "",
      note: one(extension, "note") || "",
      criteria: parts(extension, "criterion").map(readCriterion),
      cohorts: parts(extension, "cohort").map((c) => ({
        linkId: one(c, "linkId"),
        name: one(c, "name"),
        verdict: one(c, "verdict"),
      })),
    };
  });
  return { trials, notes };
}

export function studyPhase(study) {
  return study.phase?.text || study.phase?.coding?.[0]?.display || "Not applicable";
}

export function studyStatus(study) {
  const current = (study.progressStatus || []).find((p) =>
    p.state?.coding?.some((c) => c.system === "http://hl7.org/fhir/research-study-status"),
  );
  return current?.state?.text || study.status || "unknown";
}

export function studyConditions(study) {
  return (study.condition || []).map((c) => c.text || c.coding?.[0]?.display).filter(Boolean);
}

// The study's recruitment contact (central contacts are contained Practitioners).
export function studyContact(study) {
  for (const party of study.associatedParty || []) {
    const recruiting = party.role?.coding?.some((c) => c.code === "recruitment-contact");
    if (!recruiting) continue;
    const ref = party.party?.reference;
    const contained = ref?.startsWith("#")
      ? (study.contained || []).find((r) => r.id === ref.slice(1))
      : null;
    return { name: party.name || contained?.name?.[0]?.text, telecom: contained?.telecom || [] };
  }
  return null;
}

// Top-level criteria with their parts nested (linkIds "inc-4-p1" are parts of "inc-4").
export function criteriaTree(criteria) {
  const roots = [];
  const byId = new Map();
  for (const criterion of criteria) {
    const cut = criterion.linkId.lastIndexOf("-p");
    const parent = cut > 0 ? byId.get(criterion.linkId.slice(0, cut)) : undefined;
    // The parts of an exclusion criterion describe what would exclude the patient too.
    const node = { ...criterion, exclude: criterion.exclude || Boolean(parent?.exclude), children: [] };
    byId.set(criterion.linkId, node);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

const ORDER = { unknown: 0, "not-met": 1, met: 2, "not-applicable": 3 };

// Grouped by cohort (criteria of every participant first), unknown criteria first in each group.
export function checklistGroups(trial) {
  const names = new Map(
    (trial.study.comparisonGroup || []).map((g) => [g.linkId, g.name || g.linkId]),
  );
  const groups = new Map();
  for (const node of criteriaTree(trial.criteria)) {
    const key = node.cohort || "";
    if (!groups.has(key)) {
      groups.set(key, {
        title: key ? `Cohort: ${names.get(key) || key}` : "All participants",
        items: [],
      });
    }
    groups.get(key).items.push(node);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : 0));
  for (const [, group] of ordered) {
    group.items.sort((a, b) => ORDER[standing(a)] - ORDER[standing(b)]);
  }
  return ordered.map(([, group]) => group);
}
