"""Official pages: register, create, detail and edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from citybridge.core.concurrency import StaleEdit
from citybridge.core.converters import whole_number
from citybridge.core.listing import localized, name_order
from citybridge.core.models import Person, bilingual
from citybridge.core.paging import detail_url_parts
from citybridge.core.rows import Row, choice_labels, html_rows, row_class
from citybridge.core.validation import add_to_form
from citybridge.core.views import paginate_sorted

from .. import selectors, services
from ..forms import ExternalTrainingForm, OfficialForm
from ..models import OfficialProfile, Position
from ._common import _course, _form_page, _official

_PersonRow = row_class(Person, "display_name", "full_name_en", "full_name_zh")
OFFICIAL_ROW_FIELDS = (
    "id",
    "position",
    "person__id",
    *(f"person__{f}" for f in localized("family_name", "given_name", language="en")),
    *(f"person__organisation__{f}" for f in localized("name", language="en")),
    *(f"jurisdiction__{f}" for f in localized("name", language="en")),
)
OFFICIAL_ROW_HTML = (
    '<tr><td><a href="{url}">{name}</a></td><td>{position}</td><td>{organisation}</td><td>{jurisdiction}</td></tr>'
)


def _official_sorts() -> dict[str, tuple[str, ...]]:
    return {
        # the official's own copies of the person's names (kept by database triggers, academy/official_sort.py) in
        # the order of academy_official_name_en_idx / _zh_idx, then the person's key (so equal names keep the order
        # they had when the list walked the person name index) and the official's: a page's keys come from that
        # one covering index, page 399 at the cost of page 1 (issue 9). Walking the person name index instead
        # (30,000 people) probed each person's official by its unique key: 2 to 3 times page 1's time
        "name": (*name_order("sort_family_name", "sort_given_name", pinyin="sort_pinyin_name"), "person_id", "id"),
        "position": ("position",),
        "organisation": name_order("name", prefix="person__organisation__"),
        "jurisdiction": tuple(f"jurisdiction__{f}" for f in localized("name")),
    }


@login_required
def official_list(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_program_staff or request.user.has_perm("academy.view_compliance")):
        raise PermissionDenied
    q = request.GET.get("q", "")[:100]
    page = paginate_sorted(
        request, selectors.official_list, {"q": q}, _official_sorts, "name", values=OFFICIAL_ROW_FIELDS, row_class=Row
    )
    # what each row shows, worked out once per page (labels, names in the request's language, URLs reversed once);
    # the rows are values (core.rows: no official, person, organisation and jurisdiction instance per row) and their
    # HTML one pass
    language = get_language()
    positions = choice_labels(Position.choices)
    url_prefix, url_suffix = detail_url_parts("academy:official")
    rows_html = html_rows(
        OFFICIAL_ROW_HTML,
        (
            {
                "url": f"{url_prefix}{o.id}{url_suffix}",
                "name": o.related("person", _PersonRow).display_name(language),
                "position": positions.get(o.position, o.position),
                "organisation": bilingual(o, "person__organisation__name", language),
                "jurisdiction": bilingual(o, "jurisdiction__name", language),
            }
            for o in page["page_obj"].object_list
        ),
    )
    return render(
        request,
        "academy/official_list.html",
        {
            **page,
            "rows_html": rows_html,
            "q": q,
            "can_add": request.user.has_perm("academy.add_official"),
        },
    )


@login_required
def official_create(request: HttpRequest) -> HttpResponse:
    """Staff add officials anywhere; coordinators add them to one of their courses (?course=…), so that the new
    official is enrolled at their academy and stays visible to them."""
    if not request.user.has_perm("academy.add_official"):
        raise PermissionDenied
    course = None
    if (course_id := whole_number(request.GET.get("course"))) is not None:
        course = _course(request, course_id, "academy.manage_course")
    elif not request.user.is_program_staff:
        raise PermissionDenied
    form = OfficialForm(request.POST or None)
    if not request.user.is_program_staff:
        form.fields.pop("organisation")
    if request.method == "POST" and form.is_valid():
        try:
            official = services.official_create_with_person(actor=request.user, course=course, **form.cleaned_data)
            messages.success(request, _("The official was created."))
            if course is not None:
                return redirect("academy:course", pk=course.pk)
            return redirect("academy:official", pk=official.pk)
        except ValidationError as exc:
            add_to_form(form, exc)
    cancel = reverse("academy:course", args=[course.pk]) if course else reverse("academy:officials")
    return render(request, "core/form.html", {"form": form, "title": _("New official"), "cancel_url": cancel})


@login_required
def official_detail(request: HttpRequest, pk: int) -> HttpResponse:
    official = _official(request, pk)
    form = ExternalTrainingForm()
    can_change = request.user.has_perm("academy.change_official", official)
    if request.method == "POST":
        if not request.user.has_perm("academy.add_external_training", official):
            raise PermissionDenied
        form = ExternalTrainingForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.external_training_create(actor=request.user, official=official, **form.cleaned_data)
                messages.success(request, _("The external training was recorded."))
                return redirect("academy:official", pk=official.pk)
            except ValidationError as exc:
                add_to_form(form, exc)
    history = selectors.official_history(official=official)
    return render(
        request,
        "academy/official_detail.html",
        {
            "official": official,
            "person": official.person,
            "history": history,
            "show_contact": request.user.has_perm("academy.view_official_contact", official),
            "can_change": can_change,
            "form": form,
            "rules": services.compliance_rules(),
        },
        status=422 if request.method == "POST" else 200,
    )


def _official_initial(official: OfficialProfile) -> dict:
    person = official.person
    j = official.jurisdiction
    return {
        "family_name_en": person.family_name_en,
        "given_name_en": person.given_name_en,
        "family_name_zh_hans": person.family_name_zh_hans,
        "given_name_zh_hans": person.given_name_zh_hans,
        "organisation": person.organisation,
        "email": person.email,
        "phone": person.phone,
        "position": official.position,
        "jurisdiction": j.display_name() if j else "",
        "province": (j.province_en or j.province_zh_hans) if j else "",
        "company": official.company,
        "company_employees": official.company_employees,
        "service_start": official.service_start,
    }


@login_required
def official_edit(request: HttpRequest, pk: int) -> HttpResponse:
    official = _official(request, pk, "academy.change_official")
    form = OfficialForm(
        request.POST or None,
        initial=_official_initial(official),
        version=official.version,
        person_version=official.person.version,
    )
    if not request.user.is_program_staff:
        form.fields.pop("organisation")
    if request.method == "POST" and form.is_valid():
        data = form.data_without_version()
        try:
            services.official_update_with_person(
                actor=request.user,
                official=official,
                expected_version=form.expected_version,
                expected_person_version=data.pop("person_version", None),
                **data,
            )
            messages.success(request, _("The official was saved."))
            return redirect("academy:official", pk=official.pk)
        except StaleEdit:
            fresh = OfficialProfile.objects.select_related("person", "jurisdiction").get(pk=official.pk)
            form.show_stale(StaleEdit(fresh, form.expected_version), _official_initial(fresh))
            form.data["person_version"] = fresh.person.version
        except ValidationError as exc:
            add_to_form(form, exc)
    return _form_page(request, form, _("Edit official"), reverse("academy:official", args=[official.pk]))
