"""FHIR R5 topic-based Subscriptions, rest-hook channel (docs/adr/0021).

`records` is what the worker keeps in MongoDB (per-Subscription state, the event queue, the
dispatch checkpoint, leases); `filters` whether a ResearchSubject concerns a Subscription;
`dispatch` turns ResearchSubject versions written since its checkpoint, by any writer, into
numbered events; `notifications` builds the `subscription-notification` Bundles and the
SubscriptionStatus; `endpoint` posts them (address policy, headers, timeout); `delivery`
handshakes, delivers, retries with backoff and gives up into `error`; `worker` runs it all
periodically in the server.
"""
