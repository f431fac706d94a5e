"""Forms of the climate pages. They parse; the services validate and write (errors come back onto the fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from citybridge.core.concurrency import VersionedForm

from . import gpc
from .labels import line_label
from .models import DataQuality, Gas, GwpSet, HeatingBasis, Level, NotationKey, TargetKind, Verification

REPORTED_GASES = ("CO2", "CH4", "N2O", "CO2e")
FACTOR_GASES = ("CO2", "CH4", "N2O")
#: the entry form's library factors: one per gas, as many as the gases of FACTOR_GASES
FACTOR_FIELDS = ("factor", "factor_2", "factor_3")


def _num(label: Any, **kwargs: Any) -> forms.FloatField:
    return forms.FloatField(label=label, required=False, **kwargs)


class InventoryCreateForm(forms.Form):
    city = forms.ModelChoiceField(label=pgettext_lazy("place", "city"), queryset=None)
    year = forms.IntegerField(label=_("year"), min_value=1990, max_value=2100)
    gwp_set = forms.ChoiceField(label=_("GWP set"), choices=GwpSet.choices, initial=GwpSet.AR5)
    level = forms.ChoiceField(label=_("level"), choices=Level.choices)
    boundary = forms.CharField(
        label=_("boundary"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )

    def __init__(self, *args: Any, cities: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities


class InventoryEditForm(VersionedForm):
    gwp_set = forms.ChoiceField(label=_("GWP set"), choices=GwpSet.choices)
    level = forms.ChoiceField(label=_("level"), choices=Level.choices)
    boundary = forms.CharField(
        label=_("boundary"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )


class EntryForm(VersionedForm):
    gpc_ref = forms.ChoiceField(label=_("GPC reference number"))
    notation_key = forms.ChoiceField(label=_("notation key"), choices=NotationKey.choices, required=False)
    explanation = forms.CharField(
        label=_("explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    included_in = forms.CharField(label=_("where included (IE)"), required=False, max_length=200)
    activity_value = _num(_("activity value"))
    activity_unit = forms.CharField(
        label=_("activity unit"),
        required=False,
        max_length=30,
        help_text=_("For example kWh, MWh, GJ, TJ, therm, MMBtu, tce, toe, L, US gallon, m3, t, vehicle-km."),
    )
    factor = forms.ModelChoiceField(label=_("factor from the library"), queryset=None, required=False)
    factor_2 = forms.ModelChoiceField(
        label=_("another factor from the library (another gas)"), queryset=None, required=False
    )
    factor_3 = forms.ModelChoiceField(
        label=_("a third factor from the library (another gas)"), queryset=None, required=False
    )
    own_unit = forms.CharField(
        label=_("unit of your own factors"),
        required=False,
        max_length=40,
        help_text=_("Mass of gas per activity unit, for example kg/TJ or t/MWh."),
    )
    own_co2 = _num(_("your factor: CO2"))
    own_ch4 = _num(_("your factor: CH4"))
    own_n2o = _num(_("your factor: N2O"))
    own_citation = forms.CharField(label=_("source of your factors"), required=False, max_length=1000)
    reported_co2 = _num(_("reported emissions: t CO2"))
    reported_ch4 = _num(_("reported emissions: t CH4"))
    reported_n2o = _num(_("reported emissions: t N2O"))
    reported_co2e = _num(_("reported emissions: t CO2e (gases not split)"))
    density_value = _num(_("fuel density"))
    density_unit = forms.CharField(label=_("unit of the density"), required=False, max_length=40, initial="kg/L")
    ncv_value = _num(_("net calorific value of the fuel"))
    ncv_unit = forms.CharField(label=_("unit of the calorific value"), required=False, max_length=40, initial="TJ/Gg")
    data_quality = forms.ChoiceField(label=_("data quality"), choices=DataQuality.choices, required=False)
    source = forms.CharField(
        label=_("data source"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args: Any, factors: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gpc_ref"].choices = [(line.ref, line_label(line.ref)) for line in gpc.gpc_lines()]
        for name in self.initial:  # a line with more library factors than FACTOR_FIELDS keeps every one
            if name.startswith("factor_") and name not in self.fields:
                self.fields[name] = forms.ModelChoiceField(label=self.fields["factor_2"].label, required=False,
                                                           queryset=None)  # fmt: skip
        self.factor_fields = [name for name in self.fields if name == "factor" or name.startswith("factor_")]
        for name in self.factor_fields:
            self.fields[name].queryset = factors

    def entry_data(self) -> dict:
        """The cleaned form as the service's entry input (the same shape as the API body)."""
        d = self.cleaned_data
        data: dict[str, Any] = {
            k: d.get(k)
            for k in (
                "gpc_ref",
                "notation_key",
                "explanation",
                "included_in",
                "activity_value",
                "activity_unit",
                "data_quality",
                "source",
            )
        }
        # one library factor per gas (grid electricity: CO2, CH4 and N2O); an edit keeps every one the line had
        chosen = list(dict.fromkeys(d[name].pk for name in self.factor_fields if d.get(name)))
        if chosen:
            data["factor_ids"] = chosen
        own = [
            {
                "gas": gas,
                "value": d.get(f"own_{gas.lower()}"),
                "unit": d.get("own_unit") or "",
                "citation": d.get("own_citation") or "",
            }
            for gas in FACTOR_GASES
            if d.get(f"own_{gas.lower()}") is not None
        ]
        if own:
            data["factors"] = own
        reported = [
            {"gas": gas, "value": d.get(f"reported_{gas.lower()}"), "unit": "t"}
            for gas in REPORTED_GASES
            if d.get(f"reported_{gas.lower()}") is not None
        ]
        if reported:
            data["emissions"] = reported
        for prop in ("density", "ncv"):
            if d.get(f"{prop}_value") is not None:
                data[prop] = {"value": d[f"{prop}_value"], "unit": d.get(f"{prop}_unit") or ""}
        return {k: v for k, v in data.items() if v not in (None, "")}

    @staticmethod
    def initial_for(entry: Any) -> dict:
        initial = {
            k: getattr(entry, k)
            for k in (
                "gpc_ref",
                "notation_key",
                "explanation",
                "included_in",
                "activity_value",
                "activity_unit",
                "data_quality",
                "source",
            )
        }
        library = list(entry.factors.order_by("gas", "pk").values_list("pk", flat=True))
        names = (*FACTOR_FIELDS, *(f"factor_{i}" for i in range(len(FACTOR_FIELDS) + 1, len(library) + 1)))
        initial.update(zip(names, library, strict=False))
        for f in entry.own_factors:
            initial[f"own_{f['gas'].lower()}"] = f["value"]
            initial["own_unit"] = f["unit"]
            initial["own_citation"] = f.get("citation", "")
        for r in entry.reported:
            initial[f"reported_{r['gas'].lower()}"] = r["value"]
        for prop, amount in (entry.fuel_properties or {}).items():
            initial[f"{prop}_value"], initial[f"{prop}_unit"] = amount["value"], amount["unit"]
        return initial


class FactorForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=80)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    name_zh_hans = forms.CharField(label=_("name (Chinese)"), max_length=200, required=False)
    gas = forms.ChoiceField(label=_("gas"), choices=Gas.choices)
    value = forms.FloatField(label=_("value"), min_value=0)
    unit = forms.CharField(label=_("unit (mass of gas)"), max_length=20, help_text=_("g, kg, t or lb"))
    activity_unit = forms.CharField(
        label=_("per activity unit"), max_length=30, help_text=_("For example kWh, MWh, GJ, TJ, L, m3.")
    )
    region = forms.CharField(label=_("region"), max_length=100, required=False)
    year = forms.IntegerField(label=_("year"), min_value=1990, max_value=2100, required=False)
    heating_basis = forms.ChoiceField(label=_("heating-value basis"), choices=HeatingBasis.choices, required=False)
    method_note_en = forms.CharField(
        label=_("method (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )
    method_note_zh_hans = forms.CharField(
        label=_("method (Chinese)"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )
    citation = forms.CharField(label=_("source"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    verification = forms.ChoiceField(label=_("verification"), choices=Verification.choices)


class SupersedeForm(VersionedForm, FactorForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("code")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("file"), help_text=_("The XLSX template, an eCRF workbook or a CityCatalyst CSV export.")
    )


class TargetForm(VersionedForm):
    city = forms.ModelChoiceField(label=pgettext_lazy("place", "city"), queryset=None)
    kind = forms.ChoiceField(label=_("type of target"), choices=TargetKind.choices)
    coverage = forms.MultipleChoiceField(
        label=_("coverage (empty: all sectors)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    base_year = forms.IntegerField(label=_("base year"), required=False, min_value=1990, max_value=2100)
    base_emissions_t = _num(_("base-year emissions (t CO2e)"))
    target_year = forms.IntegerField(label=_("target year"), min_value=1990, max_value=2100)
    reduction_pct = _num(_("reduction (%)"))
    target_value = _num(
        _("target value (fixed level: t CO2e; per capita: t CO2e per person; intensity: t CO2e per unit GDP)")
    )
    base_population = forms.IntegerField(label=_("base-year population"), required=False, min_value=1)
    target_population = forms.IntegerField(label=_("population in the target year"), required=False, min_value=1)
    base_gdp = _num(_("base-year GDP"))
    target_gdp = _num(_("GDP in the target year"))
    gdp_unit = forms.CharField(label=_("GDP unit"), required=False, max_length=40)
    milestone_year = forms.IntegerField(
        label=_("interim milestone: year"), required=False, min_value=1990, max_value=2100
    )
    milestone_pct = _num(_("interim milestone: reduction (%)"))
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args: Any, cities: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities
        from .labels import SECTORS

        self.fields["coverage"].choices = [(k, v) for k, v in SECTORS.items() if k != "VI"]

    def target_data(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("city", None)
        d.pop("version", None)
        year, pct = d.pop("milestone_year", None), d.pop("milestone_pct", None)
        d["milestones"] = [{"year": year, "reduction_pct": pct}] if year or pct is not None else []
        return d
