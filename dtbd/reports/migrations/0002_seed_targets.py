"""The three targets of DOMAIN §5 (seed 003), as data: managers edit them on /tong-quan/chi-tieu/."""
from django.db import migrations


def seed(apps, schema_editor):
    from dtbd.reports.targets import SEED

    Indicator = apps.get_model("reports", "Indicator")
    for row in SEED:
        Indicator.objects.get_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})


def unseed(apps, schema_editor):
    from dtbd.reports.targets import SEED

    apps.get_model("reports", "Indicator").objects.filter(code__in=[r["code"] for r in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_indicator")]
    operations = [migrations.RunPython(seed, unseed)]
