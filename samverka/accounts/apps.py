from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "samverka.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from samverka.accounts.models import User
        from samverka.audit.recorder import Scope, register

        register(User, scope=lambda u: Scope(), exclude={"last_login"}, masked={"password"})
