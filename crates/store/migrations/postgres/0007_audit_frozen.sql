-- Storage only (compared by name, not content): the audit log cannot be changed or deleted
-- through the database connection cws uses, written in each database's own dialect.
CREATE FUNCTION audit_event_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log cannot be changed';
END
$$;
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_frozen();
