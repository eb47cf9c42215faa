"""The common category taxonomy that events, statistics, priority areas and
indicators share: versioned, two levels, Swedish and English labels.

A version is never edited once published; a new version is added beside it, so
that what was mapped, counted and adopted under one version stays readable.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from samverka.lib import memo


class TaxonomyVersion(models.Model):
    number = models.PositiveSmallIntegerField(_("version"), unique=True)
    published_on = models.DateField(_("published"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("taxonomy version")
        verbose_name_plural = _("taxonomy versions")

    def __str__(self) -> str:
        return f"{_('Category taxonomy')} v{self.number}"

    @classmethod
    def current(cls) -> TaxonomyVersion:
        """The newest version (read once per request that only reads)."""
        version = memo.remember("taxonomy-version", lambda: cls.objects.order_by("-number").first())
        if version is None:
            raise LookupError("No taxonomy version is loaded; run `manage.py migrate`.")
        return version


class CategoryQuerySet(models.QuerySet["Category"]):
    def current(self) -> CategoryQuerySet:
        return self.filter(version=TaxonomyVersion.current())

    def top_level(self) -> CategoryQuerySet:
        return self.filter(parent__isnull=True)


class Category(models.Model):
    version = models.ForeignKey(
        TaxonomyVersion, on_delete=models.PROTECT, related_name="categories"
    )
    code = models.CharField(_("code"), max_length=64)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name=_("main category"),
    )
    label_sv = models.CharField(_("Swedish label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="category_code_per_version")
        ]

    def __str__(self) -> str:
        if self.parent_id is not None and self.parent is not None:
            return f"{self.parent.label} › {self.label}"
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "sv").startswith("en") else self.label_sv

    def clean(self) -> None:
        super().clean()
        if self.parent is not None:
            if self.parent.parent_id is not None:
                raise ValidationError({"parent": _("The taxonomy has two levels only.")})
            if self.parent.version_id != self.version_id:
                raise ValidationError({"parent": _("A category's parent is of the same version.")})


class TargetGroup(models.TextChoices):
    """Groups a priority area may concern across categories (e.g. 'Unga i riskzon')."""

    CHILDREN_AND_YOUTH = "children_youth", _("Children and young people")
    VICTIMS = "victims", _("Victims of crime")
    LEAVERS = "leavers", _("People leaving crime")
    ELDERLY = "elderly", _("Older people")
    WOMEN = "women", _("Women")
    NEWCOMERS = "newcomers", _("Newly arrived")
    BUSINESSES = "businesses", _("Businesses")
    RESIDENTS = "residents", _("Residents of an area")
