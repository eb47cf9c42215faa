"""The command-line import of a table through a saved column mapping, shared by the
statistics and event-table commands (they differ in the importer and the summary)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samverka.audit.recorder import acting_as
from samverka.lib.progress import ProgressBar
from samverka.organizations.models import Organization
from samverka.sources import services
from samverka.sources.models import ColumnMapping, Dataset


class MappedImportCommand(BaseCommand):
    def importer(self) -> Callable[..., services.ImportResult]:
        raise NotImplementedError

    def counts(self, dataset: Dataset) -> str:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--mapping", required=True, help="The column mapping's name or id.")
        parser.add_argument("--owner", required=True, help="Slug of the owning organization.")
        parser.add_argument("--title", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        ref = options["mapping"]
        mappings = ColumnMapping.objects.select_related("kommun")
        mapping = (
            mappings.filter(pk=int(ref)).first()
            if ref.isdigit()
            else mappings.filter(name=ref).first()
        )
        if mapping is None:
            raise CommandError(f"No column mapping {ref!r}.")
        owner = Organization.objects.filter(slug=options["owner"]).first()
        if owner is None:
            raise CommandError(f"No organization {options['owner']!r}.")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        with acting_as(label="import"):
            try:
                result = self.importer()(
                    data,
                    file_name=path.name,
                    mapping=mapping,
                    owner=owner,
                    title=options["title"],
                    progress=ProgressBar(path.name),
                )
            except services.ImportError_ as exc:
                raise CommandError(str(exc)) from exc
        dataset = result.dataset
        if result.already_imported:
            self.stdout.write(
                f"{path.name} was imported already (dataset {dataset.pk}): 0 new rows."
            )
            return
        if result.replaced is not None:
            self.stdout.write(
                f"{path.name} was imported before with another mapping: the "
                f"{result.replaced} rows of dataset {dataset.pk} are replaced."
            )
        self.stdout.write(f"dataset {dataset.pk}: {self.counts(dataset)}")
        for row in dataset.rejected.all()[:20]:
            self.stdout.write(f"  row {row.row_number}, {row.field}: {row.reason}")
