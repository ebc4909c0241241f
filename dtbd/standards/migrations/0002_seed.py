"""Seed DOMAIN §4 items 1–5 (codes of spec/interfaces.md) and the equivalences; see dtbd/standards/seed.py."""
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
