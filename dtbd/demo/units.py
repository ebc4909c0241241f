"""The demo province's organisation: Tuyên Quang and Hà Giang until 30 June 2025, each with its departments and
district level; Tuyên Quang after the 1 July 2025 merger (Resolution 202/2025/QH15) and the end of the district level
(Law 72/2025/QH15), both carried out by the reorganisation operations (docs/domain.md §15).

Departments carry a `sector`, which picks the majors, job positions and professional titles of their staff.
"""
import datetime

PROVINCE_CODE = "TQ"
PROVINCE_NAME = "Tuyên Quang"
ROOT_NAME = f"UBND tỉnh {PROVINCE_NAME}"
MAIL_DOMAIN = "tuyenquang.gov.vn"
EDU_MAIL_DOMAIN = "tuyenquang.edu.vn"
MERGER_DAY = datetime.date(2025, 7, 1)
HUYEN_LAST_DAY = datetime.date(2025, 6, 30)

# Hà Giang until 30 June 2025: its departments and offices merge into Tuyên Quang's of the same name, its public-service
# units named after a place of Hà Giang move under Tuyên Quang's departments (successor units from 1 July 2025).
FORMER_CODE = "HG"
FORMER_NAME = "Hà Giang"
FORMER_ROOT_NAME = f"UBND tỉnh {FORMER_NAME}"
FORMER_DISTRICTS = {"Vị Xuyên", "Bắc Quang", "Hoàng Su Phì", "Đồng Văn", "Mèo Vạc", "Quản Bạ", "Yên Minh", "Xín Mần",
                    "Bắc Mê", "Quang Bình"}
FORMER_DIRECT = {"BPTTH": "Báo và Phát thanh, Truyền hình Hà Giang", "BQLDA": "Ban Quản lý dự án đầu tư xây dựng tỉnh"}
FORMER_SHARE = 0.45  # of the staff without a post of the offices and services both provinces had, Hà Giang's
# The basis of the two operations (Operation.note, and the decision number of the placements they open).
MERGER_BASIS = "Nghị quyết 202/2025/QH15"
ABOLITION_BASIS = "Luật 72/2025/QH15"

# code, name, (head title, deputy title), sector, offices [(name, kind)], fixed public-service units [name]
DEPARTMENTS = [
    ("VPUB", "Văn phòng UBND tỉnh", ("Chánh Văn phòng", "Phó Chánh Văn phòng"), "admin",
     ["Phòng Tổng hợp", "Phòng Kinh tế", "Phòng Khoa giáo - Văn xã", "Phòng Nội chính", "Phòng Hành chính - Tổ chức"],
     ["Trung tâm Phục vụ hành chính công tỉnh", "Trung tâm Thông tin - Công báo"]),
    ("SNV", "Sở Nội vụ", ("Giám đốc", "Phó Giám đốc"), "home",
     ["Văn phòng Sở", "Phòng Tổ chức, biên chế và tổ chức phi chính phủ", "Phòng Công chức, viên chức",
      "Phòng Xây dựng chính quyền và công tác thanh niên", "Phòng Lao động - Việc làm và Bảo hiểm xã hội",
      "Chi cục Văn thư - Lưu trữ"],
     ["Trung tâm Dịch vụ việc làm"]),
    ("STC", "Sở Tài chính", ("Giám đốc", "Phó Giám đốc"), "finance",
     ["Văn phòng Sở", "Phòng Quản lý ngân sách", "Phòng Quản lý giá và công sản", "Phòng Tài chính doanh nghiệp",
      "Phòng Quản lý đầu tư", "Phòng Đăng ký kinh doanh"],
     ["Trung tâm Hỗ trợ doanh nghiệp"]),
    ("STP", "Sở Tư pháp", ("Giám đốc", "Phó Giám đốc"), "justice",
     ["Văn phòng Sở", "Phòng Xây dựng, kiểm tra và thi hành pháp luật", "Phòng Hành chính tư pháp",
      "Phòng Bổ trợ tư pháp"],
     ["Trung tâm Trợ giúp pháp lý nhà nước", "Phòng Công chứng số 1"]),
    ("SCT", "Sở Công Thương", ("Giám đốc", "Phó Giám đốc"), "economy",
     ["Văn phòng Sở", "Phòng Quản lý thương mại", "Phòng Quản lý công nghiệp", "Phòng Quản lý năng lượng",
      "Chi cục Quản lý thị trường"],
     ["Trung tâm Khuyến công và Xúc tiến thương mại"]),
    ("SXD", "Sở Xây dựng", ("Giám đốc", "Phó Giám đốc"), "building",
     ["Văn phòng Sở", "Phòng Quy hoạch - Kiến trúc", "Phòng Quản lý hạ tầng kỹ thuật", "Phòng Quản lý vận tải",
      "Phòng Quản lý chất lượng công trình"],
     ["Trung tâm Đăng kiểm xe cơ giới", "Ban Quản lý bảo trì đường bộ"]),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", ("Giám đốc", "Phó Giám đốc"), "agri",
     ["Văn phòng Sở", "Phòng Kế hoạch - Tài chính", "Phòng Quản lý đất đai", "Chi cục Kiểm lâm",
      "Chi cục Thủy lợi", "Chi cục Trồng trọt và Bảo vệ thực vật"],
     ["Trung tâm Khuyến nông", "Văn phòng Đăng ký đất đai", "Trung tâm Quan trắc tài nguyên và môi trường"]),
    ("SGDDT", "Sở Giáo dục và Đào tạo", ("Giám đốc", "Phó Giám đốc"), "education",
     ["Văn phòng Sở", "Phòng Giáo dục Mầm non và Giáo dục phổ thông",
      "Phòng Giáo dục nghề nghiệp và Giáo dục thường xuyên", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính",
      "Phòng Khảo thí và Kiểm định chất lượng"],
     []),
    ("SYT", "Sở Y tế", ("Giám đốc", "Phó Giám đốc"), "health",
     ["Văn phòng Sở", "Phòng Nghiệp vụ Y", "Phòng Nghiệp vụ Dược", "Phòng Tổ chức cán bộ", "Chi cục Dân số",
      "Chi cục An toàn vệ sinh thực phẩm"],
     []),
    ("SKHCN", "Sở Khoa học và Công nghệ", ("Giám đốc", "Phó Giám đốc"), "science",
     ["Văn phòng Sở", "Phòng Quản lý khoa học", "Phòng Chuyển đổi số", "Phòng Bưu chính - Viễn thông"],
     ["Trung tâm Ứng dụng tiến bộ khoa học và công nghệ"]),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", ("Giám đốc", "Phó Giám đốc"), "culture",
     ["Văn phòng Sở", "Phòng Quản lý văn hóa", "Phòng Quản lý thể dục thể thao", "Phòng Quản lý du lịch",
      "Phòng Báo chí, xuất bản"],
     ["Bảo tàng tỉnh", "Thư viện tỉnh", "Trung tâm Văn hóa nghệ thuật tỉnh",
      "Ban Quản lý Công viên địa chất toàn cầu UNESCO Cao nguyên đá Đồng Văn"]),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", ("Giám đốc", "Phó Giám đốc"), "ethnic",
     ["Văn phòng Sở", "Phòng Chính sách dân tộc", "Phòng Tôn giáo", "Phòng Kế hoạch - Tổng hợp"],
     []),
    ("SNGV", "Sở Ngoại vụ", ("Giám đốc", "Phó Giám đốc"), "foreign",
     ["Văn phòng Sở", "Phòng Lãnh sự - Biên giới", "Phòng Hợp tác quốc tế"],
     []),
    ("TTR", "Thanh tra tỉnh", ("Chánh Thanh tra", "Phó Chánh Thanh tra"), "inspection",
     ["Văn phòng", "Phòng Thanh tra 1", "Phòng Thanh tra 2", "Phòng Tiếp công dân và Xử lý đơn thư",
      "Phòng Phòng, chống tham nhũng"],
     []),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp tỉnh", ("Trưởng ban", "Phó Trưởng ban"), "economy",
     ["Văn phòng", "Phòng Quản lý đầu tư", "Phòng Quản lý quy hoạch và môi trường"],
     []),
]

# Public-service units directly under the provincial People's Committee: code, name, sector.
DIRECT_DVSN = [
    ("BPTTH", "Báo và Phát thanh, Truyền hình Tuyên Quang", "culture"),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng tỉnh", "building"),
    ("CDTQ", "Trường Cao đẳng Tuyên Quang", "college"),
]

SCHOOL_OF_POLITICS = ("TCT", "Trường Chính trị tỉnh Tuyên Quang")
SCHOOL_OF_POLITICS_UNITS = [
    "Phòng Tổ chức - Hành chính", "Phòng Quản lý đào tạo và Nghiên cứu khoa học", "Khoa Lý luận cơ sở",
    "Khoa Nhà nước và pháp luật", "Khoa Xây dựng Đảng", "Khoa Dân vận",
]

# Former districts (abolished 1 July 2025) of Tuyên Quang and Hà Giang.
DISTRICTS = [
    "Yên Sơn", "Vị Xuyên", "Sơn Dương", "Bắc Quang", "Hàm Yên", "Hoàng Su Phì", "Chiêm Hóa", "Đồng Văn",
    "Na Hang", "Mèo Vạc", "Lâm Bình", "Quản Bạ", "Yên Minh", "Xín Mần", "Bắc Mê", "Quang Bình",
]
DISTRICT_OFFICES = ["Phòng Nội vụ", "Phòng Tài chính - Kế hoạch"]

WARDS = ["Mỹ Lâm", "Minh Xuân", "Nông Tiến", "An Tường", "Bình Thuận", "Hà Giang 1", "Hà Giang 2"]
COMMUNES = [
    "Yên Sơn", "Vị Xuyên", "Sơn Dương", "Bắc Quang", "Hàm Yên", "Hoàng Su Phì", "Chiêm Hóa", "Đồng Văn",
    "Na Hang", "Mèo Vạc", "Lâm Bình", "Quản Bạ", "Yên Minh", "Xín Mần", "Bắc Mê", "Quang Bình", "Tân Trào",
    "Lũng Cú", "Kim Bình", "Thái Bình", "Tùng Bá", "Phù Lưu", "Thượng Lâm", "Sà Phìn", "Hòa An", "Nhữ Khê",
    "Việt Lâm", "Tân Mỹ", "Du Già", "Đông Thọ", "Yên Thành", "Lực Hành", "Nghĩa Thuận", "Bạch Xa", "Phố Bảng",
    "Minh Quang", "Thanh Thủy", "Hồng Sơn", "Xuân Giang", "Khâu Vai", "Yên Lập", "Tân Long", "Cán Tỷ",
    "Thái Sơn", "Vĩnh Tuy", "Trung Sơn", "Sơn Vĩ", "Tân An", "Linh Hồ", "Phú Lương", "Bằng Lang", "Thắng Mố",
    "Bình An", "Đồng Tâm", "Kiến Thiết", "Pà Vầy Sủ", "Yên Phú", "Minh Tân", "Trường Sinh", "Sủng Máng",
    "Hùng Lợi", "Thông Nguyên", "Minh Thanh", "Côn Lôn", "Lao Chải", "Yên Cường", "Bình Xa", "Tát Ngà",
    "Tân Thanh", "Đồng Yên", "Thượng Nông", "Pờ Ly Ngài", "Trung Hà", "Lùng Tám", "Hợp Thành", "Tiên Nguyên",
    "Mậu Duệ", "Thái Hòa", "Cao Bồ", "Yên Hoa", "Nấm Dẩn", "Xuân Vân", "Minh Ngọc", "Liên Hiệp", "Niêm Sơn",
    "Kiên Đài", "Thuận Hòa", "Bình Ca", "Tân Quang", "Hồng Thái", "Khuôn Lùng", "Ngọc Long", "Sơn Thủy",
    "Bạch Ngọc", "Tân Tiến", "Đường Thượng", "Hùng An", "Thượng Sơn", "Lũng Phìn", "Trung Thịnh", "Yên Nguyên",
    "Bằng Hành", "Đường Hồng", "Tùng Vài", "Bản Máy", "Phú Linh", "Tri Phú", "Nà Chì", "Sơn Phú", "Tiên Yên",
    "Hồ Thầu", "Bạch Đích", "Minh Sơn", "Nậm Dịch", "Giáp Trung", "Pải Lủng", "Thàng Tín", "Ngọc Đường",
    "Tân Trịnh", "Mậu Long", "Phú Thịnh",
]
MAX_COMMUNES = 124

# Titles of leadership posts by kind of unit: (head, deputy).
COMMUNE_POSTS = [("Chủ tịch UBND xã", "GD"), ("Phó Chủ tịch UBND xã", "PGD"),
                 ("Chánh Văn phòng HĐND và UBND", "TP"), ("Trưởng phòng Kinh tế", "TP"),
                 ("Trưởng phòng Văn hóa - Xã hội", "TP"), ("Phó Chánh Văn phòng HĐND và UBND", "PTP"),
                 ("Phó Trưởng phòng Kinh tế", "PTP"), ("Phó Trưởng phòng Văn hóa - Xã hội", "PTP")]
