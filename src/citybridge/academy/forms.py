"""Forms parse input only; the services validate the rules and write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from citybridge.core import provinces
from citybridge.core.concurrency import VersionedForm
from citybridge.core.files import check_upload
from citybridge.core.forms import DATE, TIME, ModelMultipleChoiceField, ProvinceChoiceField
from citybridge.core.listing import name_order
from citybridge.core.models import Organisation, Person

from .models import (
    AttendanceStatus,
    CourseStatus,
    Module,
    Motivation,
    Position,
    SessionFormat,
    Topic,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import Academy, Course


class TopicForm(VersionedForm):
    slug = forms.SlugField(label=_("Code"), max_length=60)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    name_zh_hans = forms.CharField(label=_("Name (Chinese)"), max_length=200, required=False)
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    description_zh_hans = forms.CharField(
        label=_("Description (Chinese)"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    motivations = forms.MultipleChoiceField(
        label=_("Why officials care"), choices=Motivation.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, initial=0)


class ModuleForm(VersionedForm):
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    title_zh_hans = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    objectives_en = forms.CharField(
        label=_("Objectives (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    objectives_zh_hans = forms.CharField(
        label=_("Objectives (Chinese)"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    days = forms.IntegerField(label=_("Length in days"), min_value=0, max_value=365)
    formats = forms.MultipleChoiceField(
        label=_("Formats"), choices=SessionFormat.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    topics = ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )


class CourseForm(VersionedForm):
    academy = forms.ModelChoiceField(label=_("Academy"), queryset=None)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    title_zh_hans = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    start_date = forms.DateField(label=_("First day"), widget=DATE)
    end_date = forms.DateField(label=_("Last day"), widget=DATE)
    location_en = forms.CharField(label=_("Location (English)"), max_length=200, required=False)
    location_zh_hans = forms.CharField(label=_("Location (Chinese)"), max_length=200, required=False)
    modules = ModelMultipleChoiceField(
        label=_("Modules"), queryset=Module.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, academies: QuerySet[Academy] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academy"].queryset = academies


class SessionForm(VersionedForm):
    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Starts"), widget=TIME)
    end_time = forms.TimeField(label=_("Ends"), widget=TIME)
    format = forms.ChoiceField(label=_("Format"), choices=SessionFormat.choices)
    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.none(), required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    title_zh_hans = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    lecturer = forms.ModelChoiceField(label=_("Lecturer"), queryset=Person.objects.none(), required=False)
    site_en = forms.CharField(label=_("Site (English)"), max_length=200, required=False)
    site_zh_hans = forms.CharField(label=_("Site (Chinese)"), max_length=200, required=False)
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args, course: Course | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.filter(course_modules__course=course)
        from .services import session_lecturer_choices, session_partner_choices

        self.fields["lecturer"].queryset = session_lecturer_choices()
        # in the reader's order: pinyin in Chinese, the English name in English (core.listing.name_order)
        self.fields["partner"].queryset = session_partner_choices(course).order_by(*name_order("name"), "pk")


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=CourseStatus.choices)


class OfficialForm(VersionedForm):
    family_name_en = forms.CharField(label=_("Family name (English)"), max_length=100, required=False)
    given_name_en = forms.CharField(label=_("Given name (English)"), max_length=100, required=False)
    family_name_zh_hans = forms.CharField(label=_("Family name (Chinese)"), max_length=100, required=False)
    given_name_zh_hans = forms.CharField(label=_("Given name (Chinese)"), max_length=100, required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all(), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices)
    jurisdiction = forms.CharField(label=_("Jurisdiction led"), max_length=200, required=False)
    #: a code of the controlled list (core.provinces); the service receives the province's English name
    province = ProvinceChoiceField(label=_("Province"), required=False)
    population = forms.IntegerField(
        label=_("Population of the jurisdiction"), min_value=0, max_value=2_000_000_000, required=False
    )
    population_date = forms.DateField(label=_("Population as of"), widget=DATE, required=False)
    company = forms.ModelChoiceField(
        label=_("Company (SOE executives)"),
        queryset=Organisation.objects.filter(type__in=["soe", "company"]),
        required=False,
    )
    company_employees = forms.IntegerField(
        label=_("Company employees"), min_value=0, max_value=100_000_000, required=False
    )
    service_start = forms.DateField(label=_("Service began"), widget=DATE, required=False)

    def __init__(self, *args, person_version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", "—"), *provinces.choices("CN")]
        written = self.initial.get("province") or ""
        if written and written not in provinces.BY_CODE:
            self.initial["province"] = provinces.province_code(written, "CN")
            if not self.initial["province"]:
                self.fields["province"].help_text = _(
                    "Recorded as “%(text)s”, which is not on the list: it is kept until you choose one."
                ) % {"text": written}
        if person_version is not None:  # the official's page also edits the person: their version travels too
            self.fields["person_version"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1, initial=person_version, required=False
            )

    def clean_province(self) -> str:
        code = self.cleaned_data.get("province") or ""
        return provinces.BY_CODE[code].name_en if code else ""


class EnrolForm(forms.Form):
    official = forms.IntegerField(label=_("Official"), widget=forms.HiddenInput)
    waitlist = forms.BooleanField(label=_("Put on the waitlist"), required=False)


class RosterForm(forms.Form):
    file = forms.FileField(label=_("Roster file (XLSX or CSV)"))
    overflow_to_waitlist = forms.BooleanField(
        label=_("Put officials beyond the class size on the waitlist"), required=False
    )

    def clean_file(self) -> UploadedFile:
        check_roster_upload(self.cleaned_data["file"])
        return self.cleaned_data["file"]


def check_roster_upload(upload: UploadedFile) -> None:
    """Size, type (XLSX or CSV by content) and ZIP bounds, before the roster parser opens the file."""
    try:
        check_upload(upload, kinds=("xlsx", "csv"))
    except ValidationError as exc:
        if exc.code == "type":
            raise ValidationError(
                _("This file is not a spreadsheet. Upload an XLSX or CSV file (the template is one)."), code="type"
            )
        raise


class ExternalTrainingForm(forms.Form):
    provider = forms.CharField(label=_("Provider"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = forms.DateField(label=_("First day"), widget=DATE)
    end_date = forms.DateField(label=_("Last day"), widget=DATE)
    days = forms.IntegerField(label=_("Training days"), min_value=1, max_value=366)
    evidence = forms.FileField(label=_("Evidence (file)"), required=False)
    evidence_reference = forms.CharField(label=_("Evidence reference"), max_length=200, required=False)

    def clean_evidence(self) -> UploadedFile | None:
        evidence = self.cleaned_data.get("evidence")
        if evidence:
            check_upload(evidence, kinds=("pdf", "png", "jpeg", "docx", "xlsx"))
        return evidence


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


ATTENDANCE_CHOICES = [("", "–")] + list(AttendanceStatus.choices)
