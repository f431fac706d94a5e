"""`{{ mean|score }}` and `{{ difference|score_difference }}` for evaluation results. The numbers stay numbers
everywhere else (API, XLSX): only what a page shows is formatted here."""

from __future__ import annotations

from django import template

register = template.Library()

#: a mean or difference that cannot be computed (nobody answered that scale, or no reference to compare with)
NONE = "–"


@register.filter
def score(mean: float | None) -> str:
    """A mean score with two decimals whatever its value (4.50, 5.00, 4.17), so that a column of means reads
    alike and lines up."""
    return NONE if mean is None else f"{mean:.2f}"


@register.filter
def score_difference(difference: float | None) -> str:
    """A difference between means, always signed and with two decimals: +0.17, −0.02 (the minus sign U+2212, not
    a hyphen), and 0.00 without a sign when there is none (nor a rounded-away one)."""
    if difference is None:
        return NONE
    text = f"{abs(difference):.2f}"
    if text == "0.00":
        return text
    return ("+" if difference > 0 else "\u2212") + text
