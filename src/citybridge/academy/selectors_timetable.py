"""Reads for the timetable pages and API (issue #11): runs scoped by TimetableRun.objects.visible_to(user), the
planning inputs of a course, and a run's preview (a calendar of the proposed timetable with what changes against
the course's sessions now)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import get_language

from citybridge.core.models import User, is_chinese

from . import holidays
from .models import (
    BlackoutDate,
    Course,
    CoursePlanning,
    ModuleSessionNeed,
    PartnerEvent,
    Session,
    SessionFormat,
    SiteHost,
    TimetableRun,
    TimetableRunKind,
)
from .selectors import _get
from .timetable_messages import SLOT_LABELS, conflict_sentences

SLOT_ORDER = ("morning", "afternoon", "evening")


def run_list(*, user: User, course: Course | None = None, kind: str = "") -> QuerySet[TimetableRun]:
    qs = TimetableRun.objects.visible_to(user).select_related("course", "created_by", "decided_by")
    if course is not None:
        qs = qs.filter(course=course)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def run_get(*, user: User, pk: int) -> TimetableRun:
    return _get(run_list(user=user), pk)


def season_runs(*, user: User) -> QuerySet[TimetableRun]:
    return run_list(user=user, kind=TimetableRunKind.SEASON)


def planning_settings(*, course: Course) -> CoursePlanning | None:
    """The course's saved timetable settings, or None when never saved (the caller checked the scope)."""
    return CoursePlanning.objects.filter(course=course).first()


def course_planning(*, course: Course) -> dict:
    """Everything the Timetable tab shows as inputs, each list in one query."""
    planning = CoursePlanning.objects.filter(course=course).first()
    needs = list(
        ModuleSessionNeed.objects.filter(course_module__course=course).select_related(
            "course_module__module", "lecturer", "host", "topic"
        )
    )
    events = list(PartnerEvent.objects.filter(course=course).select_related("partner"))
    blackouts = list(
        BlackoutDate.objects.filter(academy_id=course.academy_id, date__range=(course.start_date, course.end_date))
    )
    public = holidays.public_days(course.start_date, course.end_date)
    locked = list(
        course.sessions.filter(plan__locked=True).select_related("module", "lecturer").order_by("date", "start_time")
    )
    return {
        "planning": planning,
        "needs": needs,
        "events": events,
        "blackouts": blackouts,
        "public_days": public,
        "holiday_gaps": holidays.holiday_coverage_gaps(course.start_date, course.end_date),
        "locked": locked,
        "holiday_source": holidays.SOURCE["zh-hans" if is_chinese() else "en"],
    }


@dataclass
class PreviewEntry:
    key: str
    slot: str
    slot_label: str
    title: str
    lecturer: str
    format_label: str
    change: str  # "new" | "moved" | "same" | "locked"
    was: str = ""  # where a moved session was


@dataclass
class PreviewDay:
    day: date
    label: str
    off: str = ""  # "rest" | "holiday" | ""
    entries: list[PreviewEntry] = field(default_factory=list)


@dataclass
class CoursePreview:
    course: Course
    days: list[PreviewDay]
    removed: list[str]
    counts: dict[str, int]


def _name(names: dict, token: str | None, zh: bool) -> str:
    if not token:
        return ""
    entry = names.get(token) or {}
    return (
        (entry.get("zh-hans") or entry.get("en") or token) if zh else (entry.get("en") or entry.get("zh-hans") or token)
    )


def run_preview(*, run: TimetableRun) -> list[CoursePreview]:
    """The proposed timetable per course, day by day, each session marked new, moved (with where it was), the same
    or locked; the course's sessions the timetable would remove are listed by title."""
    sol = run.solution or {}
    if not sol.get("placements"):
        return []
    zh = is_chinese(get_language())
    names, infos = sol.get("names", {}), sol.get("sessions", {})
    formats_ = dict(SessionFormat.choices)
    out = []
    courses = list(run.courses.select_related("academy__organisation").order_by("start_date", "id"))
    for course in courses:
        current = {}
        unkeyed = []
        for s in course.sessions.select_related("plan", "module"):
            plan = getattr(s, "plan", None)
            key = plan.key if plan and plan.key else ""
            if key and key not in current:
                current[key] = s
            else:
                unkeyed.append(s)
        placed = {k: p for k, p in sol["placements"].items() if p["course"] == course.pk}
        off = set(sol.get("off_days", {}).get(str(course.pk), []))
        public = {p.day: p for p in holidays.public_days(course.start_date, course.end_date) if not p.working}
        days = []
        by_day: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        for key, p in placed.items():
            by_day[p["day"]].append((key, p))
        counts = {"new": 0, "moved": 0, "same": 0, "locked": 0, "removed": 0}
        d = course.start_date
        while d <= course.end_date:
            iso = d.isoformat()
            kind = "holiday" if d in public else ("rest" if iso in off else "")
            pd = PreviewDay(day=d, label=formats.date_format(d, "SHORT_DATE_FORMAT"), off=kind)
            for key, p in sorted(by_day.get(iso, []), key=lambda kp: SLOT_ORDER.index(kp[1]["slot"])):
                info = infos.get(key, {})
                s = current.get(key) or (
                    next((x for x in unkeyed if f"s{x.pk}" == key), None) if key.startswith("s") else None
                )
                if info.get("locked"):
                    change, was = "locked", ""
                elif s is None:
                    change, was = "new", ""
                elif s.date == d and _slot(s) == p["slot"]:
                    change, was = "same", ""
                else:
                    change = "moved"
                    was = f"{formats.date_format(s.date, 'SHORT_DATE_FORMAT')} {SLOT_LABELS[_slot(s)]}"
                counts[change] += 1
                lecturer = f"lecturer:{info['lecturer']}" if info.get("lecturer") else None
                pd.entries.append(
                    PreviewEntry(
                        key=key,
                        slot=p["slot"],
                        slot_label=str(SLOT_LABELS.get(p["slot"], p["slot"])),
                        title=_name(names, info.get("title"), zh),
                        lecturer=_name(names, lecturer, zh),
                        format_label=str(formats_.get(info.get("format"), info.get("format", ""))),
                        change=change,
                        was=was,
                    )
                )
            days.append(pd)
            d += timedelta(days=1)
        removed = [s.display_title() for k, s in current.items() if k not in placed and not _fixed(s)]
        removed += [s.display_title() for s in unkeyed if f"s{s.pk}" not in placed and not _fixed(s)]
        counts["removed"] = len(removed)
        out.append(CoursePreview(course=course, days=days, removed=removed, counts=counts))
    return out


def _slot(session: Session) -> str:
    from .services.timetable import slot_of

    return slot_of(session.start_time).value


def _fixed(session: Session) -> bool:
    plan = getattr(session, "plan", None)
    return bool(plan and plan.locked) or session.attendance.exists()


def run_messages(*, run: TimetableRun) -> list[str]:
    """Why a run has no timetable (its conflicts), or the notes beside a result, in the active language."""
    sol = run.solution or {}
    names = sol.get("names", {})
    if sol.get("conflicts"):
        return conflict_sentences(sol["conflicts"], names)
    return run.error_messages(get_language())


def run_notes(*, run: TimetableRun) -> list[str]:
    sol = run.solution or {}
    return conflict_sentences(sol.get("notes", []), sol.get("names", {}))


def run_figures(*, run: TimetableRun) -> dict:
    """The objective and its parts, optimality and solve time, for the page and the API."""
    sol = run.solution or {}
    return {
        "status": sol.get("status", ""),
        "objective": sol.get("objective"),
        "objective_parts": sol.get("objective_parts", {}),
        "bound": sol.get("bound"),
        "gap": sol.get("gap"),
        "solve_seconds": sol.get("solve_seconds"),
        "moved": len(sol.get("moved", [])),
        "stats": sol.get("stats", {}),
    }


def _planned_courses(user: User) -> QuerySet[Course]:
    return Course.objects.visible_to(user)


def need_get(*, user: User, pk: int) -> ModuleSessionNeed:
    return _get(
        ModuleSessionNeed.objects.filter(course_module__course__in=_planned_courses(user)).select_related(
            "course_module__course__academy__organisation"
        ),
        pk,
    )


def partner_event_get(*, user: User, pk: int) -> PartnerEvent:
    return _get(
        PartnerEvent.objects.filter(course__in=_planned_courses(user)).select_related("course__academy__organisation"),
        pk,
    )


def blackout_get(*, user: User, pk: int) -> BlackoutDate:
    """An academy's blackout date: program staff, or a coordinator of that academy (others: not found)."""
    qs = BlackoutDate.objects.select_related("academy__organisation")
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        qs = qs.none()
    elif not user.is_program_staff:
        qs = qs.filter(academy__organisation_id__in=user.scoped_organisation_ids("academy_coordinator"))
    return _get(qs, pk)


def course_sessions_with_locks(*, course: Course) -> list:
    sessions = list(course.sessions.select_related("module", "lecturer", "plan"))
    for s in sessions:
        plan = getattr(s, "plan", None)
        s.is_locked = bool(plan and plan.locked)
    return sessions


def site_host_list(*, user: User) -> QuerySet[SiteHost]:
    """Site-visit hosts and their days: program staff (hosts are shared by every academy)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_program_staff):
        return SiteHost.objects.none()
    return SiteHost.objects.select_related("organisation")


def site_host_get(*, user: User, pk: int) -> SiteHost:
    return _get(site_host_list(user=user), pk)


def course_needs(*, course: Course) -> QuerySet[ModuleSessionNeed]:
    return ModuleSessionNeed.objects.filter(course_module__course=course).order_by("course_module__order", "id")


def course_partner_events(*, course: Course) -> QuerySet[PartnerEvent]:
    return PartnerEvent.objects.filter(course=course).order_by("requested_date", "id")


def academy_blackouts(*, course: Course) -> QuerySet[BlackoutDate]:
    return BlackoutDate.objects.filter(academy_id=course.academy_id).order_by("date", "id")
