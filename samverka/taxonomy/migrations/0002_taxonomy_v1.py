"""Data migration: version 1 of the common category taxonomy."""

from django.db import migrations

from samverka.taxonomy import v1
from samverka.taxonomy.loading import load_version


def load_v1(apps, schema_editor):
    load_version(
        apps.get_model("taxonomy", "TaxonomyVersion"),
        apps.get_model("taxonomy", "Category"),
        v1.VERSION,
        v1.PUBLISHED_ON,
        v1.TAXONOMY,
    )


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]
    operations = [migrations.RunPython(load_v1, migrations.RunPython.noop)]
