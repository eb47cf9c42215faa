from django.apps import AppConfig


class ContentappConfig(AppConfig):
    name = "tests.contentapp"

    def ready(self) -> None:
        from samverka.audit.recorder import register
        from tests.contentapp.models import Note

        register(Note)
