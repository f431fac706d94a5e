"""Reading what the compliance engine needs (no writes): the deployment's rules and one official's inputs.

Selectors and services both import from here, so reads never depend on the write layer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.conf import settings

from . import compliance as comp
from .models import (
    Attendance,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    ExternalTraining,
    OfficialProfile,
    Session,
)


def compliance_rules() -> comp.ComplianceRules:
    return comp.ComplianceRules.from_mapping(settings.CITYBRIDGE_ACADEMY_COMPLIANCE_RULES)


def compliance_inputs(official_ids: Iterable[int], *, course_id: int | None = None) -> dict[int, comp.OfficialInput]:
    """Load what the compliance engine needs for these officials (4 queries whatever their number).

    Sessions scheduled for an official: every session of a course they are confirmed in (unless the course was
    cancelled); for any other enrolment (withdrawn, waitlisted after attending) and for cancelled courses, only the
    sessions they have a mark for. So days actually attended always count, whatever became of the enrolment, and
    sessions the official was no longer expected at do not dilute a day."""
    ids = list(official_ids)
    enrol = Enrolment.objects.filter(official_id__in=ids)
    if course_id is not None:
        enrol = enrol.filter(course_id=course_id)
    full: dict[int, set[int]] = defaultdict(set)  # every session scheduled
    marked_only: dict[int, set[int]] = defaultdict(set)  # only the sessions with a mark
    for off, course, status, course_status in enrol.values_list("official_id", "course_id", "status", "course__status"):
        if status == EnrolmentStatus.CONFIRMED and course_status != CourseStatus.CANCELLED:
            full[off].add(course)
        else:
            marked_only[off].add(course)
    all_courses = {c for cs in full.values() for c in cs} | {c for cs in marked_only.values() for c in cs}
    sessions_of: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for sid, cid, d in Session.objects.filter(course_id__in=all_courses).values_list("id", "course_id", "date"):
        sessions_of[cid].append((sid, d))
    # by official only (the unique index starts with it); marks of other courses' sessions are simply not looked up
    marks = {
        (o, s): st
        for o, s, st in Attendance.objects.filter(official_id__in=ids).values_list(
            "official_id", "session_id", "status"
        )
    }
    external: dict[int, list[comp.ExternalTraining]] = defaultdict(list)
    if course_id is None:
        for rec in ExternalTraining.objects.filter(official_id__in=ids).only(
            "official_id", "start_date", "end_date", "days", "evidence", "evidence_reference"
        ):
            external[rec.official_id].append(
                comp.ExternalTraining(rec.start_date, rec.end_date, rec.days, rec.has_evidence, ref=rec.pk)
            )
    starts = dict(OfficialProfile.objects.filter(pk__in=ids).values_list("pk", "service_start"))
    out = {}
    for off in ids:
        ms = [
            comp.SessionMark(d, marks.get((off, sid)), cid) for cid in full.get(off, ()) for sid, d in sessions_of[cid]
        ]
        ms += [
            comp.SessionMark(d, marks[(off, sid)], cid)
            for cid in marked_only.get(off, ())
            for sid, d in sessions_of[cid]
            if (off, sid) in marks
        ]
        out[off] = comp.OfficialInput(off, starts.get(off), tuple(ms), tuple(external.get(off, ())))
    return out
