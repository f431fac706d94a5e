"""Queue today's follow-up reminder e-mails (run daily, e.g. from cron; `citybridge worker` sends them)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Queue the follow-up reminder e-mails (one per assignee, in their language)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site-url", default="")

    def handle(self, *args: object, **options: object) -> None:
        from citybridge.outreach.tasks import send_followup_reminders

        send_followup_reminders.enqueue(site_url=options["site_url"])
        self.stdout.write("queued")
