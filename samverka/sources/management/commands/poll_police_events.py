import datetime as dt
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samverka.audit.recorder import acting_as
from samverka.organizations.models import Organization
from samverka.sources import polling

CONTACT_ENV = "SAMVERKA_POLICE_API_CONTACT"


class Command(BaseCommand):
    help = (
        "Poll the live Police events API (polisen.se/api/events) for some kommuner and import "
        "each response. Keeps to the API's limits (one call per 10 s, 60 an hour), backs off on "
        "HTTP 429, stops on HTTP 404. Use --once from cron. The polls of the same kommuner in "
        "the same month fold into one rolling dataset; each changed response is logged."
    )
    # For tests: call_command(..., fetch=..., sleep=..., clock=..., now=...).
    stealth_options = ("fetch", "sleep", "clock", "now")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kommun",
            action="append",
            required=True,
            help="A kommun to poll (repeat for several; case-insensitive).",
        )
        parser.add_argument("--once", action="store_true", help="Fetch once and stop (for cron).")
        parser.add_argument(
            "--rounds", type=int, default=None, help="Stop after this many rounds (default: never)."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=300.0,
            help=(
                f"Seconds between rounds (default 300; never less than {polling.MIN_SPACING:.0f})."
            ),
        )
        parser.add_argument(
            "--owner",
            default="polismyndigheten",
            help="Slug of the owning organization (default: polismyndigheten).",
        )
        parser.add_argument(
            "--contact",
            default="",
            help=(
                "Contact (e-mail or URL) put in the User-Agent, as the API asks "
                f"(default: ${CONTACT_ENV}, else DEFAULT_FROM_EMAIL)."
            ),
        )
        parser.add_argument("--url", default=polling.API_URL, help="The API's address.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            kommuner = polling.resolve_kommuner(options["kommun"])
        except polling.UnknownKommun as exc:
            raise CommandError(str(exc)) from exc
        owner = Organization.objects.filter(slug=options["owner"]).first()
        if owner is None:
            raise CommandError(
                f"No organization {options['owner']!r}; run load_reference_data first."
            )
        rounds: int | None = 1 if options["once"] else options["rounds"]
        if rounds is not None and rounds < 1:
            raise CommandError("--rounds must be at least 1.")
        interval: float = options["interval"]
        if interval < polling.MIN_SPACING and rounds != 1:
            self.stderr.write(
                f"--interval {interval:g} is below the API's limit of one call per "
                f"{polling.MIN_SPACING:.0f} s; polling every {polling.MIN_SPACING:.0f} s instead."
            )
        contact = polling.contact_address(
            options["contact"]
            or os.environ.get(CONTACT_ENV, "")
            or getattr(settings, "DEFAULT_FROM_EMAIL", "")
        )
        if not contact or contact.endswith("localhost"):
            self.stderr.write(
                f"Warning: no reachable contact for the User-Agent ({contact or 'none'}); "
                f"pass --contact or set {CONTACT_ENV}."
            )

        client = polling.PoliceEventsClient(
            owner,
            contact=contact,
            fetch=options.get("fetch"),
            sleep=options.get("sleep"),
            clock=options.get("clock"),
            now=options.get("now"),
            report=self.stdout.write,
            base_url=options["url"],
        )
        every = "once" if rounds == 1 else f"every {max(interval, polling.MIN_SPACING):g} s"
        self.stdout.write(
            f"Polling {polling.events_url(kommuner, options['url'])} {every} "
            f"as {client.headers['User-Agent']!r}."
        )

        def on_round(number: int, result: polling.RoundResult) -> None:
            self._report_round(number, result, client, retry=rounds != 1)

        with acting_as(label="poll_police_events"):
            try:
                summary = client.poll(kommuner, rounds=rounds, interval=interval, on_round=on_round)
            except polling.EndpointGone as exc:
                raise CommandError(str(exc)) from exc
            except KeyboardInterrupt:
                self.stdout.write("Stopped.")
                return
        if rounds == 1 and summary.failed:
            raise CommandError("The fetch failed; nothing was imported.")
        if summary.rounds > 1:
            self.stdout.write(f"{summary.rounds} rounds, {summary.failed} failed.")

    def _report_round(
        self,
        number: int,
        result: polling.RoundResult,
        client: polling.PoliceEventsClient,
        *,
        retry: bool,
    ) -> None:
        stamp = f"{client.now().astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ} round {number}"
        if result.error:
            then = "; trying again next round" if retry else ""
            self.stderr.write(f"{stamp}: {result.error}{then}")
            return
        dataset, poll = result.dataset, result.poll
        if dataset is None:  # never: a round without an error has a dataset
            return
        if result.already_imported:
            self.stdout.write(
                f"{stamp}: response identical to dataset {dataset.pk}: 0 new rows, nothing changed."
            )
            return
        if poll is None:  # never: a response not seen before is recorded
            return
        self.stdout.write(
            f"{stamp}: dataset {dataset.pk}: {poll.rows_read} read, {poll.rows_new} new, "
            f"{poll.rows_updated} updated, {poll.rows_unchanged} unchanged, "
            f"{poll.rows_skipped} skipped (summaries), {poll.rows_rejected} rejected"
        )
        if poll.rows_read >= polling.MAX_EVENTS:
            self.stderr.write(
                f"Warning: the response holds {poll.rows_read} events, the API's maximum; "
                "older events may have been missed. Poll more often or fewer kommuner at a time."
            )
