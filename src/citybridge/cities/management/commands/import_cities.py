"""`citybridge import cities`: GeoNames registry + CEADs, CDP 2021 and Nangini 2019 indicators (idempotent)."""

from django.core.management.base import BaseCommand

from citybridge.cities.services import _import_registry


class Command(BaseCommand):
    help = "Import California and Chinese cities (GeoNames) and their indicators from the bundled datasets."

    def handle(self, *args, **options) -> None:
        # the console operator holds the server: the unchecked import, not cities_import(actor=…)
        _import_registry(stdout=self.stdout)
