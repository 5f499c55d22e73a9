// EHR launch: the EHR opens launch.html?iss=…&launch=…; the SMART client reads both, discovers
// the EHR's authorization endpoints and sends the user there; index.html receives the code.
import { authorize } from "./smart.js";

authorize({}).catch((error) => {
  document.getElementById("status").textContent = `The launch failed: ${error.message || error}`;
});
