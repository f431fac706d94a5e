"""One way to fetch an object (issue #8): every URL with an id, walked from the URLconf, answers 404 to a user who
cannot see the object: never 403 (which would say that it exists) and never a 500.

Objects with a scope (courses, sessions, enrolments, certificates, officials, external training, people, API
tokens) are real objects of academy A, asked for by the coordinator of academy B. Objects every signed-in user sees
(organisations, curriculum, cities) or only staff see (possible duplicates, selection runs) are asked for by an id
that does not exist: a view that checked a permission before fetching would answer 403 there.
"""

from __future__ import annotations

import json
import re
from datetime import date, time

import pytest
from django.urls import URLResolver, get_resolver

pytestmark = pytest.mark.django_db

MISSING = 10**17
METHODS = ("get", "post", "put", "patch", "delete")

# (route pattern, kind of object its ids name), first match wins; a new URL with an id must be added here
KINDS = [
    (r"^accounts/tokens/", "token"),
    (r"people/<id:pk>/roles/<id:membership", "membership"),
    (r"^(api/v1/)?people/", "person"),
    (r"^(api/v1/)?organisations/", None),
    (r"^academy/curriculum/", None),
    (r"^(api/v1/)?academy/courses/<id:(course_)?pk>", "course"),
    (r"^(api/v1/)?academy/sessions/", "session"),
    (r"^(api/v1/)?academy/enrolments/", "enrolment"),
    (r"^(api/v1/)?academy/certificates/<id:", "certificate"),
    (r"^(api/v1/)?academy/officials/", "official"),
    (r"^(api/v1/)?academy/external-training/", "external"),
    (r"^(api/v1/)?academy/duplicates/", None),
    (r"^academy/behind/<id:", "summary"),
    (r"^(api/v1/)?academy/lecturers/", "lecturer"),
    (r"^(api/v1/)?academy/availability/", "window"),
    (r"^(api/v1/academy|academy/timetable)/needs/", "need"),
    (r"^(api/v1/academy/partner-events|academy/timetable/events)/", "event"),
    (r"^(api/v1/academy/blackout-dates|academy/timetable/blackouts)/", "blackout"),
    (r"^(api/v1/)?academy/(timetable/)?site-hosts/", None),
    (r"^(api/v1/)?academy/timetable(-runs|/runs)/", "run"),
    (r"^(api/v1/)?cities/", None),
    (r"^(api/v1/)?climate/", None),
    (r"^(api/v1/)?materials/", None),
    (r"^(api/v1/)?outreach/(evaluations/)?courses/<id:pk>", "course"),
    (r"^outreach/evaluation-links/", "evallink"),
    (r"^(api/v1/)?outreach/(evaluations/)?answers/", "answer"),
    (r"^(api/v1/)?outreach/(follow-ups|activities)/", "activity"),
    (
        r"^(api/v1/)?outreach/(partners|engagements|events|registrations|documents|record|testimonials|agreements|programme-items)/",
        None,
    ),
]
ID = re.compile(r"<id:(\w+)>")


def _routes():
    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, route)
            else:
                yield route

    seen = []
    for route in walk(get_resolver().url_patterns):
        # only routes whose every parameter is an id (not /verify/<code>/, not the password-reset link)
        if ID.search(route) and not re.sub(ID, "", route).count("<") and route not in seen:
            seen.append(route)
    return seen


def _kind(route):
    for pattern, kind in KINDS:
        if re.search(pattern, route):
            return kind
    raise AssertionError(f"{route}: say in KINDS which object its id names")


@pytest.fixture
def objects(make_user, staff):
    from citybridge.academy.models import (
        Academy,
        Certificate,
        Course,
        Enrolment,
        ExternalTraining,
        OfficialProfile,
        Session,
        TrainingSummary,
    )
    from citybridge.core.models import ApiToken, Organisation, Person, RoleMembership

    def academy(name):
        org = Organisation.objects.create(name=name, name_en=name, type="academy", country="CN")
        return Academy.objects.create(organisation=org)

    a, b = academy("Academy A"), academy("Academy B")
    course = Course.objects.create(
        academy=a, title="C", title_en="C", start_date=date(2025, 3, 3), end_date=date(2025, 3, 7), status="open"
    )
    session = Session.objects.create(
        course=course, date=course.start_date, start_time=time(9), end_time=time(12), title_en="S"
    )
    person = Person.objects.create(family_name="Li", family_name_en="Li")
    official = OfficialProfile.objects.create(person=person, position="mayor", service_start=date(2015, 1, 1))
    enrolment = Enrolment.objects.create(course=course, official=official, position="mayor")
    account = make_user("partner", organisation=a.organisation, person=person)
    token = ApiToken.objects.create(user=staff, name="t", prefix="cb_x", key_hash="0" * 64)
    timetable = _timetable_objects(a, course, make_user)
    return {
        **timetable,
        "outsider": make_user("academy_coordinator", organisation=b.organisation),
        "course": course.pk,
        "session": session.pk,
        "enrolment": enrolment.pk,
        "official": official.pk,
        "person": person.pk,
        "token": token.pk,
        "certificate": Certificate.objects.create(enrolment=enrolment, code="CB-TEST", training_days=1).pk,
        "external": ExternalTraining.objects.create(
            official=official, provider="P", title="T", days=1, start_date=date(2024, 1, 1), end_date=date(2024, 1, 1)
        ).pk,
        "membership": (person.pk, RoleMembership.objects.get(user=account).pk),
        "summary": TrainingSummary.objects.create(official=official, year=2025).pk,
        **_outreach(staff, course, session),
    }


def _timetable_objects(academy, course, make_user) -> dict:
    """Issue #11: a lecturer (with a sign-in and a window), a need, a partner event, a blackout date and a run of
    academy A's course."""
    from citybridge.academy.models import (
        BlackoutDate,
        CourseModule,
        LecturerAvailability,
        LecturerProfile,
        Module,
        ModuleSessionNeed,
        PartnerEvent,
        TimetableRun,
    )
    from citybridge.core.models import Organisation, Person

    person = Person.objects.create(family_name="Chen", family_name_en="Chen")
    make_user("lecturer", person=person)
    lecturer = LecturerProfile.objects.create(person=person, bio_en="", bio_zh_hans="")
    window = LecturerAvailability.objects.create(
        lecturer=lecturer, start_date=date(2025, 3, 1), end_date=date(2025, 3, 9)
    )
    cm = CourseModule.objects.create(course=course, module=Module.objects.create(title_en="M", days=2))
    partner = Organisation.objects.create(name="P", name_en="P", type="other", country="CN")
    return {
        "lecturer": lecturer.pk,
        "window": window.pk,
        "need": ModuleSessionNeed.objects.create(course_module=cm, count=1).pk,
        "event": PartnerEvent.objects.create(course=course, partner=partner).pk,
        "blackout": BlackoutDate.objects.create(academy=academy, date=date(2025, 3, 5)).pk,
        "run": TimetableRun.objects.create(course=course, status="done").pk,
    }


def _outreach(staff, course, session):
    from citybridge.outreach.models import Activity, Evaluation, EvaluationAnswer, EvaluationLink

    ev = Evaluation.objects.create(course=course, source="paper")
    answer = EvaluationAnswer.objects.create(
        evaluation=ev, session=session, course=course, academy=course.academy, year=2025, relevance=3, comment="c"
    )
    return {
        "evallink": EvaluationLink.objects.create(course=course, key="k" * 43).pk,
        "answer": answer.pk,
        "activity": Activity.objects.create(type="call", subject="S", assignee=staff).pk,
    }


def _url(route, ids):
    names = ID.findall(route)
    values = list(ids) if isinstance(ids, tuple) else [ids] * len(names)
    for name, value in zip(names, values, strict=True):
        route = route.replace(f"<id:{name}>", str(value))
    return "/" + route


# valid bodies for the endpoints that check the body before the object: the lookup is what is tested
BODIES = {
    "answers/<id:pk>/translation": {"comment_translation": "x"},
    "activities/<id:pk>/complete": {"outcome": "x"},
    "courses/<id:pk>/status": {"status": "cancelled"},
    "courses/<id:pk>/attendance": {"marks": []},
    "lecturers/<id:pk>/availability": {"start_date": "2025-03-01", "end_date": "2025-03-02"},
    "availability/<id:pk>": {"start_date": "2025-03-01", "end_date": "2025-03-02"},
    "certificates/<id:pk>/revoke": {"reason": "Test"},
    "inventories/<id:pk>/review-requests": {"expert_id": 1},
    "officials/<id:pk>/external-training": {
        "provider": "P",
        "title": "T",
        "start_date": "2024-01-01",
        "end_date": "2024-01-01",
        "days": 1,
        "evidence_reference": "R",
    },
    "materials/<id:pk>/transition": {"to_state": "adaptation"},
    "materials/<id:pk>/translator": {"translator_id": 1},
    "segments/<id:pk>": {"target": "x", "status": "draft"},
    # outreach: partners, engagements, events, public record
    "partners/<id:pk>/contributions": {
        "kind": "money",
        "description": "D",
        "amount": "1.00",
        "currency": "USD",
        "received_on": "2024-01-01",
    },
    "engagements/<id:pk>/transition": {"status": "proposed"},
    "engagements/<id:pk>/follow-ups": {"subject": "S"},
    "events/<id:pk>/sessions": {"date": "2024-01-01", "start_time": "09:00", "end_time": "10:00", "title_en": "T"},
    "registrations/<id:pk>": {"attended": True},
    "testimonials/<id:pk>/publish": {"published": False},
    "sessions/<id:pk>/lock": {"locked": False},
}


def _ask(client, method, url, api, route=""):
    if api and route.endswith(("/roster", "/import", "/versions")) and method == "post":
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(url, {"file": SimpleUploadedFile("r.xlsx", b"PK", content_type="application/zip")})
    if api and method in ("post", "put", "patch"):
        body = next((v for k, v in BODIES.items() if route.endswith(k)), {})
        return getattr(client, method)(url, json.dumps(body), content_type="application/json", HTTP_IF_MATCH='"1"')
    return getattr(client, method)(url)


def test_every_url_with_an_id_answers_404_outside_scope(objects, client_for, api_for):
    user = objects["outsider"]
    page, api = client_for(user), api_for(user)
    routes = _routes()
    assert len(routes) > 50  # the walk found the URLconf
    problems = []
    for route in routes:
        kind = _kind(route)
        is_api = route.startswith("api/")
        client = api if is_api else page
        url = _url(route, objects[kind] if kind else MISSING)
        statuses = {}
        for method in METHODS:
            status = _ask(client, method, url, is_api, route).status_code
            if status == 422 and is_api:
                # a body refused before the object is looked up is fine when no object at all gets the same answer
                missing = _ask(
                    client, method, _url(route, (MISSING,) * len(ID.findall(route))), True, route
                ).status_code
                status = "422 (body)" if missing == 422 else status
            statuses[method] = status
        refused = {m: s for m, s in statuses.items() if s not in (404, 405, "422 (body)")}
        if refused or 404 not in statuses.values():
            problems.append(f"{url}: {statuses}")
    assert not problems, "\n".join(problems)
