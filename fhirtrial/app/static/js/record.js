// The patient's record as a Bundle for $match: a shipped example (demo mode) or read from the
// EHR's FHIR server with the SMART client (EHR and standalone launch).

// What the matcher reads (fhirtrial.patient): diagnoses, findings, treatments, allergies.
const RECORD_TYPES = [
  "Condition",
  "Observation",
  "Procedure",
  "MedicationRequest",
  "MedicationStatement",
  "MedicationAdministration",
  "AllergyIntolerance",
];

export async function demoPatients() {
  const response = await fetch("demo/patients.json");
  return (await response.json()).patients;
}

export async function demoRecord(file) {
  const response = await fetch(`demo/${encodeURIComponent(file)}`);
  if (!response.ok) throw new Error(`example record ${file}: ${response.status}`);
  return { bundle: await response.json(), skipped: [] };
}

// Every resource of the launch patient the EHR lets us read; a type the EHR refuses or does
// not serve is left out and named (the matcher then says what it could not decide).
export async function ehrRecord(client) {
  const patient = await client.patient.read();
  const base = client.state.serverUrl.replace(/\/$/, "");
  const entries = [{ fullUrl: `${base}/Patient/${patient.id}`, resource: patient }];
  const skipped = [];
  for (const type of RECORD_TYPES) {
    try {
      const found = await client.request(`${type}?patient=${encodeURIComponent(patient.id)}`, {
        pageLimit: 0,
        flat: true,
      });
      for (const resource of found || []) {
        if (resource && resource.resourceType === type) {
          entries.push({ fullUrl: `${base}/${type}/${resource.id}`, resource });
        }
      }
    } catch (error) {
      skipped.push(`${type} (${error.message || error})`);
    }
  }
  return { bundle: { resourceType: "Bundle", type: "collection", entry: entries }, skipped };
}

export function patientOf(bundle) {
  const entry = (bundle.entry || []).find((e) => e.resource?.resourceType === "Patient");
  return entry ? entry.resource : null;
}

// Evidence references ("Condition/x", "urn:uuid:…") → the resource in the record.
export function indexRecord(bundle) {
  const byReference = new Map();
  for (const entry of bundle.entry || []) {
    const resource = entry.resource;
    if (!resource) continue;
    if (entry.fullUrl) byReference.set(entry.fullUrl, resource);
    if (resource.id) byReference.set(`${resource.resourceType}/${resource.id}`, resource);
  }
  return byReference;
}

export function patientName(patient) {
  const name = (patient?.name || [])[0];
  if (!name) return "Unnamed patient";
  if (name.text) return name.text;
  return [...(name.given || []), name.family].filter(Boolean).join(" ");
}

// One line for a piece of evidence: what it is, its value, and its date.
export function describeEvidence(resource) {
  const kind = resource.resourceType;
  if (kind === "Patient") {
    return { what: "Patient demographics", when: resource.birthDate ? `born ${resource.birthDate}` : "" };
  }
  const concept =
    resource.code || resource.medicationCodeableConcept || resource.medication?.concept || {};
  let what = concept.text || concept.coding?.[0]?.display || concept.coding?.[0]?.code || kind;
  const value = resource.valueQuantity
    ? `${resource.valueQuantity.value} ${resource.valueQuantity.unit || resource.valueQuantity.code || ""}`
    : resource.valueCodeableConcept?.text || resource.valueCodeableConcept?.coding?.[0]?.display;
  if (value) what += `: ${value.trim()}`;
  const when =
    resource.effectiveDateTime ||
    resource.effectivePeriod?.start ||
    resource.onsetDateTime ||
    resource.recordedDate ||
    resource.performedDateTime ||
    resource.performedPeriod?.start ||
    resource.occurrenceDateTime ||
    resource.authoredOn ||
    resource.issued ||
    "";
  return { what: `${kind}: ${what}`, when: when ? when.slice(0, 10) : "" };
}
