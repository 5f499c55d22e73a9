// The trial finder: which launch this is, the patient's record, its $match, and the views.
import { h, replace } from "./dom.js";
import { matchParameters, serverRequest } from "./fhir.js";
import { readMatch } from "./model.js";
import { demoPatients, demoRecord, ehrRecord, indexRecord, patientName, patientOf } from "./record.js";
import { renderCandidates, storedCandidates } from "./candidates.js";
import { fillFilterChoices, readFilters, applyFilters } from "./filters.js";
import { renderMap } from "./map.js";
import { renderTrials } from "./trials.js";

const state = {
  token: null,
  bundle: null,
  evidence: null,
  trials: [],
  patient: null,
  locations: new Map(),
  referred: new Set(),
};
const status = (text) => (document.getElementById("status").textContent = text);

async function start() {
  const params = new URLSearchParams(location.search);
  if (params.has("demo")) {
    const file = params.get("demo");
    if (file) return openRecord(await demoRecord(file));
    return showPicker();
  }
  let client;
  try {
    client = await window.FHIR.oauth2.ready();
  } catch (error) {
    status(
      "Open the trial finder from your EHR (launch.html), sign in with standalone.html, " +
        `or try the demo (?demo). (${error.message || error})`,
    );
    return;
  }
  state.token = client.state.tokenResponse?.access_token || null;
  status("Reading the patient's record from the EHR…");
  openRecord(await ehrRecord(client));
}

async function showPicker() {
  const patients = await demoPatients();
  const list = document.getElementById("picker-list");
  replace(
    list,
    patients.map((p) =>
      h(
        "li",
        {},
        h("a", { href: `?demo=${encodeURIComponent(p.file)}` }, p.name),
        ` — ${p.gender || "unknown sex"}, born ${p.birthDate || "?"}${p.summary ? `; ${p.summary}` : ""}`,
      ),
    ),
  );
  document.getElementById("picker").hidden = false;
  status("Demo mode: example patients, on a local server without authorization.");
}

async function openRecord({ bundle, skipped }) {
  state.bundle = bundle;
  state.evidence = indexRecord(bundle);
  state.patient = patientOf(bundle);
  const patient = state.patient;
  document.getElementById("patient").textContent =
    `${patientName(patient)} · ${patient?.gender || "sex unknown"} · born ${patient?.birthDate || "unknown"}`;
  status("Matching the record against the trial catalog…");
  let answer;
  try {
    answer = await serverRequest("ResearchStudy/$match", { token: state.token, method: "POST", body: matchParameters(bundle) });
  } catch (error) {
    status(`The match failed: ${error.message}`);
    return;
  }
  const { trials, notes } = readMatch(answer);
  state.trials = trials;
  const asOf = trials[0]?.asOf || new Date().toISOString().slice(0, 10);
  const said = [`Matched on ${asOf}: ${trials.length} trials assessed.`];
  document.getElementById("printed").textContent =
    `Assessed on ${asOf} by the fhirtrial trial finder against the criteria as published; ` +
    "decision support for the tumour board, to be checked against the record.";
  if (skipped.length) said.push(`Not read from the EHR: ${skipped.join(", ")}.`);
  if (notes.length) said.push(notes.join(" "));
  status(said.join(" "));
  document.getElementById("workspace").hidden = false;
  document.getElementById("print").disabled = false;
  fillFilterChoices(trials);
  await loadSites(trials);
  render();
  refreshCandidates();
}

// The nearest site's Location of every trial (public catalog data: address, contact, position).
async function loadSites(trials) {
  const ids = [...new Set(trials.map((t) => t.site?.reference).filter(Boolean))];
  const chunks = [];
  for (let i = 0; i < ids.length; i += 50) chunks.push(ids.slice(i, i + 50));
  for (const chunk of chunks) {
    const ids = chunk.map((r) => r.split("/")[1]).join(",");
    try {
      const found = await serverRequest(`Location?_id=${encodeURIComponent(ids)}&_count=50`, { token: state.token });
      for (const entry of found.entry || []) state.locations.set(`Location/${entry.resource.id}`, entry.resource);
    } catch (error) {
      status(`${document.getElementById("status").textContent} Site details unavailable: ${error.message}`);
    }
  }
}

function render() {
  const filters = readFilters();
  const shown = applyFilters(state.trials, filters, state.locations);
  document.getElementById("count").textContent =
    `${shown.length} of ${state.trials.length} trials shown, best match first.`;
  renderTrials(document.getElementById("trial-list"), shown, {
    evidence: state.evidence,
    locations: state.locations,
    referred: state.referred,
    onRefer: refer,
  });
  renderMap(document.getElementById("map"), shown, state.locations, state.patient);
}

async function refer(trial, button) {
  button.disabled = true;
  button.textContent = "Referring…";
  try {
    const answer = await serverRequest("ResearchStudy/$match", {
      token: state.token,
      method: "POST",
      body: matchParameters(state.bundle, { persist: true, study: trial.studyId }),
    });
    const stored = (answer.entry || []).find((e) => e.resource.resourceType === "ResearchSubject");
    state.storedPatient = stored?.resource.subject.reference || state.storedPatient;
    button.textContent = "Referred";
    status(`Referred to ${trial.studyId}: recorded as a candidate.`);
    await refreshCandidates();
  } catch (error) {
    button.disabled = false;
    button.textContent = "Refer";
    status(`The referral was not recorded: ${error.message}`);
  }
}

async function refreshCandidates() {
  try {
    const { patient, subjects } = await storedCandidates(state.patient, state.storedPatient, state.token);
    state.storedPatient = patient;
    renderCandidates(document.getElementById("candidates"), subjects, state.trials);
    const referred = subjects.map((s) => s.study.reference.split("/").pop());
    if (referred.some((study) => !state.referred.has(study))) {
      referred.forEach((study) => state.referred.add(study));
      render();
    }
  } catch (error) {
    replace(document.getElementById("candidates"), h("li", { class: "muted" }, `Candidates unavailable: ${error.message}`));
  }
}

document.getElementById("filters").addEventListener("input", render);
document.getElementById("filters").addEventListener("submit", (event) => event.preventDefault());
document.getElementById("print").addEventListener("click", () => window.print());

start().catch((error) => status(`Something went wrong: ${error.message || error}`));
