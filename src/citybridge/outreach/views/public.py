"""The public record. "Our impact" (no sign-in, both languages): headline figures computed from the records and
read from the stored snapshot (one query), each with a note on how it is counted; published testimonials (with
consent), press mentions, supporters and public reference documents. Staff: press, supporters, testimonials
(publish only with consent), reference documents (uploads bounded by core.files.check_upload)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from citybridge.core import selectors as core_selectors
from citybridge.core.files import file_response
from citybridge.core.forms import DATE
from citybridge.core.models import Person
from citybridge.core.validation import add_to_form
from citybridge.core.views import paginate

from .. import selectors, services
from .partners import _form

#: (key, label, how it is counted): the order of the page; every figure comes from records (services.public)
FIGURES = [
    (
        "officials",
        gettext_lazy("Officials trained"),
        gettext_lazy(
            "Distinct officials confirmed in a completed course. An official trained on three courses counts once."
        ),
    ),
    (
        "population",
        gettext_lazy("Population led"),
        gettext_lazy(
            "Residents of the cities and counties whose mayor or vice mayor was trained, each jurisdiction counted "
            "once, with the population figure in force when they were trained."
        ),
    ),
    (
        "companies",
        gettext_lazy("Companies run by trained executives"),
        gettext_lazy("Distinct state-owned companies whose executives were trained."),
    ),
    ("courses", gettext_lazy("Courses"), gettext_lazy("Courses held to their last day (completed).")),
    ("academies", gettext_lazy("Academies"), gettext_lazy("Academies that ran at least one completed course.")),
    (
        "lecturers",
        gettext_lazy("Lecturers"),
        gettext_lazy("Distinct lecturers who taught at least one session of a completed course."),
    ),
    (
        "donated_days",
        gettext_lazy("Donated days"),
        gettext_lazy(
            "Days lecturers gave their time: one per lecturer per day they taught in a completed course, however "
            "many sessions that day."
        ),
    ),
]


def impact(request: HttpRequest) -> HttpResponse:
    """Public. Reads the stored figures; never computes or writes."""
    data = selectors.public_impact()
    figures = [(key, label, data.figures[key], note) for key, label, note in FIGURES]
    return render(
        request,
        "outreach/public/impact.html",
        {
            "figures": figures,
            "computed_at": data.computed_at,
            "updating": data.updating,
            "testimonials": list(selectors.testimonial_list(user=None)[:6]),
            "press": list(selectors.press_list()[:10]),
            "supporters": list(selectors.supporter_list()[:50]),
            "documents": list(selectors.document_list(user=None)[:20]),
        },
    )


def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Public documents for everyone; the rest for staff only (404 otherwise)."""
    doc = get_object_or_404(selectors.document_list(user=request.user), pk=pk)
    name = doc.file.name.rsplit(".", 1)
    kind = name[-1] if len(name) == 2 else "pdf"
    types = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
    with doc.file.open("rb") as f:
        return file_response(f.read(), f"document-{doc.pk}.{kind}", types.get(kind, "application/octet-stream"))


class PressForm(forms.Form):
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=300, required=False)
    title_zh_hans = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=300, required=False)
    outlet = forms.CharField(label=gettext_lazy("Outlet"), max_length=200)
    published_on = forms.DateField(label=gettext_lazy("Published on"), widget=DATE)
    url = forms.CharField(label=gettext_lazy("Link"), max_length=500, required=False)


class TestimonialForm(forms.Form):
    person = forms.IntegerField(label=gettext_lazy("Person (number)"), min_value=1, max_value=10**17)
    quote_en = forms.CharField(
        label=gettext_lazy("Quote (English)"), max_length=2000, required=False, widget=forms.Textarea
    )
    quote_zh_hans = forms.CharField(
        label=gettext_lazy("Quote (Chinese)"), max_length=2000, required=False, widget=forms.Textarea
    )
    consent = forms.BooleanField(label=gettext_lazy("The person agreed to publication"), required=False)
    published = forms.BooleanField(label=gettext_lazy("Publish"), required=False)


class SupporterForm(forms.Form):
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=200, required=False)
    name_zh_hans = forms.CharField(label=gettext_lazy("Name (Chinese)"), max_length=200, required=False)
    thanks_en = forms.CharField(
        label=gettext_lazy("Thank-you (English)"), max_length=2000, required=False, widget=forms.Textarea
    )
    thanks_zh_hans = forms.CharField(
        label=gettext_lazy("Thank-you (Chinese)"), max_length=2000, required=False, widget=forms.Textarea
    )
    since = forms.DateField(label=gettext_lazy("Supporting since"), required=False, widget=DATE)


class DocumentForm(forms.Form):
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=300, required=False)
    title_zh_hans = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=300, required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=[("en", "English"), ("zh-hans", "简体中文")])
    file = forms.FileField(label=gettext_lazy("File (PDF, DOCX or PPTX)"))
    public = forms.BooleanField(label=gettext_lazy("Show on the public page"), required=False)


def _staff(request: HttpRequest) -> None:
    if not request.user.has_perm("outreach.manage_public_record"):
        raise PermissionDenied


@login_required
def record(request: HttpRequest) -> HttpResponse:
    """Staff: the public record in one place (press, testimonials with consent and state, documents)."""
    _staff(request)
    page = paginate(request, selectors.testimonial_list(user=request.user))
    return render(
        request,
        "outreach/public/record.html",
        {
            **page,
            "press": list(selectors.press_list()[:50]),
            "documents": list(selectors.document_list(user=request.user)[:50]),
        },
    )


@login_required
def press_create(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = PressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.press_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The press mention was saved."))
            return redirect("outreach:record")
        except ValidationError as exc:
            add_to_form(form, exc)
    return _form(request, form, _("New press mention"), "outreach:record", status=422 if form.errors else 200)


@login_required
def testimonial_create(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = TestimonialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            data["person"] = core_selectors.person_get(user=request.user, pk=data["person"])
        except (Person.DoesNotExist, Http404):
            form.add_error("person", _("Select a valid choice. That choice is not one of the available choices."))
        else:
            try:
                services.testimonial_create(actor=request.user, **data)
                messages.success(request, _("The testimonial was saved."))
                return redirect("outreach:record")
            except ValidationError as exc:
                add_to_form(form, exc)
    return _form(request, form, _("New testimonial"), "outreach:record", status=422 if form.errors else 200)


@login_required
@require_POST
def testimonial_publish(request: HttpRequest, pk: int) -> HttpResponse:
    testimonial = selectors.testimonial_get(user=request.user, pk=pk)
    _staff(request)
    try:
        services.testimonial_set_published(
            actor=request.user, testimonial=testimonial, published=request.POST.get("published") == "1"
        )
        messages.success(request, _("The testimonial was saved."))
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect("outreach:record")


@login_required
def supporter_create(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = SupporterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.supporter_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The supporter was saved."))
            return redirect("outreach:record")
        except ValidationError as exc:
            add_to_form(form, exc)
    return _form(request, form, _("New supporter"), "outreach:record", status=422 if form.errors else 200)


@login_required
def document_upload(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_upload(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The document was saved."))
            return redirect("outreach:record")
        except ValidationError as exc:
            add_to_form(form, exc)
    return _form(request, form, _("New reference document"), "outreach:record", status=422 if form.errors else 200)


urlpatterns = [
    path("impact/", impact, name="impact"),
    path("documents/<id:pk>/", document_download, name="document"),
    path("record/", record, name="record"),
    path("record/press/new/", press_create, name="press-create"),
    path("record/testimonials/new/", testimonial_create, name="testimonial-create"),
    path("record/testimonials/<id:pk>/publish/", testimonial_publish, name="testimonial-publish"),
    path("record/documents/new/", document_upload, name="document-upload"),
    path("record/supporters/new/", supporter_create, name="supporter-create"),
]
