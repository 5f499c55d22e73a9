// Standalone launch: the user names the FHIR server; it asks them to pick the patient
// (scope launch/patient) and index.html receives the code.
import { authorize } from "./smart.js";

document.getElementById("standalone").addEventListener("submit", (event) => {
  event.preventDefault();
  const iss = new FormData(event.target).get("iss");
  document.getElementById("status").textContent = "Connecting…";
  authorize({ iss }).catch((error) => {
    document.getElementById("status").textContent = `Could not connect: ${error.message || error}`;
  });
});
