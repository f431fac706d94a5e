"""Reads for Government Training screens and the API: scoped by visible_to(user), related rows in one pass.

Every object is fetched through an ``<entity>_get(*, user, pk)`` here, which raises Http404 when the object is
missing or outside the user's scope (404, never 403: a user does not learn that an object they cannot see exists).
``course_get`` and ``official_get`` raise the model's DoesNotExist, which the views and the API also answer 404."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models import BooleanField, Exists, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Value
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import mark_safe

from citybridge.core import provinces as province_list
from citybridge.core.listing import name_order
from citybridge.core.models import is_chinese
from citybridge.core.paging import Kept, kept_first_rows, options_html
from citybridge.core.rows import date_text

from . import compliance as comp
from . import impact as impact_engine
from .compliance_data import compliance_inputs, compliance_rules
from .models import (
    Academy,
    Attendance,
    Certificate,
    Course,
    CourseModule,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    ExternalTraining,
    ImpactSnapshot,
    JurisdictionPopulation,
    Module,
    OfficialProfile,
    PossibleDuplicate,
    Session,
    Topic,
    TrainingSummary,
    TrainingYear,
)

if TYPE_CHECKING:
    from django.db.models import Model

    from citybridge.core.models import User

    from .models import RosterUpload


def _get(queryset: QuerySet, pk: int) -> Model:
    try:
        obj = queryset.filter(pk=pk).first()
    except (TypeError, ValueError):  # not an id at all (a form's or a body's value): not found either
        obj = None
    if obj is None:
        raise Http404
    return obj


def academy_list(*, user: User) -> QuerySet[Academy]:
    return Academy.objects.visible_to(user).select_related("organisation")


def academy_get(*, user: User, pk: int) -> Academy:
    return _get(academy_list(user=user), pk)


def topic_list(*, user: User) -> QuerySet[Topic]:
    return Topic.objects.all() if getattr(user, "is_authenticated", False) else Topic.objects.none()


def module_list(*, user: User) -> QuerySet[Module]:
    if not getattr(user, "is_authenticated", False):
        return Module.objects.none()
    return Module.objects.prefetch_related("topics")


def topic_get(*, user: User, pk: int) -> Topic:
    return _get(topic_list(user=user), pk)


def module_get(*, user: User, pk: int) -> Module:
    return _get(module_list(user=user), pk)


def course_list(*, user: User, status: str = "", academy: int | None = None) -> QuerySet[Course]:
    """The courses the user may see (each carries `confirmed_count`, its confirmed enrolments, kept by the database:
    academy/confirmed_count.py)."""
    qs = Course.objects.visible_to(user).select_related("academy__organisation")
    if status:
        qs = qs.filter(status=status)
    if academy:
        qs = qs.filter(academy_id=academy)
    return qs


def course_get(*, user: User, pk: int) -> Course:
    return Course.objects.visible_to(user).select_related("academy__organisation").get(pk=pk)


def session_get(*, user: User, pk: int) -> Session:
    return _get(Session.objects.visible_to(user).select_related("course"), pk)


def enrolment_get(*, user: User, pk: int) -> Enrolment:
    return _get(Enrolment.objects.visible_to(user).select_related("course", "official__person"), pk)


def certificate_get(*, user: User, pk: int) -> Certificate:
    """A certificate of an enrolment the user can see."""
    return _get(
        Certificate.objects.filter(enrolment__in=Enrolment.objects.visible_to(user)).select_related(
            "enrolment__course__academy__organisation", "enrolment__official__person"
        ),
        pk,
    )


def course_sessions(*, course: Course) -> QuerySet[Session]:
    return course.sessions.select_related("module", "lecturer", "partner")


def course_modules(*, course: Course) -> QuerySet[CourseModule]:
    return course.course_modules.select_related("module").prefetch_related("module__topics")


def with_certificates(qs: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Each enrolment's valid certificate as `valid_certificate` (None without one) and, when it has none, the code
    of its latest revoked certificate as `revoked_certificate_code`: in the rows' own query (a join and a
    subquery), not one more query."""
    latest_revoked = (
        Certificate.objects.filter(enrolment=OuterRef("pk"), revoked_at__isnull=False)
        .order_by("-revoked_at", "-pk")
        .values("code")[:1]
    )
    return qs.annotate(
        valid_certificate=FilteredRelation("certificates", condition=Q(certificates__revoked_at__isnull=True)),
        revoked_certificate_code=Subquery(latest_revoked),
    ).select_related("valid_certificate")


def course_enrolments(*, course: Course) -> QuerySet[Enrolment]:
    return with_certificates(
        course.enrolments.select_related("official__person__organisation", "official__jurisdiction")
    ).order_by("status", *name_order("family_name", "given_name", prefix="official__person__"), "id")


def lecturer_sessions(*, user: User) -> QuerySet[Session]:
    if not user.person_id:
        return Session.objects.none()
    return Session.objects.filter(lecturer_id=user.person_id).select_related("course__academy__organisation", "module")


# --------------------------------------------------------------------------- officials


def _with_contact_flag(qs: QuerySet[OfficialProfile], user: User) -> QuerySet[OfficialProfile]:
    """Annotate `contact_ok`: may this user see the official's contact details and service dates (one pass)?"""
    if user.is_program_staff:
        return qs.annotate(contact_ok=Value(True, output_field=BooleanField()))
    ids = user.scoped_organisation_ids("academy_coordinator")
    return qs.annotate(
        contact_ok=Exists(
            Enrolment.objects.filter(official=OuterRef("pk"), course__academy__organisation_id__in=ids).exclude(
                status=EnrolmentStatus.WITHDRAWN
            )
        )
    )


def contact_visible(official: OfficialProfile) -> bool:
    """Read the flag set by official_list / official_get; False when the object was loaded another way."""
    return bool(getattr(official, "contact_ok", False))


#: the columns of academy_official_name_en_idx, in its order (a copy of the person's names, then the person's and the
#: official's keys)
OFFICIAL_NAME_ORDER = (
    "sort_family_name_en",
    "sort_given_name_en",
    "sort_family_name_zh_hans",
    "sort_given_name_zh_hans",
    "person_id",
    "id",
)


def official_list(*, user: User, q: str = "") -> QuerySet[OfficialProfile]:
    qs = _with_contact_flag(
        OfficialProfile.objects.visible_to(user).select_related("person__organisation", "jurisdiction"), user
    )
    q = (q or "").strip()
    if q:
        cond = Q()
        for f in ("family_name_en", "given_name_en", "family_name_zh_hans", "given_name_zh_hans", "search_name"):
            cond |= Q(**{f"person__{f}__icontains": q})
        qs = qs.filter(cond)
    # the English name order of the officials page, through the official's own copies of the names and their index
    # (academy_official_name_en_idx): the API's pages, deep ones too, read their keys from one covering index
    # (issue 9). It was (family names, id): no index held that order, so every page sorted all the officials.
    return qs.order_by(*OFFICIAL_NAME_ORDER)


def official_get(*, user: User, pk: int) -> OfficialProfile:
    return _with_contact_flag(
        OfficialProfile.objects.visible_to(user).select_related("person__organisation", "jurisdiction", "company"), user
    ).get(pk=pk)


def external_training_get(*, user: User, pk: int) -> ExternalTraining:
    """External training of an official the user can see."""
    return _get(ExternalTraining.objects.filter(official__in=OfficialProfile.objects.visible_to(user)), pk)


@dataclass
class OfficialHistory:
    compliance: comp.OfficialCompliance
    enrolments: list[Enrolment]
    external: list[ExternalTraining]
    days_by_course: dict[int, int]


def official_history(*, official: OfficialProfile, as_of: date | None = None) -> OfficialHistory:
    rules = compliance_rules()
    as_of = as_of or timezone.localdate()
    inp = compliance_inputs([official.pk])[official.pk]
    result = comp.official_compliance(inp, as_of, rules)
    enrolments = list(
        with_certificates(official.enrolments.select_related("course__academy__organisation")).order_by(
            "-course__start_date"
        )
    )
    credited = set(comp.credited_days(inp.marks, rules.day_rule))
    days_by_course: dict[int, int] = {}
    if enrolments:
        dates_of: dict[int, set[date]] = {}
        for cid, d in Session.objects.filter(course_id__in=[e.course_id for e in enrolments]).values_list(
            "course_id", "date"
        ):
            dates_of.setdefault(cid, set()).add(d)
        for e in enrolments:
            days_by_course[e.course_id] = len(credited & dates_of.get(e.course_id, set()))
    external = list(official.external_training.all())
    return OfficialHistory(result, enrolments, external, days_by_course)


# --------------------------------------------------------------------------- who is behind


BEHIND_RULES = ("any", "annual", "window", "both")


def training_year_prepared(year: int) -> bool:
    """Whether every serving official has a summary row for ``year`` (the list is only complete then)."""
    return TrainingYear.objects.filter(year=year).exists()


def behind_scope(user: User) -> tuple[int, ...] | None:
    """Whose summaries a user may list: None for program staff (everyone's), else the organisations whose academies
    they coordinate (an official enrolled there, not withdrawn: OfficialProfile.visible_to's rule)."""
    return None if user.is_program_staff else tuple(sorted(user.scoped_organisation_ids("academy_coordinator")))


def _coordinated_officials(organisations: tuple[int, ...]) -> QuerySet[Enrolment]:
    """The keys of the officials with a current (not withdrawn) enrolment at the academies of `organisations`, as a
    subquery. "IN (…)" rather than EXISTS per row: the database reads the academy's enrolments once, then walks
    the summaries' index."""
    return (
        Enrolment.objects.filter(course__academy__organisation_id__in=organisations)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .values("official_id")
    )


def behind_list(*, user: User, **params: Any) -> QuerySet[TrainingSummary]:
    """Stored per-year summaries of the officials `user` may see, most days missing first (_behind_summaries has
    the parameters)."""
    return _behind_summaries(scope=behind_scope(user), **params)


def _behind_summaries(
    *,
    scope: tuple[int, ...] | None,
    year: int,
    academy: int | None = None,
    organisation: int | None = None,
    province: str = "",
    position: str = "",
    include_on_track: bool = False,
    rule: str = "any",
    organisation_q: str = "",
    key_equals: int | None = None,
) -> QuerySet[TrainingSummary]:
    """Stored per-year summaries, most days missing first, of the officials in `scope` (behind_scope).

    ``rule``: "annual" (days short this year, sorted by them), "window" (at risk in the 5-year window, sorted by the
    window gap), "both" (behind on both), "any" (behind on either; sorted by shortfall + window gap). Each is one
    walk of a (year, -key, official) index.

    ``organisation_q``: part of the official's organisation's name, in English or Chinese (the page's search; the
    ``organisation`` key picks one organisation exactly).

    ``key_equals``: only the rows whose value of the rule's key is this one (> 0), instead of every row where it is
    above 0 (behind_seek's rows tied with a cursor)."""
    qs = TrainingSummary.objects.filter(year=year).select_related(
        "official__person__organisation", "official__jurisdiction"
    )
    if scope is not None:  # an IN subquery keeps the count and the first page fast at 200,000 officials
        qs = qs.filter(official_id__in=_coordinated_officials(scope))
    key = behind_key(rule)
    if key_equals is not None:  # alone: beside `key > 0`, SQLite's planner walks that range, not the equal rows
        qs = qs.filter(**{key: key_equals}, **({"shortfall__gt": 0, "window_gap__gt": 0} if rule == "both" else {}))
    elif not include_on_track:
        if rule == "both":
            qs = qs.filter(shortfall__gt=0, window_gap__gt=0)
        else:
            qs = qs.filter(**{f"{key}__gt": 0})
    if academy:
        qs = qs.filter(official_id__in=Enrolment.objects.filter(course__academy_id=academy).values("official_id"))
    if organisation:
        qs = qs.filter(official__person__organisation_id=organisation)
    if organisation_q:
        qs = qs.filter(
            Q(official__person__organisation__name_en__icontains=organisation_q)
            | Q(official__person__organisation__name_zh_hans__icontains=organisation_q)
        )
    if province:  # a code of core.provinces: "Hebei" and "河北省" are one province
        qs = qs.filter(official__province_code=province)
    if position:
        qs = qs.filter(official__position=position)
    return qs.order_by(f"-{key}", "official_id")


def behind_key(rule: str) -> str:
    """The column a rule lists by, most days missing first (then by official)."""
    return {"annual": "shortfall", "window": "window_gap"}.get(rule, "behind_days")


def behind_first(*, user: User, columns: tuple[str, ...], limit: int, **params: Any) -> list[dict]:
    """The first `limit` rows of `behind_list(user=user, **params)` as `columns` dicts (holding the rule's key and
    the official), in one statement compiled once per process for the filters' shape (core.paging.kept_first_rows)."""
    return kept_first_rows(Kept(_behind_summaries, {**params, "scope": behind_scope(user)}), columns, limit)


def behind_seek(
    *,
    user: User,
    cursor: tuple[int, int],
    limit: int,
    columns: tuple[str, ...],
    backwards: bool = False,
    **params: Any,
) -> list[dict]:
    """The `limit` rows of `behind_list(user=user, **params)` as `columns` dicts (in its rule's order: `columns`
    hold the rule's key and the official) right after the row `cursor` (its key value and official), or right
    before it with `backwards` (still in the rule's order): what Next and Previous show.
    Each reads only the rows it returns, at any depth, where `OFFSET` walks every row before the page (page 399 of
    20,000 officials walked 19,900 index entries). Two short walks down the rule's index: the rows tied with the
    cursor's value past its official, then the rows of the next values (a single `key < v OR (key = v AND
    official > o)` is not one range of the index: the database would read and sort every row after it). Each walk
    is one statement compiled once per process for the filters' shape (core.paging.kept_first_rows)."""
    value, official = cursor
    params = {**params, "scope": behind_scope(user), "value": value, "backwards": backwards}
    rows = []
    if value > 0:  # a listed row's value (0 is on track)
        rows = kept_first_rows(Kept(_behind_ties, {**params, "official": official}), columns, limit)
    if len(rows) < limit:  # read only when the ties do not fill the page
        rows += kept_first_rows(Kept(_behind_beyond, params), columns, limit - len(rows))
    return rows[::-1] if backwards else rows


def _behind_ties(*, value: int, official: int, backwards: bool, **params: Any) -> QuerySet[TrainingSummary]:
    """behind_seek's rows tied with the cursor's value, past its official (before it, nearest first, with
    `backwards`)."""
    ties = _behind_summaries(**params, key_equals=value)
    if backwards:
        return ties.filter(official_id__lt=official).order_by("-official_id")
    return ties.filter(official_id__gt=official)


def _behind_beyond(*, value: int, backwards: bool, **params: Any) -> QuerySet[TrainingSummary]:
    """behind_seek's rows of the values after the cursor's (before it, nearest first, with `backwards`)."""
    key = behind_key(str(params.get("rule", "any")))
    rows = _behind_summaries(**params)
    if backwards:
        return rows.filter(**{f"{key}__gt": value}).order_by(key, "-official_id")
    return rows.filter(**{f"{key}__lt": value})


@dataclass
class BehindRow:
    summary: TrainingSummary
    year_sources: list[tuple[str, int]]  # (course or external training name, days) in the year
    window_sources: list[tuple[str, int]]  # the same in the window

    @property
    def window_last_day(self) -> date | None:
        end = self.summary.window_end
        return end - timedelta(days=1) if end else None


def behind_rows(summaries: list[TrainingSummary]) -> list[BehindRow]:
    """The page's rows with the names of the courses and external training their days come from (2 queries for
    the page, none per row; every figure is read from the stored summary)."""
    course_ids: set[int] = set()
    ext_ids: set[int] = set()
    for s in summaries:
        for part in (s.detail or {}).values():
            course_ids.update(int(k) for k in part.get("courses", {}) if k.isdigit())
            ext_ids.update(int(k) for k in part.get("external", {}) if k.isdigit())
    courses = (
        {str(c.pk): f"{c.display_name()} ({date_text(c.start_date)})" for c in Course.objects.filter(pk__in=course_ids)}
        if course_ids
        else {}
    )
    externals = (
        {
            str(e.pk): f"{e.title} ({e.provider})"
            for e in ExternalTraining.objects.filter(pk__in=ext_ids).only("title", "provider")
        }
        if ext_ids
        else {}
    )

    def names(part: dict | None) -> list[tuple[str, int]]:
        if not part:
            return []
        out = [(courses.get(k, "?"), n) for k, n in part.get("courses", {}).items()]
        out += [(externals.get(k, "?"), n) for k, n in part.get("external", {}).items()]
        return sorted(out, key=lambda kv: -kv[1])

    return [BehindRow(s, names((s.detail or {}).get("year")), names((s.detail or {}).get("window"))) for s in summaries]


def behind_summary_get(*, user: User, pk: int) -> BehindRow:
    """One row of "who is behind" with the names its days come from, for the row's explanation that the page loads
    only when it is opened. Scoped as behind_list (a coordinator: officials enrolled at their academies);
    Http404 outside."""
    qs = TrainingSummary.objects.select_related("official__person")
    if (scope := behind_scope(user)) is not None:
        qs = qs.filter(official_id__in=_coordinated_officials(scope))
    return behind_rows([_get(qs, pk)])[0]


def behind_filter_choices(*, user: User) -> dict:
    """The data-dependent drop-downs of "who is behind": the academies the user may filter by (program staff: all;
    a coordinator: those of their organisations), as rendered `<option>`s (the page marks the selected one with
    `with_selected`, core.templatetags.listing), and the prepared years (training_year_prepared). Organisations are
    searched by name (behind_list's `organisation_q`): thousands of them make no usable drop-down.
    All come from one shared cache entry (_behind_filter_lists): one small read per request instead of a query for
    the academies, one for the prepared year and one for the cache."""
    lists = _behind_filter_lists(is_chinese())
    academies = lists.academies
    if not user.is_program_staff:
        ids = user.scoped_organisation_ids("academy_coordinator")
        academies = [a for a in academies if a[1] in ids]
    return {
        "academy_options": mark_safe("".join(option for _pk, _org, option in academies)),  # noqa: S308 - options_html
        "prepared_years": lists.prepared_years,
    }


class BehindFilterLists(NamedTuple):
    academies: list[tuple[int, int, str]]  # (academy, its organisation, its <option>), as Academy.Meta.ordering sorts
    prepared_years: frozenset[int]  # the years with a TrainingYear row (training_year_prepared)


#: the academies drop-down of "who is behind" and its prepared years are the same for
#: everyone (a coordinator's academies are picked from the list): kept in the shared cache (every worker reads the
#: same entry), dropped when an organisation, academy or training year is saved or deleted (academy/
#: signals.py, again when the write commits), and at most this many seconds old after a bulk write that sends no
#: signal (a training year is only ever created by compliance_prepare_year, which sends one)
BEHIND_FILTERS_TTL = 60
_BEHIND_FILTERS_KEY = "academy:behind-filters:v7:{}"  # v7: provinces are the controlled list (core.provinces)


def _behind_filter_lists(zh: bool) -> BehindFilterLists:
    key = _BEHIND_FILTERS_KEY.format("zh-hans" if zh else "en")
    cached = cache.get(key)
    if cached is not None:
        return BehindFilterLists(*cached)
    # every academy (Academy.visible_to lets any signed-in user list them all), as Organisation.display_name names
    # them, sorted here as Academy.Meta.ordering does (organisation name, id): ORDER BY the joined name made SQLite
    # walk every organisation by name to find the few that are academies
    academies = [
        (pk, org, str(options_html([(pk, (name_zh or name_en or "") if zh else (name_en or name_zh or ""))], None)))
        for pk, org, name_en, name_zh in sorted(
            Academy.objects.order_by().values_list(
                "pk", "organisation_id", "organisation__name_en", "organisation__name_zh_hans"
            ),
            key=lambda row: (row[2] or "", row[0]),
        )
    ]
    prepared = frozenset(TrainingYear.objects.values_list("year", flat=True))
    lists = BehindFilterLists(academies, prepared)
    cache.set(key, tuple(lists), BEHIND_FILTERS_TTL)
    return lists


def behind_filters_forget() -> None:
    """Drop the cached drop-downs (academy/signals.py calls it when an organisation or jurisdiction changes)."""
    cache.delete_many([_BEHIND_FILTERS_KEY.format(code) for code, _name in settings.LANGUAGES])


# --------------------------------------------------------------------------- attendance grid


@dataclass
class GridRow:
    enrolment: Enrolment
    marks: dict[int, str]  # session id -> status


def attendance_grid(*, course: Course, sessions: list[Session]) -> list[GridRow]:
    enrolments = list(
        course.enrolments.exclude(status=EnrolmentStatus.WAITLISTED)
        .select_related("official__person__organisation", "official__jurisdiction")
        .order_by(*name_order("family_name", "given_name", prefix="official__person__"), "id")
    )
    marks: dict[int, dict[int, str]] = {}
    for off, sid, st in Attendance.objects.filter(session__in=[s.pk for s in sessions]).values_list(
        "official_id", "session_id", "status"
    ):
        marks.setdefault(off, {})[sid] = st
    return [GridRow(e, marks.get(e.official_id, {})) for e in enrolments]


# --------------------------------------------------------------------------- certificates and impact


def certificate_by_code(code: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("enrolment__course__academy__organisation", "enrolment__official__person")
        .filter(code=code)
        .first()
    )


IMPACT_ZERO = {
    k: 0
    for k in (
        "officials",
        "population",
        "jurisdictions",
        "companies",
        "company_employees",
        "jurisdictions_without_population",
    )
}
#: filtered figures are recomputed from records at most this often per filter (the key also changes with every
#: snapshot refresh and every write that marks it stale)
IMPACT_CACHE_SECONDS = 300


@dataclass(frozen=True)
class ImpactFilter:
    """What the impact figures are narrowed to. ``academies`` is None for every academy; a coordinator's filter
    always names their academies (impact_filter_for sees to it)."""

    year: int | None = None
    academies: tuple[int, ...] | None = None
    topic: int | None = None
    province: str = ""

    @property
    def is_everything(self) -> bool:
        return self.year is None and self.academies is None and self.topic is None and not self.province


def impact_academies(*, user: User) -> QuerySet[Academy]:
    """The academies whose figures the user may see: staff every one, a coordinator theirs."""
    qs = academy_list(user=user)
    if not getattr(user, "is_program_staff", False):
        qs = qs.filter(organisation_id__in=user.scoped_organisation_ids("academy_coordinator"))
    return qs


def impact_filter_for(
    *, user: User, year: int | None = None, academy: int | None = None, topic: int | None = None, province: str = ""
) -> ImpactFilter:
    """The filter the user may have: a coordinator is held to their own academies (asking for another one gives
    their own figures, never the other academy's). `province` is a code of core.provinces or a name of one in
    English or Chinese ("CN-HE", "Hebei", "河北省": one province); one it does not know filters nothing (the API
    refuses it first)."""
    if getattr(user, "is_program_staff", False):
        academies = (academy,) if academy else None
    else:
        own = sorted(impact_academies(user=user).values_list("pk", flat=True))
        academies = (academy,) if academy in own else tuple(own)
    return ImpactFilter(year=year, academies=academies, topic=topic, province=province_list.province_code(province))


def impact_trainings(flt: ImpactFilter | None = None) -> list[impact_engine.Training]:
    """The engine's training records: one per official per completed course they were confirmed in, narrowed to
    the filter (2 queries + 1 for topics)."""
    courses = Course.objects.filter(status=CourseStatus.COMPLETED)
    if flt is not None:
        if flt.year is not None:
            courses = courses.filter(end_date__year=flt.year)
        if flt.academies is not None:
            courses = courses.filter(academy_id__in=flt.academies)
        if flt.topic is not None:
            courses = courses.filter(
                Exists(CourseModule.objects.filter(course_id=OuterRef("pk"), module__topics=flt.topic))
            )
    topics_of: dict[int, set[int]] = defaultdict(set)
    for course_id, topic_id in CourseModule.objects.filter(course__in=courses).values_list(
        "course_id", "module__topics"
    ):
        if topic_id:
            topics_of[course_id].add(topic_id)
    frozen = {k: frozenset(v) for k, v in topics_of.items()}
    empty: frozenset[int] = frozenset()
    rows = Enrolment.objects.filter(status=EnrolmentStatus.CONFIRMED, course__in=courses)
    if flt is not None and flt.province:
        rows = rows.filter(official__province_code=flt.province)
    return [
        impact_engine.Training(off, end, academy, course, frozen.get(course, empty), pos, jur, comp_, size)
        for off, end, academy, course, pos, jur, comp_, size in rows.values_list(
            "official_id",
            "course__end_date",
            "course__academy_id",
            "course_id",
            "position",
            "jurisdiction_id",
            "company_id",
            "company_employees",
        ).iterator(chunk_size=20000)
    ]


def impact_population_figures() -> list[impact_engine.PopulationFigure]:
    return [
        impact_engine.PopulationFigure(j, d, p)
        for j, d, p in JurisdictionPopulation.objects.values_list("jurisdiction_id", "valid_from", "population")
    ]


def _figures_json(f: impact_engine.ImpactFigures) -> dict:
    return {
        "officials": f.officials,
        "population": f.population,
        "jurisdictions": f.jurisdictions,
        "companies": f.companies,
        "company_employees": f.company_employees,
        "jurisdictions_without_population": f.jurisdictions_without_population,
    }


def impact_report_data(report: impact_engine.ImpactReport) -> dict:
    """The engine's report as stored in the snapshot (and the filtered cache): JSON with string keys."""
    return {
        "total": _figures_json(report.total),
        "by_year": {str(k): _figures_json(v) for k, v in report.by_year.items()},
        "cumulative_by_year": {str(k): _figures_json(v) for k, v in report.cumulative_by_year.items()},
        "by_academy": {str(k): _figures_json(v) for k, v in report.by_academy.items()},
        "by_topic": {str(k): _figures_json(v) for k, v in report.by_topic.items()},
    }


def _impact_filtered(flt: ImpactFilter, snap: ImpactSnapshot | None) -> dict:
    """Figures for a filter, computed from records by the engine and kept in the shared cache (no database write
    besides the cache's own); the key changes whenever the snapshot is refreshed or marked stale."""
    version = f"{snap.computed_at.timestamp() if snap and snap.computed_at else 0}-{int(bool(snap and snap.stale))}"
    raw = (
        f"{version}|{flt.year}|{','.join(map(str, flt.academies or ())) if flt.academies is not None else '*'}|"
        f"{flt.topic}|{flt.province}"
    )
    key = "academy:impact:" + hashlib.sha256(raw.encode()).hexdigest()[:32]
    data = cache.get(key)
    if data is None:
        report = impact_engine.impact_report(impact_trainings(flt), impact_population_figures())
        data = impact_report_data(report)
        cache.set(key, data, IMPACT_CACHE_SECONDS)
    return data


def impact_dashboard(flt: ImpactFilter | None = None) -> dict:
    """The impact figures. Unfiltered: the stored snapshot as last computed by the background task (never
    recomputed on a read). Filtered: computed from records through the engine, cached per filter. ``snapshot``
    is None before the first computation; ``updating`` says a write has changed the records since."""
    snap = ImpactSnapshot.objects.filter(key="all").first()
    empty = {"total": IMPACT_ZERO, "by_year": {}, "cumulative_by_year": {}, "by_academy": {}, "by_topic": {}}
    if flt is None or flt.is_everything:
        data = snap.data if snap and snap.data else empty
    else:
        data = _impact_filtered(flt, snap)
    academy_rows = list(Academy.objects.select_related("organisation"))
    topic_rows = list(Topic.objects.all())
    academies = {str(a.pk): a.display_name() for a in academy_rows}
    topics = {str(t.pk): t.display_name() for t in topic_rows}
    return {
        "snapshot": snap,
        "data": data,
        "academy_names": academies,
        "topic_names": topics,
        "updating": snap is None or snap.stale,
        "computed": bool(snap and snap.computed_at),
        "filter": flt or ImpactFilter(),
        "academy_rows": academy_rows,
        "topic_rows": topic_rows,
    }


IMPACT_EXPORT_ROWS = 100_000


def impact_training_rows(flt: ImpactFilter, *, limit: int = IMPACT_EXPORT_ROWS) -> Iterator[Enrolment]:
    """The training records behind the filtered figures (confirmed in a completed course), with the names an
    export shows, in course order, streamed; at most ``limit`` (the export says when it stopped)."""
    rows = Enrolment.objects.filter(status=EnrolmentStatus.CONFIRMED, course__status=CourseStatus.COMPLETED)
    if flt.year is not None:
        rows = rows.filter(course__end_date__year=flt.year)
    if flt.academies is not None:
        rows = rows.filter(course__academy_id__in=flt.academies)
    if flt.topic is not None:
        rows = rows.filter(
            Exists(CourseModule.objects.filter(course_id=OuterRef("course_id"), module__topics=flt.topic))
        )
    if flt.province:
        rows = rows.filter(official__province_code=flt.province)
    return (
        rows.select_related("course__academy__organisation", "official__person", "jurisdiction", "company")
        .order_by("course__end_date", "course_id", "id")[:limit]
        .iterator(chunk_size=2000)
    )


def _impact_years() -> list[int]:
    return sorted(
        {d.year for d in Course.objects.filter(status=CourseStatus.COMPLETED).dates("end_date", "year")}, reverse=True
    )


def impact_filter_choices(*, user: User, dashboard: dict) -> dict:
    """For the dashboard (impact_dashboard's result): academies the user may pick, topics, years with completed
    courses (kept in the shared cache until the snapshot is next computed). Provinces are the controlled list's
    (core.paging.province_options), as on the other filters."""
    snapshot = dashboard["snapshot"]
    version = snapshot.computed_at.timestamp() if snapshot and snapshot.computed_at else 0
    years = cache.get_or_set(f"academy:impact:years:{version}", _impact_years, IMPACT_CACHE_SECONDS)
    academies = dashboard["academy_rows"]
    if not getattr(user, "is_program_staff", False):
        own = user.scoped_organisation_ids("academy_coordinator")
        academies = [a for a in academies if a.organisation_id in own]
    return {"academies": academies, "topics": dashboard["topic_rows"], "years": years}


# --------------------------------------------------------------------------- possible duplicates


def duplicate_list(*, user: User) -> QuerySet[PossibleDuplicate]:
    """Open possible duplicates (program staff only), both officials loaded in one pass."""
    return (
        PossibleDuplicate.objects.visible_to(user)
        .open()
        .select_related("new_official__person__organisation", "existing_official__person__organisation", "course")
        .order_by("created_at", "id")
    )


def roster_upload(*, user: User, pk: int, course: Course | None = None) -> RosterUpload | None:
    """A roster previewed by this user for this course (or for no course), or None."""
    from .models import RosterUpload

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return RosterUpload.objects.filter(pk=pk, created_by=user, course=course).first()


def duplicate_get(*, user: User, pk: int) -> PossibleDuplicate:
    """An open possible duplicate (program staff only; anyone else gets Http404)."""
    return _get(duplicate_list(user=user), pk)
