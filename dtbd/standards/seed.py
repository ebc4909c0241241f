"""The standards of docs/domain.md §7–8 with their requirement codes (seeded by migration 0002; managers may edit)."""
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
