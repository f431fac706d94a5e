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
    "unknown_unit": lambda: _("“%(unit)s” is not a unit this tool knows (for example kWh, GJ, TJ, tce, L, m3, t)."),
    "incompatible_units": lambda: _("A quantity in %(from_unit)s cannot be converted to %(to_unit)s."),
    "basis_mixed": lambda: _(
        "Net (NCV) and gross (HHV) heating values cannot be mixed in one calculation (%(bases)s); use factors on "
        "one basis."
    ),
    "unknown_gwp_set": lambda: _("Select AR4, AR5 or AR6 as the GWP set."),
    "not_mass_unit": lambda: _("“%(unit)s” is not a unit of mass (use g, kg, t or lb)."),
    "unknown_ref": lambda: _("%(ref)s is not a GPC reference number."),
    "negative_value": lambda: _("Ensure this value is greater than or equal to 0."),
    "notation_key_needs_explanation": lambda: _("A notation key needs its explanation."),
    "ie_needs_included_in": lambda: _("Say where the emissions of this line are included."),
    "duplicate_ref": lambda: _("Line %(ref)s is already in this inventory; edit it instead."),
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


RULES: dict[str, Callable[[], str]] = {
    "basic": lambda: _(
        "BASIC: scope 1 and scope 2 of stationary energy and transportation, and scope 1 and 3 of waste generated "
        "in the city; generation supplied to the grid (I.4.4) is excluded (GPC v1.1, chapter 3 and table 3.3)."
    ),
    "basic_plus": lambda: _(
        "BASIC+: BASIC plus IPPU, AFOLU, transboundary transport and transmission and distribution losses (scope 3) "
        "(GPC v1.1, chapter 3 and table 3.3)."
    ),
    "territorial_scope1": lambda: _(
        "Territorial total: every scope 1 emission in the boundary, including generation supplied to the grid and "
        "waste from outside treated inside (GPC v1.1, table 3.3)."
    ),
}


def rule_label(code: str) -> str:
    """The sentence for a totals rule the engine cites; an unknown code is shown as it is."""
    template = RULES.get(code)
    return template() if template else code
