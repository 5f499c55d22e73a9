// A map of the nearest sites drawn as SVG, placed by latitude and longitude around the patient
// (no tile server: the app works offline and sends no location to a third party).
import { h, replace } from "./dom.js";

const WIDTH = 640;
const HEIGHT = 360;
const PAD = 48;
const MILES_PER_DEGREE = 69.0;
const GEOLOCATION = "http://hl7.org/fhir/StructureDefinition/geolocation";

export function patientPosition(patient) {
  for (const address of patient?.address || []) {
    const geo = (address.extension || []).find((e) => e.url === GEOLOCATION);
    const part = (name) => geo?.extension?.find((e) => e.url === name)?.valueDecimal;
    if (typeof part("latitude") === "number" && typeof part("longitude") === "number") {
      return { latitude: part("latitude"), longitude: part("longitude") };
    }
  }
  return null;
}

export function renderMap(container, trials, locations, patient) {
  const sites = [];
  for (const trial of trials) {
    const location = trial.site ? locations.get(trial.site.reference) : null;
    const position = location?.position;
    if (typeof position?.latitude === "number" && typeof position?.longitude === "number") {
      sites.push({ trial, location, latitude: position.latitude, longitude: position.longitude });
    }
  }
  if (!sites.length) {
    replace(container, h("p", { class: "muted" }, "No site with a known position among the trials shown."));
    return;
  }
  const home = patientPosition(patient);
  const points = home ? [home, ...sites] : sites;
  const lat0 = home ? home.latitude : mean(points.map((p) => p.latitude));
  const lon0 = home ? home.longitude : mean(points.map((p) => p.longitude));
  const squeeze = Math.cos((lat0 * Math.PI) / 180);
  const project = (p) => [(p.longitude - lon0) * squeeze, -(p.latitude - lat0)];
  const projected = points.map(project);
  const span = Math.max(
    0.5,
    ...projected.map(([x]) => Math.abs(x) * 2),
    ...projected.map(([, y]) => Math.abs(y) * 2 * (WIDTH / HEIGHT)),
  );
  const scale = (WIDTH - 2 * PAD) / span;
  const at = (p) => {
    const [x, y] = project(p);
    return [WIDTH / 2 + x * scale, HEIGHT / 2 + y * scale];
  };
  const rings = [];
  if (home) {
    for (const miles of [25, 100, 500, 2000]) {
      const radius = (miles / MILES_PER_DEGREE) * scale;
      if (radius < 12 || radius > WIDTH) continue;
      rings.push(
        h("circle", { cx: WIDTH / 2, cy: HEIGHT / 2, r: radius.toFixed(1), class: "ring" }),
        h("text", { x: WIDTH / 2 + 4, y: (HEIGHT / 2 - radius + 12).toFixed(1), class: "ring-label" }, `${miles} mi`),
      );
    }
  }
  const marks = sites.map((site, index) => {
    const [x, y] = at(site);
    const name = site.location.name || site.trial.site.display || "site";
    return h(
      "g",
      { class: `site-mark verdict-${site.trial.verdict}` },
      h("title", {}, `${site.trial.studyId}: ${name}`),
      h("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 6 }),
      h("text", { x: (x + 9).toFixed(1), y: (y + 4 + (index % 2) * 12).toFixed(1) }, `${index + 1}. ${short(name)}`),
    );
  });
  const homeMark = home
    ? h(
        "g",
        { class: "home-mark" },
        h("rect", { x: WIDTH / 2 - 6, y: HEIGHT / 2 - 6, width: 12, height: 12 }),
        h("text", { x: WIDTH / 2 + 10, y: HEIGHT / 2 - 8 }, "Patient"),
      )
    : null;
  const svg = h(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-labelledby": "map-svg-title", class: "map" },
    h("title", { id: "map-svg-title" }, home ? "Nearest sites around the patient's home" : "Nearest sites"),
    h("rect", { x: 0, y: 0, width: WIDTH, height: HEIGHT, class: "sea" }),
    rings,
    marks,
    homeMark,
  );
  const legend = h(
    "ol",
    { class: "map-legend" },
    sites.map((site) =>
      h(
        "li",
        {},
        `${site.location.name || "site"} — ${site.trial.studyId}`,
        site.trial.distance !== null ? ` (${site.trial.distance} miles)` : "",
      ),
    ),
  );
  replace(
    container,
    svg,
    home ? null : h("p", { class: "muted" }, "The record has no geolocated address: sites are shown relative to each other."),
    legend,
  );
}

function mean(values) {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function short(text) {
  return text.length > 28 ? `${text.slice(0, 27)}…` : text;
}
