"""Evaluation results arithmetic: plain Python, no Django. Rows come in as aggregates (n and means per group); this
module hides small groups, computes overall means weighted by n and the difference against a reference."""

from __future__ import annotations

from dataclasses import dataclass, field

#: groups with fewer answers are not shown to lecturers (an average of one or two answers identifies the officials)
MIN_GROUP = 3
SCALE_FIELDS = ("relevance", "delivery", "expectations")


@dataclass(frozen=True)
class Group:
    """Aggregated answers of one group (a year, a session, a module…). Means are None when nobody answered."""

    key: object
    label: str
    n: int
    relevance: float | None = None
    delivery: float | None = None
    expectations: float | None = None
    counts: dict[str, int] = field(default_factory=dict)  # answers per scale (means ignore blanks)

    def mean(self, name: str) -> float | None:
        return getattr(self, name)


@dataclass(frozen=True)
class Delta:
    key: object
    relevance: float | None
    delivery: float | None
    expectations: float | None


def suppress(groups: list[Group], min_n: int) -> tuple[list[Group], int]:
    """(groups with at least `min_n` answers, how many groups were hidden)."""
    shown = [g for g in groups if g.n >= min_n]
    return shown, len(groups) - len(shown)


def combine(groups: list[Group], key: object = None, label: str = "") -> Group:
    """One group from several: n adds up, each mean is weighted by the answers to that scale."""
    n = sum(g.n for g in groups)
    means: dict[str, float | None] = {}
    counts: dict[str, int] = {}
    for name in SCALE_FIELDS:
        weight = sum(g.counts.get(name, g.n) for g in groups if g.mean(name) is not None)
        total = sum(g.mean(name) * g.counts.get(name, g.n) for g in groups if g.mean(name) is not None)
        means[name] = round(total / weight, 2) if weight else None
        counts[name] = weight
    return Group(key=key, label=label, n=n, counts=counts, **means)


def compare(subject: list[Group], reference: dict[object, Group]) -> list[Delta]:
    """Per key of `subject`: its mean minus the reference's for the same key (None where either is missing)."""
    out = []
    for g in subject:
        ref = reference.get(g.key)
        vals = {}
        for name in SCALE_FIELDS:
            a, b = g.mean(name), ref.mean(name) if ref else None
            vals[name] = round(a - b, 2) if a is not None and b is not None else None
        out.append(Delta(key=g.key, **vals))
    return out
