"""The three targets of Nghị quyết 26-NQ/TW to 2030 (docs/domain.md §11.5), as data: managers edit them on
/tong-quan/chi-tieu/. The rows are copied here (not imported from dtbd.reports.targets) so that this migration stays
what it was when later code changes."""
from decimal import Decimal

from django.db import migrations

SEED = [{'code': 'LDQL-TINH-DUOI-40',
  'name': 'Cán bộ lãnh đạo, quản lý cấp tỉnh dưới 40 tuổi',
  'description': 'Nghị quyết 26-NQ/TW: 15–20% cán bộ lãnh đạo, quản lý cấp tỉnh dưới 40 tuổi. Mẫu số: người giữ '
                 'chức vụ cấp tỉnh, giám đốc sở, phó giám đốc sở và tương đương tại đơn vị cấp tỉnh.',
  'register': 'STAFF',
  'denominator': {'post_level': ['TINH', 'GD', 'PGD'], 'unit_level': ['TINH']},
  'numerator': {'age_below': 40},
  'target_min': 15,
  'target_max': 20,
  'deadline_year': 2030,
  'order': 10},
 {'code': 'LDQL-QUOC-TE',
  'name': 'Cán bộ lãnh đạo, quản lý đủ khả năng làm việc trong môi trường quốc tế',
  'description': 'Nghị quyết 26-NQ/TW: 25–35% đủ khả năng làm việc trong môi trường quốc tế — tính là ngoại ngữ từ '
                 'bậc 4 (B2) trở lên hoặc đã hoàn thành khoá đào tạo, bồi dưỡng ở nước ngoài.',
  'register': 'STAFF',
  'denominator': {'post_level': ['TINH', 'GD', 'PGD'], 'unit_level': ['TINH']},
  'numerator': {'any_of': [{'language_min_level': 'B2'}, {'abroad_training': True}]},
  'target_min': 25,
  'target_max': 35,
  'deadline_year': 2030,
  'order': 20},
 {'code': 'LDCC-XA-DUOI-40',
  'name': 'Cán bộ lãnh đạo chủ chốt cấp xã dưới 40 tuổi',
  'description': 'Nghị quyết 26-NQ/TW: 20–25% cán bộ lãnh đạo chủ chốt cấp huyện dưới 40 tuổi; từ 01/07/2025 không '
                 'còn cấp huyện, chỉ tiêu tính cho người giữ chức vụ lãnh đạo tại đơn vị cấp xã.',
  'register': 'STAFF',
  'denominator': {'post_level': ['ANY'], 'unit_level': ['XA']},
  'numerator': {'age_below': 40},
  'target_min': 20,
  'target_max': 25,
  'deadline_year': 2030,
  'order': 30}]


def seed(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    for row in SEED:
        values = {k: v for k, v in row.items() if k != "code"}
        values["target_min"], values["target_max"] = Decimal(values["target_min"]), Decimal(values["target_max"])
        Indicator.objects.get_or_create(code=row["code"], defaults=values)


def unseed(apps, schema_editor):
    apps.get_model("reports", "Indicator").objects.filter(code__in=[r["code"] for r in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_indicator")]
    operations = [migrations.RunPython(seed, unseed)]
