"""Follow-up forms. Choices are scoped: assignees are active users, the person concerned a lecturer or anyone
already named on a follow-up, organisations companies / SOEs / NGOs / research labs (partners and solution
providers)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citybridge.academy.models import OfficialProfile
from citybridge.core.concurrency import VersionedForm
from citybridge.core.forms import DATE, ModelMultipleChoiceField
from citybridge.core.history import account_label
from citybridge.core.listing import name_order
from citybridge.core.models import Organisation, Person, User

from .models import Activity, ActivityStatus, ActivityType

PARTNER_TYPES = ("company", "soe", "ngo", "research_lab", "university", "international")


class _Choice(forms.ModelChoiceField):
    def label_from_instance(self, obj: object) -> str:
        return obj.display_name() if hasattr(obj, "display_name") else str(obj)


class _Multi(ModelMultipleChoiceField):
    def label_from_instance(self, obj: object) -> str:
        return obj.person.display_name() if hasattr(obj, "person") else str(obj)


class ActivityForm(VersionedForm):
    type = forms.ChoiceField(label=_("Type"), choices=ActivityType.choices)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices, initial=ActivityStatus.OPEN)
    assignee = _Choice(label=_("Assignee"), queryset=User.objects.none(), required=False)
    person = _Choice(label=_("Lecturer or person concerned"), queryset=Person.objects.none(), required=False)
    organisation = _Choice(
        label=_("Partner or solution provider concerned"), queryset=Organisation.objects.none(), required=False
    )
    officials = _Multi(label=_("Officials"), queryset=OfficialProfile.objects.none(), required=False)
    parent = _Choice(label=_("Follows"), queryset=Activity.objects.none(), required=False)
    outcome = forms.CharField(
        label=_("Outcome"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: object,
        manager: bool,
        instance: Activity | None = None,
        official_ids: list[int] = (),
        **kwargs: object,
    ):
        super().__init__(*args, **kwargs)
        if not manager:  # an assignee who is not staff: status and outcome only
            for name in ("type", "subject", "due_date", "assignee", "person", "organisation", "officials", "parent"):
                del self.fields[name]
            return
        self.fields["assignee"].queryset = (
            User.objects.filter(is_active=True).select_related("person").order_by("email")
        )
        self.fields["assignee"].label_from_instance = account_label
        self.fields["person"].queryset = (
            Person.objects.filter(Q(lectures__isnull=False) | Q(pk=getattr(instance, "person_id", None)))
            .distinct()
            .order_by(*name_order("family_name", "given_name"), "id")
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(type__in=PARTNER_TYPES).order_by(
            *name_order("name"), "id"
        )
        ids = set(official_ids)
        if instance is not None and instance.pk:
            ids |= set(instance.officials.values_list("pk", flat=True))
            self.fields["parent"].queryset = Activity.objects.exclude(pk=instance.pk).order_by("-id")
        else:
            self.fields["parent"].queryset = Activity.objects.order_by("-id")
        self.fields["officials"].queryset = OfficialProfile.objects.filter(pk__in=ids).select_related("person")
        self.fields["parent"].label_from_instance = lambda a: f"#{a.pk} {a.shown_subject}"
