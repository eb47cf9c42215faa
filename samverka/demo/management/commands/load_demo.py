from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from samverka.demo import loading as demo

# The real national Police events (2023-03 to 2026-08), where the shared data lies beside.
DEFAULT_EVENTS = (
    settings.BASE_DIR.parent
    / "shared"
    / "data"
    / "polisen_events"
    / "events_2023-03_2026-08_dedup.json.gz"
)


class Command(BaseCommand):
    help = (
        "Load the demo: people, the five seed agreements, the real Police events, and "
        "generated events, plans, medborgarlöften and communication plans "
        "(idempotent; needs the reference data)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--generated-years",
            type=int,
            default=5,
            help="Years of generated demo events with positions (0: none).",
        )
        parser.add_argument(
            "--events",
            type=Path,
            default=DEFAULT_EVENTS,
            help="A Police events file to import (default: the shared national file, if present).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo.load()
        events: Path = options["events"]
        if events.is_file():
            call_command("import_police_events", str(events), stdout=self.stdout)
        else:
            self.stdout.write(f"No Police events file at {events}: the demo has no events.")
        if options["generated_years"] > 0:
            written = demo.load_generated(years=options["generated_years"])
            self.stdout.write(f"Generated demo events with positions: {written} new")
            started = demo.load_situation_pictures()
            self.stdout.write(f"Draft situation pictures started: {started}")
            plans = demo.load_action_plans()
            self.stdout.write(f"Action plans on adopted situation pictures: {plans}")
            promises = demo.load_promises()
            self.stdout.write(
                f"Medborgarlöften published and followed up, with communication plans: {promises}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        )
        for login in logins:
            self.stdout.write(f"  {login.email:<48} {login.name:<24} {login.what}")
