from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from samverka.plans.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail the owners of measures that are past their end date and not done (daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="",
            help="The address of samverka, for links in the e-mail (e.g. https://samverka.kommun.se).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_reminders(base_url=options["base_url"].rstrip("/"))
        self.stdout.write(f"{result.measures} measures reminded in {result.emails} e-mails")
