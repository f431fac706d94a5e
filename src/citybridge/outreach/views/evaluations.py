"""Evaluation pages: a course's evaluations (links, QR code, printout, entries), staff entry of a paper form, the
public form behind a course's link (no account), translating a comment, results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.academy import selectors as academy_selectors
from citybridge.academy.models import Course, EnrolmentStatus, OfficialProfile, Topic
from citybridge.core.concurrency import StaleEdit
from citybridge.core.converters import whole_number
from citybridge.core.files import file_response
from citybridge.core.listing import name_order
from citybridge.core.middleware import client_ip
from citybridge.core.models import is_chinese
from citybridge.core.rows import date_range_text

from .. import printout, selectors, services
from ..models import SCALE_MAX, SCALE_MIN, SCALES
from ._common import error_dict, int_or_raw

#: online submissions from one address to one link per hour (a classroom shares one address: 60 is a big class)
PUBLIC_RATE = (60, 3600)


def _course(request: HttpRequest, pk: int, perm: str) -> Course:
    try:
        course = academy_selectors.course_get(user=request.user, pk=pk)
    except Course.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm(perm, course):
        raise PermissionDenied
    return course


def _posted_answers(request: HttpRequest, items: list) -> list[services.AnswerIn]:
    return [
        services.AnswerIn(
            session_id=item.session_id,
            module_id=None if item.session_id else item.module_id,
            comment=request.POST.get(f"{item.key}-comment", "")[:5000],
            **{name: int_or_raw(request.POST.get(f"{item.key}-{name}")) for name, _label in SCALES},
        )
        for item in items
    ]


def _topic_ids(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.POST.getlist("followup_topics")[:50] if v.isascii() and v.isdigit() and len(v) < 10]


def _form_context(items: list, errors: dict, data: dict) -> dict:
    """Items with their posted values and errors (errors come keyed `answers.<index>.<field>`)."""
    blocks = []
    zh = is_chinese()
    for index, item in enumerate(items):
        prefix = f"answers.{index}"
        own = [m for key, msgs in errors.items() if key == prefix or key.startswith(prefix + ".") for m in msgs]
        blocks.append(
            {
                "item": item,
                "label": item.label_zh if zh else item.label_en,
                "errors": own,
                "scales": [
                    {
                        "name": f"{item.key}-{name}",
                        "label": label,
                        "value": str(data.get(f"{item.key}-{name}", "")),
                    }
                    for name, label in SCALES
                ],
                "comment": data.get(f"{item.key}-comment", ""),
            }
        )
    other = [m for key, msgs in errors.items() if not key.startswith("answers.") for m in msgs] + errors.get(
        "answers", []
    )
    return {
        "blocks": blocks,
        "scale_values": [str(v) for v in range(SCALE_MIN, SCALE_MAX + 1)],
        "topics": Topic.objects.order_by("order", "slug"),
        "chosen_topics": {str(v) for v in data.getlist("followup_topics")} if hasattr(data, "getlist") else set(),
        "other_errors": [m for m in other if m],
        "error_count": sum(len(v) for v in errors.values()),
    }


# --------------------------------------------------------------------------- a course's evaluations


@login_required
def course_evaluations(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk, "outreach.view_evaluations")
    evaluations = list(selectors.evaluation_list(user=request.user, course=course)[:200])
    # the comments that wait for a translation before their lecturer can read them, oldest first (no query more)
    awaiting = sorted((a for ev in evaluations for a in ev.answers.all() if a.awaits_translation), key=lambda a: a.pk)
    links = list(selectors.evaluation_link_list(user=request.user, course=course))
    for link in links:
        link.url = request.build_absolute_uri(reverse("outreach:public-form", args=[link.key]))
    return render(
        request,
        "outreach/course_evaluations.html",
        {
            "course": course,
            "evaluations": evaluations,
            "awaiting": awaiting,
            "links": links,
            "can_enter": request.user.has_perm("outreach.enter_evaluation", course),
            "can_links": request.user.has_perm("outreach.manage_links", course),
            "show_officials": request.user.has_perm("outreach.view_official_data"),
        },
    )


@login_required
@require_POST
def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk, "outreach.manage_links")
    try:
        services.evaluation_link_create(actor=request.user, course=course)
        messages.success(request, _("A new evaluation link was made."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("outreach:course-evaluations", pk=course.pk)


@login_required
@require_POST
def link_close(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.evaluation_link_get(user=request.user, pk=pk)
    services.evaluation_link_close(actor=request.user, link=link)
    messages.success(request, _("The evaluation link is closed: it no longer accepts answers."))
    return redirect("outreach:course-evaluations", pk=link.course_id)


@login_required
def link_qr(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.evaluation_link_get(user=request.user, pk=pk)
    if not request.user.has_perm("outreach.manage_links", link.course):
        raise PermissionDenied
    url = request.build_absolute_uri(reverse("outreach:public-form", args=[link.key]))
    response = HttpResponse(printout.qr_svg(url), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def form_printout(request: HttpRequest, pk: int) -> HttpResponse:
    """The paper form (PDF), with the QR code of the course's newest open link when there is one."""
    course = _course(request, pk, "outreach.enter_evaluation")
    link = selectors.evaluation_link_list(user=request.user, course=course).filter(active=True).first()
    items = selectors.form_items(course)
    data = printout.PrintForm(
        course_en=course.display_name("en"),
        course_zh=course.display_name("zh-hans"),
        dates=date_range_text(course.start_date, course.end_date, "en"),  # on the English line
        items=[printout.PrintItem(i.label_en, i.label_zh) for i in items],
        topics=[(t.display_name("en"), t.display_name("zh-hans")) for t in Topic.objects.order_by("order", "slug")],
        link_url=request.build_absolute_uri(reverse("outreach:public-form", args=[link.key])) if link else "",
    )
    return file_response(printout.form_pdf(data), f"evaluation-{course.pk}.pdf", "application/pdf")


@login_required
def evaluation_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff (or the academy's coordinator) type in a paper form."""
    course = _course(request, pk, "outreach.enter_evaluation")
    items = selectors.form_items(course)
    officials = (
        OfficialProfile.objects.filter(enrolments__course=course)
        .exclude(enrolments__status=EnrolmentStatus.WITHDRAWN)
        .select_related("person")
        .distinct()
        .order_by(*name_order("family_name", "given_name", prefix="person__"), "id")
        if request.user.has_perm("outreach.view_official_data")
        else OfficialProfile.objects.none()
    )
    errors: dict = {}
    if request.method == "POST":
        official = None
        raw = request.POST.get("official", "")
        if raw:
            official = officials.filter(pk=number).first() if (number := whole_number(raw)) is not None else None
            if official is None:
                errors["official"] = [_("Select a valid choice. That choice is not one of the available choices.")]
        if not errors:
            try:
                services.evaluation_enter(
                    actor=request.user,
                    course=course,
                    answers=_posted_answers(request, items),
                    official=official,
                    followup_topics=_topic_ids(request),
                    followup_note=request.POST.get("followup_note", "")[:5000],
                    contact=request.POST.get("contact", "")[:500],
                )
                messages.success(request, _("The evaluation was saved."))
                return redirect("outreach:evaluation-enter", pk=course.pk)
            except ValidationError as exc:
                errors = error_dict(exc)
    context = _form_context(items, errors, request.POST)
    context.update(
        {
            "course": course,
            "officials": officials,
            "chosen_official": request.POST.get("official", ""),
            "staff_entry": True,
            "post": request.POST,
            "field_errors": errors,
        }
    )
    return render(request, "outreach/evaluation_form.html", context, status=422 if errors else 200)


# --------------------------------------------------------------------------- the public form (no account)


def _rate_limited(request: HttpRequest, link_pk: int) -> bool:
    limit, window = PUBLIC_RATE
    key = f"outreach:eval-rate:{link_pk}:{client_ip(request)}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        count = 1
    return count > limit


def public_form(request: HttpRequest, key: str) -> HttpResponse:
    """A course's evaluation form behind its link or QR code: no account, anonymous. GET writes nothing (the
    one-time ticket is signed, not stored); POST is CSRF-protected, rate-limited and accepted once per ticket."""
    link = selectors.link_by_key(key)
    course = link.course
    items = selectors.form_items(course)
    errors: dict = {}
    ticket = services.ticket_issue(link)
    if request.method == "POST":
        ticket = request.POST.get("ticket", "")[:500]
        if _rate_limited(request, link.pk):
            errors = {"__all__": [_("Too many answers from this network in a short time. Try again in an hour.")]}
            status = 429
        else:
            try:
                services.evaluation_submit_online(
                    link=link,
                    ticket=ticket,
                    answers=_posted_answers(request, items),
                    followup_topics=_topic_ids(request),
                    followup_note=request.POST.get("followup_note", "")[:5000],
                    contact=request.POST.get("contact", "")[:500],
                )
                return render(request, "outreach/evaluation_thanks.html", {"course": course})
            except ValidationError as exc:
                errors = error_dict(exc)
                status = 422
    context = _form_context(items, errors, request.POST)
    context.update(
        {
            "course": course,
            "ticket": ticket,
            "staff_entry": False,
            "post": request.POST,
            "field_errors": errors,
            "ticket_errors": errors.get("ticket", []),
        }
    )
    response = render(request, "outreach/evaluation_form.html", context, status=status if errors else 200)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


# --------------------------------------------------------------------------- comments


@login_required
def answer_translate(request: HttpRequest, pk: int) -> HttpResponse:
    answer = selectors.answer_get(user=request.user, pk=pk)
    if not request.user.has_perm("outreach.translate_comment", answer.evaluation):
        raise PermissionDenied
    errors: dict = {}
    status = 200
    text = answer.comment_translation
    version = answer.version
    if request.method == "POST":
        text = request.POST.get("comment_translation", "")[:5000]
        try:
            services.answer_translate(
                actor=request.user, answer=answer, text=text, expected_version=int_or_raw(request.POST.get("version"))
            )
            messages.success(request, _("The translation was saved."))
            return redirect("outreach:course-evaluations", pk=answer.evaluation.course_id)
        except StaleEdit as exc:
            errors, status = {"__all__": list(exc.messages)}, 409
            version = exc.current_version
            answer.comment_translation = exc.instance.comment_translation
        except ValidationError as exc:
            errors, status = error_dict(exc), 422
    return render(
        request,
        "outreach/answer_translate.html",
        {"answer": answer, "text": text, "version": version, "field_errors": errors},
        status=status,
    )


# --------------------------------------------------------------------------- results


@login_required
def results_index(request: HttpRequest) -> HttpResponse:
    """Lecturers go to their own results; staff and coordinators get one table per kind of subject."""
    if not request.user.has_perm("outreach.view_results"):
        raise PermissionDenied
    overview = selectors.results_overview(user=request.user)
    if overview is None:  # a lecturer only
        return redirect("outreach:result", kind="lecturer", pk=request.user.person_id)
    return render(request, "outreach/results_index.html", {"overview": overview})


@login_required
def results(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if not request.user.has_perm("outreach.view_results"):
        raise PermissionDenied
    res = selectors.results_for(user=request.user, kind=kind, pk=pk)
    return render(
        request,
        "outreach/results.html",
        {
            "res": res,
            "year_rows": list(zip(res.by_year, res.versus_program, strict=True)),
            "subject_name": _subject_name(res),
            "can_translate": not res.aggregated_only,
            "zh": is_chinese(),
        },
    )


def _subject_name(res: selectors.Results) -> str:
    subject = res.subject
    return subject.display_name() if hasattr(subject, "display_name") else str(subject)


urlpatterns = [
    path("courses/<id:pk>/evaluations/", course_evaluations, name="course-evaluations"),
    path("courses/<id:pk>/evaluations/links/new/", link_create, name="link-create"),
    path("courses/<id:pk>/evaluations/form.pdf", form_printout, name="form-pdf"),
    path("courses/<id:pk>/evaluations/new/", evaluation_enter, name="evaluation-enter"),
    path("evaluation-links/<id:pk>/close/", link_close, name="link-close"),
    path("evaluation-links/<id:pk>/qr.svg", link_qr, name="link-qr"),
    path("answers/<id:pk>/translate/", answer_translate, name="answer-translate"),
    path("results/", results_index, name="results"),
    path("results/<str:kind>/<id:pk>/", results, name="result"),
    path("e/<str:key>/", public_form, name="public-form"),
]
