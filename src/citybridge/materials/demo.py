"""Demo data of the materials app: the seed glossary (data/glossary_seed.csv, each term's source cited there)."""

from __future__ import annotations

from typing import TextIO

from .glossary import SEED, read_csv
from .services import glossary_seed


def load(stdout: TextIO | None = None) -> None:
    terms, _problems = read_csv(SEED.read_bytes())
    n = glossary_seed(terms)
    if stdout is not None:
        stdout.write(f"materials: {n} glossary terms added ({len(terms)} in the seed)\n")
