"""Give every serving official a summary row for a year (default: the current one). Idempotent; run it early in
January (cron) so "who is behind" lists the new year (pages never prepare a year themselves: reads never write).

``--refresh-all`` recomputes every official's summaries (after migration 0004 added the window columns, or a change
of CITYBRIDGE_ACADEMY_COMPLIANCE_RULES); ``--impact`` recomputes the impact snapshot too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.management.base import BaseCommand
from django.utils import timezone

if TYPE_CHECKING:
    from argparse import ArgumentParser


class Command(BaseCommand):
    help = "Prepare the per-official training summaries of a calendar year for the 'who is behind' list."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument(
            "--refresh-all",
            action="store_true",
            help="recompute the summaries of every official (window figures included)",
        )
        parser.add_argument("--impact", action="store_true", help="recompute the impact snapshot as well")

    def handle(self, *args, **options) -> None:
        from citybridge.academy.models import OfficialProfile
        from citybridge.academy.services import compliance_prepare_year, compliance_refresh, impact_refresh

        year = options["year"] or timezone.localdate().year
        if options["refresh_all"]:
            ids = list(OfficialProfile.objects.values_list("pk", flat=True))
            for i in range(0, len(ids), 5000):
                compliance_refresh(official_ids=ids[i : i + 5000])
            self.stdout.write(f"{len(ids)} officials' summaries recomputed")
        added = compliance_prepare_year(year=year)
        self.stdout.write(f"{year}: {added} summary rows added")
        if options["impact"]:
            impact_refresh()
            self.stdout.write("impact snapshot recomputed")
