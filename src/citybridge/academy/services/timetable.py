"""Planning inputs and "Generate timetable" (issue #11).

- Planning inputs (academy.plan_course on the course): what each module needs (ModuleSessionNeed), partner events,
  the preferred rest weekday and the weights (CoursePlanning), locked sessions (SessionPlan.locked), the academy's
  own blackout dates; site-visit hosts and their days (program staff).
- A run: ``timetable_run_create`` loads the course(s) into the engine's Problem and checks it with
  ``timetable.validate`` at once — bad input (a module longer than the course, a lecturer in two locked sessions
  at once, too few working days over Spring Festival …) is a ValidationError in the user's language and nothing is
  saved. Otherwise the run is stored "queued" and the background task (tasks.generate_timetable) solves it under a
  lease (``timetable_run_execute``), with its progress visible. A finished run is previewed, then accepted
  (``timetable_run_accept`` writes the sessions; history records who) or discarded.
- Re-plan: the same, with the accepted placements as ``previous`` (moving a session costs ``Weights.moves``) and
  optionally a lecturer's absence; the preview shows what moved.
- Season: every planning/open course of the academies the program manages, overlapping the season's dates, in
  one solve (program staff).

The engine never sees a name: lecturers, modules, hosts, courses and sessions travel as tokens ("lecturer:12") and
the run stores each token's name in both languages, so its conflicts are written in the reader's language.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import time as _time
import uuid
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from functools import partial

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from citybridge.core.concurrency import claim_version
from citybridge.core.models import Organisation, Person, User
from citybridge.core.rows import date_text
from citybridge.core.validation import ErrorCollector, check_dates

from .. import holidays
from .. import timetable as tt
from ..models import (
    TIMETABLE_LEASE,
    Academy,
    Attendance,
    BlackoutDate,
    Course,
    CourseModule,
    CoursePlanning,
    CourseStatus,
    LecturerProfile,
    ModuleSessionNeed,
    PartnerEvent,
    Session,
    SessionFormat,
    SessionPlan,
    SiteHost,
    TimetableRun,
    TimetableRunKind,
    TimetableRunStatus,
)
from ..timetable_messages import conflict_sentences
from ._common import _clean_str, require
from .lecturers import clean_weekdays
from .sessions import course_compliance_refresh

logger = logging.getLogger(__name__)

PLANNABLE = (CourseStatus.PLANNING, CourseStatus.OPEN)
COURSE_TIME_LIMIT_S = 10.0
SEASON_TIME_LIMIT_S = 60.0
#: while the engine solves, the run's progress is written (and its lease renewed) at most once per this many seconds
PROGRESS_EVERY_S = 1.0
MAX_SEASON_COURSES = 40
MAX_SEASON_DAYS = 366
WEIGHT_NAMES = tuple(f for f in tt.Weights.__dataclass_fields__)
MAX_WEIGHT = 1000


# --------------------------------------------------------------------------- planning inputs


def _plannable(actor: User, course: Course) -> None:
    require(actor, "academy.plan_course", course)
    if course.status not in PLANNABLE:
        raise ValidationError(_("Only a course in planning or open for enrolment can be timetabled."))


NEED_FIELDS = ("format", "count", "title_en", "title_zh_hans", "lecturer", "host", "topic", "evening")


@transaction.atomic
def need_save(
    *,
    actor: User,
    course_module: CourseModule,
    need: ModuleSessionNeed | None = None,
    expected_version: int | None = None,
    **fields,
) -> ModuleSessionNeed:
    """What a module of a course needs: ``count`` sessions of a ``format``, optionally by a lecturer, at a host, on a
    topic, in the evening."""
    _plannable(actor, course_module.course)
    unknown = set(fields) - set(NEED_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be set.") for n in sorted(unknown)})
    if need is not None and need.course_module_id != course_module.pk:
        raise ValidationError(_("This need belongs to another module."))
    if need is not None:
        claim_version(need, expected_version)
    need = need or ModuleSessionNeed(course_module=course_module)
    errors = ErrorCollector()
    for k, v in fields.items():
        setattr(need, k, _clean_str(v) if v is not None or k not in ("title_en", "title_zh_hans") else "")
    if fields.get("format", need.format) not in SessionFormat.values:
        errors.add("format", _("Select a valid choice."))
    count = need.count
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 20:
        errors.add("count", _("Ask for between 1 and 20 sessions."))
    if need.lecturer_id and not LecturerProfile.objects.filter(person_id=need.lecturer_id).exists():
        errors.add("lecturer", _("Select a lecturer: a person with a lecturer profile."))
    if need.host_id and need.format != SessionFormat.SITE_VISIT:
        errors.add("host", _("Only a site visit has a host."))
    if need.format == SessionFormat.SITE_VISIT and need.evening:
        errors.add("evening", _("A site visit is held in the daytime."))
    with errors.check():
        need.full_clean(exclude=["title", "course_module"])
    errors.raise_if_any()
    need.save()
    return need


@transaction.atomic
def need_delete(*, actor: User, need: ModuleSessionNeed) -> None:
    _plannable(actor, need.course_module.course)
    need.delete()


@transaction.atomic
def planning_save(
    *,
    actor: User,
    course: Course,
    rest_weekday: int | None = None,
    weights: dict | None = None,
    expected_version: int | None = None,
) -> CoursePlanning:
    """The course's preferred rest weekday and soft-goal weights (names of ``timetable.Weights``, 0 – 1000)."""
    _plannable(actor, course)
    planning, created = CoursePlanning.objects.get_or_create(course=course)
    if not created:
        claim_version(planning, expected_version)
    errors = ErrorCollector()
    if rest_weekday is not None and (isinstance(rest_weekday, bool) or rest_weekday not in range(7)):
        errors.add("rest_weekday", _("Choose weekdays from Monday to Sunday."))
    clean = _clean_weights(weights or {}, errors)
    errors.raise_if_any()
    planning.rest_weekday = rest_weekday
    planning.weights = clean
    planning.save()
    return planning


def _clean_weights(weights: dict, errors: ErrorCollector, field: str = "weights") -> dict:
    clean = {}
    if not isinstance(weights, dict):
        errors.add(field, _("Give the weights as names and whole numbers."))
        return clean
    for name, value in weights.items():
        if name not in WEIGHT_NAMES:
            errors.add(field, _("Unknown weight: %(name)s.") % {"name": str(name)[:40]})
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WEIGHT:
            errors.add(field, _("A weight is a whole number from 0 to %(max)d.") % {"max": MAX_WEIGHT})
        else:
            clean[name] = value
    return clean


@transaction.atomic
def blackout_save(
    *,
    actor: User,
    academy: Academy,
    day: date | None,
    reason_en: str = "",
    reason_zh_hans: str = "",
    blackout: BlackoutDate | None = None,
    expected_version: int | None = None,
) -> BlackoutDate:
    """An academy's own closure day (besides China's public holidays, which come from chinesecalendar); with
    ``blackout``, that day changed (from the version the user read)."""
    require(actor, "academy.plan_course", academy)
    if blackout is not None and blackout.academy_id != academy.pk:
        raise ValidationError(_("This blackout date belongs to another academy."))
    if day is None:
        raise ValidationError({"date": _("This field is required.")})
    with transaction.atomic():
        check_dates(date=day)
        reason_en, reason_zh_hans = _clean_str(reason_en) or "", _clean_str(reason_zh_hans) or ""
        if len(reason_en) > 200 or len(reason_zh_hans) > 200:
            raise ValidationError({"reason_en": _("Write at most %(n)d characters.") % {"n": 200}})
        taken = BlackoutDate.objects.filter(academy=academy, date=day)
        if blackout is not None:
            taken = taken.exclude(pk=blackout.pk)
        if taken.exists():
            raise ValidationError({"date": _("This day is already a blackout date of the academy.")})
        if blackout is None:
            return BlackoutDate.objects.create(
                academy=academy, date=day, reason_en=reason_en, reason_zh_hans=reason_zh_hans
            )
        claim_version(blackout, expected_version)
        blackout.date, blackout.reason_en, blackout.reason_zh_hans = day, reason_en, reason_zh_hans
        blackout.save()
        return blackout


@transaction.atomic
def blackout_delete(*, actor: User, blackout: BlackoutDate) -> None:
    require(actor, "academy.plan_course", blackout.academy)
    blackout.delete()


@transaction.atomic
def site_host_save(
    *,
    actor: User,
    organisation: Organisation,
    weekdays: Iterable[int] = (),
    open_from: date | None = None,
    open_until: date | None = None,
    closed_dates: Iterable[date] = (),
    expected_version: int | None = None,
) -> SiteHost:
    """The days an organisation receives a class on a site visit (program staff: hosts are shared by academies)."""
    require(actor, "academy.manage_site_hosts")
    errors = ErrorCollector()
    days = clean_weekdays(weekdays, "weekdays", errors)
    with errors.check():
        check_dates(open_from=open_from, open_until=open_until)
    if open_from and open_until and open_until < open_from:
        errors.add("open_until", _("The window must end on or after the day it starts."))
    closed = sorted({d for d in closed_dates})
    if len(closed) > 366:
        errors.add("closed_dates", _("List at most %(n)d days.") % {"n": 366})
    if organisation.type == "academy":
        errors.add("organisation", _("Select a partner organisation (not a training academy)."))
    errors.raise_if_any()
    host = SiteHost.objects.filter(organisation=organisation).first()
    if host is not None:
        claim_version(host, expected_version)
    host = host or SiteHost(organisation=organisation)
    host.weekdays, host.open_from, host.open_until = days, open_from, open_until
    host.closed_dates = [d.isoformat() for d in closed]
    host.save()
    return host


@transaction.atomic
def site_host_delete(*, actor: User, host: SiteHost) -> None:
    """The organisation no longer receives site visits of the timetable (its needs keep the organisation)."""
    require(actor, "academy.manage_site_hosts")
    host.delete()


EVENT_FORMATS = (SessionFormat.DINNER, SessionFormat.LUNCH, SessionFormat.EXHIBITION, SessionFormat.WORKSHOP)


@transaction.atomic
def partner_event_save(
    *,
    actor: User,
    course: Course,
    partner: Organisation,
    format: str = SessionFormat.DINNER,
    title_en: str = "",
    title_zh_hans: str = "",
    requested_date: date | None = None,
    evening: bool = True,
    event: PartnerEvent | None = None,
    expected_version: int | None = None,
) -> PartnerEvent:
    """A partner's event in the course; with ``event``, that event changed (from the version the user read)."""
    _plannable(actor, course)
    if event is not None and event.course_id != course.pk:
        raise ValidationError(_("This partner event belongs to another course."))
    errors = ErrorCollector()
    if format not in EVENT_FORMATS:
        errors.add("format", _("Select a valid choice."))
    if partner.type == "academy":
        errors.add("partner", _("Select a partner organisation (not a training academy)."))
    if requested_date is not None and not (course.start_date <= requested_date <= course.end_date):
        errors.add(
            "requested_date",
            _("The date must be within the course (%(start)s – %(end)s).")
            % {"start": date_text(course.start_date), "end": date_text(course.end_date)},
        )
    title_en, title_zh_hans = _clean_str(title_en) or "", _clean_str(title_zh_hans) or ""
    if len(title_en) > 200 or len(title_zh_hans) > 200:
        errors.add("title_en", _("Write at most %(n)d characters.") % {"n": 200})
    errors.raise_if_any()
    if event is None:
        return PartnerEvent.objects.create(
            course=course,
            partner=partner,
            format=format,
            title_en=title_en,
            title_zh_hans=title_zh_hans,
            requested_date=requested_date,
            evening=bool(evening),
        )
    claim_version(event, expected_version)
    event.partner, event.format, event.requested_date, event.evening = partner, format, requested_date, bool(evening)
    event.title_en, event.title_zh_hans = title_en, title_zh_hans
    event.save()
    return event


@transaction.atomic
def partner_event_delete(*, actor: User, event: PartnerEvent) -> None:
    _plannable(actor, event.course)
    event.delete()


@transaction.atomic
def session_lock(*, actor: User, session: Session, locked: bool) -> SessionPlan:
    """Lock a session where it is (the timetable keeps it) or unlock it (the timetable may move or replace it)."""
    _plannable(actor, session.course)
    plan, _created = SessionPlan.objects.get_or_create(session=session)
    plan.locked = bool(locked)
    plan.locked_by = actor if locked else None
    plan.save(update_fields=["locked", "locked_by"])
    return plan


# --------------------------------------------------------------------------- loading the engine's Problem


def slot_of(start: time) -> tt.Slot:
    """The engine's slot of a stored session by its start time: before 13:00 morning, from 18:00 evening."""
    if start >= time(18, 0):
        return tt.Slot.EVENING
    return tt.Slot.MORNING if start < time(13, 0) else tt.Slot.AFTERNOON


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _names(obj: object, field: str = "title") -> dict:
    return {"en": getattr(obj, f"{field}_en", "") or "", "zh-hans": getattr(obj, f"{field}_zh_hans", "") or ""}


def _person_names(person: Person) -> dict:
    return {"en": person.display_name("en"), "zh-hans": person.display_name("zh-hans")}


def _org_names(org: Organisation) -> dict:
    return {"en": org.display_name("en"), "zh-hans": org.display_name("zh-hans")}


def _fixed_sessions(course: Course) -> Q:
    """Sessions the timetable keeps where they are: locked by hand, with attendance already recorded, or with a
    lecturer's material tied to them (a deck is prepared for its session; the session cannot be removed under it,
    Material.session is protected)."""
    material = apps.get_model("materials", "Material")  # the materials app builds on this one: no import of it here
    return (
        Q(plan__locked=True)
        | Exists(Attendance.objects.filter(session=OuterRef("pk")))
        | Exists(material._base_manager.filter(session=OuterRef("pk")))
    )


class Loaded:
    """The engine's Problem for some courses, plus what the service needs to store and explain it."""

    def __init__(self) -> None:
        self.names: dict[str, dict] = {}
        self.notes: list[dict] = []  # {"code", "params"} shown beside the result (e.g. a year without holiday data)
        self.courses: list[Course] = []
        self.problem: tt.Problem | None = None
        self.previous: dict[str, tt.Placement] = {}


def load_problem(
    courses: list[Course],
    *,
    weights: dict | None = None,
    replan: bool = False,
    absence: dict | None = None,
    time_limit_s: float = COURSE_TIME_LIMIT_S,
) -> Loaded:
    """Read the courses' planning inputs and build the engine's Problem (no write)."""
    out = Loaded()
    out.courses = courses
    course_ids = [c.pk for c in courses]
    span_start = min(c.start_date for c in courses)
    span_end = max(c.end_date for c in courses)
    span = _days(span_start, span_end)
    lecturer_ids: set[int] = set()
    host_ids: set[int] = set()
    course_problems = []
    for course in courses:
        ctoken = f"course:{course.pk}"
        out.names[ctoken] = _names(course)
        planning = CoursePlanning.objects.filter(course=course).first()
        modules = []
        cms = list(course.course_modules.select_related("module").order_by("order", "id"))
        cm_by_module = {cm.module_id: cm for cm in cms}
        for cm in cms:
            token = f"module:{cm.pk}"
            out.names[token] = _names(cm.module)
            modules.append(tt.ModuleReq(id=cm.pk, title=token, days=cm.module.days, order=cm.order))
        sessions: list[tt.SessionReq] = []
        fixed = list(
            course.sessions.filter(_fixed_sessions(course))
            .select_related("module", "plan")
            .order_by("date", "start_time", "id")
        )
        fixed_keys = set()
        for s in fixed:
            plan = getattr(s, "plan", None)
            key = (plan.key if plan and plan.key else "") or f"s{s.pk}"
            fixed_keys.add(key)
            token = f"session:{key}"
            out.names[token] = {"en": s.display_title("en"), "zh-hans": s.display_title("zh-hans")}
            slot = slot_of(s.start_time)
            cm = cm_by_module.get(s.module_id)
            if s.lecturer_id:
                lecturer_ids.add(s.lecturer_id)
            sessions.append(
                tt.SessionReq(
                    key=key,
                    module_id=cm.pk if cm else None,
                    format=s.format,
                    title=token,
                    lecturer_id=s.lecturer_id,
                    evening=slot is tt.Slot.EVENING,
                    locked=tt.Placement(course.pk, s.date, slot),
                )
            )
        needs = ModuleSessionNeed.objects.filter(course_module__course=course).select_related(
            "course_module__module", "topic"
        )
        for need in needs:
            for i in range(need.count):
                key = f"n{need.pk}-{i + 1}"
                if key in fixed_keys:
                    continue
                token = f"session:{key}"
                base = _names(need) if (need.title_en or need.title_zh_hans) else _names(need.course_module.module)
                fmt = SessionFormat(need.format).label
                with translation.override("en"):
                    en = f"{base['en'] or base['zh-hans']} ({fmt} {i + 1})"
                with translation.override("zh-hans"):
                    zh = f"{base['zh-hans'] or base['en']}（{fmt} {i + 1}）"
                out.names[token] = {"en": en, "zh-hans": zh}
                if need.lecturer_id:
                    lecturer_ids.add(need.lecturer_id)
                if need.host_id:
                    host_ids.add(need.host_id)
                sessions.append(
                    tt.SessionReq(
                        key=key,
                        module_id=need.course_module_id,
                        format=need.format,
                        title=token,
                        lecturer_id=need.lecturer_id,
                        host_id=need.host_id,
                        evening=need.evening,
                        topic=need.topic.slug if need.topic_id else None,
                    )
                )
        for ev in course.partner_events.select_related("partner"):
            key = f"p{ev.pk}"
            if key in fixed_keys:
                continue
            token = f"session:{key}"
            title = _names(ev) if (ev.title_en or ev.title_zh_hans) else _org_names(ev.partner)
            out.names[token] = {"en": title["en"] or title["zh-hans"], "zh-hans": title["zh-hans"] or title["en"]}
            sessions.append(
                tt.SessionReq(
                    key=key,
                    module_id=None,
                    format=ev.format,
                    title=token,
                    evening=ev.evening,
                    requested_days=frozenset({ev.requested_date}) if ev.requested_date else frozenset(),
                )
            )
        public = holidays.public_days(course.start_date, course.end_date)
        gaps = holidays.holiday_coverage_gaps(course.start_date, course.end_date)
        if gaps:
            out.notes.append({"code": "holiday_data_missing", "params": {"course": ctoken, "years": gaps}})
        own = set(
            BlackoutDate.objects.filter(
                academy_id=course.academy_id, date__range=(course.start_date, course.end_date)
            ).values_list("date", flat=True)
        )
        blackout = frozenset({p.day for p in public if not p.working} | own)
        working = frozenset(p.day for p in public if p.working)
        rest = planning.rest_weekday if planning and planning.rest_weekday is not None else 6
        course_problems.append(
            tt.CourseProblem(
                id=course.pk,
                title=ctoken,
                start=course.start_date,
                end=course.end_date,
                modules=tuple(modules),
                sessions=tuple(sessions),
                blackout=blackout,
                extra_working_days=working,
                rest_weekday=rest,
            )
        )
        if replan:
            for s in course.sessions.select_related("plan"):
                plan = getattr(s, "plan", None)
                if plan and plan.key:
                    out.previous[plan.key] = tt.Placement(course.pk, s.date, slot_of(s.start_time))

    # lecturers: their availability windows expanded to days (no window at all: not yet told, every day)
    profiles = {
        p.person_id: p
        for p in LecturerProfile.objects.filter(person_id__in=lecturer_ids)
        .select_related("person")
        .prefetch_related("availability")
    }
    people = {p.pk: p for p in Person.objects.filter(pk__in=lecturer_ids)}
    lecturers = []
    for pid in sorted(lecturer_ids):
        token = f"lecturer:{pid}"
        person = people.get(pid)
        out.names[token] = _person_names(person) if person else {"en": token, "zh-hans": token}
        prof = profiles.get(pid)
        windows = list(prof.availability.all()) if prof else []
        if windows:
            available = {
                d
                for w in windows
                for d in _days(max(w.start_date, span_start), min(w.end_date, span_end))
                if not w.weekdays or d.weekday() in w.weekdays
            }
        else:
            available = set(span)
        lecturers.append(
            tt.Lecturer(
                id=pid,
                name=token,
                available=frozenset(available),
                preferred_weekdays=frozenset(prof.preferred_weekdays) if prof else frozenset(),
                max_per_day=prof.max_sessions_per_day if prof else 2,
                group_sessions=prof.group_sessions if prof else False,
                visiting=prof.visiting if prof else False,
            )
        )
    # their bookings in courses outside this solve (other courses, other academies): busy
    busy = [
        tt.Busy(lecturer_id=s.lecturer_id, day=s.date, slot=slot_of(s.start_time))
        for s in Session.objects.filter(lecturer_id__in=lecturer_ids, date__range=(span_start, span_end))
        .exclude(course_id__in=course_ids)
        .exclude(course__status=CourseStatus.CANCELLED)
        .only("lecturer_id", "date", "start_time")
    ]
    if absence:
        for d in _days(absence["from"], absence["until"]):
            busy.append(tt.Busy(lecturer_id=absence["lecturer"], day=d, slot=None))
    hosts = []
    host_rows = {h.organisation_id: h for h in SiteHost.objects.filter(organisation_id__in=host_ids)}
    for org in Organisation.objects.filter(pk__in=host_ids):
        token = f"host:{org.pk}"
        out.names[token] = _org_names(org)
        row = host_rows.get(org.pk)
        if row is None:
            open_days = set(span)
        else:
            closed = {date.fromisoformat(d) for d in row.closed_dates}
            open_days = {
                d
                for d in span
                if (not row.weekdays or d.weekday() in row.weekdays)
                and (row.open_from is None or d >= row.open_from)
                and (row.open_until is None or d <= row.open_until)
                and d not in closed
            }
        hosts.append(tt.Host(id=org.pk, name=token, open_days=frozenset(open_days)))
    merged = {}
    for course in courses:
        planning = CoursePlanning.objects.filter(course=course).first()
        if planning:
            merged.update(planning.weights or {})
    merged.update(weights or {})
    out.problem = tt.Problem(
        courses=tuple(course_problems),
        lecturers=tuple(lecturers),
        hosts=tuple(hosts),
        busy=tuple(busy),
        weights=tt.Weights(**{k: v for k, v in merged.items() if k in WEIGHT_NAMES}),
        previous=out.previous or None,
        time_limit_s=time_limit_s,
    )
    return out


def sessions_fingerprint(course_ids: Iterable[int]) -> str:
    """The courses' sessions as they are now (id, version, date, times, lecturer, lock): accepting a run refuses if
    this changed since the run was created."""
    rows = (
        Session.objects.filter(course_id__in=list(course_ids))
        .order_by("id")
        .values_list("id", "version", "date", "start_time", "end_time", "lecturer_id", "plan__locked")
    )
    h = hashlib.sha256()
    for row in rows:
        h.update(repr(row).encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- runs


def _messages_by_language(conflicts: list[dict], names: dict) -> dict:
    out = {}
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            out[lang] = conflict_sentences(conflicts, names)
    return out


def _conflicts_json(conflicts: Iterable[tt.Conflict]) -> list[dict]:
    return [{"code": c.code, "params": dict(c.params)} for c in conflicts]


def _season_courses(start: date, end: date) -> list[Course]:
    return list(
        Course.objects.filter(
            academy__managed_by_program=True,
            status__in=PLANNABLE,
            start_date__lte=end,
            end_date__gte=start,
        )
        .select_related("academy__organisation")
        .order_by("start_date", "id")
    )


def _clean_absence(absence: dict | None, courses: list[Course], errors: ErrorCollector) -> dict | None:
    if not absence:
        return None
    lecturer, start, until = absence.get("lecturer"), absence.get("from"), absence.get("until")
    if not isinstance(lecturer, Person):
        errors.add("absent_lecturer", _("Select a valid choice."))
        return None
    if not isinstance(start, date) or not isinstance(until, date):
        errors.add("absent_from", _("Give the first and last day the lecturer cannot come."))
        return None
    if until < start:
        errors.add("absent_until", _("The window must end on or after the day it starts."))
        return None
    lo, hi = min(c.start_date for c in courses), max(c.end_date for c in courses)
    return {"lecturer": lecturer.pk, "from": max(start, lo), "until": min(until, hi)}


def _enqueue(run_id: int) -> None:
    from ..tasks import generate_timetable

    generate_timetable.enqueue(run_id=run_id)


def timetable_run_create(
    *,
    actor: User,
    course: Course | None = None,
    season_start: date | None = None,
    season_end: date | None = None,
    replan: bool = False,
    weights: dict | None = None,
    absence: dict | None = None,
) -> TimetableRun:
    """Check the inputs and queue a run: one course (``course``), a re-plan of it (``replan``: move as few
    sessions as possible; ``absence``: {"lecturer": Person, "from": date, "until": date} a lecturer who cancels),
    or a season (``season_start`` – ``season_end``, program staff). Inputs the engine refuses are a
    ValidationError with every reason as a sentence in the user's language; nothing is saved then."""
    errors = ErrorCollector()
    if course is not None:
        _plannable(actor, course)
        courses = [course]
        kind = TimetableRunKind.REPLAN if replan else TimetableRunKind.COURSE
        if replan and not SessionPlan.objects.filter(session__course=course).exclude(key="").exists():
            raise ValidationError(_("Re-plan needs an accepted timetable; generate one first."))
    else:
        require(actor, "academy.plan_season")
        kind = TimetableRunKind.SEASON
        if season_start is None or season_end is None:
            errors.add("season_start", _("Give the first and last day of the season."))
            errors.raise_if_any()
        with errors.check():
            check_dates(season_start=season_start, season_end=season_end)
        errors.raise_if_any()
        if season_end < season_start:
            errors.add("season_end", _("The season must end on or after the day it starts."))
        elif (season_end - season_start).days + 1 > MAX_SEASON_DAYS:
            errors.add("season_end", _("A season lasts at most %(n)d days.") % {"n": MAX_SEASON_DAYS})
        errors.raise_if_any()
        courses = _season_courses(season_start, season_end)
        if not courses:
            raise ValidationError(
                {
                    "season_start": _(
                        "No course of the managed academies in planning or open for enrolment falls in these dates."
                    )
                }
            )
        if len(courses) > MAX_SEASON_COURSES:
            raise ValidationError(
                {
                    "season_end": _("A season holds at most %(n)d courses; choose shorter dates.")
                    % {"n": MAX_SEASON_COURSES}
                }
            )
    clean_weights = _clean_weights(weights or {}, errors)
    clean_absence = _clean_absence(absence, courses, errors)
    errors.raise_if_any()
    loaded = load_problem(
        courses,
        weights=clean_weights,
        replan=replan,
        absence=clean_absence,
        time_limit_s=SEASON_TIME_LIMIT_S if kind == TimetableRunKind.SEASON else COURSE_TIME_LIMIT_S,
    )
    problems = []
    for c in loaded.problem.courses:
        if not c.sessions:
            problems.append(
                _("Course “%(course)s” has no session to place: say what its modules need first.")
                % {"course": next(x for x in courses if x.pk == c.id).display_name()}
            )
    conflicts = _conflicts_json(tt.validate(loaded.problem))
    if conflicts:
        problems += conflict_sentences(conflicts, loaded.names)
    if problems:
        raise ValidationError({"__all__": problems})
    parameters = {
        "weights": clean_weights,
        "replan": replan,
        "absence": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in clean_absence.items()}
        if clean_absence
        else None,
    }
    with transaction.atomic():
        run = TimetableRun.objects.create(
            kind=kind,
            course=course,
            season_start=season_start,
            season_end=season_end,
            parameters=parameters,
            base_fingerprint=sessions_fingerprint(c.pk for c in courses),
            created_by=actor,
            progress_note={"stage": "queued"},
        )
        run.courses.set(courses)
        transaction.on_commit(partial(_enqueue, run.pk))
    run.refresh_from_db()  # an immediate task backend may already have finished it
    return run


class LeaseLost(Exception):
    """This worker's claim on a run was taken away (reaped as stuck): stop."""


class _Lease:
    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.renewed_at = timezone.now()

    def progress(self, percent: int, stage: str, figures: dict | None = None) -> None:
        """Report progress (a plain UPDATE, no history row) and renew the lease; LeaseLost if no longer ours.
        figures: the engine's latest {objective, bound, seconds}, kept in the progress note."""
        now = timezone.now()
        note = {"stage": stage, **(figures or {})}
        held = TimetableRun.objects.filter(
            pk=self.run_id, status=TimetableRunStatus.RUNNING, lease_owner=self.owner
        ).update(progress=percent, progress_note=note, lease_expires_at=now + TIMETABLE_LEASE)
        if not held:
            raise LeaseLost
        self.renewed_at = now


class _SolveProgress:
    """Carries the engine's progress reports (called from the solver's thread, so they only store the figures)
    to the run: this thread writes them at most once per PROGRESS_EVERY_S and renews the lease at each write,
    also while no better timetable turns up (a long solve, or the explanation of an infeasible one)."""

    def __init__(self, lease: _Lease, time_limit_s: float) -> None:
        self.lease = lease
        self.time_limit_s = max(time_limit_s, 0.001)
        self.started = _time.monotonic()
        self.writes = 0
        self._lock = threading.Lock()
        self._figures: dict = {}

    def report(self, figures: dict[str, float]) -> None:
        """The engine's callback (solver thread): keep the latest figures, no database access here."""
        clean = {k: round(float(v), 3) for k, v in figures.items() if k in ("objective", "bound", "seconds")}
        with self._lock:
            self._figures = clean

    def write(self) -> None:
        """Progress 20 → 90 % with the share of the time limit spent (the solver stops at it at the latest)."""
        elapsed = _time.monotonic() - self.started
        percent = 20 + min(69, int(70 * elapsed / self.time_limit_s))
        with self._lock:
            figures = dict(self._figures)
        self.lease.progress(percent, "solving", figures)
        self.writes += 1


def _solve_with_progress(problem: tt.Problem, lease: _Lease) -> tt.Solution:
    """tt.solve in a worker thread (it holds no database connection) while this thread reports its progress and
    renews the lease; LeaseLost stops the solver too (within moments, storing nothing) and is raised."""
    progress = _SolveProgress(lease, problem.time_limit_s)
    outcome: dict = {}
    stop = threading.Event()

    def work() -> None:
        try:
            outcome["solution"] = tt.solve(problem, progress=progress.report, stop=stop)
        except BaseException as exc:  # handed to the waiting thread, which raises it
            outcome["error"] = exc

    worker = threading.Thread(target=work, name=f"timetable-run-{lease.run_id}", daemon=True)
    worker.start()
    while True:
        worker.join(PROGRESS_EVERY_S)
        if not worker.is_alive():
            break
        try:
            progress.write()
        except LeaseLost:
            stop.set()  # the abandoned solve would otherwise keep a core busy until its time limit
            worker.join()
            raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["solution"]


def _claim(run_id: int) -> tuple[TimetableRun | None, _Lease | None]:
    with transaction.atomic():
        run = TimetableRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != TimetableRunStatus.QUEUED:
            return run, None
        lease = _Lease(run_id)
        run.status, run.started_at = TimetableRunStatus.RUNNING, lease.renewed_at
        run.lease_owner, run.lease_expires_at = lease.owner, lease.renewed_at + TIMETABLE_LEASE
        run.progress, run.progress_note = 5, {"stage": "loading"}
        run.save(update_fields=["status", "started_at", "lease_owner", "lease_expires_at", "progress", "progress_note"])
    return run, lease


def _placement_json(p: tt.Placement) -> dict:
    return {"course": p.course_id, "day": p.day.isoformat(), "slot": p.slot.value}


def _solution_json(sol: tt.Solution, loaded: Loaded) -> dict:
    """What the run keeps: placements (key → course, day, slot) with what each session is, the objective and its
    parts, optimality, solve time, conflicts, moved sessions and the token names."""
    sessions = {}
    for course in loaded.problem.courses:
        for s in course.sessions:
            sessions[s.key] = {
                "course": course.id,
                "module": s.module_id,
                "format": s.format,
                "title": s.title,
                "lecturer": s.lecturer_id,
                "host": s.host_id,
                "evening": s.evening,
                "locked": s.locked is not None,
            }
    return {
        "status": sol.status,
        "placements": {k: _placement_json(p) for k, p in sorted(sol.placements.items())},
        "sessions": sessions,
        "module_days": {f"{c}:{m}": [d.isoformat() for d in days] for (c, m), days in sol.module_days.items()},
        "off_days": {str(c): [d.isoformat() for d in days] for c, days in sol.off_days.items()},
        "objective": sol.objective,
        "objective_parts": dict(sol.objective_parts),
        "bound": sol.bound,
        "gap": sol.gap,
        "solve_seconds": round(sol.solve_seconds, 3),
        "conflicts": _conflicts_json(sol.conflicts),
        "moved": list(sol.moved),
        "stats": dict(sol.stats),
        "names": loaded.names,
        "notes": loaded.notes,
        "weights": asdict(loaded.problem.weights),
    }


def _run_courses(run: TimetableRun) -> list[Course]:
    return list(run.courses.select_related("academy__organisation").order_by("start_date", "id"))


def timetable_run_execute(*, run_id: int) -> TimetableRun | None:
    """The background task's body: queued → running (lease, progress) → done / infeasible / failed."""
    run, lease = _claim(run_id)
    if lease is None:
        return run
    try:
        params = run.parameters or {}
        absence = params.get("absence")
        if absence:
            absence = {
                "lecturer": absence["lecturer"],
                "from": date.fromisoformat(absence["from"]),
                "until": date.fromisoformat(absence["until"]),
            }
        courses = _run_courses(run)
        loaded = load_problem(
            courses,
            weights=params.get("weights") or {},
            replan=bool(params.get("replan")),
            absence=absence,
            time_limit_s=SEASON_TIME_LIMIT_S if run.kind == TimetableRunKind.SEASON else COURSE_TIME_LIMIT_S,
        )
        lease.progress(20, "solving")
        sol = _solve_with_progress(loaded.problem, lease)
        lease.progress(90, "storing")
        data = _solution_json(sol, loaded)
        if sol.ok:
            status, error = TimetableRunStatus.DONE, {}
        else:
            status = TimetableRunStatus.INFEASIBLE
            error = _messages_by_language(data["conflicts"], loaded.names)
    except LeaseLost:
        logger.warning("timetable run %s: lease lost while computing; abandoned", run_id)
        return TimetableRun.objects.filter(pk=run_id).first()
    except Exception:
        logger.exception("timetable run %s failed", run_id)
        data, status = {}, TimetableRunStatus.FAILED
        error = {}
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                error[lang] = [
                    _(
                        "The timetable could not be computed because of an unexpected error. Try again, or tell the program team."
                    )
                ]
    with transaction.atomic():
        current = TimetableRun.objects.select_for_update().filter(pk=run_id).first()
        if current is None or current.status != TimetableRunStatus.RUNNING or current.lease_owner != lease.owner:
            logger.warning("timetable run %s: lease lost before it finished; result dropped", run_id)
            return current
        current.status, current.solution, current.error = status, data, error
        current.progress, current.progress_note = 100, {"stage": "finished"}
        current.finished_at, current.lease_expires_at = timezone.now(), None
        current.save()
    return current


def timetable_runs_reap(*, now: datetime | None = None) -> int:
    """Mark failed every running run whose worker's lease expired (core.tasks stuck-work registry)."""
    now = now or timezone.now()
    error = {}
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            error[lang] = [
                _(
                    "The worker computing this timetable stopped before it finished (it no longer renewed its "
                    "lease). Generate it again."
                )
            ]
    reaped = 0
    for pk in list(TimetableRun.objects.stuck(now).values_list("pk", flat=True)):
        with transaction.atomic():
            run = TimetableRun.objects.stuck(now).select_for_update().filter(pk=pk).first()
            if run is None:
                continue
            run.status, run.error, run.finished_at, run.lease_expires_at = TimetableRunStatus.FAILED, error, now, None
            run.save(update_fields=["status", "error", "finished_at", "lease_expires_at"])
            reaped += 1
    return reaped


def _require_run(actor: User, run: TimetableRun) -> list[Course]:
    courses = _run_courses(run)
    if run.kind == TimetableRunKind.SEASON:
        require(actor, "academy.plan_season")
    for c in courses:
        require(actor, "academy.plan_course", c)
    return courses


def _slot_times(slot: str, fmt: str) -> tuple[time, time]:
    return tt.SLOT_TIMES[tt.Slot(slot)]


@transaction.atomic
def timetable_run_accept(*, actor: User, run: TimetableRun) -> TimetableRun:
    """Write the run's timetable: locked sessions stay, sessions it places are moved or created, the courses'
    other sessions (replaced by the timetable) are deleted. Refused when the sessions changed since the run was
    created (generate again) or a course is no longer in planning or open."""
    run = TimetableRun.objects.select_for_update().get(pk=run.pk)
    courses = _require_run(actor, run)
    if run.status != TimetableRunStatus.DONE:
        raise ValidationError(_("Only a finished timetable that was not yet accepted or discarded can be accepted."))
    for c in courses:
        if c.status not in PLANNABLE:
            raise ValidationError(_("Only a course in planning or open for enrolment can be timetabled."))
    if sessions_fingerprint(c.pk for c in courses) != run.base_fingerprint:
        raise ValidationError(
            _("The sessions of the course changed after this timetable was generated. Generate it again.")
        )
    sol = run.solution
    placements, infos = sol.get("placements", {}), sol.get("sessions", {})
    needs = {
        n.pk: n
        for n in ModuleSessionNeed.objects.filter(course_module__course__in=courses).select_related("course_module")
    }
    events = {e.pk: e for e in PartnerEvent.objects.filter(course__in=courses)}
    for course in courses:
        existing = list(course.sessions.select_related("plan"))
        keep_fixed = set(course.sessions.filter(_fixed_sessions(course)).values_list("pk", flat=True))
        by_key = {}
        for s in existing:
            plan = getattr(s, "plan", None)
            if s.pk in keep_fixed:
                continue
            if plan and plan.key and plan.key in placements and plan.key not in by_key:
                by_key[plan.key] = s
            else:
                s._history_user = actor
                s.delete()
        for key, p in placements.items():
            if p["course"] != course.pk or infos.get(key, {}).get("locked"):
                continue
            day, (start, end) = date.fromisoformat(p["day"]), _slot_times(p["slot"], infos[key]["format"])
            s = by_key.get(key)
            if s is not None:
                if (s.date, s.start_time, s.end_time) != (day, start, end):
                    s.date, s.start_time, s.end_time = day, start, end
                    s.version += 1
                    s._history_user = actor
                    s.save()
                continue
            s = _new_session(course, key, infos[key], day, start, end, needs, events)
            s._history_user = actor
            s.save()
            SessionPlan.objects.update_or_create(session=s, defaults={"key": key})
        years = {course.start_date.year, course.end_date.year}
        course_compliance_refresh(course, years=years)
    run.status, run.decided_by, run.decided_at = TimetableRunStatus.ACCEPTED, actor, timezone.now()
    run._history_user = actor
    run.save(update_fields=["status", "decided_by", "decided_at"])
    return run


def _new_session(
    course: Course, key: str, info: dict, day: date, start: time, end: time, needs: dict, events: dict
) -> Session:
    s = Session(course=course, date=day, start_time=start, end_time=end, format=info["format"])
    if key.startswith("n"):
        need = needs.get(int(key[1:].split("-")[0]))
        if need is not None:
            s.module_id = need.course_module.module_id
            s.title_en, s.title_zh_hans = need.title_en or "", need.title_zh_hans or ""
            s.lecturer_id = need.lecturer_id
            s.partner_id = need.host_id
    elif key.startswith("p"):
        ev = events.get(int(key[1:]))
        if ev is not None:
            s.partner_id = ev.partner_id
            s.title_en, s.title_zh_hans = ev.title_en or "", ev.title_zh_hans or ""
    return s


@transaction.atomic
def timetable_run_discard(*, actor: User, run: TimetableRun) -> TimetableRun:
    run = TimetableRun.objects.select_for_update().get(pk=run.pk)
    _require_run(actor, run)
    if run.status in (TimetableRunStatus.ACCEPTED, TimetableRunStatus.DISCARDED):
        raise ValidationError(_("This timetable was already accepted or discarded."))
    if run.status in (TimetableRunStatus.QUEUED, TimetableRunStatus.RUNNING) and not run.is_stuck:
        raise ValidationError(_("This timetable is still being computed; discard it when it is finished."))
    run.status, run.decided_by, run.decided_at = TimetableRunStatus.DISCARDED, actor, timezone.now()
    run._history_user = actor
    run.save(update_fields=["status", "decided_by", "decided_at"])
    return run


def ensure_can_plan(actor: User, course: Course) -> None:
    if not actor.has_perm("academy.plan_course", course):
        raise PermissionDenied
