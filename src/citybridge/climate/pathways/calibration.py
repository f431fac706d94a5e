"""Calibrating a Chinese city's trend on its CEADs history (1997-2019).

The CEADs series is CO2 from energy and industrial processes (a territorial inventory, million tonnes), not a full
GPC inventory (Shan et al. 2022, Science Bulletin 67(18), 1910-1920; Shan et al. 2019, Scientific Data 6, 190027).
The fit is a least-squares line through ln(emissions) against the year: emissions ≈ exp(a + b x year), so the
fitted yearly growth is exp(b) - 1. Its quality is stated as R² of that log-linear fit and the RMSE of the fitted
values against the data in Mt CO2 (level, not log). Many Chinese cities peaked before 2019, so a window of recent
years (``first_year``) usually describes today's trend better than 1997-2019: the caller chooses and shows it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .errors import PathwayError


@dataclass(frozen=True)
class TrendFit:
    growth: float  # fitted yearly growth, 0.02 = +2 %/yr
    r2: float  # of the log-linear fit
    rmse: float  # in the series' unit (Mt CO2 for CEADs)
    n: int
    first_year: int
    last_year: int
    peak_year: int  # the year of the highest value in the window
    method: str = "log-linear least squares"


def fit_trend(
    years: Sequence[int], values: Sequence[float], *, first_year: int | None = None, last_year: int | None = None
) -> TrendFit:
    y = np.asarray(years, dtype=float)
    v = np.asarray(values, dtype=float)
    if y.shape != v.shape:
        raise PathwayError("shape_mismatch", name="values", expected=str(y.shape), got=str(v.shape))
    sel = np.ones(len(y), dtype=bool)
    if first_year is not None:
        sel &= y >= first_year
    if last_year is not None:
        sel &= y <= last_year
    y, v = y[sel], v[sel]
    if len(y) < 3:
        raise PathwayError("series_too_short", n=len(y), minimum=3)
    bad = np.flatnonzero(~np.isfinite(v) | (v <= 0))
    if bad.size:
        raise PathwayError("series_value_invalid", year=int(y[bad[0]]), value=str(v[bad[0]]))
    if len(set(y.tolist())) != len(y):
        raise PathwayError("series_value_invalid", year=int(y[0]), value="duplicate year")
    order = np.argsort(y)
    y, v = y[order], v[order]
    ly = np.log(v)
    x = y - y.mean()
    b = float((x * (ly - ly.mean())).sum() / (x * x).sum())
    a = float(ly.mean())
    fitted_log = a + b * x
    ss_res = float(((ly - fitted_log) ** 2).sum())
    ss_tot = float(((ly - ly.mean()) ** 2).sum())
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0
    rmse = math.sqrt(float(((v - np.exp(fitted_log)) ** 2).mean()))
    return TrendFit(
        growth=math.expm1(b),
        r2=r2,
        rmse=rmse,
        n=len(y),
        first_year=int(y[0]),
        last_year=int(y[-1]),
        peak_year=int(y[int(np.argmax(v))]),
    )


def implied_intensity_change(fit: TrendFit, gdp_growth: float) -> float:
    """The yearly change of emissions per unit of GDP implied by the fitted emission growth and a GDP growth over
    the same years: (1 + g_E) / (1 + g_GDP) - 1. A city can use it as its energy-intensity trend (it then carries
    the carbon-intensity trend as well: say so beside it)."""
    if gdp_growth <= -1:
        raise PathwayError("driver_value_invalid", driver="gdp", year=fit.last_year, value=gdp_growth)
    return (1.0 + fit.growth) / (1.0 + gdp_growth) - 1.0
