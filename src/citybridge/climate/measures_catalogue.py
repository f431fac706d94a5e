"""The bundled, bilingual catalogue of measures (``data/measures_catalogue.json``), as engine :class:`Measure`\\ s.

Each entry states its topic (the curriculum's topics), mechanism and sectors, its typical effect with the arithmetic
in both languages, co-benefit codes, and its sources with their status ("two sources", "single source", "derived",
"assumption"). Costs are left to the city (``cost_notes`` quotes a sourced unit cost where one was found), because
capital and operating costs depend on the place and the year. Plain Python, no Django import; the Django side seeds
its catalogue table from :func:`load_catalogue` and lets staff extend it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .pathways import Costs, Measure, PathwayError, Source, Uptake
from .pathways.measures import validate_measure

PATH = Path(__file__).resolve().parent.parent / "data" / "measures_catalogue.json"
TOPICS = (
    "energy_master_planning",
    "green_buildings",
    "clean_energy",
    "smart_transportation",
    "waste_and_water",
    "circular_economy",
)


@dataclass(frozen=True)
class CatalogueEntry:
    key: str
    topic: str
    name_en: str
    name_zh: str
    effect_en: str
    effect_zh: str
    cost_notes: str
    measure: Measure


@lru_cache(maxsize=1)
def load_catalogue(path: str | None = None) -> tuple[CatalogueEntry, ...]:
    """Every entry, validated (a bad entry raises :class:`PathwayError` naming it)."""
    doc = json.loads(Path(path or PATH).read_text(encoding="utf-8"))
    out = []
    seen = set()
    for raw in doc["measures"]:
        key = raw["key"]
        if key in seen:
            raise PathwayError("duplicate_measure", measure=key)
        seen.add(key)
        if raw["topic"] not in TOPICS:
            raise PathwayError("unknown_mechanism", measure=key, mechanism=f"topic:{raw['topic']}")
        u = raw["uptake"]
        m = Measure(
            key=key,
            mechanism=raw["mechanism"],
            sectors=tuple(raw["sectors"]),
            uptake=Uptake(int(u["start_year"]), int(u["full_year"]), u.get("shape", "linear")),
            share=float(raw["share"]),
            carrier=raw["carrier"],
            methane_fraction=float(raw["methane_fraction"]),
            mwh_per_tco2=float(raw["mwh_per_tco2"]),
            emission_ratio=float(raw["emission_ratio"]),
            mwh_per_year=float(raw["mwh_per_year"]),
            co_benefits=tuple(raw["co_benefits"]),
            sources=tuple(
                Source(s["label"], s.get("url", ""), s.get("status", "single source")) for s in raw["sources"]
            ),
            name_en=raw["name_en"],
            name_zh=raw["name_zh"],
            meta={"topic": raw["topic"]},
        )
        validate_measure(m)
        if not m.sources:
            raise PathwayError("measure_no_sectors", measure=key)
        out.append(
            CatalogueEntry(
                key,
                raw["topic"],
                raw["name_en"],
                raw["name_zh"],
                raw["effect_en"],
                raw["effect_zh"],
                raw.get("cost_notes", ""),
                m,
            )  # fmt: skip
        )
    return tuple(out)


def catalogue_measure(
    key: str,
    *,
    start_year: int | None = None,
    full_year: int | None = None,
    share: float | None = None,
    mwh_per_year: float | None = None,
    costs: Costs | None = None,
) -> Measure:
    """A catalogue measure with a city's own parameters (validated again)."""
    entry = next((e for e in load_catalogue() if e.key == key), None)
    if entry is None:
        raise PathwayError("unknown_mechanism", measure=key, mechanism="catalogue")
    m = entry.measure
    u = m.uptake
    m = replace(
        m,
        uptake=Uptake(
            u.start_year if start_year is None else start_year, u.full_year if full_year is None else full_year, u.shape
        ),
        share=m.share if share is None else share,
        mwh_per_year=m.mwh_per_year if mwh_per_year is None else mwh_per_year,
        costs=costs if costs is not None else m.costs,
    )
    validate_measure(m)
    return m
