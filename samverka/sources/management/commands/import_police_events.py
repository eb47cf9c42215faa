from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from samverka.audit.recorder import acting_as
from samverka.lib.progress import ProgressBar
from samverka.organizations.models import Organization
from samverka.sources import services
from samverka.tenancy.access import Visibility


class Command(BaseCommand):
    help = (
        "Import Police events (a saved /api/events response or an export, JSON or .json.gz). "
        "Summaries are skipped, län-level events stay at län level, newer versions replace older."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--owner",
            default="polismyndigheten",
            help="Slug of the owning organization (default: polismyndigheten).",
        )
        parser.add_argument("--title", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        owner = Organization.objects.filter(slug=options["owner"]).first()
        if owner is None:
            raise CommandError(
                f"No organization {options['owner']!r}; run load_reference_data first."
            )
        with acting_as(label="import"):
            try:
                result = services.import_police_events(
                    data,
                    file_name=path.name,
                    owner=owner,
                    title=options["title"],
                    progress=ProgressBar(path.name),
                )
            except services.ImportError_ as exc:
                raise CommandError(str(exc)) from exc
            dataset = result.dataset
            if not result.already_imported and dataset.published_at is None:
                # Police events are public information.
                dataset.visibility = Visibility.PUBLIC
                dataset.published_at = timezone.now()
                dataset.save(update_fields=["visibility", "published_at", "updated_at"])
        if result.already_imported:
            self.stdout.write(
                f"{path.name} was imported already (dataset {dataset.pk}): "
                "0 new rows, nothing changed."
            )
            return
        self.stdout.write(
            f"dataset {dataset.pk}: {dataset.rows_read} read, {dataset.rows_imported} new, "
            f"{dataset.rows_updated} updated, {dataset.rows_unchanged} unchanged, "
            f"{dataset.rows_skipped} skipped (summaries), {dataset.rows_rejected} rejected"
        )
