// The SMART launch settings this server publishes (/app/config.json: client id, scopes).
export async function authorize({ iss }) {
  const config = await (await fetch("config.json")).json();
  const options = {
    clientId: config.clientId,
    scope: config.scope,
    redirectUri: new URL("./", document.baseURI).href,
  };
  if (iss) options.iss = iss;
  return window.FHIR.oauth2.authorize(options);
}
