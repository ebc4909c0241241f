"""Rule sets with their periods and families, each seeded requirement linked to its rule set, RANK_QLNN limited to
civil servants' ranks, the hours of teachers and health workers, the title certificates of teachers
(docs/domain.md §1, §7.1, §7.5, §8); see dtbd/standards/seed.py."""
from django.db import migrations


def seed(apps, schema_editor):
    from dtbd.standards.seed import seed_rules_2025

    seed_rules_2025(apps.get_model("standards", "RuleSet"), apps.get_model("standards", "Requirement"))


class Migration(migrations.Migration):
    dependencies = [("standards", "0005_rules_by_date_sector_and_title")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
