"""Give every serving official a summary row for a year (default: the current one). Idempotent; run it early in
January (cron) so the first "who is behind" view of the year does not have to."""

from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = "Prepare the per-official training summaries of a calendar year for the 'who is behind' list."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, **options):
        from citybridge.academy.services import compliance_prepare_year

        year = options["year"] or timezone.localdate().year
        added = compliance_prepare_year(year=year)
        self.stdout.write(f"{year}: {added} summary rows added")
