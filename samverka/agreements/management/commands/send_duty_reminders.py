from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from samverka.agreements.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail coordinators about duties of the årshjul that are due soon or overdue (daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="",
            help="The address of samverka, for links in the e-mail (e.g. https://samverka.kommun.se).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_reminders(base_url=options["base_url"].rstrip("/"))
        self.stdout.write(f"{result.duties} duties reminded in {result.emails} e-mails")
