"""Signed checkpoints (AuditCheckpoint, AuditCheckpointLeaf) and, on PostgreSQL, the
triggers that make the audit tables survive their own database's application role:

* TRUNCATE of any audit table is refused (a statement trigger: row triggers never see
  a TRUNCATE), for the owner too;
* a stream head is never deleted, starts at #0, and an UPDATE may only advance it by one,
  to the newest event of its stream, whose ``prev_hash`` is the old head;
* checkpoints and their leaves are append-only; a checkpoint must follow the newest one
  and name its hash, and leaves are only added to the newest checkpoint.

The functions pin their search_path (pg_temp last) so that a role allowed to create
temporary tables cannot shadow ``core_auditevent`` for the trigger. SQLite (the embedded
demo) gets the tables only, like migration 0002.
"""

import django.db.models.deletion
from django.db import migrations, models

AUDIT_TABLES = ("core_auditevent", "core_auditstream", "core_auditcheckpoint",
                "core_auditcheckpointleaf")

FUNCTIONS = """
CREATE OR REPLACE FUNCTION core_audit_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit table % cannot be truncated', TG_TABLE_NAME;
END;
$$;

CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME;
END;
$$;

CREATE OR REPLACE FUNCTION core_auditstream_advance_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, {schema}, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit stream heads cannot be deleted (stream %)', OLD.name;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.last_seq <> 0 OR NEW.head_hash <> repeat('0', 64) THEN
            RAISE EXCEPTION 'a new audit stream head starts at #0 (stream %)', NEW.name;
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.name <> OLD.name THEN
        RAISE EXCEPTION 'an audit stream head cannot be renamed (stream %)', OLD.name;
    END IF;
    IF NEW.last_seq = OLD.last_seq AND NEW.head_hash = OLD.head_hash THEN
        RETURN NEW;
    END IF;
    IF NEW.last_seq <> OLD.last_seq + 1
       OR NOT EXISTS (
           SELECT 1 FROM core_auditevent e
           WHERE e.stream = NEW.name AND e.seq = NEW.last_seq
             AND e.hash = NEW.head_hash AND e.prev_hash = OLD.head_hash)
       OR EXISTS (
           SELECT 1 FROM core_auditevent e WHERE e.stream = NEW.name AND e.seq > NEW.last_seq)
    THEN
        RAISE EXCEPTION 'audit stream head % may only advance by one, to its newest event '
                        '(#% -> #%)', OLD.name, OLD.last_seq, NEW.last_seq;
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION core_auditcheckpoint_chained() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, {schema}, pg_temp AS $$
DECLARE
    last_number bigint := 0;
    last_hash varchar := repeat('0', 64);
BEGIN
    SELECT c.number, c.hash INTO last_number, last_hash
    FROM core_auditcheckpoint c ORDER BY c.number DESC LIMIT 1;
    IF NOT FOUND THEN
        last_number := 0;
        last_hash := repeat('0', 64);
    END IF;
    IF NEW.number <> last_number + 1 OR NEW.prev_hash <> last_hash THEN
        RAISE EXCEPTION 'audit checkpoint #% must follow checkpoint #% and name its hash',
            NEW.number, last_number;
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION core_auditcheckpointleaf_newest() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, {schema}, pg_temp AS $$
BEGIN
    -- once per statement over its new rows: the first checkpoint of a large log adds a
    -- leaf per stream in one COPY
    IF EXISTS (
        SELECT 1 FROM added_leaves a
        WHERE a.checkpoint_id IS DISTINCT FROM (SELECT max(c.number) FROM core_auditcheckpoint c)
    ) THEN
        RAISE EXCEPTION 'audit checkpoint leaves are added to the newest checkpoint only';
    END IF;
    RETURN NULL;
END;
$$;
"""

TRIGGERS = """
CREATE TRIGGER core_auditstream_advance_only
    BEFORE INSERT OR UPDATE OR DELETE ON core_auditstream
    FOR EACH ROW EXECUTE FUNCTION core_auditstream_advance_only();
CREATE TRIGGER core_audit_append_only
    BEFORE UPDATE OR DELETE ON core_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION core_audit_append_only();
CREATE TRIGGER core_audit_append_only
    BEFORE UPDATE OR DELETE ON core_auditcheckpointleaf
    FOR EACH ROW EXECUTE FUNCTION core_audit_append_only();
CREATE TRIGGER core_auditcheckpoint_chained
    BEFORE INSERT ON core_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION core_auditcheckpoint_chained();
CREATE TRIGGER core_auditcheckpointleaf_newest
    AFTER INSERT ON core_auditcheckpointleaf REFERENCING NEW TABLE AS added_leaves
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditcheckpointleaf_newest();
""" + "".join(
    f"CREATE TRIGGER core_audit_refuse_truncate BEFORE TRUNCATE ON {table}\n"
    "    FOR EACH STATEMENT EXECUTE FUNCTION core_audit_refuse_truncate();\n"
    for table in AUDIT_TABLES
)

BACKWARD = "".join(
    f"DROP TRIGGER IF EXISTS core_audit_refuse_truncate ON {table};\n" for table in AUDIT_TABLES
) + """
DROP TRIGGER IF EXISTS core_auditstream_advance_only ON core_auditstream;
DROP TRIGGER IF EXISTS core_audit_append_only ON core_auditcheckpoint;
DROP TRIGGER IF EXISTS core_audit_append_only ON core_auditcheckpointleaf;
DROP TRIGGER IF EXISTS core_auditcheckpoint_chained ON core_auditcheckpoint;
DROP TRIGGER IF EXISTS core_auditcheckpointleaf_newest ON core_auditcheckpointleaf;
DROP FUNCTION IF EXISTS core_audit_refuse_truncate();
DROP FUNCTION IF EXISTS core_audit_append_only();
DROP FUNCTION IF EXISTS core_auditstream_advance_only();
DROP FUNCTION IF EXISTS core_auditcheckpoint_chained();
DROP FUNCTION IF EXISTS core_auditcheckpointleaf_newest();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        schema = cursor.fetchone()[0]
    schema_editor.execute(FUNCTIONS.format(schema=schema), None)
    schema_editor.execute(TRIGGERS, None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, None)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_outbox'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('number', models.PositiveBigIntegerField(primary_key=True, serialize=False, verbose_name='number')),
                ('created_at', models.DateTimeField(verbose_name='time')),
                ('tree_size', models.PositiveBigIntegerField(verbose_name='streams')),
                ('event_count', models.PositiveBigIntegerField(verbose_name='events')),
                ('root_hash', models.CharField(max_length=64, verbose_name='root hash')),
                ('prev_hash', models.CharField(max_length=64, verbose_name='previous checkpoint hash')),
                ('hash', models.CharField(max_length=64, unique=True, verbose_name='hash')),
                ('key_id', models.CharField(max_length=64, verbose_name='key id')),
                ('signature', models.CharField(max_length=128, verbose_name='signature')),
                ('statement', models.TextField(verbose_name='signed statement')),
            ],
            options={
                'verbose_name': 'audit checkpoint',
                'verbose_name_plural': 'audit checkpoints',
                'ordering': ['-number'],
            },
        ),
        migrations.CreateModel(
            name='AuditCheckpointLeaf',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stream', models.CharField(max_length=200, verbose_name='stream')),
                ('seq', models.PositiveBigIntegerField(verbose_name='sequence number')),
                ('hash', models.CharField(max_length=64, verbose_name='hash')),
                ('checkpoint', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='new_leaves', to='core.auditcheckpoint', verbose_name='checkpoint')),
            ],
            options={
                'verbose_name': 'audit checkpoint leaf',
                'verbose_name_plural': 'audit checkpoint leaves',
                'constraints': [models.UniqueConstraint(fields=('stream', 'seq'), name='audit_leaf_stream_seq_unique')],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
