"""Database-level guards for issued documents (GoBD): below the model layer, so no path —
a queryset update, the admin, raw SQL, a console — changes or deletes an issued invoice.

PostgreSQL: one row trigger function compares the whole row (as jsonb) minus the columns
that may still change (the status through the state machine). SQLite: a trigger per table
lists the guarded columns, so a migration that adds a column to a guarded table must
re-create its guard (`guard_sql` again).

Emptying the whole database (`flush`, used between transactional tests) is not a change of
a document: on PostgreSQL it truncates (row triggers do not fire); on SQLite our backend
lifts the guards around its DELETEs and puts them back (core.db.sqlite3).
"""

GUARD_SUFFIX = "_immutable"
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION kontorhaus_document_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '%: an issued document cannot be deleted', TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    -- TG_ARGV: the columns that may change; NULL (not empty) when there are none
    IF (to_jsonb(NEW) - coalesce(TG_ARGV, ARRAY[]::text[]))
            IS DISTINCT FROM (to_jsonb(OLD) - coalesce(TG_ARGV, ARRAY[]::text[])) THEN
        RAISE EXCEPTION '%: an issued document cannot be changed', TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def guard_sql(vendor: str, table: str, columns: list[str], mutable: frozenset[str]) -> list[str]:
    """Statements that (re)create the guard of `table`; `mutable` columns may still change."""
    name = f"{table}{GUARD_SUFFIX}"
    if vendor == "postgresql":
        arguments = ", ".join(f"'{column}'" for column in sorted(mutable))
        return [
            _PG_FUNCTION,
            f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"',
            f'CREATE TRIGGER "{name}" BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION kontorhaus_document_guard({arguments})",
        ]
    if vendor == "sqlite":
        changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in columns if c not in mutable) or "0"
        return [
            f'DROP TRIGGER IF EXISTS "{name}_update"',
            f'DROP TRIGGER IF EXISTS "{name}_delete"',
            f'CREATE TRIGGER "{name}_update" BEFORE UPDATE ON "{table}" WHEN {changed} '
            f"BEGIN SELECT RAISE(ABORT, '{table}: an issued document cannot be changed'); END",
            f'CREATE TRIGGER "{name}_delete" BEFORE DELETE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, '{table}: an issued document cannot be deleted'); END",
        ]
    return []


def drop_sql(vendor: str, table: str) -> list[str]:
    name = f"{table}{GUARD_SUFFIX}"
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"']
    return [f'DROP TRIGGER IF EXISTS "{name}_update"', f'DROP TRIGGER IF EXISTS "{name}_delete"']
