from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    """The top floor: the start page, the layout templates, middleware and the admin site.
    Its templates keep their names (core/home.html, base.html) and its URL namespace "core"."""

    name = "samverka.shell"
    verbose_name = _("Core")

    def ready(self) -> None:
        from samverka.lib import screening

        screening.install()
