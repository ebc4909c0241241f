"""The downloadable import templates (don-vi.xlsx, can-bo.xlsx, nhu-cau.xlsx, danh-gia.xlsx): the header row of the spec on the first sheet, column
widths, drop-down lists for coded columns and an instructions sheet after it with every code list."""
import io

import xlsxwriter
from django.utils import translation

from dtbd.org import importing as units
from dtbd.org.models import AdminLevel, UnitKind
from dtbd.people import assessment_import as assessments
from dtbd.people import importing as staff
from dtbd.people.catalog import LEVELS, Category, Gender, PostLevel, QualificationType
from dtbd.people.models import Ethnicity, Rank, Rating
from dtbd.plans import importing as needs
from dtbd.plans.models import Priority
from dtbd.reorganisation import history_import as history
from dtbd.training.models import Program, Provider

TEMPLATES = {"don-vi": "units", "can-bo": "staff", "nhu-cau": "needs", "danh-gia": "assessments", "lich-su": "history"}
SHEET_NAMES = {"units": "Đơn vị", "staff": "Cán bộ", "needs": "Nhu cầu", "assessments": "Đánh giá",
               "history": "Quá trình"}
DATA_ROWS = 5000
HISTORY_RULES = (
    "Mỗi dòng một sự kiện đã qua, loại ghi ở cột Loại. Các dòng cùng loại của một cán bộ được xếp theo Từ ngày: "
    "dòng không có Đến ngày kéo dài đến ngày trước dòng tiếp theo; dòng mới nhất không có Đến ngày là giá trị "
    "hiện tại và phải trùng hồ sơ (hoặc là thay đổi sau ngày bắt đầu của giá trị hiện tại). Quá trình đã qua không "
    "được trùng thời gian với quá trình đã có trong hồ sơ. Đơn vị phải có hiệu lực trong suốt thời gian công tác "
    "(đơn vị đã sáp nhập, giải thể: ghi đến ngày cuối cùng của đơn vị, sau đó là đơn vị kế thừa). BOI_DUONG tạo "
    "lớp lịch sử, ghi học viên hoàn thành, chứng chỉ với số tiết (tính vào số tiết bồi dưỡng của năm cấp). "
    "Nhập lại cùng tệp không thay đổi gì."
)  # rows that get the drop-down lists


def _column_notes_units():
    return units.HEADERS, [
        (18, True, "Mã duy nhất: chữ cái không dấu, chữ số, . _ -; tối đa 30 ký tự", None),
        (40, True, "Tên đầy đủ của đơn vị", None),
        (20, False, "Mã đơn vị cấp trên (có sẵn hoặc ở dòng phía trên); để trống = đơn vị gốc", None),
        (16, True, "Loại đơn vị", UnitKind.choices),
        (14, True, "Cấp hành chính", AdminLevel.choices),
        (14, False, "Ngày đơn vị có hiệu lực, dd/mm/yyyy", "date"),
        (16, False, "Ngày hết hiệu lực (sáp nhập, giải thể); phải sau ngày hiệu lực", "date"),
    ]


def _column_notes_staff():
    def levels(qtype):
        return [(code, label) for code, (label, _o) in LEVELS[qtype].items()]

    return staff.HEADERS, [
        (14, True, "Mã cán bộ duy nhất: chữ cái không dấu, chữ số, . _ -; tối đa 30 ký tự", None),
        (28, True, "Họ và tên đầy đủ", None),
        (12, True, "dd/mm/yyyy; tuổi từ 16 đến 75 tại ngày nhập", "date"),
        (9, True, "Giới tính", Gender.choices),
        (12, True, "Tên dân tộc (54 dân tộc)", [(e, e) for e in Ethnicity.objects.values_list("name", flat=True)]),
        (15, False, "12 chữ số; chữ số 4 = thế kỷ + giới tính, chữ số 5–6 = 2 số cuối năm sinh. Nhập dạng văn bản", None),
        (14, True, "Mã đơn vị đã có trong hệ thống", None),
        (8, True, "Loại cán bộ", Category.choices),
        (12, False, "Mã ngạch / chức danh nghề nghiệp", list(Rank.objects.values_list("code", "name"))),
        (30, False, "Tên chức vụ, ví dụ: Trưởng phòng Tổ chức cán bộ", None),
        (12, False, "Cấp chức vụ; để trống = không giữ chức vụ", PostLevel.choices),
        (26, False, "Tên vị trí việc làm (tạo mới nếu chưa có)", None),
        (12, True, "Trình độ chuyên môn cao nhất", levels(QualificationType.EDUCATION)),
        (22, False, "Chuyên ngành đào tạo", None),
        (12, False, "Lý luận chính trị; để trống = chưa có", levels(QualificationType.POLITICAL)),
        (12, False, "Quản lý nhà nước; để trống = chưa có", levels(QualificationType.STATE_MGMT)),
        (14, False, "Bồi dưỡng lãnh đạo, quản lý; để trống = chưa có", levels(QualificationType.LEADERSHIP)),
        (16, False, "'<ngôn ngữ> <bậc>', bậc 1–6 hoặc A1–C2, ví dụ 'Tiếng Anh B1', 'Anh 3'", None),
        (12, False, "Tin học", levels(QualificationType.IT)),
        (12, False, "dd/mm/yyyy; không trước khi đủ 16 tuổi", "date"),
        (10, False, "Đảng viên; để trống = Không", [("CO", "Có"), ("KHONG", "Không")]),
        (12, False, "dd/mm/yyyy; chỉ khi cột Đảng viên là CO", "date"),
        (14, False, "Các cấp chức vụ quy hoạch, cách nhau bằng ';', ví dụ TP;PGD", PostLevel.choices),
        (26, False, "Địa chỉ email", None),
        (14, False, "10 chữ số bắt đầu bằng 0, hoặc +84. Nhập dạng văn bản", None),
    ]


def _column_notes_needs():
    """The needs template (dtbd.plans.importing, docs/domain.md §13.1): one row per unit request."""
    return needs.HEADERS, [
        (8, True, "Năm kế hoạch, ví dụ 2027", None),
        (14, True, "Mã đơn vị đề nghị (trong phạm vi quản lý của người nhập)", None),
        (16, True, "Mã chương trình đang áp dụng", list(Program.objects.filter(active=True).values_list("code", "name"))),
        (10, True, "Số người cần đào tạo, bồi dưỡng (số nguyên dương)", None),
        (14, False, "Cao, Trung bình hoặc Thấp; để trống = Trung bình", [(label, label) for _c, label in Priority.choices]),
        (8, False, "Quý mong muốn: 1, 2, 3 hoặc 4; để trống = không yêu cầu", [(q, f"Quý {q}") for q in range(1, 5)]),
        (40, False, "Lý do, căn cứ của đề nghị", None),
        (30, False, "Mã các cán bộ được nêu tên (nếu có), cách nhau bằng dấu phẩy; không nhiều hơn Số người", None),
    ]


def _column_notes_assessments():
    """The annual assessment template (dtbd.people.assessment_import, docs/domain.md §14.1): one row per person and
    year."""
    return assessments.HEADERS, [
        (14, True, "Mã cán bộ đã có trong hệ thống (trong phạm vi quản lý của người nhập)", None),
        (8, True, "Năm được đánh giá, từ 2000 đến năm hiện tại; mỗi người chỉ một dòng mỗi năm", None),
        (30, True, "Mã hoặc tên mức xếp loại (không phân biệt hoa thường, có dấu hay không)", Rating.choices),
        (14, False, "dd/mm/yyyy; không trước ngày 01/10 của năm được đánh giá", "date"),
        (40, False, "Ghi chú", None),
    ]


def _column_notes_history():
    """The dated history template (dtbd.reorganisation.history_import, docs/domain.md §15.6): one past fact a row,
    its kind in the column Loại; the columns a kind does not use stay empty."""
    def levels():
        return [(code, f"{QualificationType(qtype).label}: {label}") for qtype, codes in LEVELS.items()
                if qtype != QualificationType.LANGUAGE for code, (label, _o) in codes.items()]

    return history.HEADERS, [
        (14, True, "Mã cán bộ đã có trong hệ thống (trong phạm vi quản lý của người nhập)", None),
        (14, True, "Loại quá trình: DON_VI đơn vị công tác, NGACH ngạch, CHUC_VU chức vụ, VAN_BANG văn bằng, "
                   "chứng chỉ, BOI_DUONG khoá bồi dưỡng đã hoàn thành", history.FactKind.CHOICES),
        (12, True, "dd/mm/yyyy: ngày bắt đầu (VAN_BANG: ngày cấp; BOI_DUONG: ngày khai giảng); không ở tương lai", "date"),
        (12, False, "dd/mm/yyyy: ngày kết thúc; để trống = đến dòng tiếp theo cùng loại của cán bộ, hoặc đến nay "
                    "(VAN_BANG: hiệu lực đến; BOI_DUONG: bắt buộc, ngày kết thúc khoá)", "date"),
        (14, False, "DON_VI (bắt buộc), CHUC_VU (tại đơn vị): mã đơn vị có hiệu lực trong suốt thời gian", None),
        (12, False, "NGACH: mã ngạch / chức danh nghề nghiệp", list(Rank.objects.values_list("code", "name"))),
        (26, False, "CHUC_VU: tên chức vụ", None),
        (12, False, "CHUC_VU: cấp chức vụ", PostLevel.choices),
        (14, False, "VAN_BANG: loại văn bằng, chứng chỉ", QualificationType.choices),
        (16, False, "VAN_BANG: mã trình độ; ngoại ngữ ghi 'Tiếng Anh B1'", levels()),
        (22, False, "VAN_BANG: chuyên ngành", None),
        (16, False, "BOI_DUONG: mã chương trình", list(Program.objects.values_list("code", "name"))),
        (16, False, "BOI_DUONG: mã cơ sở đào tạo, bồi dưỡng", list(Provider.objects.values_list("code", "name"))),
        (16, False, "BOI_DUONG: mã lớp (tuỳ chọn; cùng mã = cùng lớp); để trống = hệ thống tự đặt", None),
        (26, False, "BOI_DUONG: tên lớp (để trống = tên chương trình)", None),
        (8, False, "BOI_DUONG: số tiết của khoá; để trống = thời lượng của chương trình", None),
        (18, False, "BOI_DUONG, VAN_BANG: số hiệu chứng chỉ (duy nhất)", None),
        (12, False, "BOI_DUONG: ngày cấp chứng chỉ; để trống = ngày kết thúc khoá", "date"),
        (20, False, "VAN_BANG: nơi cấp", None),
    ]


def build_template(kind) -> bytes:
    """The template for kind 'units', 'staff', 'needs', 'assessments' or 'history' as .xlsx bytes."""
    notes_of = {"units": _column_notes_units, "staff": _column_notes_staff, "needs": _column_notes_needs,
                "assessments": _column_notes_assessments, "history": _column_notes_history}
    with translation.override("vi"):
        headers, notes = notes_of[kind]()
        return _write(kind, headers, notes)


def _write(kind, headers, notes):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(SHEET_NAMES[kind])
    guide = book.add_worksheet("Hướng dẫn")
    head = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "top"})
    head_required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    guide.set_column(0, 0, 30)
    guide.set_column(1, 1, 16)
    guide.set_column(2, 2, 60)
    guide.write(0, 0, "Hướng dẫn nhập liệu", bold)
    guide.write(1, 0, "Dòng 1 của trang tính đầu tiên là tiêu đề: giữ nguyên tên và thứ tự cột. Dữ liệu từ dòng 2. "
                      "Ngày ghi dd/mm/yyyy hoặc định dạng ngày của Excel. Cột có mã nhận mã hoặc tên tiếng Việt. "
                      "Tệp có bất kỳ lỗi nào sẽ không được nhập; hệ thống liệt kê mọi lỗi (dòng, cột, giá trị, lý do).")
    if kind == "history":
        guide.write(2, 0, HISTORY_RULES)
    guide.write_row(3, 0, ["Cột", "Bắt buộc", "Nội dung"], bold)
    line = 4
    for index, (header, (width, required, note, _values)) in enumerate(zip(headers, notes)):
        guide.write_row(line + index, 0, [header, "có" if required else "", note], wrap)
    line += len(headers) + 1
    guide.write(line, 0, "Danh mục mã", bold)
    line += 1
    for col, (header, (width, required, note, values)) in enumerate(zip(headers, notes)):
        sheet.set_column(col, col, width, text if values is None else (date if values == "date" else None))
        sheet.write(0, col, header, head_required if required else head)
        if values in (None, "date"):
            if values == "date":
                sheet.data_validation(1, col, DATA_ROWS, col, {
                    "validate": "any", "input_title": header[:32], "input_message": note[:255]})
            continue
        guide.write(line, 0, header, bold)
        first = line + 1
        for offset, (code, label) in enumerate(values):
            guide.write_row(first + offset, 1, [str(code), str(label)])
        last = first + max(len(values) - 1, 0)
        line = last + 2
        sheet.data_validation(1, col, DATA_ROWS, col, {
            "validate": "list",
            "source": f"='Hướng dẫn'!$B${first + 1}:$B${last + 1}",
            "ignore_blank": True,
            "error_type": "warning",  # multi-value cells (Quy hoạch "TP;PGD") and labels stay possible
            "input_title": header[:32],
            "input_message": note[:255],
        })
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 32)
    book.close()
    return buffer.getvalue()
