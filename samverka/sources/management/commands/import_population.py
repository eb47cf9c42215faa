"""Import a population table (CSV or XLSX) from the command line, as the web does:
the same checks, the same rejections, one dataset with its provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samverka.accounts.models import User
from samverka.audit.recorder import acting_as
from samverka.lib.progress import ProgressBar
from samverka.organizations.models import Organization
from samverka.sources import services
from samverka.sources.ownership import population_kommuner


def owner_and_user(options: dict[str, Any]) -> tuple[Organization, User | None]:
    """The owning organization (by slug) and the importing user (by username), if given."""
    owner = Organization.objects.filter(slug=options["owner"]).first()
    if owner is None:
        raise CommandError(f"No organization {options['owner']!r}.")
    user = None
    if options.get("user"):
        user = User.objects.filter(email=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
    return owner, user


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: {exc}") from exc


def show_preview(command: BaseCommand, preview: dict[str, Any]) -> None:
    """What an import would store and reject, as the web's preview shows it; stores nothing."""
    command.stdout.write(
        f"preview (nothing stored): {preview['read']} read, {preview['stored_count']} would be "
        f"stored, {preview['rejected_count']} rejected"
    )
    for row in preview["stored"][:20]:
        command.stdout.write("  " + " ".join(row))
    for number, field, reason in preview["rejected"][:20]:
        command.stdout.write(f"  row {number}, {field}: {reason}")


def report(command: BaseCommand, path: Path, result: services.ImportResult) -> None:
    dataset = result.dataset
    if result.already_imported:
        command.stdout.write(
            f"{path.name} was imported already (dataset {dataset.pk}): 0 new rows."
        )
        return
    command.stdout.write(
        f"dataset {dataset.pk}: {dataset.rows_read} read, {dataset.rows_imported} new, "
        f"{dataset.rows_updated} updated, {dataset.rows_rejected} rejected"
    )
    for row in dataset.rejected.all()[:20]:
        command.stdout.write(f"  row {row.row_number}, {row.field}: {row.reason}")


class Command(BaseCommand):
    help = (
        "Import the population per kommun (CSV or XLSX: kommunkod or name, population, and a "
        "year column or --year). With --user, only the kommuner that user may import for "
        "the owner; without it (the platform's own import), every kommun."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--owner", required=True, help="Slug of the owning organization.")
        parser.add_argument("--year", type=int, help="The year, when the file has no year column.")
        parser.add_argument(
            "--user", help="E-mail address of the importing user (their rights apply)."
        )
        parser.add_argument("--title", default="")
        parser.add_argument(
            "--preview", action="store_true", help="Show what would be stored; store nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        owner, user = owner_and_user(options)
        data = read_file(path)
        kommuner = population_kommuner(user, owner) if user is not None else None
        if options["preview"]:
            try:
                found = services.read_population(
                    data, file_name=path.name, owner=owner, kommuner=kommuner, year=options["year"]
                )
            except services.ImportError_ as exc:
                raise CommandError(str(exc)) from exc
            show_preview(self, found.preview())
            return
        with acting_as(user, label="" if user else "import"):
            try:
                result = services.import_population(
                    data,
                    file_name=path.name,
                    owner=owner,
                    kommuner=kommuner,
                    year=options["year"],
                    user=user,
                    title=options["title"],
                    progress=ProgressBar(path.name),
                )
            except services.ImportError_ as exc:
                raise CommandError(str(exc)) from exc
        report(self, path, result)
