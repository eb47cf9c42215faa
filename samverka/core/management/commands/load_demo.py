from typing import Any

from django.core.management.base import BaseCommand

from samverka.core import demo


class Command(BaseCommand):
    help = "Load the demo organizations' people and agreements (idempotent; needs reference data)."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo.load()
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        )
        for login in logins:
            self.stdout.write(f"  {login.email:<48} {login.name:<24} {login.what}")
