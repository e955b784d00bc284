from django.db import migrations


def install(apps, schema_editor):
    from kesu.competency import content

    content.install(apps)


class Migration(migrations.Migration):
    dependencies = [("competency", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
