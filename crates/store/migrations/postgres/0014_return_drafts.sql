-- Who sent each version of a return (the account; none for the command line and the demo),
-- and drafts: an employer's changes made post by post on the worker form are kept as a draft
-- of its return (version 0, never current, so never in the figures) until the employer sends
-- it, when it becomes the next version. At most one draft per organisation and collection.
ALTER TABLE workforce_return ADD COLUMN submitted_by BIGINT REFERENCES app_user (id);
CREATE UNIQUE INDEX workforce_return_draft ON workforce_return (collection_id, organisation_id) WHERE version = 0;
