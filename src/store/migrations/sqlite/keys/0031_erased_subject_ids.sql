-- The subject ids of each erased person: messages and inbound rows name their person only
-- by subject id, so re-applying an erasure to a restored older diskret.db needs them.
CREATE TABLE erased_subject_ids (
  subject_id INTEGER PRIMARY KEY,
  tenant_id  INTEGER NOT NULL,
  erasure_id INTEGER NOT NULL
);
CREATE INDEX erased_subject_ids_erasure ON erased_subject_ids(erasure_id);
