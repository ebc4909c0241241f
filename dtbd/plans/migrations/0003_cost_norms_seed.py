"""Seeds the cost norms (định mức chi) with plausible default figures after the Ministry of Finance's circular on the
cost norms for training and fostering cadres (TT 36/2018/TT-BTC), amended by TT 06/2023/TT-BTC (docs/domain.md §13.3).
The figures are configurable defaults, not a reading of the circulars: managers correct them in the admin (a new row
with its own valid_from, the old one closed by valid_to)."""
import datetime

from django.db import migrations

FROM_2018 = datetime.date(2018, 5, 15)
FROM_2023 = datetime.date(2023, 3, 17)
UNTIL_2023 = FROM_2023 - datetime.timedelta(days=1)
BASIS_2018 = "Thông tư 36/2018/TT-BTC về lập dự toán, quản lý, sử dụng và quyết toán kinh phí đào tạo, bồi dưỡng cán bộ, công chức, viên chức (mức mặc định, có thể điều chỉnh)."
BASIS_2023 = BASIS_2018.replace(" (mức", ", sửa đổi bởi Thông tư 06/2023/TT-BTC (mức")

# (item, code, name, grade, per, amount from 2018, amount from 2023)
NORMS = [
    ("LECTURERS", "GV_UVTW", "Thù lao giảng viên, báo cáo viên", "Ủy viên Trung ương Đảng, Bộ trưởng và tương đương",
     "buổi giảng", 1_000_000, 2_000_000),
    ("LECTURERS", "GV_THUTRUONG_GS", "Thù lao giảng viên, báo cáo viên",
     "Thứ trưởng và tương đương, giáo sư, chuyên gia cao cấp", "buổi giảng", 800_000, 1_500_000),
    ("LECTURERS", "GV_PGS_TS", "Thù lao giảng viên, báo cáo viên",
     "Phó giáo sư, tiến sĩ, giảng viên chính, cấp vụ, sở và tương đương", "buổi giảng", 600_000, 1_200_000),
    ("LECTURERS", "GV_KHAC", "Thù lao giảng viên, báo cáo viên", "Giảng viên, báo cáo viên khác", "buổi giảng",
     500_000, 1_000_000),
    ("PER_DIEM", "AN_HOC_VIEN", "Hỗ trợ tiền ăn học viên", "Học viên", "người/ngày", 100_000, 150_000),
    ("VENUE", "HOI_TRUONG", "Thuê hội trường, phòng học, thiết bị", "", "ngày", 3_000_000, 4_000_000),
    ("MATERIALS", "TAI_LIEU", "Tài liệu, văn phòng phẩm", "Học viên", "học viên", 100_000, 150_000),
]


def seed(apps, schema_editor):
    CostNorm = apps.get_model("plans", "CostNorm")
    for item, code, name, grade, per, old, new in NORMS:
        CostNorm.objects.get_or_create(
            code=code, valid_from=FROM_2018,
            defaults=dict(item=item, name=name, grade=grade, per=per, amount=old, valid_to=UNTIL_2023,
                          legal_basis=BASIS_2018),
        )
        CostNorm.objects.get_or_create(
            code=code, valid_from=FROM_2023,
            defaults=dict(item=item, name=name, grade=grade, per=per, amount=new, legal_basis=BASIS_2023),
        )


def unseed(apps, schema_editor):
    CostNorm = apps.get_model("plans", "CostNorm")
    CostNorm.objects.filter(code__in=[n[1] for n in NORMS], valid_from__in=[FROM_2018, FROM_2023]).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_needs_request_people")]
    operations = [migrations.RunPython(seed, unseed)]
