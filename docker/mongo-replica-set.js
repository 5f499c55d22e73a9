// Healthcheck of the `mongo` service (docker-compose.yml), run with mongosh every few seconds.
// Initiates the single-node replica set rs0 the first time (idempotent: later runs find it
// initiated) and reports healthy only once this node is the writable primary, so fhirtrial,
// which waits for `service_healthy`, starts against a database that accepts transactions.
try {
  rs.status();
} catch (error) {
  if (error.codeName !== "NotYetInitialized") {
    throw error;
  }
  rs.initiate({ _id: "rs0", members: [{ _id: 0, host: "mongo:27017" }] });
}
if (!db.hello().isWritablePrimary) {
  print("replica set rs0 has no writable primary yet");
  quit(1);
}
