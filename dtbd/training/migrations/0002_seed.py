from django.db import migrations


def seed(apps, schema_editor):
    from dtbd.training.seed import seed_training

    seed_training(apps.get_model("training", "Provider"), apps.get_model("training", "Program"))


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
