"""The register of lecturers (giảng viên, báo cáo viên): a class session names a Lecturer instead of free text.

The free text of existing sessions becomes external lecturers, one per distinct name (spaces collapsed, case
ignored), the academic title in front ("TS.", "PGS.TS.", "ThS.") read into its own field."""
import re

import django.db.models.deletion
from django.db import migrations, models

TITLES = [("PGS.TS.", "PGS"), ("PGS. TS.", "PGS"), ("GS.TS.", "GS"), ("GS. TS.", "GS"), ("PGS.", "PGS"),
          ("GS.", "GS"), ("TS.", "TS"), ("ThS.", "THS"), ("CN.", "CN")]


def split_title(text):
    """'PGS.TS. Phạm Văn Tuấn' -> ('PGS', 'Phạm Văn Tuấn'); spaces collapsed."""
    text = re.sub(r"\s+", " ", text or "").strip()
    for prefix, code in TITLES:
        if text.lower().startswith(prefix.lower()):
            rest = text[len(prefix):].strip()
            if rest:
                return code, rest
    return "", text


def fold(text):
    import unicodedata

    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def text_to_lecturers(apps, schema_editor):
    ClassSession = apps.get_model("training", "ClassSession")
    Lecturer = apps.get_model("training", "Lecturer")
    made = {}
    for text in ClassSession.objects.exclude(lecturer="").values_list("lecturer", flat=True).distinct():
        title, name = split_title(text)
        if not name:
            continue
        key = name.casefold()
        if key not in made:
            made[key] = Lecturer.objects.create(name=name, academic_title=title, search=fold(name)[:300])
        ClassSession.objects.filter(lecturer=text).update(lecturer_ref=made[key])


def lecturers_to_text(apps, schema_editor):
    ClassSession = apps.get_model("training", "ClassSession")
    for session in ClassSession.objects.filter(lecturer_ref__isnull=False).select_related("lecturer_ref__person"):
        lecturer = session.lecturer_ref
        name = lecturer.person.full_name if lecturer.person_id else lecturer.name
        session.lecturer = name[:200]
        session.save(update_fields=["lecturer"])


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0001_initial"),
        ("training", "0006_class_first_come_first_served"),
    ]

    operations = [
        migrations.CreateModel(
            name="Lecturer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(blank=True, help_text="Giảng viên ngoài: ghi họ tên. Giảng viên nội bộ: lấy theo hồ sơ cán bộ.", max_length=200, verbose_name="họ và tên")),
                ("institution", models.CharField(blank=True, max_length=255, verbose_name="cơ quan công tác")),
                ("academic_title", models.CharField(blank=True, choices=[("GS", "Giáo sư"), ("PGS", "Phó Giáo sư"), ("TS", "Tiến sĩ"), ("THS", "Thạc sĩ"), ("CN", "Cử nhân"), ("KHAC", "Khác")], max_length=5, verbose_name="học hàm, học vị")),
                ("field", models.CharField(blank=True, max_length=255, verbose_name="lĩnh vực giảng dạy")),
                ("active", models.BooleanField(default=True, verbose_name="đang mời giảng")),
                ("search", models.CharField(blank=True, db_index=True, editable=False, max_length=300)),
                ("person", models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="lecturer", to="people.person", verbose_name="cán bộ (giảng viên nội bộ)")),
            ],
            options={
                "verbose_name": "giảng viên, báo cáo viên",
                "verbose_name_plural": "giảng viên, báo cáo viên",
                "ordering": ["search", "id"],
                "constraints": [models.CheckConstraint(condition=models.Q(("person__isnull", False), models.Q(("name", ""), _negated=True), _connector="OR"), name="training_lecturer_has_name")],
            },
        ),
        migrations.AddField(
            model_name="classsession",
            name="lecturer_ref",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="sessions", to="training.lecturer", verbose_name="giảng viên"),
        ),
        migrations.RunPython(text_to_lecturers, lecturers_to_text),
        migrations.RemoveField(model_name="classsession", name="lecturer"),
        migrations.RenameField(model_name="classsession", old_name="lecturer_ref", new_name="lecturer"),
    ]
