from collections.abc import Callable

from samverka.sources import services
from samverka.sources.management.mapped_import import MappedImportCommand
from samverka.sources.models import Dataset


class Command(MappedImportCommand):
    help = (
        "Import a table of events (CSV or XLSX, one event per row) through a saved column "
        "mapping, with a progress bar while the rows are read and written."
    )

    def importer(self) -> Callable[..., services.ImportResult]:
        return services.import_event_table

    def counts(self, dataset: Dataset) -> str:
        return (
            f"{dataset.rows_read} read, {dataset.rows_imported} new, "
            f"{dataset.rows_updated} updated, {dataset.rows_unchanged} unchanged, "
            f"{dataset.rows_rejected} rejected"
        )
