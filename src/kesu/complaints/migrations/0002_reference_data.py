from django.db import migrations

from kesu.complaints import reference


def load(apps, schema_editor):
    reference.install(apps)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
