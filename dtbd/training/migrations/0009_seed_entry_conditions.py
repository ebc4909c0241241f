"""The entry conditions of trung cấp lý luận chính trị (Quy định 350-QĐ/TW of 29/08/2025; docs/domain.md §10.1)."""
import datetime

from django.db import migrations


def seed(apps, schema_editor):
    EntryCondition = apps.get_model("training", "EntryCondition")
    EntryCondition.objects.get_or_create(
        qualification_type="LLCT", level="TC", valid_from=datetime.date(2025, 8, 29),
        defaults={
            "party_member": True, "min_education": "CD", "good_years": 2,
            "part_time_min_age_women": 28, "part_time_min_age_men": 30,
            "legal_basis": "Quy định 350-QĐ/TW ngày 29/08/2025 của Ban Chấp hành Trung ương về tiêu chuẩn, điều kiện "
                           "học lý luận chính trị (điều kiện học trung cấp lý luận chính trị).",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("training", "EntryCondition").objects.filter(
        qualification_type="LLCT", level="TC", valid_from=datetime.date(2025, 8, 29)).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0008_entry_conditions_overseas_reports")]
    operations = [migrations.RunPython(seed, unseed)]
