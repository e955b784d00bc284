from django.db import migrations

from kesu.exams import content


def load(apps, schema_editor):
    content.install(apps)


class Migration(migrations.Migration):
    dependencies = [("exams", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
