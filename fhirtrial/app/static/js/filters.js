// Filters over the matched trials (phase, recruitment status, distance, condition), applied in
// the page: the match already holds every assessed trial.
import { h } from "./dom.js";
import { studyConditions, studyPhase, studyStatus } from "./model.js";

export function fillFilterChoices(trials) {
  fill("f-phase", [...new Set(trials.map((t) => studyPhase(t.study)))].sort());
  fill("f-status", [...new Set(trials.map((t) => studyStatus(t.study)))].sort());
}

function fill(id, values) {
  const select = document.getElementById(id);
  const first = select.options[0];
  select.replaceChildren(first, ...values.map((v) => h("option", { value: v }, v)));
}

export function readFilters() {
  const form = new FormData(document.getElementById("filters"));
  const distance = form.get("distance");
  return {
    phase: form.get("phase") || "",
    status: form.get("status") || "",
    distance: distance === "" || distance === null ? null : Number(distance),
    condition: String(form.get("condition") || "").trim().toLowerCase(),
    ineligible: form.get("ineligible") === "on",
  };
}

export function applyFilters(trials, filters) {
  return trials.filter((trial) => {
    if (!filters.ineligible && trial.verdict === "ineligible") return false;
    if (filters.phase && studyPhase(trial.study) !== filters.phase) return false;
    if (filters.status && studyStatus(trial.study) !== filters.status) return false;
    if (filters.distance !== null && !(trial.distance !== null && trial.distance <= filters.distance)) return false;
    if (filters.condition) {
      const words = [...studyConditions(trial.study), trial.study.title || ""].join(" ").toLowerCase();
      if (!words.includes(filters.condition)) return false;
    }
    return true;
  });
}
