"""Forms: parse input only; the services validate and write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from citybridge.core.concurrency import VersionedForm
from citybridge.core.forms import DATE, ModelMultipleChoiceField

from .labels import group_label
from .models import City, ClimateZone, DataAvailable, SizeClass

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .models import IndicatorDefinition


class InterestForm(forms.Form):
    contact_name = forms.CharField(label=_("Contact name"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail"), max_length=254)
    motivation = forms.CharField(
        label=_("Why does your city want to join?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    existing_plans = forms.CharField(
        label=_("Existing climate plans and targets"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    data_available = forms.MultipleChoiceField(
        label=_("Data your city has"),
        choices=DataAvailable.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


CITY_ERRORS = {
    "required": _("Search for a city by name and choose it."),
    "invalid_choice": _("Choose a city from the search results."),
    "invalid_pk_value": _("Choose a city from the search results."),
}


class CitiesField(ModelMultipleChoiceField):
    """Cities chosen by name in the city picker (cities/_city_picker.html): their keys, each ticked box one value.
    At most MAX, so a forged post cannot make one query of thousands."""

    MAX = 200

    def __init__(self, **kwargs: object) -> None:
        super().__init__(queryset=City.objects.listed(), error_messages=CITY_ERRORS, **kwargs)

    def clean(self, value: object) -> object:
        if value and len(value) > self.MAX:
            raise forms.ValidationError(_("Choose at most %(n)d cities.") % {"n": self.MAX})
        return super().clean(value)


class PoolAddForm(forms.Form):
    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.listed(), error_messages=CITY_ERRORS)


class PairForm(forms.Form):
    """A new pair: both cities picked by name (cities/_city_picker.html), the start date, a note in each language."""

    us_city = forms.ModelChoiceField(
        label=_("California city"), queryset=City.objects.listed(), error_messages=CITY_ERRORS
    )
    cn_city = forms.ModelChoiceField(
        label=_("Chinese city"), queryset=City.objects.listed(), error_messages=CITY_ERRORS
    )
    started_on = forms.DateField(label=_("Paired since"), widget=DATE)
    note_en = forms.CharField(label=_("Note in English"), required=False, max_length=500)
    note_zh_hans = forms.CharField(label=_("Note in Chinese"), required=False, max_length=500)


class PairEndForm(VersionedForm):
    """Ending a pair: the date it ended and, hidden, the version of the pair the confirmation page showed."""

    ended_on = forms.DateField(label=_("Ended on"), widget=DATE)


NORMALISATION_CHOICES = [
    ("minmax", _("Min–max: (value − lowest) ÷ (highest − lowest), within each group")),
    ("rank", _("Rank: position within the group, from worst (0) to best (1)")),
]
MISSING_CHOICES = [
    ("exclude", _("Exclude cities that lack any criterion")),
    ("penalise", _("Penalise: a missing value scores as the worst")),
    ("impute_peers", _("Impute: the median of peers of the same size class")),
]
POOL_CHOICES = [
    ("candidates", _("The candidate pool (cities that applied or that staff added)")),
    ("all", _("Every city in the registry")),
]


class SelectionForm(forms.Form):
    name = forms.CharField(label=_("Name of this run"), max_length=200)
    pool = forms.ChoiceField(label=_("Candidates"), choices=POOL_CHOICES, initial="candidates")
    normalisation = forms.ChoiceField(label=_("Normalisation"), choices=NORMALISATION_CHOICES, initial="minmax")
    missing = forms.ChoiceField(label=_("Missing values"), choices=MISSING_CHOICES, initial="penalise")
    min_reporting = forms.IntegerField(
        label=_("Leave a criterion out of a group where fewer cities report it than"),
        min_value=0,
        max_value=500,
        required=False,
        initial=0,
        help_text=_(
            "0 = never. For example 3: a criterion only one or two cities of a group report does not score "
            "that group (a lone reporter would otherwise take the best value and everyone else the worst)."
        ),
    )
    count_ca = forms.IntegerField(label=_("California cities"), min_value=0, max_value=500, initial=10)
    count_cn = forms.IntegerField(label=_("Chinese cities"), min_value=0, max_value=500, initial=10)
    max_per_province_cn = forms.IntegerField(
        label=_("At most this many Chinese cities per province"), min_value=1, max_value=500, required=False, initial=2
    )
    must_include = CitiesField(label=_("Must include"), required=False)
    must_exclude = CitiesField(label=_("Must exclude"), required=False)
    perturbations = forms.IntegerField(
        label=_("Weight perturbations for robustness (±20%)"), min_value=0, max_value=500, initial=200
    )
    seed = forms.IntegerField(label=_("Random seed"), min_value=0, initial=0)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args, indicators: Iterable[IndicatorDefinition] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for ind in self.indicators:
            self.fields[f"weight_{ind.code}"] = forms.FloatField(
                label=ind.display_name(),
                required=False,
                initial=ind.default_weight,
                help_text=_("Higher is better") if ind.higher_is_better else _("Lower is better"),
            )
        for size, label in SizeClass.choices:
            for group in ("CA", "CN"):
                self.fields[f"min_{size}_{group}"] = forms.IntegerField(
                    label=_("At least this many “%(size)s” cities in %(group)s")
                    % {"size": label, "group": group_label(group)},
                    min_value=0,
                    max_value=500,
                    required=False,
                )
        for zone, label in ClimateZone.choices:
            self.fields[f"max_{zone}_CN"] = forms.IntegerField(
                label=_("At most this many Chinese cities in the “%(zone)s” climate zone") % {"zone": label},
                min_value=0,
                max_value=500,
                required=False,
            )

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{ind.code}"] for ind in self.indicators]

    def size_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("min_")]

    def climate_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in self.fields
            if name.startswith("max_") and name.endswith("_CN") and name != "max_per_province_cn"
        ]

    def parameters(self) -> dict:
        d = self.cleaned_data
        criteria = []
        for ind in self.indicators:
            w = d.get(f"weight_{ind.code}")
            if w is None or w == 0:
                continue  # a negative weight goes on to the service, which refuses it with a clear message
            criteria.append({"code": ind.code, "weight": w, "higher_is_better": ind.higher_is_better})
        bounds = []
        for size, _label in SizeClass.choices:
            for group in ("CA", "CN"):
                v = d.get(f"min_{size}_{group}")
                if v:
                    bounds.append({"attribute": "size_class", "value": size, "group": group, "min": v})
        for zone, _label in ClimateZone.choices:
            v = d.get(f"max_{zone}_CN")
            if v is not None:
                bounds.append({"attribute": "climate_zone", "value": zone, "group": "CN", "max": v})
        return {
            "pool": d["pool"],
            "criteria": criteria,
            "normalisation": d["normalisation"],
            "missing": d["missing"],
            "min_reporting": d.get("min_reporting") or 0,
            "counts": {"CA": d["count_ca"], "CN": d["count_cn"]},
            "max_per_province_cn": d.get("max_per_province_cn"),
            "bounds": bounds,
            "must_include": [c.pk for c in d.get("must_include") or ()],
            "must_exclude": [c.pk for c in d.get("must_exclude") or ()],
            "perturbations": d["perturbations"],
            "seed": d["seed"],
        }
