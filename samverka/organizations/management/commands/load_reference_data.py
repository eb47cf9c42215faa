from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samverka.organizations import reference


class Command(BaseCommand):
    help = "Load the län, police regions, kommuner and lokalpolisområden (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = reference.load(progress=lambda step: self.stdout.write(f"  … {step}"))
        except reference.ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        for what, result in results.items():
            self.stdout.write(
                f"{what}: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged"
            )
