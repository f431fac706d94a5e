"""Forms of the lecturer and timetable pages (issue #11). They parse input only; the services validate and write."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from citybridge.core.concurrency import VersionedForm
from citybridge.core.forms import DATE, ModelMultipleChoiceField
from citybridge.core.models import Organisation, Person

from .models import WEEKDAYS, LecturerLanguage, SessionFormat, Topic

WEEKDAY_CHOICES = [(str(n), label) for n, label in WEEKDAYS]


class WeekdaysField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("choices", WEEKDAY_CHOICES)
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(**kwargs)


class LecturerForm(VersionedForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.exclude(type="academy"), required=False
    )
    bio_en = forms.CharField(
        label=_("Biography (English)"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )
    bio_zh_hans = forms.CharField(
        label=_("Biography (Chinese)"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )
    topics = ModelMultipleChoiceField(
        label=_("Expertise"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LecturerLanguage.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    needs_interpretation = forms.BooleanField(label=_("Needs interpretation"), required=False)
    home_timezone = forms.CharField(label=_("Home time zone"), max_length=50, initial="Asia/Shanghai")
    visiting = forms.BooleanField(
        label=_("Visiting"), required=False, help_text=_("Travels to the course: their sessions are best grouped.")
    )
    preferred_weekdays = WeekdaysField(label=_("Preferred weekdays"))
    max_sessions_per_day = forms.IntegerField(label=_("Most sessions a day"), min_value=1, max_value=4, initial=2)
    group_sessions = forms.BooleanField(label=_("Group my sessions on consecutive days"), required=False)


class LecturerCreateForm(LecturerForm):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.filter(lecturer_profile__isnull=True))

    field_order = ["person"]


class AvailabilityForm(VersionedForm):
    start_date = forms.DateField(label=_("From"), widget=DATE)
    end_date = forms.DateField(label=_("Until"), widget=DATE)
    weekdays = WeekdaysField(label=_("Weekdays"), help_text=_("None ticked: every day of the window."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class NeedForm(forms.Form):
    course_module = forms.TypedChoiceField(label=_("Module"), coerce=int, choices=())
    format = forms.ChoiceField(label=_("Format"), choices=SessionFormat.choices)
    count = forms.IntegerField(label=_("Sessions"), min_value=1, max_value=20, initial=1)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    title_zh_hans = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    lecturer = forms.ModelChoiceField(
        label=_("Lecturer"), queryset=Person.objects.filter(lecturer_profile__isnull=False), required=False
    )
    host = forms.ModelChoiceField(
        label=_("Site-visit host"), queryset=Organisation.objects.exclude(type="academy"), required=False
    )
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all(), required=False)
    evening = forms.BooleanField(label=_("In the evening"), required=False)

    def __init__(self, *args, course_modules: Iterable = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course_module"].choices = [(cm.pk, cm.module.display_name()) for cm in course_modules]


class PartnerEventForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Organisation.objects.exclude(type="academy"))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(f.value, f.label) for f in (SessionFormat.DINNER, SessionFormat.LUNCH, SessionFormat.EXHIBITION)],
    )
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    title_zh_hans = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    requested_date = forms.DateField(label=_("Requested date"), widget=DATE, required=False)
    evening = forms.BooleanField(label=_("In the evening"), required=False, initial=True)


class PlanningForm(VersionedForm):
    rest_weekday = forms.TypedChoiceField(
        label=_("Preferred rest day"),
        choices=[("", "—"), *WEEKDAY_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, weights: dict | None = None, **kwargs) -> None:
        """One whole-number field per soft goal (timetable.Weights), showing the course's weight or the default."""
        from .timetable import Weights
        from .timetable_messages import PART_LABELS

        super().__init__(*args, **kwargs)
        defaults = Weights()
        for name in Weights.__dataclass_fields__:
            self.fields[f"weight_{name}"] = forms.IntegerField(
                label=PART_LABELS.get(name, name),
                min_value=0,
                max_value=1000,
                required=False,
                initial=(weights or {}).get(name, getattr(defaults, name)),
            )

    def weights(self) -> dict:
        return {
            k.removeprefix("weight_"): v
            for k, v in self.cleaned_data.items()
            if k.startswith("weight_") and v is not None
        }


class BlackoutForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    reason_en = forms.CharField(label=_("Reason (English)"), max_length=200, required=False)
    reason_zh_hans = forms.CharField(label=_("Reason (Chinese)"), max_length=200, required=False)


class ReplanForm(forms.Form):
    absent_lecturer = forms.ModelChoiceField(
        label=_("Lecturer who cancels"), queryset=Person.objects.filter(lecturer_profile__isnull=False), required=False
    )
    absent_from = forms.DateField(label=_("From"), widget=DATE, required=False)
    absent_until = forms.DateField(label=_("Until"), widget=DATE, required=False)

    def absence(self) -> dict | None:
        d = self.cleaned_data
        if not d.get("absent_lecturer"):
            return None
        return {"lecturer": d["absent_lecturer"], "from": d.get("absent_from"), "until": d.get("absent_until")}


class SeasonForm(forms.Form):
    season_start = forms.DateField(label=_("Season starts"), widget=DATE)
    season_end = forms.DateField(label=_("Season ends"), widget=DATE)


class SiteHostForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.exclude(type="academy")
    )
    weekdays = WeekdaysField(label=_("Receives a class on"), help_text=_("None ticked: every day."))
    open_from = forms.DateField(label=_("From"), widget=DATE, required=False)
    open_until = forms.DateField(label=_("Until"), widget=DATE, required=False)
