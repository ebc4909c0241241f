"""The default survey template and the rule of Circular 10/2017/TT-BNV (dtbd.evaluation.seed)."""
from django.db import migrations


def seed(apps, schema_editor):
    from dtbd.evaluation.seed import seed_defaults

    seed_defaults(*(apps.get_model("evaluation", name) for name in ("Rule", "Template", "Group", "Item")))


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
