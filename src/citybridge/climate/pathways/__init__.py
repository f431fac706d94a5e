"""Climate pathways engine (issue #12): BAU projection, measures, plan pathway, wedges, LMDI, gap to target, MACC,
progress. Plain Python + NumPy, typed dataclasses in and out, no Django import; errors are :class:`PathwayError`
(``code`` + ``params``, listed in ``ERROR_CODES``) for the Django side to translate.

    bau = project_bau(BaseInventory(2020, direct={"I": 5e6, "II": 3e6}, electricity={"I": 4e6}),
                      default_drivers("CN", "Guangdong", 2020, 2060), end_year=2060)
    pw = pathway(bau, [catalogue_measure("led_streetlights"), ...])   # climate.measures_catalogue
    w = wedges(pw, "shapley")          # (T, S, K), sums to BAU - plan in every year and sector
    gap_to_target(pw, Target(2030, base_year=2020, base_emissions=12e6, reduction_share=0.3))
    macc(pw, w, currency="CNY"); cumulative_avoided(pw); rank_measures(w, pw); progress(pw, actuals)
    bau_lmdi(bau) / lmdi(years, population, gdp, energy, emissions)   # why emissions move
    fit_trend(years, mt_co2, first_year=2010)                           # CEADs calibration, R² and RMSE

Many cities at once: ``project_bau_arrays`` and ``run_arrays`` / ``run_plan`` over (city, year, sector) arrays with
``pack_measures`` (one list of measures per city, or one per scenario variant of a plan: comparing variants side by
side is one batched call). Arrays are (city, year, sector[, measure]) with sectors in GPC order I, II, III, IV, V;
emissions in t CO2e, electricity in MWh, grid factors in t CO2e/MWh, money in each measure's stated currency.
"""

from .analysis import (
    Contribution,
    Conversion,
    Gap,
    MaccBar,
    Progress,
    Target,
    converted_target,
    cumulative_avoided,
    gap_to_target,
    macc,
    progress,
    rank_measures,
    summary,
)
from .bau import (
    DEFAULT_RESPONSES,
    SECTOR_NAMES,
    SECTORS,
    UNIT,
    BaseInventory,
    Bau,
    BauArrays,
    Drivers,
    SectorResponse,
    Series,
    Source,
    project_bau,
    project_bau_arrays,
)
from .calibration import TrendFit, fit_trend, implied_intensity_change
from .defaults import default_drivers, expand_grid, regions
from .engine import PlanArrays, run_arrays, run_plan
from .errors import ERROR_CODES, PathwayError
from .lmdi import FACTOR_NAMES, FACTORS, Lmdi, bau_lmdi, lmdi, logmean
from .measures import CARRIERS, MECHANISMS, Costs, Measure, MeasureArrays, Uptake, pack_measures, uptake_fraction
from .plan import WEDGE_METHODS, Pathway, Wedges, pathway, wedges

__all__ = [
    "CARRIERS", "DEFAULT_RESPONSES", "ERROR_CODES", "FACTORS", "FACTOR_NAMES", "MECHANISMS", "SECTORS",
    "SECTOR_NAMES", "UNIT", "WEDGE_METHODS", "BaseInventory", "Bau", "BauArrays", "Contribution", "Conversion", "Costs",
    "Drivers", "converted_target",
    "Gap", "Lmdi", "MaccBar", "Measure", "MeasureArrays", "PathwayError", "Pathway", "PlanArrays", "Progress",
    "SectorResponse", "Series", "Source", "Target", "TrendFit", "Uptake", "Wedges", "bau_lmdi", "cumulative_avoided",
    "default_drivers", "expand_grid", "fit_trend", "gap_to_target", "implied_intensity_change", "lmdi", "logmean",
    "macc", "pack_measures", "pathway", "progress", "project_bau", "project_bau_arrays", "rank_measures", "regions",
    "run_arrays", "run_plan", "summary", "uptake_fraction", "wedges",
]  # fmt: skip
