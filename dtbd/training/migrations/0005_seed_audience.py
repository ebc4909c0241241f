from django.db import migrations


def seed(apps, schema_editor):
    from dtbd.training.seed import seed_audience

    seed_audience(apps.get_model("training", "Program"))


class Migration(migrations.Migration):
    dependencies = [("training", "0004_results_certificates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
