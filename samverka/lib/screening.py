"""One screening for every text a model stores (DESIGN.md, "Security and privacy").

Every ``CharField`` and ``TextField`` of samverka's models is screened for personal data
(:mod:`samverka.lib.privacy`) unless it is listed in :data:`EXEMPT` with the reason it
cannot hold free text, or has choices. :func:`install` (run once, from core's
``AppConfig.ready``) does two things for each screened field:

- it gives the field a validator that names it, so a form (a ``ModelForm`` runs the
  model's validators) shows the refusal on the field, in Swedish;
- it checks every save (``pre_save``), so a service, an import, the admin or a shell
  cannot store what a form would refuse: the save raises a ``ValidationError`` keyed by
  the field's name.

Bulk writes (``bulk_create``, ``update``, the event writer) send no signal: the importers
screen each row themselves and reject it with its row number and field.
A test walks every model's text fields and fails on one that is neither screened nor
listed here, so a new field is screened unless somebody says here why it need not be.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.utils.text import capfirst

from samverka.lib.privacy import NoPersonalData, find_personal_data, personal_data_error

CHOICES = "a value from the field's fixed choices"

# "app_label.Model.field": why the field holds no free text.
EXEMPT: dict[str, str] = {
    "accounts.User.password": "a password hash, written by Django",
    "accounts.User.email": "the account's own e-mail address, with which the user signs in",
    "organizations.County.code": "the länskod (two digits), from the app's reference data",
    "organizations.Organization.slug": "made by the app from the name, for web addresses",
    "organizations.Organization.municipality_code": "the kommunkod (four digits) of SCB",
    "organizations.Invitation.email": (
        "the invited address the invitation is sent to; it becomes the account's e-mail address"
    ),
    "organizations.Invitation.token_hash": "a hash of the invitation link's token, made by the app",
    "taxonomy.Category.code": "a code of the common taxonomy, from the app's data file",
    "plans.Goal.category": "a code of the common taxonomy, chosen from a list",
    "plans.Measure.evaluation_category": "a code of the common taxonomy, chosen from a list",
    "agreements.AgreementReading.stored_path": "where the app stored the upload, named by the app",
    "agreements.AgreementReading.message": "the reader's own report, written by the app",
    "sources.Dataset.sha256": "the file's hash, computed by the app",
    "sources.Dataset.message": "the importer's own report, written by the app",
    "sources.ImportJob.stored_path": "where the app stored the upload, named by the app",
    "sources.ImportJob.message": "the importer's own report, written by the app",
    "sources.PollRecord.selection": "the kommunkoder polled, written by the app",
    "sources.PollRecord.file_name": "named by the app from the time of the poll",
    "sources.PollRecord.sha256": "the response's hash, computed by the app",
    "sources.RejectedRow.field": (
        "the column or record path the rejection points at, written by the importer; "
        "personal data in it is blanked out (privacy.redact)"
    ),
    "sources.RejectedRow.reason": (
        "the importer's reason; personal data in a value it quotes is blanked out (privacy.redact)"
    ),
    "sources.Event.external_id": "the source's own id of the event, to match re-imports",
    "sources.ColumnMapping.area_column": "a column of the table, chosen from its header",
    "sources.ColumnMapping.period_column": "a column of the table, chosen from its header",
    "sources.ColumnMapping.id_column": "a column of the table, chosen from its header",
    "sources.ColumnMapping.date_column": "a column of the table, chosen from its header",
    "sources.ColumnMapping.time_column": "a column of the table, chosen from its header",
    "sources.ColumnMapping.x_column": "a column of the table, chosen from its header",
    "sources.ColumnMapping.y_column": "a column of the table, chosen from its header",
    "sources.ColumnMapping.place_column": "a column of the table, chosen from its header",
    "sources.ColumnMapping.description_column": "a column of the table, chosen from its header",
    "sources.ColumnMapping.category_column": "a column of the table, chosen from its header",
    "sources.ColumnMapping.question_column": "a column of the table, chosen from its header",
    "sources.ColumnMapping.respondents_column": "a column of the table, chosen from its header",
    "sources.ColumnMapping.value_column": "a column of the table, chosen from its header",
    "sources.ColumnMapping.preliminary_column": "a column of the table, chosen from its header",
    "audit.AuditEntry.actor_label": "the acting user's name or account e-mail, by the app",
    "audit.AuditEntry.object_pk": "the changed object's primary key",
    "audit.AuditEntry.object_label": "the changed object's name, from its screened fields",
}

TEXT_FIELDS = (models.CharField, models.TextField)


def field_key(field: models.Field[Any, Any]) -> str:
    return f"{field.model._meta.label}.{field.name}"


def exemption(field: models.Field[Any, Any]) -> str | None:
    """Why ``field`` is not screened, or None when it is."""
    if field.choices:
        return CHOICES
    return EXEMPT.get(field_key(field))


def is_samverka_model(model: type[models.Model]) -> bool:
    return model._meta.app_config is not None and model._meta.app_config.name.startswith(
        "samverka."
    )


def text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The model's own CharFields and TextFields (those of its concrete parents too)."""
    return [
        f
        for f in model._meta.get_fields()
        if isinstance(f, TEXT_FIELDS) and not f.auto_created and f.concrete
    ]


def screened_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in text_fields(model) if exemption(f) is None]


# Filled by install(): each model with its screened fields.
_SCREENED: dict[type[models.Model], list[models.Field[Any, Any]]] = {}


def is_screened(field: models.Field[Any, Any]) -> bool:
    """The field refuses personal data both in validation and on save."""
    return field in _SCREENED.get(field.model, ()) and any(
        isinstance(v, NoPersonalData) for v in field.validators
    )


def screen_instance(instance: models.Model, names: set[str] | None = None) -> None:
    """Refuse ``instance`` when a screened field (of ``names``, if given) holds personal
    data: a ``ValidationError`` keyed by the field names, each message naming the field."""
    errors: dict[str, list[ValidationError]] = {}
    deferred = instance.get_deferred_fields()
    for field in _SCREENED.get(type(instance), ()):
        if (names is not None and field.name not in names) or field.attname in deferred:
            continue
        value = field.value_from_object(instance)
        if not value:
            continue
        found = find_personal_data(str(value))
        if found:
            errors[field.name] = [personal_data_error(found, capfirst(field.verbose_name))]
    if errors:
        raise ValidationError(errors)


def _screen_on_save(
    sender: type[models.Model],
    instance: models.Model,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    screen_instance(instance, set(update_fields) if update_fields is not None else None)


def install() -> None:
    """Screen every screened field of every samverka model: its validator, and each save."""
    for model in apps.get_models():
        if not is_samverka_model(model):
            continue
        fields = screened_fields(model)
        if not fields:
            continue
        _SCREENED[model] = fields
        for field in fields:
            # The field's own validator list, as Django adds MaxLengthValidator to it: not
            # part of the field's definition, so no migration. It replaces the unnamed
            # validator some fields declare, which would say the same without the name.
            validators = field.validators
            if not any(isinstance(v, NoPersonalData) for v in validators):
                validators[:] = [
                    v
                    for v in validators
                    if getattr(v, "__name__", "") != "validate_no_personal_data"
                ]
                validators.append(NoPersonalData(capfirst(field.verbose_name)))
    pre_save.connect(_screen_on_save, dispatch_uid="samverka.lib.screening")
