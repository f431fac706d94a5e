"""`citybridge generate academy`: benchmark data (default 200,000 officials, 2,000,000 attendance records)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.management.base import BaseCommand

if TYPE_CHECKING:
    from argparse import ArgumentParser


class Command(BaseCommand):
    help = "Generate Government Training benchmark data into the configured database."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--officials", type=int, default=200_000)
        parser.add_argument("--attendance", type=int, default=2_000_000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options) -> None:
        from citybridge.academy.generator import generate

        result = generate(
            officials=options["officials"], attendance=options["attendance"], seed=options["seed"], stdout=self.stdout
        )
        self.stdout.write(f"generated {result}")
