"""The providers and standard programmes seeded by migration 0002 (1 day = 8 tiết, 1 week = 40 tiết)."""
from dtbd.core.text import fold
from dtbd.people.catalog import level_order

PROVIDERS = [
    # code, name, kind
    ("HVCTQG", "Học viện Chính trị quốc gia Hồ Chí Minh", "HV_CTQG"),
    ("HVCT_KV1", "Học viện Chính trị khu vực I", "HV_CTQG"),
    ("HVHC", "Học viện Hành chính và Quản trị công", "DAI_HOC"),
    ("TCT_TINH", "Trường Chính trị tỉnh", "TRUONG_CHINH_TRI"),
    ("DHNV_HN", "Đại học Nội vụ Hà Nội", "DAI_HOC"),
    ("HVQP", "Học viện Quốc phòng", "TRUONG_BO_NGANH"),
]

PROGRAMS = [
    # code, name, category, kind, tiết, grants (type, level), target audience, validity, providers
    ("LLCT_TC", "Trung cấp lý luận chính trị", "LLCT", "DEGREE", 1_000, ("LLCT", "TC"),
     "Cán bộ, công chức, viên chức trong diện quy hoạch lãnh đạo cấp phòng và tương đương.", None,
     ["TCT_TINH"]),
    ("LLCT_CC", "Cao cấp lý luận chính trị", "LLCT", "DEGREE", 1_640, ("LLCT", "CC"),
     "Cán bộ lãnh đạo cấp sở và tương đương, diện quy hoạch.", None, ["HVCTQG", "HVCT_KV1"]),
    ("QLNN_CV", "Bồi dưỡng quản lý nhà nước ngạch chuyên viên", "QLNN", "FOSTERING", 240, ("QLNN", "CV"),
     "Công chức ngạch chuyên viên và tương đương.", None, ["HVHC", "TCT_TINH", "DHNV_HN"]),
    ("QLNN_CVC", "Bồi dưỡng quản lý nhà nước ngạch chuyên viên chính", "QLNN", "FOSTERING", 320, ("QLNN", "CVC"),
     "Công chức ngạch chuyên viên chính hoặc dự thi nâng ngạch chuyên viên chính.", None, ["HVHC", "TCT_TINH"]),
    ("QLNN_CVCC", "Bồi dưỡng quản lý nhà nước ngạch chuyên viên cao cấp", "QLNN", "FOSTERING", 400, ("QLNN", "CVCC"),
     "Công chức ngạch chuyên viên cao cấp hoặc dự thi nâng ngạch chuyên viên cao cấp.", None, ["HVHC"]),
    ("LDQL_PHONG", "Bồi dưỡng lãnh đạo, quản lý cấp phòng và tương đương", "LDQL", "FOSTERING", 160,
     ("LDQL", "CAP_PHONG"), "Trưởng phòng, phó trưởng phòng và tương đương; diện quy hoạch.", None,
     ["TCT_TINH", "HVHC"]),
    ("LDQL_SO", "Bồi dưỡng lãnh đạo, quản lý cấp sở và tương đương", "LDQL", "FOSTERING", 240,
     ("LDQL", "CAP_SO"), "Giám đốc, phó giám đốc sở và tương đương; diện quy hoạch.", None, ["HVHC"]),
    ("QPAN_DT3", "Bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 3", "QPAN", "FOSTERING", 80,
     ("QPAN", "DT3"), "Lãnh đạo cấp sở, cấp huyện và tương đương.", None, ["HVQP"]),
    ("QPAN_DT4", "Bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 4", "QPAN", "FOSTERING", 56,
     ("QPAN", "DT4"), "Lãnh đạo cấp phòng, cấp xã và tương đương.", None, ["TCT_TINH"]),
    ("SO_AI_CB", "Kỹ năng số và ứng dụng trí tuệ nhân tạo trong công vụ", "SO_AI", "BRIEFING", 16, None,
     "Mọi cán bộ, công chức, viên chức.", 3, ["DHNV_HN"]),
]


def seed_training(Provider, Program):
    """Create the seed rows with the historical models of a migration (their save() does not run)."""
    providers = {}
    for code, name, kind in PROVIDERS:
        providers[code], _ = Provider.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "country": "VN", "search": fold(f"{code} {name}")}
        )
    for code, name, category, kind, tiet, grants, audience, validity, provider_codes in PROGRAMS:
        qtype, level = grants or ("", "")
        program, created = Program.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "category": category, "kind": kind, "duration_tiet": tiet,
                "grants_type": qtype, "grants_level": level,
                "grants_level_order": level_order(qtype, level) if qtype else None,
                "target_audience": audience, "validity_years": validity, "active": True,
                "search": fold(f"{code} {name}"),
            },
        )
        if created:
            program.providers.set([providers[c] for c in provider_codes])


# Machine-checkable audience of the seeded programmes (Program.audience_categories / audience_post_levels), set by
# migration 0005 — a separate step because the fields did not exist when 0002 seeded the programmes.
AUDIENCE = {
    # code: (categories, post levels — held or planned)
    "LLCT_TC": ("CB,CC,VC", "TP,PTP"),
    "LLCT_CC": ("CB,CC,VC", "TINH,GD,PGD"),
    "QLNN_CV": ("CC,VC", ""),
    "QLNN_CVC": ("CC", ""),
    "QLNN_CVCC": ("CC", ""),
    "LDQL_PHONG": ("CB,CC,VC", "TP,PTP"),
    "LDQL_SO": ("CB,CC,VC", "GD,PGD"),
    "QPAN_DT3": ("CB,CC,VC", "TINH,GD,PGD"),
    "QPAN_DT4": ("CB,CC,VC", "TP,PTP"),
    "SO_AI_CB": ("CB,CC,VC", ""),
}


def seed_audience(Program):
    """Fill the audience of the seeded programmes where a manager has not set one."""
    for code, (categories, post_levels) in AUDIENCE.items():
        Program.objects.filter(code=code, audience_categories="", audience_post_levels="").update(
            audience_categories=categories, audience_post_levels=post_levels
        )
