"""Seed the standards of docs/domain.md §7–8 and the equivalences; see dtbd/standards/seed.py."""
from django.db import migrations


def seed(apps, schema_editor):
    from dtbd.standards.seed import seed_standards

    seed_standards(
        apps.get_model("standards", "RuleSet"), apps.get_model("standards", "Requirement"),
        apps.get_model("standards", "Equivalence"),
    )


class Migration(migrations.Migration):
    dependencies = [("standards", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
