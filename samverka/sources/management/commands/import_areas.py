"""Import a kommun's sub-areas (GeoJSON polygons with a name) from the command line, as
the web does: the same checks, the same rejections, one dataset with its provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samverka.audit.recorder import acting_as
from samverka.lib.progress import ProgressBar
from samverka.organizations.models import Organization, OrganizationKind
from samverka.sources import services
from samverka.sources.management.commands.import_population import (
    owner_and_user,
    read_file,
    report,
    show_preview,
)


class Command(BaseCommand):
    help = (
        "Import the sub-areas of a kommun from a GeoJSON FeatureCollection (WGS 84 polygons, "
        "the name in the property name or namn). The kommun must lie in the owner's own area."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--owner", required=True, help="Slug of the owning organization.")
        parser.add_argument("--kommun", required=True, help="Slug or kommunkod of the kommun.")
        parser.add_argument("--kind", default="", help="Kind of area, e.g. stadsdel.")
        parser.add_argument("--user", help="E-mail address of the importing user.")
        parser.add_argument("--title", default="")
        parser.add_argument(
            "--preview", action="store_true", help="Show what would be stored; store nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        owner, user = owner_and_user(options)
        ref = options["kommun"]
        kommuner = Organization.objects.filter(kind=OrganizationKind.KOMMUN)
        kommun = (
            kommuner.filter(municipality_code=ref).first()
            if ref.isdigit()
            else kommuner.filter(slug=ref).first()
        )
        if kommun is None:
            raise CommandError(f"No kommun {ref!r}.")
        data = read_file(path)
        if options["preview"]:
            try:
                found = services.read_areas(data, file_name=path.name, kommun=kommun, owner=owner)
            except services.ImportError_ as exc:
                raise CommandError(str(exc)) from exc
            show_preview(self, found.preview())
            return
        with acting_as(user, label="" if user else "import"):
            try:
                result = services.import_areas(
                    data,
                    file_name=path.name,
                    kommun=kommun,
                    owner=owner,
                    kind=options["kind"],
                    user=user,
                    title=options["title"],
                    progress=ProgressBar(path.name),
                )
            except services.ImportError_ as exc:
                raise CommandError(str(exc)) from exc
        report(self, path, result)
