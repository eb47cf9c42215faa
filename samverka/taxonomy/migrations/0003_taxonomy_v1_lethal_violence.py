"""Data migration: 'Dödligt våld och försök' in version 1, where 0002 ran without it.

Version 1 was not yet in use anywhere when the category was added; a database that
loaded version 1 before that gets it here, in the same place in the order.
"""

from django.db import migrations
from django.db.models import F


def add_lethal(apps, schema_editor):
    TaxonomyVersion = apps.get_model("taxonomy", "TaxonomyVersion")
    Category = apps.get_model("taxonomy", "Category")
    version = TaxonomyVersion.objects.filter(number=1).first()
    if version is None or Category.objects.filter(version=version, code="person.lethal").exists():
        return
    person = Category.objects.get(version=version, code="person")
    assault = Category.objects.get(version=version, code="person.assault")
    Category.objects.filter(version=version, position__gte=assault.position).update(
        position=F("position") + 1
    )
    Category.objects.create(
        version=version,
        code="person.lethal",
        parent=person,
        label_sv="Dödligt våld och försök",
        label_en="Lethal violence and attempts",
        position=assault.position,
    )


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0002_taxonomy_v1")]
    operations = [migrations.RunPython(add_lethal, migrations.RunPython.noop)]
