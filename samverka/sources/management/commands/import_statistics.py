from collections.abc import Callable

from samverka.sources import services
from samverka.sources.management.mapped_import import MappedImportCommand
from samverka.sources.models import Dataset


class Command(MappedImportCommand):
    help = "Import a statistics table (CSV or XLSX) through a saved column mapping."

    def importer(self) -> Callable[..., services.ImportResult]:
        return services.import_statistics

    def counts(self, dataset: Dataset) -> str:
        return (
            f"{dataset.rows_read} read, {dataset.rows_imported} imported, "
            f"{dataset.rows_rejected} rejected"
        )
