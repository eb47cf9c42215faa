from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo world (load_demo): the top floor beside the shell; nothing imports it."""

    name = "samverka.demo"
