"""Seed the catalogues every installation needs (see dtbd/people/seed.py). Both are data: more can be added by
managers or import."""
from django.db import migrations

from dtbd.people.seed import seed_catalogues


def seed(apps, schema_editor):
    seed_catalogues(apps.get_model("people", "Ethnicity"), apps.get_model("people", "Rank"))


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
