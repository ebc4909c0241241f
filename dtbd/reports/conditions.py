"""The condition language of target indicators (chỉ tiêu, dtbd.reports.targets): which JSON keys a numerator or
denominator may use on each register, and their validation (Vietnamese messages naming the key). Kept apart from the
evaluation so that the Indicator model validates its conditions without importing the evaluator."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dtbd.org.models import AdminLevel
from dtbd.people.catalog import LEVELS, Category, Gender, PostLevel, QualificationType
from dtbd.training.models import Program, TrainingClass


class Register(models.TextChoices):
    """What an indicator counts (Indicator.Register)."""

    STAFF = "STAFF", gettext_lazy("Sổ cán bộ (số người)")
    ENROLMENT = "ENROLMENT", gettext_lazy("Sổ học viên (số lượt hoàn thành khoá học)")


LANG_LEVELS = LEVELS[QualificationType.LANGUAGE]

# key -> (label, kind). kind: "codes:<choices>" list of codes, "int", "bool", "code:<choices>"
_POST_CHOICES = PostLevel.values + ["ANY"]
PERSON_KEYS = {
    "category": (gettext_lazy("Loại cán bộ (CB, CC, VC)"), "codes", Category.values),
    "post_level": (gettext_lazy("Cấp chức vụ đang giữ (TINH, GD, PGD, TP, PTP hoặc ANY)"), "codes", _POST_CHOICES),
    "unit_level": (gettext_lazy("Cấp hành chính của đơn vị công tác (TINH, HUYEN, XA)"), "codes", AdminLevel.values),
    "age_below": (gettext_lazy("Dưới … tuổi"), "int", None),
    "age_from": (gettext_lazy("Từ … tuổi trở lên"), "int", None),
    "gender": (gettext_lazy("Giới tính (NAM, NU)"), "code", Gender.values),
    "ethnic_minority": (gettext_lazy("Dân tộc thiểu số (true/false)"), "bool", None),
    "language_min_level": (gettext_lazy("Ngoại ngữ từ bậc … (A1…C2)"), "code", list(LANG_LEVELS)),
    "abroad_training": (gettext_lazy("Đã hoàn thành khoá học ở nước ngoài (true/false)"), "bool", None),
}
ENROLMENT_ONLY_KEYS = {
    "program_category": (gettext_lazy("Nội dung chương trình (LLCT, QLNN, …)"), "codes", None),
    "form": (gettext_lazy("Hình thức tổ chức (IN_PERSON, ONLINE, BLENDED)"), "codes", None),
    "abroad": (gettext_lazy("Học ở nước ngoài (true/false)"), "bool", None),
}
STAFF_KEYS = {**PERSON_KEYS, "any_of": (gettext_lazy("Một trong các điều kiện (danh sách)"), "any_of", None)}
ENROLMENT_KEYS = {**STAFF_KEYS, **ENROLMENT_ONLY_KEYS}


def _enrolment_choices(key):
    return {"program_category": Program.Category.values, "form": TrainingClass.Form.values}.get(key)


def allowed_keys(register):
    return ENROLMENT_KEYS if register == Register.ENROLMENT else STAFF_KEYS


def validate_filters(filters, register, _nested=False):
    """Raise ValidationError (Vietnamese, naming the key) unless `filters` is an object of allowed keys and values."""
    if filters in (None, ""):
        return
    if not isinstance(filters, dict):
        raise ValidationError(_("Điều kiện phải là một đối tượng JSON, ví dụ {\"post_level\": [\"TINH\"]}."))
    keys = allowed_keys(register)
    errors = []
    for key, value in filters.items():
        if key not in keys:
            errors.append(_("Khoá “%(key)s” không được phép; dùng: %(keys)s.") % {"key": key, "keys": ", ".join(keys)})
            continue
        _label, kind, choices = keys[key]
        choices = choices or _enrolment_choices(key)
        if kind == "any_of":
            if _nested or not isinstance(value, list) or not value:
                errors.append(_("“any_of” phải là một danh sách các điều kiện (không lồng nhau)."))
                continue
            for i, item in enumerate(value, 1):
                try:
                    validate_filters(item, register, _nested=True)
                except ValidationError as exc:
                    errors.extend(_("any_of, điều kiện %(i)s: %(msg)s") % {"i": i, "msg": m} for m in exc.messages)
        elif kind == "int":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 120:
                errors.append(_("“%(key)s” phải là một số tuổi (số nguyên từ 1 đến 119).") % {"key": key})
        elif kind == "bool":
            if not isinstance(value, bool):
                errors.append(_("“%(key)s” phải là true hoặc false.") % {"key": key})
        elif kind == "code":
            if value not in choices:
                errors.append(_("“%(key)s”: giá trị “%(value)s” không hợp lệ; dùng: %(ok)s.") % {"key": key, "value": value, "ok": ", ".join(choices)})
        elif kind == "codes":
            values = value if isinstance(value, list) else [value]
            bad = [v for v in values if v not in choices]
            if not values or bad:
                errors.append(_("“%(key)s”: giá trị “%(value)s” không hợp lệ; dùng: %(ok)s.") % {"key": key, "value": ", ".join(map(str, bad)) or "[]", "ok": ", ".join(choices)})
    if errors:
        raise ValidationError(errors)


# -- in words ---------------------------------------------------------------------------------------------------------
# What each key means, as a person reads it (no codes), and the names of its values: the indicator list and the
# editor's fields (reports.forms_targets) speak these words; the stored JSON keeps the codes.
ANY_POST = "ANY"
WORDS = {
    "category": gettext_lazy("Loại cán bộ"),
    "post_level": gettext_lazy("Chức vụ đang giữ"),
    "unit_level": gettext_lazy("Cấp hành chính của đơn vị công tác"),
    "age_below": gettext_lazy("Dưới … tuổi"),
    "age_from": gettext_lazy("Từ … tuổi trở lên"),
    "gender": gettext_lazy("Giới tính"),
    "ethnic_minority": gettext_lazy("Người dân tộc thiểu số"),
    "language_min_level": gettext_lazy("Ngoại ngữ từ bậc"),
    "abroad_training": gettext_lazy("Đã hoàn thành khoá học ở nước ngoài"),
    "program_category": gettext_lazy("Nội dung chương trình"),
    "form": gettext_lazy("Hình thức tổ chức"),
    "abroad": gettext_lazy("Học ở nước ngoài"),
}


def value_choices(key):
    """[(code, name)] of the values a coded key takes (None for numbers and yes/no keys)."""
    if key == "category":
        return list(Category.choices)
    if key == "post_level":
        return list(PostLevel.choices) + [(ANY_POST, gettext_lazy("Bất kỳ chức vụ lãnh đạo, quản lý nào"))]
    if key == "unit_level":
        return list(AdminLevel.choices)
    if key == "gender":
        return list(Gender.choices)
    if key == "language_min_level":
        return [(code, label) for code, (label, _order) in sorted(LANG_LEVELS.items(), key=lambda kv: kv[1][1])]
    if key == "program_category":
        return list(Program.Category.choices)
    if key == "form":
        return list(TrainingClass.Form.choices)
    return None


def describe(filters):
    """The conditions of `filters` as Vietnamese phrases, one per key, codes replaced by their names:
    {"post_level": ["GD"], "age_below": 40} -> ["Chức vụ đang giữ: Giám đốc sở và tương đương", "Dưới 40 tuổi"]."""
    phrases = []
    for key, value in (filters or {}).items():
        if key == "any_of":
            either = ["; ".join(describe(item)) for item in value or []]
            joined = (" " + _("hoặc") + " ").join(f"({e})" for e in either)
            phrases.append(_("Một trong các điều kiện: %(list)s") % {"list": joined})
        elif key == "age_below":
            phrases.append(_("Dưới %(n)s tuổi") % {"n": value})
        elif key == "age_from":
            phrases.append(_("Từ %(n)s tuổi trở lên") % {"n": value})
        elif isinstance(value, bool):
            phrases.append(str(WORDS.get(key, key)) if value else _("Không: %(what)s") % {"what": str(WORDS.get(key, key)).lower()})
        else:
            names = dict(value_choices(key) or [])
            values = value if isinstance(value, list) else [value]
            phrases.append(f"{WORDS.get(key, key)}: " + ", ".join(str(names.get(v, v)) for v in values))
    return phrases
