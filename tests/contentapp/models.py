"""A minimal piece of content, used only to test the visibility rules that every
real content model inherits from ``VisibleContent``."""

from django.db import models

from samverka.tenancy.access import VisibleContent


class Note(VisibleContent):
    text = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.text
