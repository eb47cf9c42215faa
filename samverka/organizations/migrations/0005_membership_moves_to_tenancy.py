"""The membership model now belongs to tenancy (same table); see tenancy 0001."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0004_invitation"),
        ("tenancy", "0001_membership_and_agreement_party"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Membership")],
            database_operations=[],
        )
    ]
