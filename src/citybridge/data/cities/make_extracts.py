"""Rebuild the bundled extracts from ../shared/data (run from the repository root):

    .venv/bin/python src/citybridge/data/cities/make_extracts.py /work/shared/data

Keeps only the rows for California and (mainland) China; figures are copied verbatim.
The CEADs workbook is bundled unchanged.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from citybridge.cities.sources import extract_rows, write_csv  # noqa: E402


def in_california(lat: float, lon: float) -> bool:
    """Rough California polygon: north of 39N the border is 120W; south of it the
    diagonal border runs from (39N, 120W) to (35N, 114.6W)."""
    if not (32.5 <= lat <= 42.0) or lon > -114.1 or lon < -124.5:
        return False
    if lat >= 39.0:
        return lon <= -120.0
    return lon <= -120.0 + (39.0 - lat) / 4.0 * 5.4


def cdp_keep(row: dict[str, str]) -> bool:
    return row["Organization"].rstrip().endswith(", CA") or row["Country"] == "China"


def nangini_keep(row: dict[str, str]) -> bool:
    if row["Country"] == "China":
        return True
    if row["Country"] != "USA":
        return False
    try:
        lat = float(row["Latitude (others) [degrees]"])
        lon = float(row["Longitude (others) [degrees]"])
    except ValueError:
        return False
    return in_california(lat, lon)


def main(shared: Path) -> None:
    for src, dst, keep in [
        ("cdp2021_citywide_emissions.csv", "cdp2021_citywide_emissions_ca_cn.csv", cdp_keep),
        ("cdp2021_city_reduction_targets.csv", "cdp2021_city_reduction_targets_ca_cn.csv", cdp_keep),
        ("nangini2019_343_cities.csv", "nangini2019_ca_cn.csv", nangini_keep),
    ]:
        header, rows = extract_rows(shared / src, keep)
        write_csv(HERE / dst, header, rows)
        print(f"{dst}: {len(rows)} rows")
    shutil.copyfile(
        shared / "ceads_290_chinese_cities_1997_2019.xlsx", HERE / "ceads_290_chinese_cities_1997_2019.xlsx"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/data"))
