"""The factor library seed: every row read from the shipped EMISSION_FACTORS.md with its source and status as
written there; the GWP sets agree with the sheet's section 1."""

from __future__ import annotations

import re
from pathlib import Path

from citybridge.climate.accounting import GWP_SETS
from citybridge.climate.factors_seed import (
    EF_MD,
    STATUSES,
    gwp_table,
    plain,
    seed_factors,
    seed_fuel_properties,
    status_of,
)
from citybridge.climate.units import resolve_unit

SHARED = Path("/work/shared/data/EMISSION_FACTORS.md")


def by_key():
    return {f.key: f for f in seed_factors()}


def test_the_shipped_sheet_is_the_shared_one_verbatim():
    if SHARED.exists():  # on machines without the shared folder the shipped copy stands alone
        assert EF_MD.read_bytes() == SHARED.read_bytes()
    assert EF_MD.read_text(encoding="utf-8").startswith("# Emission-factor facts sheet")


def test_every_row_has_a_source_a_status_and_a_usable_unit():
    rows = seed_factors()
    assert len(rows) >= 140
    assert len({r.key for r in rows}) == len(rows)
    text = EF_MD.read_text(encoding="utf-8")
    for r in rows:
        assert r.status in STATUSES, r.key
        assert r.source.strip(), r.key
        # the source is text of the sheet, copied as written but for its Markdown marks (the first 40 characters)
        assert r.source.replace("Status: ✔✔. ", "")[:40] in plain(text), r.key
        assert resolve_unit(r.unit.split("/")[0]).check("[mass]"), r.key
        assert r.unit.split("/")[1] == r.activity_unit, r.key


def test_statuses_as_written():
    f = by_key()
    assert (f["mee-nbs-2023-china-guangdong"].value, f["mee-nbs-2023-china-guangdong"].status) == (
        0.4419,
        "two_sources",
    )
    assert f["mee-nbs-2022-china-sichuan"].status == "single_source"  # "2022 [single] daydaynews"
    assert f["mee-nbs-2022-china-yunnan"].status == "two_sources"  # "2022 ✔✔ (daydaynews, zhangwenkingh)"
    assert f["mee-nbs-2021-china-south-china-southern-grid-grid"].status == "derived"  # 2021 = 0.4326 [derived]
    assert f["mee-nbs-2021-china-south-china-southern-grid-grid"].value == 0.4326
    assert f["mee-nbs-2022-china-east-china-grid"].status == "single_source"  # "same pattern" as the row above
    assert f["egrid2023-camx-co2e"].status == "two_sources" and f["egrid2023-camx-co2e"].value == 430.0
    assert f["egrid2023-camx-co2"].status == "single_source"  # "CO2, CH4 and N2O are [single]"
    assert f["ipcc2006-road-lpg-ch4"].status == "not_verified"
    assert f["ca-carb-mrr-default-factor-for-unspecified-imports-95111-co2e"].status == "not_verified"
    assert f["ipcc2006-energy-industries-lpg-ch4"].status == "single_source"
    assert f["mee-nbs-2023-national-fossil-fuel-power"].status == "single_source"
    assert f["mee-nbs-2023-national-average"].value == 0.5306
    # the ETS factor is a separate series, not a year of the MEE/NBS one
    ets = f["mee-ets-2022"]
    assert (ets.value, ets.unit, ets.status) == (0.5703, "t/MWh", "two_sources")
    assert "ETS" in ets.region
    assert status_of("[derived] x") == "derived" and status_of("**not verified**") == "not_verified"


def test_bases_of_the_two_families():
    for f in seed_factors():
        if f.key.startswith("ipcc2006"):
            assert f.basis == "NCV", f.key
        elif f.key.startswith("epa-hub"):
            assert f.basis == "HHV", f.key
        else:
            assert f.basis is None, f.key  # electricity: no heating-value basis


def test_china_provincial_list_covers_30_provinces_once_per_year():
    f = seed_factors()
    provinces_2023 = {
        x.region
        for x in f
        if x.year == 2023 and x.section == "3c(i)" and "grid" not in x.region and "national" not in x.region
    }
    assert len(provinces_2023) == 30
    assert "China Tibet" not in provinces_2023


def test_fuel_properties():
    p = {x.key: x for x in seed_fuel_properties()}
    assert (p["density-motor-gasoline"].value, p["density-motor-gasoline"].unit) == (0.74, "kg/L")
    assert (p["ncv-motor-gasoline"].value, p["ncv-motor-gasoline"].unit) == (44.3, "TJ/Gg")
    assert p["density-natural-gas"].unit == "kg/m3"


def test_gwp_sets_match_section_1_of_the_sheet():
    table = gwp_table()
    rows = {
        "CO2": "CO2",
        "CH4": "CH4, generic / non-fossil",
        "N2O": "N2O",
        "SF6": "SF6",
        "HFC-134a": "HFC-134a",
        "CH4_fossil": "CH4, fossil",
    }
    for gas, label in rows.items():
        for name in ("AR4", "AR5", "AR6"):
            cell = table[label][name].replace("**", "").replace(",", "")
            first = float(re.search(r"\d+(\.\d+)?", cell).group(0))
            assert GWP_SETS[name].values[gas] == first, (gas, name, cell)
