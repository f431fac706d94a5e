"""Load the demo data of every CityBridge app (each app's `demo.load`), then print the sign-ins."""

from __future__ import annotations

import os
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo sign-ins."

    def handle(self, *args, **options) -> None:
        for config in apps.get_app_configs():
            if not config.name.startswith("citybridge."):
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.load(stdout=self.stdout)
        from citybridge.core.demo import DEMO_PASSWORD, sign_ins

        bind = os.environ.get("CITYBRIDGE_BIND", "127.0.0.1:8000")
        self.stdout.write(f"\nSign in at http://{bind}/accounts/login/ with:")
        for label, email in sign_ins():
            self.stdout.write(f"  {label:40} {email}  /  {DEMO_PASSWORD}")
