"""The version of the data every computed figure is read from.

Cached figures (the lägesbild's overview, a plan's counts, their rendered HTML) carry
:func:`samverka.core.dataversion.current` in their keys; every write that changes an
input of those figures bumps it in the same transaction, so that no cache serves
figures from before the write.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A counter, one row per scope (today one: ``figures``)."""

    scope = models.CharField(_("scope"), max_length=40, primary_key=True)
    version = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.scope}: {self.version}"
