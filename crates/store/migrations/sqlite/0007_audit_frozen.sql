-- Storage only (compared by name, not content): the audit log cannot be changed or deleted
-- through the database connection cws uses, written in each database's own dialect.
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'the audit log cannot be changed');
END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'the audit log cannot be changed');
END;
