"""Factor rows parsed from ``citybridge/data/EMISSION_FACTORS.md`` (shipped verbatim), each with its citation and
verification status exactly as written there. Plain Python, no Django."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SeedFactor:
    key: str
    gas: str
    value: float
    unit: str
    activity_unit: str
    basis: str | None
    region: str
    year: int | None
    method_note: str
    source: str
    status: str


def seed_factors() -> tuple[SeedFactor, ...]:
    raise NotImplementedError
