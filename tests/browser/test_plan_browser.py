"""Annual plan acceptance (docs/domain.md §13): in Debian's Chromium, a unit officer sends the unit's needs (a request
on the form, a file uploaded through the import page, a bad file refused whole); the province manager collects the
review's needs, draws up next year's plan, has the optimiser propose its lines, accepts them, submits and approves
the plan, opens a class from a line; once that class is completed the execution view counts it."""
import re
from types import SimpleNamespace

import pytest
import xlsxwriter
from django.utils import timezone
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from dtbd.accounts.models import Role
from dtbd.accounts.testing import make_user
from dtbd.people.testing import make_person
from dtbd.plans import importing
from dtbd.plans.models import Need, NeedRequest, Plan
from dtbd.training.models import Enrollment, Program, TrainingClass

pytestmark = [pytest.mark.browser]


@pytest.fixture
def world(transactional_db, tree):
    """Five deputy heads of office of Sở Nội vụ lacking the LLCT (Trung cấp) their post requires (the seeded standard
    POST_LLCT; they hold the leadership certificate, so that is their only gap), two staff members the officer names
    in requests, someone of another department (Sở Tài chính), an officer of Sở Nội vụ and the province manager."""
    leaders = [
        make_person(tree.phong_a, code=f"PTP{i}", full_name=f"Phó Trưởng Phòng {i}", post_level="PTP",
                    qualifications=[("LDQL", "CAP_PHONG")])
        for i in range(1, 6)
    ]
    named = make_person(tree.so_a, code="NV01", full_name="Trần Văn Nêu")
    uploaded = make_person(tree.phong_a, code="NV02", full_name="Lê Thị Tải")
    other = make_person(tree.so_b, code="B001", full_name="Đỗ Văn Ngoài")
    make_user("donvi", Role.UNIT_OFFICER, scope_unit=tree.so_a, password="demo12345")
    make_user("tinh", Role.PROVINCE, password="demo12345")
    return SimpleNamespace(tree=tree, leaders=leaders, named=named, uploaded=uploaded, other=other)


def _xlsx(path, rows):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Nhu cầu")
    for r, row in enumerate([list(importing.HEADERS), *rows]):
        sheet.write_row(r, 0, row)
    book.close()
    return path


def _accept_confirms(page):
    # Forms with data-confirm ask window.confirm (static/dtbd/app.js); the user says yes.
    page.on("dialog", lambda dialog: dialog.accept())


def _cell(row, n):
    return row.locator("td").nth(n)


def test_needs_to_plan_to_execution(browser_login, live_server, world, tmp_path, media_root):
    tree = world.tree
    today = timezone.localdate()
    year = today.year + 1  # plans are drawn up the year before (services.needs.default_year)

    # ---- 1a. The unit officer asks for a programme on the form, naming one of their people, and sends it.
    context, page = browser_login("donvi")
    _accept_confirms(page)
    page.goto("/ke-hoach/de-nghi/")
    page.get_by_role("link", name="Thêm đề nghị").click()
    page.get_by_label("Năm kế hoạch").fill(str(year))
    page.get_by_label("Đơn vị đề nghị").select_option(label=f"SO_A — {tree.so_a.name}")
    page.get_by_label("Chương trình").select_option(value=str(Program.objects.get(code="SO_AI_CB").pk))
    page.get_by_label("Số người").fill("3")
    page.get_by_label("Mức ưu tiên").select_option(label="Cao")
    page.get_by_label("Lý do, căn cứ").fill("Triển khai chuyển đổi số trong cơ quan.")
    page.get_by_label("Mã cán bộ được nêu tên").fill("NV01")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu đề nghị (đang soạn)")).to_be_visible()
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.get_by_text("Đã gửi đề nghị; cán bộ được nêu tên đã vào sổ nhu cầu.")).to_be_visible()
    expect(page.get_by_text("Trần Văn Nêu")).to_be_visible()

    # ---- 1b. By upload: the template from the import page, a file with its headers, preview, confirm.
    page.goto("/nhap-lieu/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải mẫu nhu-cau.xlsx").click()
    template = tmp_path / info.value.suggested_filename
    info.value.save_as(template)
    assert template.name == "nhu-cau.xlsx"
    headers = CalamineWorkbook.from_path(str(template)).get_sheet_by_index(0).to_python()[0]
    assert tuple(headers[: len(importing.HEADERS)]) == importing.HEADERS

    upload_form = page.locator("form[action*='nhu-cau']")

    # A bad file first: row 2 asks for another department; row 3 has quarter 5 and names someone of another
    # department. Refused whole, every error with its row and column.
    bad = _xlsx(tmp_path / "nhu-cau-loi.xlsx", [
        [year, "SO_B", "QLNN_CV", 4, "Cao", 2, "", ""],
        [year, "SO_A", "QLNN_CVC", 2, "Thấp", 5, "", "B001"],
    ])
    upload_form.locator("input[type=file]").set_input_files(bad)
    upload_form.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.get_by_text("Tệp có 3 lỗi: không có dữ liệu nào được ghi.")).to_be_visible()
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(3)
    for row, (line, column, message) in enumerate([
        ("2", "Mã đơn vị", "Không có đơn vị mã SO_B trong phạm vi quản lý của bạn."),
        ("3", "Quý", "Quý phải là 1, 2, 3 hoặc 4 (để trống nếu không yêu cầu)."),
        ("3", "Mã cán bộ", "Không có cán bộ mã B001 trong phạm vi quản lý của bạn."),
    ]):
        expect(_cell(errors.nth(row), 0)).to_have_text(line)
        expect(_cell(errors.nth(row), 1)).to_have_text(column)
        expect(_cell(errors.nth(row), 3)).to_have_text(message)
    expect(page.get_by_role("button", name="Xác nhận nhập dữ liệu")).to_have_count(0)
    assert NeedRequest.objects.filter(source=NeedRequest.Source.UPLOAD).count() == 0

    good = _xlsx(tmp_path / "nhu-cau-so-noi-vu.xlsx", [
        [year, "SO_A", "QLNN_CV", 2, "Trung bình", 2, "Công chức mới tuyển dụng", "NV02, PTP1"],
        [year, "SO_A.P1", "QPAN_DT4", 1, "Thấp", "", "", ""],
    ])
    page.get_by_role("link", name="Tải tệp khác").click()
    upload_form.locator("input[type=file]").set_input_files(good)
    upload_form.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.get_by_text("Tệp hợp lệ.")).to_be_visible()
    preview = page.locator("#import-preview tbody")
    expect(preview.locator("tr")).to_have_count(2)
    expect(preview).to_contain_text(f"{year} · SO_A · QLNN_CV")
    page.get_by_role("button", name="Xác nhận nhập dữ liệu").click()
    expect(page.locator("#job-status")).to_contain_text("Hoàn thành")
    page.goto(f"/ke-hoach/de-nghi/?year={year}")
    rows = page.locator("table.data tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="QLNN_CV")).to_contain_text("Tải tệp Excel")
    expect(rows.filter(has_text="QPAN_DT4")).to_contain_text("Đã gửi")
    expect(rows.filter(has_text="SO_AI_CB")).to_contain_text("Nhập trên màn hình")
    expect(rows.filter(has_text="Sở Tài chính")).to_have_count(0)  # nothing of the bad file
    context.close()

    # ---- 2. The province manager collects the review's needs, draws up the plan and has the optimiser fill it.
    context, page = browser_login("tinh")
    _accept_confirms(page)
    page.goto("/ke-hoach/nhu-cau/")
    page.get_by_text("Tổng hợp nhu cầu từ rà soát tiêu chuẩn").click()
    page.get_by_label("Năm kế hoạch").fill(str(year))
    page.get_by_label("Đơn vị (cả các đơn vị trực thuộc)").select_option(label=f"T01 — {tree.root.name}")
    page.get_by_role("button", name="Tổng hợp", exact=True).click()
    expect(page.get_by_text(f"Đã tổng hợp nhu cầu năm {year}")).to_contain_text("5 thêm mới")
    by_programme = page.locator("section.card").filter(has_text="Theo chương trình").locator("tbody")
    expect(by_programme.locator("tr").filter(has_text="LLCT_TC")).to_contain_text("5")
    expect(by_programme.locator("tr").filter(has_text="QLNN_CV")).to_contain_text("2")

    page.goto("/ke-hoach/")
    page.get_by_role("link", name="Lập kế hoạch").click()
    page.get_by_label("Đơn vị").select_option(label=f"{tree.root.name} (T01)")
    page.get_by_label("Năm kế hoạch").fill(str(year))
    page.get_by_label("Tên kế hoạch").fill(f"Kế hoạch đào tạo, bồi dưỡng năm {year}")
    page.get_by_label("Tổng kinh phí được giao (đồng)").fill("400000000")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lập kế hoạch")).to_be_visible()
    plan = Plan.objects.get(year=year, unit=tree.root)

    page.get_by_role("link", name="Đề xuất từ nhu cầu (tối ưu)").click()
    expect(page.get_by_text(f"Kế hoạch năm {year} có 8 nhu cầu chưa được đáp ứng")).to_be_visible()
    page.get_by_label("Tổng kinh phí tối đa (đồng)").fill("400000000")
    page.get_by_label("Số học viên tối đa một lớp").fill("10")
    page.get_by_label("Số học viên tối thiểu để mở lớp").fill("2")
    page.get_by_label("Thời gian tìm phương án tối đa (giây)").fill("5")
    page.get_by_role("button", name="Tính đề xuất").click()
    status = page.locator("#job-status")
    expect(status).to_contain_text("Hoàn thành", timeout=30_000)
    expect(status.locator("progress")).to_have_attribute("value", "100")
    status.get_by_role("link", name="Xem trang liên quan").click()
    page.wait_for_url("**/ke-hoach/de-xuat/*/")

    facts = page.locator("dl.fields")
    expect(facts).to_contain_text("Phương án tối ưu")
    # 5 LLCT (review) + 2 QLNN (uploaded, named) met; the one SO_AI need (the form's named person) cannot fill a
    # class of at least 2; the QPAN request named nobody, so it made no need.
    expect(facts).to_contain_text("7 / 8")
    proposed = page.locator("section.card").filter(has_text="Lớp đề xuất mở").locator("tbody tr")
    expect(proposed).to_have_count(2)
    llct = proposed.filter(has_text="LLCT_TC")
    expect(_cell(llct, 3)).to_have_text("1")
    expect(_cell(llct, 4).locator("summary")).to_have_text("5")  # the count; the learners proposed unfold below it
    expect(_cell(llct, 4)).to_contain_text("PTP1")
    expect(_cell(llct, 5)).to_have_text("295.000.000")  # 20 tr. + 1.000 tiết × 150.000 + 5 × 125 ngày × 200.000
    expect(facts).to_contain_text("363.000.000 đồng / 400.000.000 đồng")
    unmet = page.locator("section.card").filter(has_text="Nhu cầu chưa được đáp ứng").locator("tbody")
    expect(unmet).to_contain_text("SO_AI_CB")
    expect(unmet).to_contain_text("không đủ kinh phí hoặc không đủ số học viên tối thiểu để mở lớp")

    page.get_by_role("button", name="Chấp nhận vào dự thảo kế hoạch").click()
    expect(page.get_by_text("Đã thêm 2 dòng đề xuất vào kế hoạch")).to_be_visible()
    lines = page.locator("table.plan-lines tbody tr")
    expect(lines).to_have_count(2)
    llct_line = lines.filter(has_text="LLCT_TC")
    expect(llct_line).to_contain_text("Trường Chính trị tỉnh")
    expect(_cell(llct_line, 3)).to_have_text("5")
    expect(page.locator("table.plan-lines tfoot")).to_contain_text("363.000.000 đồng")
    assert Need.objects.filter(line__program__code="LLCT_TC", year=year).count() == 5

    page.get_by_role("button", name="Trình phê duyệt").click()
    expect(page.get_by_text("Kế hoạch đã chuyển sang “Đã trình”")).to_be_visible()
    page.get_by_label("Số quyết định phê duyệt").fill("123/QĐ-UBND")
    page.get_by_label("Ngày phê duyệt").fill(today.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Phê duyệt", exact=True).click()
    expect(page.get_by_text("Kế hoạch đã chuyển sang “Đã phê duyệt”")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Đã phê duyệt")
    expect(page.locator("dl.fields")).to_contain_text(f"Quyết định số 123/QĐ-UBND ngày {today:%d/%m/%Y}")

    # ---- 3. Execution: nothing done yet; a class opened from the LLCT line; once completed, the view counts it.
    page.get_by_role("link", name="Tình hình thực hiện").click()
    execution = page.locator("table.data").first.locator("tbody tr").filter(has_text="LLCT_TC")
    expect(_cell(execution, 3)).to_have_text("1")  # planned classes
    expect(_cell(execution, 4)).to_have_text("0")  # opened
    expect(_cell(execution, 5)).to_have_text("0")  # finished
    expect(_cell(execution, 6)).to_have_text("5")  # planned lượt
    expect(_cell(execution, 7)).to_have_text("0")  # completed lượt

    page.goto(f"/ke-hoach/{plan.pk}/")
    llct_line = page.locator("table.plan-lines tbody tr").filter(has_text="LLCT_TC")
    llct_line.get_by_role("link", name="Mở lớp").click()
    expect(page.get_by_label("Tên lớp")).to_have_value("Trung cấp lý luận chính trị")
    expect(page.get_by_label("Ngày khai giảng")).to_have_value(re.compile(rf"^\d\d/\d\d/{year}$"))
    expect(page.get_by_label("Số chỗ")).to_have_value("5")
    page.get_by_label("Mã lớp").fill(f"llct-tc-{year}-01")
    page.get_by_role("button", name="Mở lớp", exact=True).click()
    expect(page.get_by_text(f"Đã mở lớp LLCT-TC-{year}-01 theo kế hoạch.")).to_be_visible()
    cls = TrainingClass.objects.get(code=f"LLCT-TC-{year}-01")
    assert cls.plan_link.line.program.code == "LLCT_TC"

    # The class runs through its own pages: the manager sends the five deputy heads, starts the class, locks the
    # results (no assessment and no session recorded: everyone completes) and ends it.
    page.get_by_role("link", name="Cử cán bộ đi học").click()
    page.get_by_label("Tìm theo tên hoặc mã").fill("pho truong phong")
    page.get_by_role("button", name="Tìm", exact=True).click()
    found = page.locator("input[form=pick-form][name=person]")
    expect(found).to_have_count(5)
    page.get_by_label("Chọn tất cả").check()
    page.get_by_role("button", name="Xem trước").click()
    page.get_by_role("button", name="Xác nhận cử").click()
    expect(page.get_by_text("Đã cử 5 người: 5 xếp lớp, 0 vào danh sách chờ.")).to_be_visible()
    page.goto(f"/dao-tao/lop/{cls.pk}/")
    expect(page.locator(".state-counts")).to_contain_text(re.compile(r"Đã xếp lớp\s*5"))
    page.get_by_role("button", name="Khai giảng").click()
    expect(page.get_by_text(f"Lớp {cls.code} đã chuyển sang “Đang học”")).to_be_visible()
    page.get_by_role("link", name="Kết quả học tập").click()
    page.get_by_role("link", name="Chốt kết quả…").click()
    expect(page.get_by_text("5 hoàn thành")).to_be_visible()
    page.get_by_role("button", name="Xác nhận chốt kết quả").click()
    expect(page.get_by_text("Đã chốt kết quả: 5 học viên hoàn thành, 0 không hoàn thành.")).to_be_visible()
    page.goto(f"/dao-tao/lop/{cls.pk}/")
    page.get_by_role("button", name="Kết thúc lớp").click()
    expect(page.get_by_text(f"Lớp {cls.code} đã chuyển sang “Đã kết thúc”")).to_be_visible()
    assert Enrollment.objects.filter(training_class=cls, state=Enrollment.State.COMPLETED).count() == 5

    page.goto(f"/ke-hoach/{plan.pk}/thuc-hien/")
    execution = page.locator("table.data").first.locator("tbody tr").filter(has_text="LLCT_TC")
    expect(_cell(execution, 4)).to_have_text("1")
    expect(_cell(execution, 5)).to_have_text("1")
    expect(_cell(execution, 7)).to_have_text("5")
    expect(_cell(execution, 8)).to_have_text("5")
    expect(execution).to_contain_text("Đã hoàn thành")
    context.close()
