"""Forum and event pages. Signed-in users: the list, an event's programme, its PDF and .ics. Staff: new event,
programme sessions with speakers, registrations (once per person) and attendance, participants' names."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citybridge.core import selectors as core_selectors
from citybridge.core.concurrency import VersionedForm
from citybridge.core.forms import DATE, TIME
from citybridge.core.listing import name_order
from citybridge.core.models import Organisation, Person
from citybridge.core.rows import date_range_text, date_text
from citybridge.core.validation import add_to_form
from citybridge.core.views import paginate

from .. import selectors, services
from ..models import Event
from ..programme import Programme, ProgrammeItem, programme_ics, programme_pdf
from .partners import _form, _Multi, _save_edit


class EventForm(VersionedForm):
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200, required=False)
    title_zh_hans = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=200, required=False)
    starts_on = forms.DateField(label=gettext_lazy("First day"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Last day"), widget=DATE)
    venue_en = forms.CharField(label=gettext_lazy("Venue (English)"), max_length=200, required=False)
    venue_zh_hans = forms.CharField(label=gettext_lazy("Venue (Chinese)"), max_length=200, required=False)
    city_en = forms.CharField(label=gettext_lazy("City (English)"), max_length=100, required=False)
    city_zh_hans = forms.CharField(label=gettext_lazy("City (Chinese)"), max_length=100, required=False)
    capacity = forms.IntegerField(label=gettext_lazy("Capacity"), required=False, min_value=1, max_value=100000)


class EventSessionForm(VersionedForm):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    start_time = forms.TimeField(label=gettext_lazy("Starts"), widget=TIME)
    end_time = forms.TimeField(label=gettext_lazy("Ends"), widget=TIME)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200, required=False)
    title_zh_hans = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=200, required=False)
    room = forms.CharField(label=gettext_lazy("Room"), max_length=100, required=False)
    speakers = _Multi(label=gettext_lazy("Speakers"), queryset=Person.objects.none(), required=False)
    speaker_organisations = _Multi(
        label=gettext_lazy("Speaking organisations"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # speakers are people who are not officials (lecturers, partners' hosts, experts)
        self.fields["speakers"].queryset = Person.objects.filter(official__isnull=True, erased_at__isnull=True)
        self.fields["speaker_organisations"].queryset = Organisation.objects.order_by(*name_order("name"), "id")


class RegistrationForm(forms.Form):
    #: chosen by searching names (the radio options of core's person search), never typed as a number
    person = forms.IntegerField(
        label=gettext_lazy("Person"),
        min_value=1,
        max_value=10**17,
        error_messages={"required": gettext_lazy("Search for the person by name and choose them.")},
    )


def _staff(request: HttpRequest) -> None:
    if not request.user.has_perm("outreach.manage_events"):
        raise PermissionDenied


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.event_list(user=request.user))
    return render(
        request,
        "outreach/events/list.html",
        {**page, "manage": request.user.has_perm("outreach.manage_events")},
    )


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The event was saved."))
            return redirect("outreach:event", pk=event.pk)
        except ValidationError as exc:
            add_to_form(form, exc)
    return _form(request, form, _("New event"), "outreach:events", status=422 if form.errors else 200)


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: titles, days, venues, cities, capacity with the version read; days that would leave programme items
    outside the event are refused on the field."""
    event = selectors.event_get(user=request.user, pk=pk)
    _staff(request)
    initial = {name: getattr(event, name) for name in EventForm.base_fields}
    form = EventForm(request.POST or None, initial=initial, version=event.version)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():

            def save(version: int | None, data: dict) -> None:
                services.event_update(actor=request.user, event=event, expected_version=version, **data)

            saved, status = _save_edit(form, save)
            if saved:
                messages.success(request, _("The event was saved."))
                return redirect("outreach:event", pk=event.pk)
    title = _("Edit event: %(title)s") % {"title": event.display_title()}
    return _form(request, form, title, "outreach:event", status=status, back_pk=event.pk)


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    return _detail(request, event, RegistrationForm())


def _detail(request: HttpRequest, event: Event, registration_form: RegistrationForm, status: int = 200) -> HttpResponse:
    manage = request.user.has_perm("outreach.manage_events")
    registrations = list(selectors.registration_list(user=request.user, event=event)[:500])
    person_q = request.POST.get("person_q", "")[:100] if request.method == "POST" and manage else ""
    return render(
        request,
        "outreach/events/detail.html",
        {
            "event": event,
            "manage": manage,
            "programme": selectors.event_programme(event=event),
            "registrations": registrations,
            "registered": event.registrations.count(),
            "attended": event.registrations.filter(attended=True).count(),
            "registration_form": registration_form if manage else None,
            "person_q": person_q,
            "person_options": core_selectors.person_search(user=request.user, q=person_q) if person_q else [],
        },
        status=status,
    )


@login_required
def event_session_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    _staff(request)
    form = EventSessionForm(request.POST or None, initial={"date": event.starts_on})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["speakers"] = list(data["speakers"])
        data["speaker_organisations"] = list(data["speaker_organisations"])
        try:
            services.event_session_add(actor=request.user, event=event, **data)
            messages.success(request, _("The programme item was saved."))
            return redirect("outreach:event", pk=event.pk)
        except ValidationError as exc:
            add_to_form(form, exc)
    return _form(request, form, _("New programme item"), "outreach:events", status=422 if form.errors else 200)


@login_required
def event_session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: a programme item's day (within the event), times, titles, room and speakers, with the version read."""
    item = selectors.event_session_get(user=request.user, pk=pk)
    _staff(request)
    names = ("date", "start_time", "end_time", "title_en", "title_zh_hans", "room")
    initial = {n: getattr(item, n) for n in names}
    initial["speakers"] = list(item.speakers.all())
    initial["speaker_organisations"] = list(item.speaker_organisations.all())
    form = EventSessionForm(request.POST or None, initial=initial, version=item.version)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():

            def save(version: int | None, data: dict) -> None:
                data["speakers"] = list(data["speakers"])
                data["speaker_organisations"] = list(data["speaker_organisations"])
                services.event_session_update(actor=request.user, session=item, expected_version=version, **data)

            saved, status = _save_edit(form, save)
            if saved:
                messages.success(request, _("The programme item was saved."))
                return redirect("outreach:event", pk=item.event_id)
    return _form(request, form, _("Edit programme item"), "outreach:event", status=status, back_pk=item.event_id)


@login_required
@require_POST
def registration_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    _staff(request)
    form = RegistrationForm(request.POST)
    if form.is_valid():
        try:
            person = core_selectors.person_get(user=request.user, pk=form.cleaned_data["person"])
        except (Person.DoesNotExist, Http404):
            form.add_error("person", _("Select a valid choice. That choice is not one of the available choices."))
        else:
            try:
                services.registration_create(actor=request.user, event=event, person=person)
                messages.success(request, _("The registration was saved."))
                return redirect("outreach:event", pk=event.pk)
            except ValidationError as exc:
                add_to_form(form, exc)
    return _detail(request, event, form, status=422)


@login_required
@require_POST
def registration_attended(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.registration_get(user=request.user, pk=pk)
    _staff(request)
    services.registration_set_attended(
        actor=request.user, registration=registration, attended=request.POST.get("attended") == "1"
    )
    return redirect("outreach:event", pk=registration.event_id)


def _venue_zh(venue: str, city: str) -> str:
    """A place as Chinese writes it, the city first and no comma (上海会议中心), the city once (北京国际饭店)."""
    return venue if city in venue else f"{city}{venue}"


def programme_of(event: Event) -> Programme:
    items = []
    for s in selectors.event_programme(event=event):
        people = list(s.speakers.all())
        orgs = list(s.speaker_organisations.all())
        items.append(
            ProgrammeItem(
                uid=f"event-session-{s.pk}@citybridge",
                day=s.date,
                start=s.start_time,
                end=s.end_time,
                title_en=s.title_en or s.title_zh_hans,
                title_zh=s.title_zh_hans,
                room=s.room,
                speakers_en=tuple([p.display_name("en") for p in people] + [o.display_name("en") for o in orgs]),
                speakers_zh=tuple(
                    [p.display_name("zh-hans") for p in people] + [o.display_name("zh-hans") for o in orgs]
                ),
            )
        )
    return Programme(
        title_en=event.display_title("en"),
        title_zh=event.display_title("zh-hans"),
        venue_en=", ".join(x for x in (event.display_venue("en"), event.display_city("en")) if x),
        venue_zh=_venue_zh(event.display_venue("zh-hans"), event.display_city("zh-hans")),
        period_en=date_range_text(event.starts_on, event.ends_on, "en"),
        period_zh=date_range_text(event.starts_on, event.ends_on, "zh-hans"),
        day_labels={i.day: (date_text(i.day, "en"), date_text(i.day, "zh-hans")) for i in items},
        items=items,
    )


@login_required
def event_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    response = HttpResponse(programme_pdf(programme_of(event)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="programme-{event.pk}.pdf"'
    return response


@login_required
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(user=request.user, pk=pk)
    response = HttpResponse(
        programme_ics(programme_of(event), language=get_language() or "en"), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="programme-{event.pk}.ics"'
    return response


urlpatterns = [
    path("events/", event_list, name="events"),
    path("events/new/", event_create, name="event-create"),
    path("events/<id:pk>/", event_detail, name="event"),
    path("events/<id:pk>/edit/", event_edit, name="event-edit"),
    path("programme-items/<id:pk>/edit/", event_session_edit, name="event-session-edit"),
    path("events/<id:pk>/sessions/new/", event_session_add, name="event-session-add"),
    path("events/<id:pk>/registrations/", registration_create, name="registration-create"),
    path("events/<id:pk>/programme.pdf", event_pdf, name="event-pdf"),
    path("events/<id:pk>/programme.ics", event_ics, name="event-ics"),
    path("registrations/<id:pk>/attended/", registration_attended, name="registration-attended"),
]
