"""On PostgreSQL the database itself keeps the ledger honest:

* an entry whose lines do not sum to zero per currency, that has fewer than two lines,
  or whose line is in another currency than its account, is refused at commit (deferred
  constraint triggers, so an entry and its lines can be inserted in any order);
* lines can be added to an entry only in the transaction that posted it (the entry
  records that transaction's id in a column the application never writes);
* posted entries and lines cannot be updated, deleted or truncated.
"""

from django.db import migrations

FORWARD = r"""
ALTER TABLE payments_journalentry ADD COLUMN posted_xact xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE OR REPLACE FUNCTION payments_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payments_journalentry_append_only
    BEFORE UPDATE OR DELETE ON payments_journalentry
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only();
CREATE TRIGGER payments_journalline_append_only
    BEFORE UPDATE OR DELETE ON payments_journalline
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only();
CREATE TRIGGER payments_journalentry_no_truncate
    BEFORE TRUNCATE ON payments_journalentry
    FOR EACH STATEMENT EXECUTE FUNCTION payments_ledger_append_only();
CREATE TRIGGER payments_journalline_no_truncate
    BEFORE TRUNCATE ON payments_journalline
    FOR EACH STATEMENT EXECUTE FUNCTION payments_ledger_append_only();

CREATE OR REPLACE FUNCTION payments_journalline_same_transaction() RETURNS trigger AS $$
BEGIN
    IF (SELECT posted_xact FROM payments_journalentry WHERE id = NEW.entry_id)
            IS DISTINCT FROM pg_current_xact_id() THEN
        RAISE EXCEPTION 'journal entry % is posted: lines cannot be added to it', NEW.entry_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER payments_journalline_same_transaction
    BEFORE INSERT ON payments_journalline
    FOR EACH ROW EXECUTE FUNCTION payments_journalline_same_transaction();

CREATE OR REPLACE FUNCTION payments_journalentry_balanced() RETURNS trigger AS $$
DECLARE
    entry bigint;
    wrong record;
BEGIN
    IF TG_TABLE_NAME = 'payments_journalline' THEN
        entry := NEW.entry_id;
    ELSE
        entry := NEW.id;
    END IF;
    IF (SELECT count(*) FROM payments_journalline WHERE entry_id = entry) < 2 THEN
        RAISE EXCEPTION 'journal entry % has fewer than two lines', entry
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT l.currency, sum(l.amount) AS total INTO wrong
        FROM payments_journalline l WHERE l.entry_id = entry
        GROUP BY l.currency HAVING sum(l.amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance: % %', entry, wrong.total, wrong.currency
            USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM payments_journalline l
               JOIN payments_ledgeraccount a ON a.id = l.account_id
               WHERE l.entry_id = entry AND l.currency <> a.currency) THEN
        RAISE EXCEPTION 'journal entry % posts to an account in another currency', entry
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER payments_journalline_balanced
    AFTER INSERT ON payments_journalline
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payments_journalentry_balanced();
CREATE CONSTRAINT TRIGGER payments_journalentry_balanced
    AFTER INSERT ON payments_journalentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payments_journalentry_balanced();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS payments_journalentry_balanced ON payments_journalentry;
DROP TRIGGER IF EXISTS payments_journalline_balanced ON payments_journalline;
DROP FUNCTION IF EXISTS payments_journalentry_balanced();
DROP TRIGGER IF EXISTS payments_journalline_same_transaction ON payments_journalline;
DROP FUNCTION IF EXISTS payments_journalline_same_transaction();
DROP TRIGGER IF EXISTS payments_journalline_no_truncate ON payments_journalline;
DROP TRIGGER IF EXISTS payments_journalentry_no_truncate ON payments_journalentry;
DROP TRIGGER IF EXISTS payments_journalline_append_only ON payments_journalline;
DROP TRIGGER IF EXISTS payments_journalentry_append_only ON payments_journalentry;
DROP FUNCTION IF EXISTS payments_ledger_append_only();
ALTER TABLE payments_journalentry DROP COLUMN IF EXISTS posted_xact;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
