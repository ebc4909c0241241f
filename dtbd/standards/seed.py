"""The standards of docs/domain.md §7–8 with their requirement codes; managers may edit them.

Migration 0002 seeded the first catalogue (REQUIREMENTS, EQUIVALENCES); migration 0006 gave the rule sets their
families and periods, linked every row to its rule set, limited RANK_QLNN to civil servants' ranks and added the
Decree 171 rows, the sector hours and the teachers' title certificates (RULE_SETS_2025, requirements_2025)."""
from .models import compute_order

ND101 = "Nghị định 101/2017/NĐ-CP ngày 01/9/2017, sửa đổi, bổ sung bởi Nghị định 89/2021/NĐ-CP ngày 18/10/2021"
ND171 = "Nghị định 171/2025/NĐ-CP về đào tạo, bồi dưỡng công chức (áp dụng từ 01/7/2025)"
ND29 = "Nghị định 29/2024/NĐ-CP ngày 06/3/2024 quy định tiêu chuẩn chức danh lãnh đạo, quản lý trong cơ quan hành chính nhà nước"
QD350 = "Quy định 350-QĐ/TW (lý luận chính trị theo chức danh, kể cả người được quy hoạch)"

RULE_SETS = [
    # code, name, categories, valid_from, legal basis
    ("ND101_2017", "Đào tạo, bồi dưỡng cán bộ, công chức, viên chức", "CB,CC,VC", None, ND101),
    ("ND171_2025", "Đào tạo, bồi dưỡng công chức", "CC", "2025-07-01", ND171),
]

POST_TOP = "TINH,GD"
POST_LOWER = "PGD,TP,PTP"

REQUIREMENTS = [
    dict(code="ANNUAL_HOURS", name="Bồi dưỡng tối thiểu 40 tiết (01 tuần) mỗi năm", categories="CC,VC",
         kind="ANNUAL_HOURS", hours=40, legal_basis=f"{ND171}; {ND101}"),
    *[
        dict(code="RANK_QLNN", name=f"Chứng chỉ bồi dưỡng QLNN ngạch {tier} (giữ ngạch {tier})", rank_tiers=tier,
             kind="QUALIFICATION", qualification_type="QLNN", min_level=tier, legal_basis=f"{ND171}; {ND101}")
        for tier in ("CVCC", "CVC", "CV")
    ],
    dict(code="POST_DEGREE", name="Trình độ đại học trở lên (giữ chức vụ lãnh đạo, quản lý)", post_levels="TINH,GD,PGD,TP,PTP",
         kind="QUALIFICATION", qualification_type="EDU", min_level="DH", legal_basis=ND29),
    dict(code="POST_LLCT", name="Cao cấp hoặc cử nhân LLCT (lãnh đạo tỉnh, giám đốc sở và tương đương)", post_levels=POST_TOP,
         kind="QUALIFICATION", qualification_type="LLCT", min_level="CC", legal_basis=f"{ND29}; {QD350}"),
    dict(code="POST_LLCT", name="Trung cấp LLCT trở lên (phó giám đốc sở, trưởng, phó trưởng phòng và tương đương)",
         post_levels=POST_LOWER, kind="QUALIFICATION", qualification_type="LLCT", min_level="TC", legal_basis=f"{ND29}; {QD350}"),
    dict(code="POST_LDQL", name="Chứng chỉ bồi dưỡng lãnh đạo, quản lý cấp sở", post_levels="GD,PGD",
         kind="QUALIFICATION", qualification_type="LDQL", min_level="CAP_SO", legal_basis=ND29),
    dict(code="POST_LDQL", name="Chứng chỉ bồi dưỡng lãnh đạo, quản lý cấp phòng trở lên", post_levels="TP,PTP",
         kind="QUALIFICATION", qualification_type="LDQL", min_level="CAP_PHONG", legal_basis=ND29),
    dict(code="PLAN_LLCT", name="Cao cấp hoặc cử nhân LLCT (quy hoạch lãnh đạo tỉnh, giám đốc sở và tương đương)",
         planned_levels=POST_TOP, planned_not_holding=True, kind="QUALIFICATION", qualification_type="LLCT", min_level="CC",
         legal_basis=QD350),
    dict(code="PLAN_LLCT", name="Trung cấp LLCT trở lên (quy hoạch phó giám đốc sở, trưởng, phó trưởng phòng)",
         planned_levels=POST_LOWER, planned_not_holding=True, kind="QUALIFICATION", qualification_type="LLCT", min_level="TC",
         legal_basis=QD350),
]

EQUIVALENCES = [
    dict(from_type="LLCT", from_level="CN", to_type="LLCT", to_level="CC",
         legal_basis="Cử nhân chính trị tương đương cao cấp lý luận chính trị"),
    dict(from_type="EDU", from_level="THS", major_contains="hành chính", to_type="QLNN", to_level="CVC",
         legal_basis="Thạc sĩ, tiến sĩ hành chính công được coi là đã có chứng chỉ QLNN ngạch chuyên viên chính"),
    dict(from_type="EDU", from_level="THS", major_contains="quản lý công", to_type="QLNN", to_level="CVC",
         legal_basis="Thạc sĩ, tiến sĩ quản lý công được coi là đã có chứng chỉ QLNN ngạch chuyên viên chính"),
]


def seed_standards(RuleSet, Requirement, Equivalence):
    """Create the seeded rule sets, requirements and equivalences (historical models: orders computed here)."""
    import datetime


    for code, name, categories, valid_from, basis in RULE_SETS:
        RuleSet.objects.update_or_create(code=code, defaults=dict(
            name=name, categories=categories, legal_basis=basis,
            valid_from=datetime.date.fromisoformat(valid_from) if valid_from else None,
        ))
    for item in REQUIREMENTS:
        order = compute_order(item.get("qualification_type", ""), item.get("min_level", ""))
        Requirement.objects.create(**item, min_level_order=order)
    for item in EQUIVALENCES:
        Equivalence.objects.create(
            **item,
            from_level_order=compute_order(item["from_type"], item["from_level"]),
            to_level_order=compute_order(item["to_type"], item["to_level"]),
        )


# -- Rule sets with their periods, rules by sector and title (migration 0006; docs/domain.md §1, §7.1, §7.5, §8) --------
# The catalogue of migration 0002 gave no requirement a rule set, so every rule applied on every date. From here each
# seeded row belongs to the rule set of its instrument; a rule set is chosen per family by staff category and date.
ND29_SET = "ND29_2024"
LLCT_SET = "QD350_2025"
TT19 = ("Thông tư 19/2019/TT-BGDĐT ngày 12/11/2019 ban hành Quy chế bồi dưỡng thường xuyên giáo viên, cán bộ quản lý "
        "cơ sở giáo dục mầm non, cơ sở giáo dục phổ thông và giáo dục thường xuyên: 120 tiết mỗi năm học")
TT22 = ("Thông tư 22/2013/TT-BYT ngày 09/8/2013 hướng dẫn việc đào tạo liên tục cho cán bộ y tế, sửa đổi, bổ sung bởi "
        "Thông tư 26/2020/TT-BYT: tối thiểu 48 tiết trong 02 năm liên tiếp (giá trị cấu hình được; quy định về cập nhật "
        "kiến thức y khoa của người hành nghề theo Luật Khám bệnh, chữa bệnh 2023 chưa được nhập)")
TEACHER_END = ("ngày kết thúc 31/12/2025 là giá trị cấu hình: tiêu chuẩn chức danh giáo viên được thay theo Luật Nhà giáo "
               "2025 và các thông tư năm 2025 của Bộ Giáo dục và Đào tạo (đối chiếu văn bản chính thức trước khi sửa)")

RULE_SETS_2025 = [
    # code, family, name, categories, valid_from, legal basis
    ("ND101_2017", "DTBD", "Đào tạo, bồi dưỡng cán bộ, công chức, viên chức", "CB,CC,VC", None, ND101),
    ("ND171_2025", "DTBD", "Đào tạo, bồi dưỡng công chức", "CC", "2025-07-01", ND171),
    (ND29_SET, "CHUC_VU", "Tiêu chuẩn chức danh lãnh đạo, quản lý trong cơ quan hành chính nhà nước", "CB,CC,VC", None, ND29),
    (LLCT_SET, "LLCT", "Lý luận chính trị theo chức danh lãnh đạo, quản lý và quy hoạch", "CB,CC,VC", None,
     "Quy định 57-QĐ/TW ngày 08/02/2022, thay bằng Quy định 350-QĐ/TW ngày 29/8/2025 (cùng mức lý luận chính trị theo "
     "cấp chức vụ như các tiêu chuẩn ở đây)"),
]
# code -> rule set of the rows seeded by migration 0002
LINKS_2025 = {
    "ANNUAL_HOURS": "ND101_2017", "RANK_QLNN": "ND101_2017", "POST_DEGREE": ND29_SET, "POST_LLCT": ND29_SET,
    "POST_LDQL": ND29_SET, "PLAN_LLCT": LLCT_SET,
}
# Teachers' professional titles (code, grade) of the joint standards of 2021, by family.
TEACHER_TITLES = [
    ("V.07.02", "giáo viên mầm non", "Thông tư 01/2021/TT-BGDĐT ngày 02/02/2021",
     [("V.07.02.24", "HANG_I"), ("V.07.02.25", "HANG_II"), ("V.07.02.26", "HANG_III")]),
    ("V.07.03", "giáo viên tiểu học", "Thông tư 02/2021/TT-BGDĐT ngày 02/02/2021",
     [("V.07.03.27", "HANG_I"), ("V.07.03.28", "HANG_II"), ("V.07.03.29", "HANG_III")]),
    ("V.07.04", "giáo viên trung học cơ sở", "Thông tư 03/2021/TT-BGDĐT ngày 02/02/2021",
     [("V.07.04.30", "HANG_I"), ("V.07.04.31", "HANG_II"), ("V.07.04.32", "HANG_III")]),
    ("V.07.05", "giáo viên trung học phổ thông", "Thông tư 04/2021/TT-BGDĐT ngày 02/02/2021",
     [("V.07.05.13", "HANG_I"), ("V.07.05.14", "HANG_II"), ("V.07.05.15", "HANG_III")]),
]
GRADE_LABEL = {"HANG_I": "hạng I", "HANG_II": "hạng II", "HANG_III": "hạng III", "HANG_IV": "hạng IV"}


def requirements_2025():
    """The rows migration 0006 adds: the Decree 171 rows for công chức, the sector hours, the title certificates."""
    rows = [
        dict(code="ANNUAL_HOURS", name="Bồi dưỡng tối thiểu 40 tiết (01 tuần) mỗi năm", categories="CC",
             kind="ANNUAL_HOURS", hours=40, period="YEAR", rule_set="ND171_2025", legal_basis=ND171),
        *[
            dict(code="RANK_QLNN", name=f"Chứng chỉ bồi dưỡng QLNN ngạch {tier} (giữ ngạch {tier})", rank_tiers=tier,
                 rank_kind="NGACH", kind="QUALIFICATION", qualification_type="QLNN", min_level=tier,
                 rule_set="ND171_2025", legal_basis=f"{ND171}; Thông tư 02/2021/TT-BNV (tiêu chuẩn ngạch)")
            for tier in ("CVCC", "CVC", "CV")
        ],
        dict(code="ANNUAL_HOURS", name="Giáo viên: bồi dưỡng thường xuyên 120 tiết mỗi năm học", categories="VC",
             title_families="V.07.02,V.07.03,V.07.04,V.07.05", kind="ANNUAL_HOURS", hours=120, period="SCHOOL",
             priority=1, rule_set="ND101_2017", legal_basis=TT19),
        dict(code="ANNUAL_HOURS", name="Y tế: đào tạo liên tục 48 tiết trong 02 năm liên tiếp", categories="VC",
             title_families="V.08", kind="ANNUAL_HOURS", hours=48, period="ROLLING", period_years=2, priority=1,
             rule_set="ND101_2017", legal_basis=TT22),
    ]
    for family, family_name, basis, titles in TEACHER_TITLES:
        for title_code, grade in titles:
            rows.append(dict(
                code="TITLE_CDNN", name=f"Chứng chỉ bồi dưỡng theo tiêu chuẩn CDNN {family_name} {GRADE_LABEL[grade]}",
                categories="VC", title_families=family, rank_code=title_code, rank_kind="CDNN", kind="TITLE_CERT",
                qualification_type="CDNN", min_level=grade, rule_set="ND101_2017",
                valid_from="2021-03-20", valid_to="2025-12-31",
                legal_basis=f"{basis} (tiêu chuẩn chức danh nghề nghiệp, hiệu lực 20/3/2021); {TEACHER_END}",
            ))
    return rows


def seed_rules_2025(RuleSet, Requirement):
    """Give the rule sets their family and period, link the rows of 0002 to theirs (RANK_QLNN to civil servants'
    ranks only) and add the rows of `requirements_2025` (historical models: orders computed here)."""
    import datetime

    def day(value):
        return datetime.date.fromisoformat(value) if value else None

    sets = {}
    for code, family, name, categories, valid_from, basis in RULE_SETS_2025:
        sets[code], _created = RuleSet.objects.update_or_create(code=code, defaults=dict(
            family=family, name=name, categories=categories, legal_basis=basis, valid_from=day(valid_from),
        ))
    for code, rule_set in LINKS_2025.items():
        Requirement.objects.filter(code=code, rule_set__isnull=True).update(rule_set=sets[rule_set])
    Requirement.objects.filter(code="RANK_QLNN").update(rank_kind="NGACH")
    Requirement.objects.filter(code="ANNUAL_HOURS", rule_set=sets["ND101_2017"]).update(legal_basis=ND101)
    for item in requirements_2025():
        item = dict(item, rule_set=sets[item["rule_set"]])
        for key in ("valid_from", "valid_to"):
            if key in item:
                item[key] = day(item[key])
        order = compute_order(item.get("qualification_type", ""), item.get("min_level", ""))
        Requirement.objects.create(**item, min_level_order=order)
