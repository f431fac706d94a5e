"""Typed errors of the pathway engine: a code and parameters, never a sentence.

The Django layer maps ``code`` to a translated message (``params`` fill its placeholders) and to the field that
caused it, so the engine stays free of gettext and of Django.
"""

from __future__ import annotations

from typing import Any

#: every code the engine raises, with the parameters it passes (the Django side translates each)
ERROR_CODES: dict[str, tuple[str, ...]] = {
    "no_base_emissions": ("base_year",),  # the base inventory is empty or sums to zero
    "negative_base_emissions": ("sector", "value"),  # sinks are not modelled as negative base emissions
    "unknown_sector": ("sector",),
    "unknown_mechanism": ("measure", "mechanism"),
    "measure_share_above_one": ("measure", "field", "value"),  # a reduction above 100 %
    "measure_share_negative": ("measure", "field", "value"),
    "measure_value_negative": ("measure", "field", "value"),
    "measure_no_sectors": ("measure",),
    "uptake_end_before_start": ("measure", "start_year", "full_year"),
    "uptake_steepness_invalid": ("measure", "steepness"),
    "uptake_year_invalid": ("measure", "year"),  # not a whole year in 1900-2200
    "driver_series_gap": ("driver", "year"),  # a year of the projection is missing from a driver series
    "driver_value_invalid": ("driver", "year", "value"),  # NaN, infinite, or a grid factor below zero
    "negative_population": ("year", "value"),
    "projection_years_invalid": ("base_year", "end_year"),
    "target_year_outside_projection": ("target_year", "first_year", "last_year"),
    "target_invalid": ("field", "value"),
    "currency_mismatch": ("measure", "currency", "expected"),
    "series_too_short": ("n", "minimum"),
    "series_value_invalid": ("year", "value"),
    "shape_mismatch": ("name", "expected", "got"),
    "grid_factor_zero_with_electricity": ("sector",),
    "duplicate_measure": ("measure",),
    "order_invalid": ("measure",),
}


class PathwayError(ValueError):
    """Bad input to the pathway engine. ``code`` + ``params`` let the caller translate the message."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")
