"""Code lists of the staff register (docs/domain.md §2–5). Orders let the database take the highest level."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    CB = "CB", _("Cán bộ")
    CC = "CC", _("Công chức")
    VC = "VC", _("Viên chức")
    HD = "HD", _("Người lao động")


class Gender(models.TextChoices):
    NAM = "NAM", _("Nam")
    NU = "NU", _("Nữ")


class RankTier(models.TextChoices):
    CVCC = "CVCC", _("Chuyên viên cao cấp và tương đương")
    CVC = "CVC", _("Chuyên viên chính và tương đương")
    CV = "CV", _("Chuyên viên và tương đương")
    CS = "CS", _("Cán sự và tương đương")
    NV = "NV", _("Nhân viên")


class PostLevel(models.TextChoices):
    TINH = "TINH", _("Lãnh đạo tỉnh")
    GD = "GD", _("Giám đốc sở và tương đương")
    PGD = "PGD", _("Phó giám đốc sở và tương đương")
    TP = "TP", _("Trưởng phòng và tương đương")
    PTP = "PTP", _("Phó trưởng phòng và tương đương")


POST_LEVEL_ORDER = {"TINH": 5, "GD": 4, "PGD": 3, "TP": 2, "PTP": 1}


class LeaveReason(models.TextChoices):
    RETIRED = "RETIRED", _("Nghỉ hưu")
    TRANSFERRED = "TRANSFERRED", _("Chuyển công tác ra ngoài")
    RESIGNED = "RESIGNED", _("Thôi việc")
    DECEASED = "DECEASED", _("Từ trần")
    OTHER = "OTHER", _("Khác")


class QualificationType(models.TextChoices):
    EDUCATION = "EDU", _("Trình độ chuyên môn")
    POLITICAL = "LLCT", _("Lý luận chính trị")
    STATE_MGMT = "QLNN", _("Quản lý nhà nước")
    LEADERSHIP = "LDQL", _("Bồi dưỡng lãnh đạo, quản lý")
    LANGUAGE = "LANG", _("Ngoại ngữ")
    IT = "IT", _("Tin học")
    DEFENCE = "QPAN", _("Quốc phòng và an ninh")
    FOSTERING = "BD", _("Bồi dưỡng khác (giấy chứng nhận)")
    TITLE = "CDNN", _("Bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp")


# type -> {code: (label, order)}; higher order = higher level.
LEVELS = {
    QualificationType.EDUCATION: {
        "TS": (_("Tiến sĩ"), 7),
        "THS": (_("Thạc sĩ"), 6),
        "DH": (_("Đại học"), 5),
        "CD": (_("Cao đẳng"), 4),
        "TC": (_("Trung cấp"), 3),
        "SC": (_("Sơ cấp"), 2),
        "CQDT": (_("Chưa qua đào tạo"), 1),
    },
    QualificationType.POLITICAL: {
        "CN": (_("Cử nhân"), 5),
        "CC": (_("Cao cấp"), 4),
        "TC": (_("Trung cấp"), 3),
        "SC": (_("Sơ cấp"), 2),
    },
    QualificationType.STATE_MGMT: {
        "CVCC": (_("Chuyên viên cao cấp"), 4),
        "CVC": (_("Chuyên viên chính"), 3),
        "CV": (_("Chuyên viên"), 2),
        "CS": (_("Cán sự"), 1),
    },
    QualificationType.LEADERSHIP: {
        "CAP_SO": (_("Cấp sở và tương đương"), 2),
        "CAP_PHONG": (_("Cấp phòng và tương đương"), 1),
    },
    QualificationType.LANGUAGE: {
        "C2": (_("Bậc 6 (C2)"), 6),
        "C1": (_("Bậc 5 (C1)"), 5),
        "B2": (_("Bậc 4 (B2)"), 4),
        "B1": (_("Bậc 3 (B1)"), 3),
        "A2": (_("Bậc 2 (A2)"), 2),
        "A1": (_("Bậc 1 (A1)"), 1),
    },
    QualificationType.IT: {
        "NANG_CAO": (_("Nâng cao"), 2),
        "CO_BAN": (_("Cơ bản"), 1),
    },
    QualificationType.DEFENCE: {
        "DT1": (_("Đối tượng 1"), 4),
        "DT2": (_("Đối tượng 2"), 3),
        "DT3": (_("Đối tượng 3"), 2),
        "DT4": (_("Đối tượng 4"), 1),
    },
    # Job-position, update and briefing courses: a certificate of completion (giấy chứng nhận) that carries tiết.
    QualificationType.FOSTERING: {
        "GCN": (_("Giấy chứng nhận hoàn thành khoá bồi dưỡng"), 1),
    },
    # A public employee's fostering certificate by the standard of their professional title, by grade (hạng).
    QualificationType.TITLE: {
        "HANG_I": (_("Hạng I"), 4),
        "HANG_II": (_("Hạng II"), 3),
        "HANG_III": (_("Hạng III"), 2),
        "HANG_IV": (_("Hạng IV"), 1),
    },
}

LEVEL_CHOICES = sorted({(code, code) for levels in LEVELS.values() for code in levels})


def level_order(qtype, code):
    return LEVELS[qtype][code][1]


def level_label(qtype, code):
    entry = LEVELS.get(qtype, {}).get(code)
    return entry[0] if entry else code


def level_choices(qtype):
    return [(code, label) for code, (label, _order) in LEVELS[qtype].items()]
