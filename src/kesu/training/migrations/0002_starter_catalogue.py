from django.db import migrations


def load(apps, schema_editor):
    from kesu.training import content

    content.install(apps)


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
