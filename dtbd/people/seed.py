"""The catalogues every installation needs: the 54 ethnic groups and the administrative ranks (TT 02/2021) with
common professional titles. Seeded by migration 0002; tests that flush the database (browser tests) seed again."""
from dtbd.core.text import fold

ETHNIC_GROUPS = [
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "H'Mông", "Dao", "Gia Rai", "Ê Đê", "Ba Na", "Sán Chay",
    "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai", "Mnông", "Thổ", "Stiêng", "Khơ Mú", "Bru - Vân Kiều",
    "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ Triêng", "Co", "Chơ Ro", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "La Chí",
    "Kháng", "Phù Lá", "La Hủ", "La Ha", "Pà Thẻn", "Lự", "Ngái", "Chứt", "Lô Lô", "Mảng", "Cơ Lao", "Bố Y",
    "Cống", "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
]

RANKS = [
    # code, name, kind, tier
    ("01.001", "Chuyên viên cao cấp", "NGACH", "CVCC"),
    ("01.002", "Chuyên viên chính", "NGACH", "CVC"),
    ("01.003", "Chuyên viên", "NGACH", "CV"),
    ("01.004", "Cán sự", "NGACH", "CS"),
    ("01.005", "Nhân viên", "NGACH", "NV"),
    ("04.023", "Thanh tra viên cao cấp", "NGACH", "CVCC"),
    ("04.024", "Thanh tra viên chính", "NGACH", "CVC"),
    ("04.025", "Thanh tra viên", "NGACH", "CV"),
    ("06.029", "Kế toán viên cao cấp", "NGACH", "CVCC"),
    ("06.030", "Kế toán viên chính", "NGACH", "CVC"),
    ("06.031", "Kế toán viên", "NGACH", "CV"),
    ("06.032", "Kế toán viên trung cấp", "NGACH", "CS"),
    ("06.041", "Kiểm toán viên cao cấp", "NGACH", "CVCC"),
    ("06.042", "Kiểm toán viên chính", "NGACH", "CVC"),
    ("06.043", "Kiểm toán viên", "NGACH", "CV"),
    ("V.07.01.01", "Giảng viên cao cấp (hạng I)", "CDNN", "CVCC"),
    ("V.07.01.02", "Giảng viên chính (hạng II)", "CDNN", "CVC"),
    ("V.07.01.03", "Giảng viên (hạng III)", "CDNN", "CV"),
    ("V.07.05.13", "Giáo viên trung học phổ thông hạng I", "CDNN", "CVC"),
    ("V.07.05.14", "Giáo viên trung học phổ thông hạng II", "CDNN", "CV"),
    ("V.07.05.15", "Giáo viên trung học phổ thông hạng III", "CDNN", "CV"),
    ("V.07.04.30", "Giáo viên trung học cơ sở hạng I", "CDNN", "CVC"),
    ("V.07.04.31", "Giáo viên trung học cơ sở hạng II", "CDNN", "CV"),
    ("V.07.04.32", "Giáo viên trung học cơ sở hạng III", "CDNN", "CV"),
    ("V.07.03.27", "Giáo viên tiểu học hạng I", "CDNN", "CVC"),
    ("V.07.03.28", "Giáo viên tiểu học hạng II", "CDNN", "CV"),
    ("V.07.03.29", "Giáo viên tiểu học hạng III", "CDNN", "CV"),
    ("V.08.01.01", "Bác sĩ cao cấp (hạng I)", "CDNN", "CVCC"),
    ("V.08.01.02", "Bác sĩ chính (hạng II)", "CDNN", "CVC"),
    ("V.08.01.03", "Bác sĩ (hạng III)", "CDNN", "CV"),
    ("V.08.05.11", "Điều dưỡng hạng II", "CDNN", "CVC"),
    ("V.08.05.12", "Điều dưỡng hạng III", "CDNN", "CV"),
    ("V.08.05.13", "Điều dưỡng hạng IV", "CDNN", "CS"),
    ("V.05.02.07", "Kỹ sư (hạng III)", "CDNN", "CV"),
    ("V.10.03.10", "Di sản viên hạng III", "CDNN", "CV"),
]


def seed_catalogues(Ethnicity, Rank):
    for order, name in enumerate(ETHNIC_GROUPS, start=1):
        Ethnicity.objects.update_or_create(
            name_folded=fold(name), defaults={"name": name, "is_minority": name != "Kinh", "order": order}
        )
    for code, name, kind, tier in RANKS:
        Rank.objects.update_or_create(code=code, defaults={"name": name, "kind": kind, "tier": tier})
