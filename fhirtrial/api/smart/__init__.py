"""SMART authorization over HTTP: the gate, the handler guards, the token endpoint, discovery."""
