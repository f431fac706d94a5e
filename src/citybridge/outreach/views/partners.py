"""Partner and engagement pages. Staff: every partner, new partner, contributions, engagements (new, pipeline
steps, follow-ups), officials' names. A partner's users: their own partner page and engagements with aggregated
attendance (counts by position and province), never an official's name. Anyone else: 403 on lists, 404 on ids."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from citybridge.academy.models import Course, OfficialProfile, Topic
from citybridge.core.concurrency import StaleEdit, VersionedForm, current_values
from citybridge.core.forms import DATE, TIME, ModelMultipleChoiceField
from citybridge.core.history import account_label
from citybridge.core.models import Organisation, Person, User
from citybridge.core.validation import add_to_form
from citybridge.core.views import paginate

from .. import selectors, services
from ..models import (
    ENGAGEMENT_TRANSITIONS,
    ContributionKind,
    EngagementKind,
    EngagementStatus,
    Partner,
)
from ._common import error_dict, int_or_raw

#: a partner's texts, each in both languages (the form's fields and the service's arguments)
PARTNER_TEXTS = ("technologies_en", "technologies_zh_hans", "notes_en", "notes_zh_hans")


class _Choice(forms.ModelChoiceField):
    def label_from_instance(self, obj: object) -> str:
        if isinstance(obj, OfficialProfile):
            return obj.person.display_name()
        return obj.display_name() if hasattr(obj, "display_name") else str(obj)


class _Multi(_Choice, ModelMultipleChoiceField):
    pass


def _date() -> forms.DateField:
    return forms.DateField(widget=DATE)


class PartnerForm(VersionedForm):
    organisation = _Choice(label=gettext_lazy("Organisation"), queryset=Organisation.objects.none())
    contacts = _Multi(label=gettext_lazy("Contacts"), queryset=Person.objects.none(), required=False)
    topics = _Multi(label=gettext_lazy("Topics of interest"), queryset=Topic.objects.all(), required=False)
    technologies_en = forms.CharField(
        label=gettext_lazy("Technologies of interest (English)"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Separate them with commas."),
    )
    technologies_zh_hans = forms.CharField(
        label=gettext_lazy("Technologies of interest (Chinese)"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Separate them with commas."),
    )
    notes_en = forms.CharField(
        label=gettext_lazy("Notes (English)"), max_length=4000, required=False, widget=forms.Textarea
    )
    notes_zh_hans = forms.CharField(
        label=gettext_lazy("Notes (Chinese)"), max_length=4000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args: object, editing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the organisation is the partner's identity: chosen once
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = Organisation.objects.filter(partner_record__isnull=True).order_by(
                "name_en", "id"
            )
        self.fields["contacts"].queryset = Person.objects.filter(erased_at__isnull=True).order_by(
            "family_name_en", "id"
        )


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ContributionKind.choices)
    description_en = forms.CharField(label=gettext_lazy("Description (English)"), max_length=300, required=False)
    description_zh_hans = forms.CharField(label=gettext_lazy("Description (Chinese)"), max_length=300, required=False)
    amount = forms.CharField(label=gettext_lazy("Amount or value"), max_length=30)
    currency = forms.CharField(
        label=gettext_lazy("Currency"), max_length=3, required=False, help_text=gettext_lazy("ISO code: CNY, USD, EUR…")
    )
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=DATE)


class AgreementForm(VersionedForm):
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200, required=False)
    title_zh_hans = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=200, required=False)
    scope_en = forms.CharField(
        label=gettext_lazy("Scope (English)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What the agreement covers: engagements, topics, sponsorship."),
    )
    scope_zh_hans = forms.CharField(
        label=gettext_lazy("Scope (Chinese)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=gettext_lazy("First day"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Last day"), required=False, widget=DATE)
    document = forms.FileField(label=gettext_lazy("Signed document (PDF or DOCX)"), required=False)


class EngagementForm(VersionedForm):
    course = _Choice(label=gettext_lazy("Course"), queryset=Course.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=EngagementKind.choices)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200, required=False)
    title_zh_hans = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=200, required=False)
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    start_time = forms.TimeField(label=gettext_lazy("Starts"), widget=TIME)
    end_time = forms.TimeField(label=gettext_lazy("Ends"), widget=TIME)
    venue_en = forms.CharField(label=gettext_lazy("Venue (English)"), max_length=200, required=False)
    venue_zh_hans = forms.CharField(label=gettext_lazy("Venue (Chinese)"), max_length=200, required=False)
    hosts = _Multi(label=gettext_lazy("Hosts"), queryset=Person.objects.none(), required=False)
    cost = forms.CharField(label=gettext_lazy("Cost"), max_length=30, required=False)
    cost_currency = forms.CharField(label=gettext_lazy("Currency"), max_length=3, required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[(k, v) for k, v in EngagementStatus.choices if k in ("interested", "proposed", "confirmed")],
    )

    outcomes_en = forms.CharField(
        label=gettext_lazy("Outcomes (English)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    outcomes_zh_hans = forms.CharField(
        label=gettext_lazy("Outcomes (Chinese)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, partner: Partner, user: User, editing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hosts"].queryset = Person.objects.filter(organisation_id=partner.organisation_id)
        if editing:  # the course and kind are fixed once the session is in the timetable; status moves by steps
            for name in ("course", "kind", "status"):
                del self.fields[name]
        else:
            del self.fields["outcomes_en"], self.fields["outcomes_zh_hans"]
            self.fields["course"].queryset = Course.objects.visible_to(user).exclude(status="cancelled")


class FollowupForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    due_date = forms.DateField(label=gettext_lazy("Due date"), required=False, widget=DATE)
    assignee = _Choice(label=gettext_lazy("Assignee"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            User.objects.filter(is_active=True).select_related("person").order_by("email")
        )
        self.fields["assignee"].label_from_instance = account_label


def _form(
    request: HttpRequest,
    form: forms.Form,
    title: str,
    back: str,
    status: int = 200,
    back_pk: int | None = None,
    extra: dict | None = None,
) -> HttpResponse:
    return render(
        request,
        "outreach/partners/form.html",
        {"form": form, "title": title, "back": back, "back_pk": back_pk, **(extra or {})},
        status=status,
    )


def _save_edit(form: VersionedForm, save: object) -> tuple[bool, int]:
    """Run an edit service with the form's data; (saved, status): 409 on a stale edit (the form shows the saved
    values beside the user's input), 422 on a validation error (beside its field)."""
    try:
        save(form.expected_version, form.data_without_version())  # type: ignore[operator]
        return True, 200
    except StaleEdit as exc:
        form.show_stale(exc, current_values(exc.instance, form.fields))
        return False, 409
    except ValidationError as exc:
        add_to_form(form, exc)
        return False, 422


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.has_perm("outreach.manage_partners") or user.scoped_organisation_ids("partner")):
        raise PermissionDenied
    page = paginate(request, selectors.partner_list(user=user, q=request.GET.get("q", "")))
    return render(
        request,
        "outreach/partners/list.html",
        {**page, "manage": user.has_perm("outreach.manage_partners"), "q": request.GET.get("q", "")[:100]},
    )


@login_required
def partner_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("outreach.manage_partners"):
        raise PermissionDenied
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner = services.partner_create(
                actor=request.user,
                organisation=data["organisation"],
                contacts=list(data["contacts"]),
                topics=list(data["topics"]),
                **{name: data[name] for name in PARTNER_TEXTS},
            )
            messages.success(request, _("The partner was saved."))
            return redirect("outreach:partner", pk=partner.pk)
        except ValidationError as exc:
            add_to_form(form, exc)
    return _form(request, form, _("New partner"), "outreach:partners", status=422 if form.errors else 200)


@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get(user=request.user, pk=pk)
    manage = request.user.has_perm("outreach.manage_partners")
    engagements = list(selectors.engagement_list(user=request.user, partner=partner)[:200])
    _labels(engagements)
    return render(
        request,
        "outreach/partners/detail.html",
        {
            "partner": partner,
            "manage": manage,
            "engagements": engagements,
            "attendance": selectors.partner_attendance(partner=partner),
            "contribution_form": ContributionForm() if manage else None,
        },
    )


@login_required
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: contacts, interests and notes, with the version read (no lost update); the partner's history below."""
    partner = selectors.partner_get(user=request.user, pk=pk)
    if not request.user.has_perm("outreach.manage_partners"):
        raise PermissionDenied
    initial = {
        "contacts": list(partner.contacts.all()),
        "topics": list(partner.topics.all()),
        **{name: getattr(partner, name) for name in PARTNER_TEXTS},
    }
    form = PartnerForm(request.POST or None, editing=True, initial=initial, version=partner.version)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():

            def save(version: int | None, data: dict) -> None:
                data["contacts"], data["topics"] = list(data["contacts"]), list(data["topics"])
                services.partner_update(actor=request.user, partner=partner, expected_version=version, **data)

            saved, status = _save_edit(form, save)
            if saved:
                messages.success(request, _("The partner was saved."))
                return redirect("outreach:partner", pk=partner.pk)
    title = _("Edit partner: %(name)s") % {"name": partner.organisation.display_name()}
    return _form(
        request,
        form,
        title,
        "outreach:partner",
        status=status,
        back_pk=partner.pk,
        extra={"history": selectors.partner_history(partner=partner)},
    )


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    if not request.user.has_perm("outreach.manage_partners"):
        raise PermissionDenied
    names = ("title_en", "title_zh_hans", "scope_en", "scope_zh_hans", "starts_on", "ends_on")
    initial = {n: getattr(agreement, n) for n in names}
    form = AgreementForm(request.POST or None, request.FILES or None, initial=initial, version=agreement.version)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():

            def save(version: int | None, data: dict) -> None:
                if data.get("document") in (None, False):
                    data.pop("document", None)
                services.agreement_update(actor=request.user, agreement=agreement, expected_version=version, **data)

            saved, status = _save_edit(form, save)
            if saved:
                messages.success(request, _("The agreement was saved."))
                return redirect("outreach:partner", pk=agreement.partner_id)
    return _form(request, form, _("Edit agreement"), "outreach:partner", status=status, back_pk=agreement.partner_id)


@login_required
@require_POST
def contribution_add(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get(user=request.user, pk=pk)
    if not request.user.has_perm("outreach.manage_partners"):
        raise PermissionDenied
    form = ContributionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.contribution_add(actor=request.user, partner=partner, **data)
            messages.success(request, _("The contribution was saved."))
            return redirect("outreach:partner", pk=partner.pk)
        except ValidationError as exc:
            add_to_form(form, exc)
    return _form(request, form, _("New contribution"), "outreach:partners", status=422)


@login_required
def agreement_add(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get(user=request.user, pk=pk)
    if not request.user.has_perm("outreach.manage_partners"):
        raise PermissionDenied
    form = AgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_add(actor=request.user, partner=partner, **form.cleaned_data)
            messages.success(request, _("The agreement was saved."))
            return redirect("outreach:partner", pk=partner.pk)
        except ValidationError as exc:
            add_to_form(form, exc)
    return _form(request, form, _("New agreement"), "outreach:partners", status=422 if form.errors else 200)


def _labels(rows: list) -> None:
    kinds, statuses = dict(EngagementKind.choices), dict(EngagementStatus.choices)
    for e in rows:
        e.kind_label = kinds.get(e.kind, e.kind)
        e.status_label = statuses.get(e.status, e.status)


@login_required
def engagement_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.has_perm("outreach.manage_partners") or user.scoped_organisation_ids("partner")):
        raise PermissionDenied
    status = request.GET.get("status", "")
    page = paginate(
        request,
        selectors.engagement_list(user=user, status=status if status in EngagementStatus.values else ""),
    )
    _labels(page["page_obj"].object_list)
    return render(
        request,
        "outreach/partners/engagement_list.html",
        {**page, "statuses": EngagementStatus.choices, "status": status},
    )


@login_required
def engagement_create(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get(user=request.user, pk=pk)
    if not request.user.has_perm("outreach.manage_partners"):
        raise PermissionDenied
    form = EngagementForm(request.POST or None, partner=partner, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["hosts"] = list(data["hosts"])
        try:
            engagement = services.engagement_create(actor=request.user, partner=partner, **data)
            messages.success(request, _("The engagement was saved and added to the course's timetable."))
            return redirect("outreach:engagement", pk=engagement.pk)
        except ValidationError as exc:
            add_to_form(form, exc)
    return _form(request, form, _("New engagement"), "outreach:partners", status=422 if form.errors else 200)


@login_required
def engagement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = selectors.engagement_get(user=request.user, pk=pk)
    manage = request.user.has_perm("outreach.manage_partners")
    _labels([engagement])
    labels = dict(EngagementStatus.choices)
    return render(
        request,
        "outreach/partners/engagement_detail.html",
        {
            "engagement": engagement,
            "manage": manage,
            "show_officials": request.user.has_perm("outreach.view_official_data"),
            "attendance": selectors.engagement_attendance(engagement=engagement),
            "next_steps": [
                (s, labels[s]) for s in EngagementStatus.values if s in ENGAGEMENT_TRANSITIONS[engagement.status]
            ]
            if manage
            else [],
            "followup_form": FollowupForm() if manage and engagement.status in ("held", "followed_up") else None,
        },
    )


@login_required
def engagement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: titles, day (within the course's dates, else an error on the date), times, venues, hosts, cost, outcomes;
    the timetable session follows. With the version read."""
    engagement = selectors.engagement_get(user=request.user, pk=pk)
    if not request.user.has_perm("outreach.manage_partners"):
        raise PermissionDenied
    names = ("title_en", "title_zh_hans", "date", "start_time", "end_time", "venue_en", "venue_zh_hans")
    initial = {n: getattr(engagement, n) for n in (*names, "cost_currency", "outcomes_en", "outcomes_zh_hans")}
    initial["cost"] = "" if engagement.cost is None else str(engagement.cost)
    initial["hosts"] = list(engagement.hosts.all())
    form = EngagementForm(
        request.POST or None,
        partner=engagement.partner,
        user=request.user,
        editing=True,
        initial=initial,
        version=engagement.version,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():

            def save(version: int | None, data: dict) -> None:
                data["hosts"] = list(data["hosts"])
                services.engagement_update(actor=request.user, engagement=engagement, expected_version=version, **data)

            saved, status = _save_edit(form, save)
            if saved:
                messages.success(request, _("The engagement was saved."))
                return redirect("outreach:engagement", pk=engagement.pk)
    title = _("Edit engagement: %(title)s") % {"title": engagement.display_title()}
    return _form(request, form, title, "outreach:engagement", status=status, back_pk=engagement.pk)


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for msgs in error_dict(exc).values():
        for m in msgs:
            messages.error(request, m)


@login_required
@require_POST
def engagement_transition(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = selectors.engagement_get(user=request.user, pk=pk)
    if not request.user.has_perm("outreach.manage_partners"):
        raise PermissionDenied
    try:
        services.engagement_transition(
            actor=request.user,
            engagement=engagement,
            expected_version=int_or_raw(request.POST.get("version")),
            status=request.POST.get("status", "")[:20],
        )
        messages.success(request, _("The engagement moved on."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("outreach:engagement", pk=engagement.pk)


@login_required
@require_POST
def engagement_followup(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = selectors.engagement_get(user=request.user, pk=pk)
    if not request.user.has_perm("outreach.manage_partners"):
        raise PermissionDenied
    form = FollowupForm(request.POST)
    if form.is_valid():
        try:
            activity = services.engagement_followup(actor=request.user, engagement=engagement, **form.cleaned_data)
            messages.success(request, _("The follow-up was saved."))
            return redirect("outreach:activity", pk=activity.pk)
        except ValidationError as exc:
            add_to_form(form, exc)
    return _form(request, form, _("New follow-up"), "outreach:engagements", status=422)


urlpatterns = [
    path("partners/", partner_list, name="partners"),
    path("partners/new/", partner_create, name="partner-create"),
    path("partners/<id:pk>/", partner_detail, name="partner"),
    path("partners/<id:pk>/edit/", partner_edit, name="partner-edit"),
    path("agreements/<id:pk>/edit/", agreement_edit, name="agreement-edit"),
    path("engagements/<id:pk>/edit/", engagement_edit, name="engagement-edit"),
    path("partners/<id:pk>/contributions/", contribution_add, name="contribution-add"),
    path("partners/<id:pk>/agreements/new/", agreement_add, name="agreement-add"),
    path("partners/<id:pk>/engagements/new/", engagement_create, name="engagement-create"),
    path("engagements/", engagement_list, name="engagements"),
    path("engagements/<id:pk>/", engagement_detail, name="engagement"),
    path("engagements/<id:pk>/move/", engagement_transition, name="engagement-transition"),
    path("engagements/<id:pk>/follow-ups/", engagement_followup, name="engagement-followup"),
]
