"""Every text field of every samverka model is screened for personal data, or says why not."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save

from samverka.lib import screening

PERSONNUMMER = "19800101-1234"  # a wrong check digit: still a person's number


def samverka_text_fields() -> list[models.Field[Any, Any]]:
    return [
        field
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("samverka.")
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and field.concrete
        and not field.auto_created
    ]


def test_every_text_field_is_screened_or_exempt_with_a_reason() -> None:
    fields = samverka_text_fields()
    assert len(fields) > 100
    unscreened = [
        f"{f.model._meta.label}.{f.name}"
        for f in fields
        if not screening.is_screened(f) and not screening.exemption(f)
    ]
    assert unscreened == [], "screen these fields or list them in screening.EXEMPT with a reason"


def test_the_exempt_list_names_only_existing_text_fields_without_choices() -> None:
    existing = {f"{f.model._meta.label}.{f.name}": f for f in samverka_text_fields()}
    for key, reason in screening.EXEMPT.items():
        assert key in existing, f"{key} is not a text field of a samverka model"
        assert not existing[key].choices, f"{key} has choices: it needs no entry"
        assert len(reason) > 10, key


def test_the_holes_of_issue_12_are_screened() -> None:
    for label in (
        "agreements.Agreement.title",
        "plans.Goal.unit",
        "agreements.Forum.meeting_rule",
        "sources.Dataset.title",
        "sources.ImportJob.title",
        "organizations.SubArea.name",
    ):
        app_label, model_name, name = label.split(".")
        field = apps.get_model(app_label, model_name)._meta.get_field(name)
        assert screening.is_screened(field), label


@pytest.mark.parametrize(
    "field",
    [f for f in samverka_text_fields() if not screening.exemption(f)],
    ids=lambda f: f"{f.model._meta.label}.{f.name}",
)
def test_each_screened_field_refuses_personal_data_when_validated_and_when_saved(
    field: models.Field[Any, Any],
) -> None:
    with pytest.raises(ValidationError) as validated:
        field.run_validators(PERSONNUMMER)
    assert "personnummer" in validated.value.messages[0] or "identity" in str(validated.value)
    # A save from a service or an import: the check before the row is written.
    instance = field.model()
    setattr(instance, field.attname, f"Anmälan {PERSONNUMMER}")
    with pytest.raises(ValidationError) as saved:
        pre_save.send(sender=field.model, instance=instance, raw=False, using="default")
    assert list(saved.value.message_dict) == [field.name]
    message = saved.value.message_dict[field.name][0]
    assert str(field.verbose_name).lower() in message.lower()


def test_a_save_of_some_fields_checks_only_those() -> None:
    from samverka.organizations.models import SubArea

    area = SubArea(name="070-123 45 67", kind="stadsdel")
    pre_save.send(sender=SubArea, instance=area, raw=False, using="default", update_fields={"kind"})
    with pytest.raises(ValidationError):
        pre_save.send(
            sender=SubArea, instance=area, raw=False, using="default", update_fields={"name"}
        )


@pytest.mark.django_db
def test_a_service_saving_personal_data_is_refused_and_nothing_is_written() -> None:
    from samverka.organizations.models import County, SubArea
    from samverka.testing import make_kommun

    kommun = make_kommun("Oskarshamn", "0882", County.objects.create(code="08", name="Kalmar län"))
    with pytest.raises(ValidationError) as refused:
        SubArea.objects.create(kommun=kommun, name="Familjen 800101-1234")
    assert refused.value.message_dict == {
        "name": [
            "Fältet ”Namn” verkar innehålla ett personnummer. samverka sparar inga "
            "personuppgifter om invånare: ta bort det och spara igen."
        ]
    }
    assert not SubArea.objects.exists()
    area = SubArea.objects.create(kommun=kommun, name="Centrum")
    area.name = "Centrum, ring 0491-76 40 00"
    with pytest.raises(ValidationError):
        area.save()
    area.refresh_from_db()
    assert area.name == "Centrum"
