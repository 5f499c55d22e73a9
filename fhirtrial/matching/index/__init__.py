"""The match index: one compact document per ResearchStudy, for selecting candidate studies.

Collection `_match_index`, one document per study:

    {_id: <ResearchStudy id>, rs_v, ev, ev_v, loc_v: {<Location id>: v}, loc_ids,
     status: [CT.gov overallStatus], phase: [HL7 phase codes], dx: [concept ids or "*"],
     age_lo, age_hi, sex, sites: [[lat, lon]] (open sites), groups: [comparisonGroup],
     cond_text, cond_codes, cond_concepts, sig}

- `documents`: building one study's entry from its ResearchStudy, EvidenceVariable and Locations.
- `collection`: the collection's own indexes, and writing entries built from the store.
- `sync`: before every `$match`, bringing the index up to date with any writer (REST
  create/update/delete of ResearchStudy, EvidenceVariable or Location): the three collections are
  asked for versions written since the last settled moment (`lu` is indexed), compared with the
  versions the index was built from, and what differs is re-indexed. `rebuild_index` drops and
  rebuilds everything.
- `settle`: the importer's hook, which indexes each batch it wrote and moves the settled moment
  past it when nothing else was written in between.
- `mirror`: each process queries its in-memory mirror of the collection, refreshed by the sync.
- `state`: the per-process part (mirror, settled moment, lock), held by a
  `matching.service.MatchService`.
"""
