"""A course's number of confirmed enrolments, kept on the course by the database (issue 9, "Fast at any depth").

The course list shows and sorts by it. Counted for each page's 50 courses it was the list's largest database cost
(0.18 ms of SQLite through the course-and-status index, about a tenth of the page); as a column of the course it is
read with the row, and sorting by it no longer counts every course's enrolments.

A count that could go stale would show a class size that is not the roster's, so no Python code writes it: triggers
recount a course (an index count of its confirmed enrolments, never an increment that could drift) whenever one of
its enrolments is confirmed, leaves that status, moves to another course, or is inserted or deleted confirmed,
whichever path did it (services, roster import, withdrawals, merges, the demo, `bulk_create`, `QuerySet.update`, raw
SQL). Django's `save()` of a course writes every column with whatever the Python object holds, so a write of the
count itself is recounted too: SQLite by an AFTER trigger that corrects the row when it differs (the WHEN clause
ends the chain), PostgreSQL by a BEFORE trigger that sets it. Their life through `migrate` is core/db_triggers.py's.
`tests/academy/test_confirmed_count.py` changes enrolments by each path and compares the count with a recount.
"""

from __future__ import annotations

from citybridge.core.db_triggers import KeptColumns

COURSE = "academy_course"
ENROLMENT = "academy_enrolment"
#: EnrolmentStatus.CONFIRMED (academy.models; a test checks they agree): not imported, migrations import this module
CONFIRMED = "confirmed"


def _count(course_id: str) -> str:
    return f"(SELECT COUNT(*) FROM {ENROLMENT} e WHERE e.course_id = {course_id} AND e.status = '{CONFIRMED}')"


def _moved(differs: str) -> str:
    """An update of an enrolment that changes neither its status nor its course changes no count (Django's save()
    writes every column, so UPDATE OF status fires on each save). `differs`: the database's null-safe "not equal"
    (SQLite `IS NOT`, PostgreSQL `IS DISTINCT FROM`)."""
    return f"(OLD.status {differs} NEW.status OR OLD.course_id {differs} NEW.course_id)"


_involved = f"(OLD.status = '{CONFIRMED}' OR NEW.status = '{CONFIRMED}')"


def _sqlite_trigger(name: str, *, after: str, on: str, when: str, where: str, key: str) -> tuple[str, tuple[str, str]]:
    """An AFTER trigger that, when `when` holds, sets the count of the courses `where` selects to the recount of the
    course whose key is `key`."""
    sql = (
        f"CREATE TRIGGER {name} AFTER {after} ON {on} WHEN {when} "
        f"BEGIN UPDATE {COURSE} SET confirmed_count = {_count(key)} WHERE {where}; END"
    )
    return name, (on, sql)


_stale = f"NEW.confirmed_count IS NOT {_count('NEW.id')}"
_sqlite = dict(
    [
        _sqlite_trigger(
            "academy_confirmed_enrolment_insert",
            after="INSERT",
            on=ENROLMENT,
            when=f"NEW.status = '{CONFIRMED}'",
            where="id = NEW.course_id",
            key="NEW.course_id",
        ),
        _sqlite_trigger(
            "academy_confirmed_enrolment_update",
            after="UPDATE OF status, course_id",
            on=ENROLMENT,
            when=f"{_moved('IS NOT')} AND {_involved}",
            where="id IN (OLD.course_id, NEW.course_id)",
            key=f"{COURSE}.id",
        ),
        _sqlite_trigger(
            "academy_confirmed_enrolment_delete",
            after="DELETE",
            on=ENROLMENT,
            when=f"OLD.status = '{CONFIRMED}'",
            where="id = OLD.course_id",
            key="OLD.course_id",
        ),
        # a write of the count itself (an insert, a stale object's save(), an update) is corrected; the WHEN ends the
        # chain (the correction's own update finds nothing to do)
        _sqlite_trigger(
            "academy_confirmed_course_insert", after="INSERT", on=COURSE, when=_stale, where="id = NEW.id", key="NEW.id"
        ),
        _sqlite_trigger(
            "academy_confirmed_course_update",
            after="UPDATE OF confirmed_count",
            on=COURSE,
            when=_stale,
            where="id = NEW.id",
            key="NEW.id",
        ),
    ]
)

_postgresql_functions = {
    "academy_confirmed_course_fill": f"""
        CREATE OR REPLACE FUNCTION academy_confirmed_course_fill() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.confirmed_count := {_count("NEW.id")};
            RETURN NEW;
        END $$""",
    "academy_confirmed_enrolment_recount": f"""
        CREATE OR REPLACE FUNCTION academy_confirmed_enrolment_recount() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                IF NEW.status = '{CONFIRMED}' THEN
                    UPDATE {COURSE} SET confirmed_count = {_count("NEW.course_id")} WHERE id = NEW.course_id;
                END IF;
            ELSIF TG_OP = 'DELETE' THEN
                IF OLD.status = '{CONFIRMED}' THEN
                    UPDATE {COURSE} SET confirmed_count = {_count("OLD.course_id")} WHERE id = OLD.course_id;
                END IF;
            ELSIF {_moved("IS DISTINCT FROM")} AND {_involved} THEN
                UPDATE {COURSE} SET confirmed_count = {_count(f"{COURSE}.id")} WHERE id IN (OLD.course_id, NEW.course_id);
            END IF;
            RETURN NULL;
        END $$""",
}

_postgresql = {
    "academy_confirmed_course_fill": (
        COURSE,
        f"""CREATE TRIGGER academy_confirmed_course_fill BEFORE INSERT OR UPDATE OF confirmed_count ON {COURSE}
        FOR EACH ROW EXECUTE FUNCTION academy_confirmed_course_fill()""",
    ),
    "academy_confirmed_enrolment_recount": (
        ENROLMENT,
        f"""CREATE TRIGGER academy_confirmed_enrolment_recount
        AFTER INSERT OR UPDATE OF status, course_id OR DELETE ON {ENROLMENT}
        FOR EACH ROW EXECUTE FUNCTION academy_confirmed_enrolment_recount()""",
    ),
}


def _backfill(differs: str) -> str:
    """Every course whose count is not its confirmed enrolments' gets the recount (courses in step are not written)."""
    recount = _count(f"{COURSE}.id")
    return f"UPDATE {COURSE} SET confirmed_count = {recount} WHERE confirmed_count {differs} {recount}"


KEPT = KeptColumns(
    label="course confirmed counts",
    columns={COURSE: frozenset({"confirmed_count"}), ENROLMENT: frozenset({"course_id", "status"})},
    sqlite=_sqlite,
    postgresql=_postgresql,
    postgresql_functions=_postgresql_functions,
    backfill_sql={"sqlite": _backfill("IS NOT"), "postgresql": _backfill("IS DISTINCT FROM")},
)
