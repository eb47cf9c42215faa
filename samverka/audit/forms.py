from collections.abc import Iterable

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from samverka.audit.models import AuditAction


class TrailFilterForm(forms.Form):
    q = forms.CharField(label=_("Object"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("All actions")), *AuditAction.choices], required=False
    )
    kind = forms.TypedChoiceField(label=_("Kind of object"), coerce=int, required=False)

    def __init__(self, *args: object, kinds: Iterable[ContentType], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("", _("All kinds")),
            *sorted(
                ((ct.pk, str(ct.model_class()._meta.verbose_name)) for ct in kinds),  # type: ignore[union-attr]
                key=lambda choice: choice[1],
            ),
        ]
