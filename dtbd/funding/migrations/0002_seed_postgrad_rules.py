"""The conditions of postgraduate dispatch of the rule sets ND171_2025 and ND101_2017 (docs/domain.md §14.2)."""
from django.db import migrations

from dtbd.funding.seed import seed_rules


def forward(apps, schema_editor):
    seed_rules(apps.get_model("standards", "RuleSet"), apps.get_model("funding", "PostgradRule"))


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_postgrad"), ("standards", "0002_seed")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
