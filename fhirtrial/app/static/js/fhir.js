// Calls to this server (the matcher): same origin, with the SMART access token when launched
// from an EHR, without one in demo mode (the demo server runs with authorization off).

export const serverBase = new URL("..", document.baseURI).href.replace(/\/$/, "");

export class ServerError extends Error {}

export async function serverRequest(path, { token, method = "GET", body } = {}) {
  const headers = { Accept: "application/fhir+json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/fhir+json";
  const response = await fetch(`${serverBase}/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const issues = (json && json.issue) || [];
    const said = issues.map((i) => i.diagnostics || i.details?.text).filter(Boolean).join("; ");
    throw new ServerError(`${response.status}: ${said || response.statusText}`);
  }
  return json;
}

export function matchParameters(bundle, { persist = false, study } = {}) {
  const parameter = [
    { name: "patient", resource: bundle },
    { name: "includeIneligible", valueBoolean: true },
    { name: "count", valueInteger: 100 },
  ];
  if (persist) parameter.push({ name: "persist", valueBoolean: true });
  if (study) parameter.push({ name: "study", valueReference: { reference: `ResearchStudy/${study}` } });
  return { resourceType: "Parameters", parameter };
}
