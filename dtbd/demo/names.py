"""Vietnamese name parts for the demo province, composed "Họ Đệm Tên" (family, middle, given).

Weights are rough shares of the population (Nguyễn ≈ 38 % of Kinh people); minority groups of the northern
mountains get their own common family names, middle names and given names.
"""

# (name, weight)
KINH_FAMILY = [
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 51), ("Vũ", 39), ("Đặng", 21), ("Bùi", 20),
    ("Phan", 20), ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10), ("Đinh", 10), ("Đào", 10), ("Hà", 10),
    ("Huỳnh", 8), ("Võ", 8), ("Trịnh", 8), ("Lý", 5), ("Đoàn", 6), ("Lương", 6), ("Mai", 5), ("Cao", 5),
    ("Tạ", 4), ("Lưu", 4), ("Chu", 4), ("Phùng", 4), ("Triệu", 3), ("Tô", 3), ("Lâm", 3), ("Kiều", 2),
    ("Quách", 2), ("Vương", 2), ("La", 2), ("Khổng", 1),
]
KINH_MIDDLE = {
    "NAM": [
        ("Văn", 30), ("Đức", 10), ("Minh", 10), ("Quang", 7), ("Hữu", 7), ("Xuân", 6), ("Thanh", 5), ("Công", 5),
        ("Quốc", 4), ("Tiến", 4), ("Ngọc", 4), ("Đình", 4), ("Mạnh", 3), ("Trung", 3), ("Anh", 3), ("Thế", 3),
        ("Hồng", 2), ("Việt", 2), ("Trọng", 2), ("Duy", 2),
    ],
    "NU": [
        ("Thị", 45), ("Ngọc", 8), ("Thu", 8), ("Thanh", 7), ("Hồng", 6), ("Minh", 5), ("Kim", 4), ("Thúy", 3),
        ("Phương", 3), ("Bích", 2), ("Mai", 2), ("Hải", 2), ("Diệu", 2), ("Khánh", 2), ("Lan", 2), ("Hà", 2),
    ],
}
# A second middle name for some women: "Phạm Thị Hồng Nhung".
SECOND_MIDDLE_NU = ["Thu", "Hồng", "Thanh", "Minh", "Ngọc", "Kim", "Phương", "Bích", "Hải", "Thúy"]
KINH_GIVEN = {
    "NAM": [
        "An", "Anh", "Bách", "Bảo", "Bình", "Chiến", "Công", "Cường", "Đạt", "Định", "Đông", "Dũng", "Dương", "Duy",
        "Giang", "Hà", "Hải", "Hào", "Hiển", "Hiếu", "Hòa", "Hoàng", "Huy", "Hùng", "Hưng", "Khang", "Khánh", "Khoa",
        "Kiên", "Lâm", "Linh", "Lộc", "Long", "Luân", "Mạnh", "Minh", "Nam", "Nghĩa", "Ngọc", "Nhân", "Phong",
        "Phúc", "Phương", "Quân", "Quang", "Quý", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thiện", "Thịnh", "Thông",
        "Tiến", "Toàn", "Trung", "Trường", "Tú", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ",
    ],
    "NU": [
        "An", "Anh", "Bích", "Châm", "Chi", "Cúc", "Diệp", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
        "Hoa", "Hòa", "Huế", "Hương", "Hường", "Huyền", "Lan", "Liên", "Liễu", "Linh", "Loan", "Ly", "Mai", "Minh",
        "My", "Nga", "Ngân", "Ngọc", "Nguyệt", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thanh",
        "Thơ", "Thủy", "Thúy", "Trang", "Trinh", "Tuyết", "Vân", "Xuân", "Yến",
    ],
}

TAY_NUNG_FAMILY = [
    ("Hoàng", 15), ("Nông", 12), ("Ma", 10), ("Nguyễn", 8), ("Lý", 6), ("Quan", 6), ("Hà", 6), ("Lộc", 5),
    ("Lương", 4), ("Triệu", 4), ("Chu", 4), ("Sầm", 3), ("Vi", 3), ("Đàm", 3), ("Lục", 3), ("Dương", 3),
    ("Mông", 2), ("Hứa", 2), ("Vương", 2), ("Âu", 2),
]
TAY_NUNG_MIDDLE = {
    "NAM": [("Văn", 40), ("Đức", 8), ("Xuân", 6), ("Minh", 6), ("Quốc", 4), ("Đình", 4), ("Thế", 3), ("Hữu", 3)],
    "NU": [("Thị", 60), ("Thu", 6), ("Hồng", 5), ("Kim", 4), ("Thanh", 4), ("Ngọc", 3)],
}

HMONG_FAMILY = [
    ("Giàng", 15), ("Sùng", 12), ("Vàng", 12), ("Thào", 10), ("Lý", 8), ("Hầu", 6), ("Mua", 6), ("Ly", 5),
    ("Lầu", 4), ("Mã", 3), ("Hạng", 3), ("Chảo", 2), ("Cứ", 2),
]
HMONG_MIDDLE = {
    "NAM": [("Seo", 25), ("Mí", 20), ("Văn", 20), ("A", 10), ("Chẩn", 5), ("Mìn", 5)],
    "NU": [("Thị", 70), ("Mỷ", 5)],
}
HMONG_GIVEN = {
    "NAM": ["Páo", "Chứ", "Dình", "Sính", "Lử", "Chúng", "Pó", "Vần", "Sử", "Chía", "Dủng", "Minh", "Hùng", "Tráng",
            "Pháng", "Chơ", "Xà", "Tủa", "Giàng", "Lềnh"],
    "NU": ["Mỷ", "Dợ", "Sua", "Say", "Máy", "Pà", "Mai", "Dung", "Chi", "Già", "Ly", "Súa", "Chở", "Dính", "Sinh"],
}

DAO_FAMILY = [
    ("Triệu", 20), ("Bàn", 15), ("Đặng", 12), ("Lý", 10), ("Phùng", 8), ("Chảo", 5), ("Tẩn", 4), ("Hoàng", 4),
    ("Trương", 3), ("Sìn", 2),
]
DAO_MIDDLE = {
    "NAM": [("Văn", 40), ("Tiến", 10), ("Kim", 8), ("Đức", 6), ("Vần", 4)],
    "NU": [("Thị", 60), ("Kim", 6), ("Mùi", 3)],
}
DAO_GIVEN = {
    "NAM": ["Quẩy", "Sành", "Kiêm", "Tả", "Chòi", "Phin", "Vần", "Quý", "Tài", "Lộc", "Thắng", "Hùng", "Sinh",
            "Phú", "Tiến", "Kiều", "Chiêu", "Trình"],
    "NU": ["Mẩy", "Lai", "Phấy", "Chài", "Kiều", "Hương", "Mai", "Nhung", "Dung", "Liên", "Thu", "Xuân"],
}

# Ethnic group (as seeded in people.Ethnicity) -> name style.
NAME_STYLE = {
    "Kinh": "kinh", "Tày": "tay", "Nùng": "tay", "Sán Chay": "tay", "Giáy": "tay", "Thái": "tay", "Mường": "kinh",
    "Hoa": "kinh", "Sán Dìu": "kinh", "Pà Thẻn": "tay", "Lô Lô": "hmong", "Bố Y": "tay", "Pu Péo": "hmong",
    "Phù Lá": "hmong", "Cơ Lao": "hmong", "La Chí": "tay", "H'Mông": "hmong", "Dao": "dao",
}
STYLES = {
    "kinh": (KINH_FAMILY, KINH_MIDDLE, KINH_GIVEN),
    "tay": (TAY_NUNG_FAMILY, TAY_NUNG_MIDDLE, KINH_GIVEN),
    "hmong": (HMONG_FAMILY, HMONG_MIDDLE, HMONG_GIVEN),
    "dao": (DAO_FAMILY, DAO_MIDDLE, DAO_GIVEN),
}

# Minority groups of Tuyên Quang / former Hà Giang, with rough weights among minority staff.
MINORITIES = [
    ("Tày", 38), ("Dao", 18), ("H'Mông", 16), ("Nùng", 9), ("Sán Chay", 5), ("Giáy", 3), ("Mường", 2),
    ("Hoa", 2), ("Sán Dìu", 2), ("Pà Thẻn", 1), ("Lô Lô", 1), ("Bố Y", 1), ("Phù Lá", 1), ("Cơ Lao", 1),
]
