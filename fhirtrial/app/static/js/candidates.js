// The patient's candidates on record: the ResearchSubjects this server stores for the patient
// (a referral is a $match with persist=true for one study).
import { h, replace } from "./dom.js";
import { serverRequest } from "./fhir.js";
import { VERDICT_WORDS } from "./model.js";

// The stored Patient is found by the record's identifier (as persist=true stores it).
export async function storedCandidates(patient, known, token) {
  let reference = known;
  if (!reference) {
    const identifier = (patient?.identifier || []).find((i) => i.system && i.value);
    if (!identifier) return { patient: null, subjects: [] };
    const token_ = `${identifier.system}|${identifier.value}`;
    const found = await serverRequest(`Patient?identifier=${encodeURIComponent(token_)}&_elements=id`, { token });
    const id = found.entry?.[0]?.resource?.id;
    if (!id) return { patient: null, subjects: [] };
    reference = `Patient/${id}`;
  }
  const subjects = await serverRequest(
    `ResearchSubject?subject=${encodeURIComponent(reference)}&_count=100&_sort=-_lastUpdated`,
    { token },
  );
  return { patient: reference, subjects: (subjects.entry || []).map((e) => e.resource) };
}

export function renderCandidates(list, subjects, trials) {
  if (!subjects.length) {
    replace(list, h("li", { class: "muted" }, "None yet."));
    return;
  }
  const titles = new Map(trials.map((t) => [t.studyId, t.study.title]));
  replace(
    list,
    subjects.map((subject) => {
      const study = subject.study.reference.split("/").pop();
      const verdict = subject.progress?.[0]?.subjectState?.coding?.[0]?.code;
      const when = (subject.meta?.lastUpdated || "").slice(0, 10);
      return h(
        "li",
        { "data-study": study },
        h("strong", {}, study),
        titles.get(study) ? ` — ${titles.get(study)}` : "",
        h("br"),
        h("span", { class: "muted" }, `${VERDICT_WORDS[verdict] || verdict || ""}${when ? ` · recorded ${when}` : ""}`),
      );
    }),
  );
}
