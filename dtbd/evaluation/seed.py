"""The ministry's default survey template of learners and the rule in force, as data (Circular 10/2017/TT-BNV on the
evaluation of the quality of fostering cadres, civil servants and public employees, in force from 15/02/2018):
items scored 1–10 by object evaluated, free-text questions, a form with more than 5 % of its scored items unanswered
invalid, the index bands < 2 kém, < 4 yếu, < 6 trung bình, < 8 khá, ≥ 8 tốt.

`seed_defaults` is run by the app's data migration and may be run again (it adds only what is missing)."""
import datetime
from decimal import Decimal

LEGAL_BASIS = "Thông tư số 10/2017/TT-BNV ngày 29/12/2017 của Bộ Nội vụ"
IN_FORCE = datetime.date(2018, 2, 15)
DEFAULT_CODE = "TT10-2017"

# (subject, title, [(code, text, kind)]) — kind "SCORE" (1–10) or "TEXT".
DEFAULT_TEMPLATE = [
    ("PROGRAMME", "Chương trình, tài liệu", [
        ("CT1", "Mục tiêu khoá học rõ ràng, phù hợp với yêu cầu của vị trí việc làm", "SCORE"),
        ("CT2", "Nội dung chương trình phù hợp với mục tiêu và đối tượng học viên", "SCORE"),
        ("CT3", "Nội dung được cập nhật, gắn với thực tiễn công tác", "SCORE"),
        ("CT4", "Cấu trúc chương trình, thời lượng các chuyên đề hợp lý", "SCORE"),
        ("CT5", "Tài liệu học tập đầy đủ, có chất lượng, được cung cấp kịp thời", "SCORE"),
        ("CT6", "Nội dung nên bổ sung hoặc lược bớt", "TEXT"),
    ]),
    ("LECTURER", "Giảng viên, báo cáo viên", [
        ("GV1", "Nắm vững kiến thức chuyên môn của chuyên đề", "SCORE"),
        ("GV2", "Liên hệ thực tiễn, hướng dẫn xử lý tình huống", "SCORE"),
        ("GV3", "Phương pháp giảng dạy phát huy tính tích cực của học viên", "SCORE"),
        ("GV4", "Trình bày rõ ràng, dễ hiểu, sử dụng tốt phương tiện giảng dạy", "SCORE"),
        ("GV5", "Bảo đảm thời gian, kế hoạch giảng dạy", "SCORE"),
        ("GV6", "Tác phong, thái độ sư phạm", "SCORE"),
    ]),
    ("FACILITIES", "Cơ sở vật chất, phục vụ", [
        ("VC1", "Phòng học, trang thiết bị giảng dạy đáp ứng yêu cầu", "SCORE"),
        ("VC2", "Thư viện, tài liệu tham khảo, hạ tầng học trực tuyến", "SCORE"),
        ("VC3", "Nơi ăn, nghỉ và các dịch vụ phục vụ học viên", "SCORE"),
    ]),
    ("ORGANISATION", "Tổ chức, quản lý lớp", [
        ("TC1", "Kế hoạch, lịch học được thông báo rõ ràng, kịp thời", "SCORE"),
        ("TC2", "Công tác quản lý lớp, hỗ trợ học viên", "SCORE"),
        ("TC3", "Kiểm tra, đánh giá kết quả học tập khách quan, công bằng", "SCORE"),
    ]),
    ("COURSE", "Đánh giá chung khoá học", [
        ("KH1", "Khoá học đáp ứng nhu cầu, mong đợi của học viên", "SCORE"),
        ("KH2", "Kiến thức, kỹ năng thu được áp dụng được vào công việc", "SCORE"),
        ("KH3", "Mức độ hài lòng chung về khoá học", "SCORE"),
        ("KH4", "Điểm cần phát huy và cần cải tiến của khoá học", "TEXT"),
        ("KH5", "Đề xuất, kiến nghị khác", "TEXT"),
    ]),
]


def seed_defaults(Rule=None, Template=None, Group=None, Item=None):
    """Create the rule of 15/02/2018 and version 1 of the default template when missing. The model classes may be
    given (a migration's historical models); by default the app's."""
    if Rule is None:  # the app's models: imported here, the migration passes its historical ones
        from .models import Group, Item, Rule, Template
    Rule.objects.get_or_create(
        valid_from=IN_FORCE,
        defaults=dict(invalid_unanswered_pct=Decimal(5), weak_from=Decimal(2), average_from=Decimal(4),
                      fair_from=Decimal(6), good_from=Decimal(8), legal_basis=LEGAL_BASIS),
    )
    template, created = Template.objects.get_or_create(
        code=DEFAULT_CODE, version=1,
        defaults=dict(name="Phiếu khảo sát học viên về khoá bồi dưỡng (mẫu mặc định)", valid_from=IN_FORCE,
                      legal_basis=LEGAL_BASIS),
    )
    if not created:
        return template
    for order, (subject, title, items) in enumerate(DEFAULT_TEMPLATE, start=1):
        group = Group.objects.create(template=template, subject=subject, order=order, title=title)
        Item.objects.bulk_create([Item(group=group, code=code, order=i, text=text, kind=kind)
                                  for i, (code, text, kind) in enumerate(items, start=1)])
    return template
