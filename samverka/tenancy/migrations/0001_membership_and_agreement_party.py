"""Memberships and the agreement-party relation move to tenancy, the bottom floor that the
access policy lives on. The tables stay as they are (no data moves): only Django's idea of
which app owns them changes, and the content type of a membership follows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):  # type: ignore[no-untyped-def]
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="organizations", model="membership").update(
        app_label="tenancy"
    )


def move_content_type_back(apps, schema_editor):  # type: ignore[no-untyped-def]
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="tenancy", model="membership").update(
        app_label="organizations"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organizations", "0004_invitation"),
        ("agreements", "0006_agreement_reading"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("coordinator", "Coordinator"),
                                    ("member", "Member"),
                                    ("reporter", "Reporter"),
                                    ("viewer", "Viewer"),
                                ],
                                default="member",
                                max_length=16,
                                verbose_name="role",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created"),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="organizations.organization",
                                verbose_name="organization",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "membership",
                        "verbose_name_plural": "memberships",
                        "db_table": "organizations_membership",
                        "ordering": ["organization__name", "user__last_name", "user__first_name"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "organization"),
                                name="membership_one_role_per_organization",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AgreementParty",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "agreement",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="agreements.agreement",
                                verbose_name="agreement",
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="organizations.organization",
                                verbose_name="party",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "party of an agreement",
                        "verbose_name_plural": "parties of agreements",
                        "db_table": "agreements_agreement_parties",
                        "unique_together": {("agreement", "organization")},
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
