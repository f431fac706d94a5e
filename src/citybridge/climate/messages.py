"""The engines speak in codes with parameters; these are the sentences, in the user's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _


def _join(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value)
    return str(value)


MESSAGES: dict[str, Callable[[], str]] = {
    # units (units.py)
    "unknown_unit": lambda: _("“%(unit)s” is not a unit this tool knows (for example kWh, GJ, TJ, tce, L, m3, t)."),
    "incompatible_units": lambda: _("A quantity in %(from_unit)s cannot be converted to %(to_unit)s."),
    "basis_mixed": lambda: _(
        "Net (NCV) and gross (HHV) heating values cannot be mixed in one calculation (%(bases)s); use factors on "
        "one basis."
    ),
    "not_mass_unit": lambda: _("“%(unit)s” is not a unit of mass (use g, kg, t or lb)."),
    # accounting.py
    "unknown_ref": lambda: _("%(ref)s is not a GPC reference number."),
    "duplicate_ref": lambda: _("Line %(ref)s is already in this inventory; edit it instead."),
    "unknown_notation_key": lambda: _("“%(key)s” is not a notation key (use NO, IE, NE or C)."),
    "notation_key_needs_explanation": lambda: _("A notation key needs its explanation."),
    "ie_needs_included_in": lambda: _("Say where the emissions of this line are included."),
    "ie_included_in_itself": lambda: _("A line cannot be included in itself (%(ref)s)."),
    "notation_key_with_data": lambda: _("A line with a notation key has no activity data or emissions."),
    "no_data": lambda: _("Give activity data with factors, emissions by gas, or a notation key."),
    "activity_and_emissions": lambda: _(
        "Give either emissions reported by gas or activity data with factors, not both."
    ),
    "activity_needs_factor": lambda: _("Choose a factor from the library or give your own factors."),
    "factor_needs_activity": lambda: _("A factor needs the activity value and its unit."),
    "not_a_number": lambda: _("“%(value)s” is not a number."),
    "negative_activity": lambda: _("The activity value cannot be negative (%(value)s)."),
    "negative_factor": lambda: _("A factor cannot be negative (%(value)s)."),
    "negative_emissions": lambda: _("Emissions of %(gas)s cannot be negative (%(value)s)."),
    "negative_value": lambda: _("The value cannot be negative (%(value)s)."),
    "factor_unit_not_per_activity": lambda: _("The factor's unit %(unit)s is not a mass per unit of activity."),
    "emissions_unit_not_mass": lambda: _("The unit of %(gas)s emissions, %(unit)s, is not a unit of mass."),
    "unit_mismatch": lambda: _(
        "The activity is in %(activity_unit)s but the factor is in %(factor_unit)s: give the activity in a unit "
        "the factor is per, or choose a factor that fits it."
    ),
    "unknown_gas": lambda: _("“%(gas)s” is not a gas this tool knows."),
    "duplicate_gas": lambda: _("%(gas)s appears twice; give each gas once."),
    "unknown_basis": lambda: _("“%(basis)s” is not a heating-value basis (use NCV or HHV)."),
    "basis_ratio_out_of_range": lambda: _("The NCV/HHV ratio %(ratio)s is out of range."),
    "unknown_data_quality": lambda: _("“%(value)s” is not a data quality (use high, medium or low)."),
    "unknown_gwp_set": lambda: _("Select AR4, AR5 or AR6 as the GWP set."),
    "unknown_level": lambda: _("Select BASIC or BASIC+ as the level."),
    "ie_target_missing": lambda: _("Line %(ref)s says it is included in %(included_in)s, which has no data yet."),
    "ie_target_is_notation_key": lambda: _(
        "Line %(ref)s says it is included in %(included_in)s, which itself carries a notation key."
    ),
    # importers.py
    "file_too_large": lambda: _("The file is too large; the limit is %(max_bytes)s bytes."),
    "too_many_rows": lambda: _("The file has more than %(max_rows)s rows."),
    "not_xlsx": lambda: _("The file is not a readable XLSX workbook."),
    "not_utf8": lambda: _("The CSV file is not in UTF-8."),
    "unknown_format": lambda: _(
        "The file is neither the XLSX template, an eCRF workbook nor a CityCatalyst CSV (%(filename)s)."
    ),
    "unreadable_file": lambda: _("The file could not be read."),
    "header_not_found": lambda: _("The header row was not found (expected: %(expected)s)."),
    "missing_column": lambda: _("The column “%(column)s” is missing."),
    "unknown_column": lambda: _("Column %(column)s has an unexpected header “%(header)s”; were columns shifted?"),
    "value_outside_columns": lambda: _("A value lies outside the template's columns (column %(column)s)."),
    "cell_too_long": lambda: _("A cell is longer than %(max)s characters."),
    "control_characters": lambda: _("A cell holds control characters."),
    "missing_ref": lambda: _("The GPC reference number is missing."),
    "unknown_factor": lambda: _("No factor %(factor_id)s in the library."),
    "foreign_notation_key": lambda: _(
        "The notation key “%(key)s” is not one of the GPC's; the import keeps it as given."
    ),
    "gas_sum_mismatch": lambda: _(
        "The emissions by gas add up to %(sum_t)s t CO2e, not the total of %(total_t)s t CO2e given in the row."
    ),
    "rows_merged": lambda: _("Rows %(rows)s for line %(ref)s are merged into one line."),
    "ref_from_sector": lambda: _(
        "The GPC reference number was empty; line %(ref)s was found from the sector, sub-sector and scope columns."
    ),
    "row_without_data": lambda: _("Line %(ref)s has no data; the import leaves it out."),
    # ambition.py
    "unknown_target_kind": lambda: _("“%(kind)s” is not a type of target."),
    "year_out_of_range": lambda: _("Enter a year between %(min)s and %(max)s."),
    "target_year_before_base_year": lambda: _(
        "The target year (%(target_year)s) must come after the base year (%(base_year)s)."
    ),
    "not_a_non_negative_number": lambda: _("Enter a number of at least 0."),
    "reduction_pct_out_of_range": lambda: _("A reduction is between 0 and 100 %."),
    "reduction_pct_required": lambda: _("This type of target needs the reduction in percent."),
    "base_year_required": lambda: _("This type of target needs the base year."),
    "base_emissions_required": lambda: _("This type of target needs the base-year emissions."),
    "target_level_required": lambda: _("A fixed-level target needs the level in the target year."),
    "reduction_or_level_required": lambda: _("Give the reduction in percent or the level in the target year."),
    "population_required": lambda: _("A per-capita target needs the population in the target year."),
    "base_population_required": lambda: _("A per-capita reduction needs the population in the base year."),
    "gdp_required": lambda: _("An intensity target needs the GDP in the target year."),
    "base_gdp_required": lambda: _("An intensity reduction needs the GDP in the base year."),
    "milestone_out_of_range": lambda: _("A milestone falls between the base year and the target year."),
    # notes on a computed ambition (ambition.py; not errors, shown on the target page)
    "peak_year_not_quantified": lambda: _(
        "A peak-year target sets no level, so no emissions in the target year or reduction rate can be computed."
    ),
    "no_base_year_no_rate": lambda: _("Without a base year, no annual reduction rate can be computed."),
    "base_emissions_zero": lambda: _("The base-year emissions are zero, so no reduction rate can be computed."),
    "compound_rate_undefined_at_zero": lambda: _(
        "The target reaches zero emissions: the compound annual rate is not defined; the linear rate is shown."
    ),
    "target_above_base": lambda: _(
        "The target allows more emissions than the base year (%(ratio)s times the base-year level): it is not a "
        "reduction."
    ),
    "ambition_not_computed": lambda: _("This target's ambition has not been computed, so it has no reduction rate."),
    "base_year_after_benchmark_net_zero": lambda: _(
        "The base year %(base_year)s is after the benchmark's net-zero year, so the benchmark is zero emissions."
    ),
}


def issue_message(code: str, params: dict[str, Any] | None = None) -> str:
    """The sentence for an engine code; an unknown code still gives a sentence (with the code) rather than nothing."""
    params = {k: _join(v) for k, v in (params or {}).items()}
    template = MESSAGES.get(code)
    if template is None:
        return _("This value is not valid (%(code)s).") % {"code": code}
    try:
        return template() % params
    except (KeyError, ValueError, TypeError):
        return template().split("%(")[0].strip() or code


#: One sentence per totals rule, in the reader's language: what the total holds and what stays out, and where the
#: GPC says so. It says everything the engine's own English citation (accounting.RULES, kept in the API's `rules`)
#: says, so the page shows this sentence alone. "table 3.3" was written in an earlier round and is kept; the sections
#: behind these rules could not be confirmed (see the comment above accounting.RULES), so they are not cited by
#: section.
RULES: dict[str, Callable[[], str]] = {
    "gpc_basic": lambda: _(
        "BASIC: scope 1 and scope 2 of stationary energy and transportation, and scope 1 and 3 of waste generated "
        "in the city. Generation supplied to the grid (I.4.4) and waste from outside the city treated inside "
        "(III.x.3) are excluded: they count only in the territorial total (GPC v1.1, chapters 3 and 4, table 3.3)."
    ),
    "gpc_basic_plus": lambda: _(
        "BASIC+: BASIC plus IPPU (IV), AFOLU (V), transboundary transport and transmission and distribution losses "
        "(scope 3 of stationary energy and transportation). I.4.4, III.x.3 and other scope 3 (VI.1) stay outside "
        "(GPC v1.1, chapters 3 and 4, table 3.3)."
    ),
    "gpc_territorial": lambda: _(
        "Territorial total: every scope 1 emission in the boundary, including generation supplied to the grid "
        "(I.4.4) and waste from outside the city treated inside (III.x.3) (GPC v1.1, chapter 3 and table 3.3)."
    ),
}


def rule_label(code: str) -> str:
    """The sentence for a totals rule the engine cites; an unknown code is shown as it is."""
    template = RULES.get(code)
    return template() if template else code
