// The ranked trials: verdict in words, score, nearest site with distance and contact, and a
// criteria checklist per trial (grouped by cohort, unknown criteria first).
import { h, replace } from "./dom.js";
import { describeEvidence } from "./record.js";
import {
  VERDICT_WORDS,
  checklistGroups,
  standing,
  studyConditions,
  studyContact,
  studyPhase,
  studyStatus,
} from "./model.js";

const STANDING_WORDS = { met: "Met", "not-met": "Not met", unknown: "Unknown", "not-applicable": "Not applicable" };
// An exclusion is "met" (in the patient's favour) when it does not apply.
const EXCLUSION_NOTE = {
  met: " (does not apply)",
  "not-met": " (applies)",
  unknown: "",
  "not-applicable": "",
};
const STANDING_MARKS = { met: "✓", "not-met": "✗", unknown: "?", "not-applicable": "–" };

export function renderTrials(list, trials, context) {
  if (!trials.length) {
    replace(list, h("li", { class: "muted" }, "No trial matches these filters."));
    return;
  }
  replace(list, trials.map((trial, index) => trialCard(trial, index + 1, context)));
}

function trialCard(trial, rank, { evidence, locations, referred, onRefer }) {
  const id = trial.studyId;
  const checklistId = `checklist-${id}`;
  const titleId = `title-${id}`;
  const checklist = h("div", { id: checklistId, class: "checklist", hidden: true }, checklistView(trial, evidence));
  const toggle = h(
    "button",
    { type: "button", class: "toggle no-print", "aria-expanded": "false", "aria-controls": checklistId },
    "Show criteria checklist",
  );
  toggle.addEventListener("click", () => {
    const open = checklist.hidden;
    checklist.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "Hide criteria checklist" : "Show criteria checklist";
  });
  const done = referred.has(id);
  const refer = h("button", { type: "button", class: "refer no-print", disabled: done }, done ? "Referred" : "Refer");
  refer.addEventListener("click", () => onRefer(trial, refer));
  const counts = countStandings(trial.criteria);
  return h(
    "li",
    { class: `trial verdict-${trial.verdict}`, "data-study": id },
    h(
      "article",
      { "aria-labelledby": titleId },
      h("h3", { id: titleId }, h("span", { class: "rank" }, `${rank}. `), trial.study.title || id),
      h(
        "p",
        { class: "meta" },
        [id, studyPhase(trial.study), studyStatus(trial.study), ...studyConditions(trial.study).slice(0, 3)].join(" · "),
      ),
      h(
        "p",
        { class: "verdict-line" },
        h("span", { class: `badge badge-${trial.verdict}` }, VERDICT_WORDS[trial.verdict] || trial.verdict),
        " ",
        h("span", { class: "score" }, `Score ${Math.round(trial.score * 100)}%`),
        h("span", { class: "counts" }, ` · ${counts.met} met, ${counts["not-met"]} not met, ${counts.unknown} to check`),
      ),
      trial.summary ? h("p", { class: "summary" }, trial.summary) : null,
      siteView(trial, locations),
      h("div", { class: "buttons" }, toggle, refer),
      checklist,
    ),
  );
}

function countStandings(criteria) {
  const counts = { met: 0, "not-met": 0, unknown: 0, "not-applicable": 0 };
  for (const c of criteria) if (!/-p\d+$/.test(c.linkId)) counts[standing(c)] += 1;
  return counts;
}

function siteView(trial, locations) {
  const contact = studyContact(trial.study);
  const location = trial.site ? locations.get(trial.site.reference) : null;
  const parts = [];
  if (trial.site) {
    const where = location?.address?.text || location?.address?.city || "";
    parts.push(
      h("strong", {}, "Nearest recruiting site: "),
      trial.site.display || location?.name || trial.site.reference,
      where ? ` (${where})` : "",
      trial.distance !== null ? ` — ${trial.distance} miles` : "",
    );
  } else if (trial.distance === null) {
    parts.push(h("strong", {}, "Nearest site: "), "distance unknown (no patient location, or no site with a position)");
  }
  const telecom = [...(location?.contact?.flatMap((c) => c.telecom || []) || []), ...(contact?.telecom || [])];
  const contactLine = telecom.length
    ? h(
        "span",
        { class: "contact" },
        h("br"),
        h("strong", {}, "Contact: "),
        contact?.name && !location?.contact?.length ? `${contact.name} — ` : "",
        telecom.slice(0, 2).map((t, i) => [
          i ? " · " : "",
          t.system === "email" ? h("a", { href: `mailto:${t.value}` }, t.value) : t.value,
        ]),
      )
    : null;
  return h("p", { class: "site" }, parts, contactLine);
}

function checklistView(trial, evidence) {
  const groups = checklistGroups(trial);
  if (!groups.length) return h("p", {}, trial.note || "No criteria were assessed.");
  return groups.map((group) =>
    h(
      "section",
      { class: "group" },
      h("h4", {}, group.title),
      h("ul", { class: "criteria" }, group.items.map((node) => criterionView(node, evidence))),
    ),
  );
}

function criterionView(node, evidence) {
  const where = standing(node);
  return h(
    "li",
    { class: `criterion standing-${where}`, "data-standing": where },
    h(
      "p",
      { class: "criterion-head" },
      h("span", { class: "mark", "aria-hidden": "true" }, STANDING_MARKS[where]),
      h("span", { class: "standing" }, `${STANDING_WORDS[where]}${node.exclude ? EXCLUSION_NOTE[where] : ""}: `),
      node.exclude ? h("em", {}, "Exclusion — ") : null,
      h("span", { class: "text" }, node.text),
    ),
    node.reason ? h("p", { class: "reason" }, `Why: ${node.reason}`) : null,
    node.evidence.length
      ? h(
          "ul",
          { class: "evidence", "aria-label": "Patient data that decided it" },
          evidenceLines(node.evidence, evidence).map(({ what, when }) =>
            h("li", {}, what, when ? h("span", { class: "date" }, ` (${when})`) : ""),
          ),
        )
      : null,
    node.children.length ? h("ul", { class: "criteria parts" }, node.children.map((c) => criterionView(c, evidence))) : null,
  );
}

// One line per distinct piece of data (records often repeat a diagnosis under several ids).
function evidenceLines(references, evidence) {
  const lines = new Map();
  for (const reference of references) {
    const resource = evidence.get(reference);
    const line = resource ? describeEvidence(resource) : { what: reference, when: "" };
    lines.set(`${line.what}|${line.when}`, line);
  }
  return [...lines.values()];
}
