from django.db import migrations


def install(apps, schema_editor):
    from kesu.roleplay import content

    content.install(apps)


class Migration(migrations.Migration):
    dependencies = [("roleplay", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
