"""An agreement's parties are rows of tenancy's AgreementParty (the same table as before)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0006_agreement_reading"),
        ("tenancy", "0001_membership_and_agreement_party"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="agreement",
                    name="parties",
                    field=models.ManyToManyField(
                        related_name="agreements",
                        through="tenancy.AgreementParty",
                        to="organizations.organization",
                        verbose_name="parties",
                    ),
                )
            ],
            database_operations=[],
        )
    ]
