"""The one layout of official documents (dtbd.core.officialdoc, Decree 30/2020/NĐ-CP): what a report needs of it —
label/value lines under the title, a table with no rows saying so across it, the footer's columns — is written the
same way in the PDF's HTML and in the .docx."""
import io

from dtbd.core import officialdoc


def _document(signatures=2, rows=()):
    return officialdoc.OfficialDocument(
        issuer="Sở Nội vụ", governing="UBND tỉnh Tuyên Quang", number="Số: ……/BC-SNV",
        place_date="Tuyên Quang, ngày 05 tháng 01 năm 2027", kind="BÁO CÁO", subject="QUÁ TRÌNH ĐÀO TẠO",
        blocks=[
            officialdoc.Fields([("Họ và tên", "Nguyễn Văn An"), ("Mã cán bộ", "TV_AN")]),
            officialdoc.Table(["STT", "Khoá học", "Số tiết"], list(rows), numeric=frozenset({0, 2}),
                              empty="Không có số liệu."),
        ],
        recipients=["UBND tỉnh Tuyên Quang"], archive="Lưu: VT, SNV.",
        signatures=[officialdoc.Signature(f"CHỨC VỤ {n}") for n in range(signatures)],
    )


def test_html_fields_empty_table_and_footer_widths():
    html = officialdoc.to_html(_document())
    assert '<td>Họ và tên:</td><td class="bold">Nguyễn Văn An</td>' in html
    assert '<td colspan="3" class="empty">Không có số liệu.</td>' in html
    assert ".recipients { width: 34%;" in html and ".sign { width: 33%;" in html
    one = officialdoc.to_html(_document(signatures=1, rows=[["1", "Quản lý nhà nước", "40"]]))
    assert ".recipients { width: 40%;" in one and ".sign { width: 60%;" in one
    assert "Không có số liệu." not in one and '<td class="num">40</td>' in one


def test_docx_fields_and_empty_table():
    import docx

    word = docx.Document(io.BytesIO(officialdoc.to_docx(_document())))
    field = next(p for p in word.paragraphs if p.text == "Họ và tên: Nguyễn Văn An")
    assert [(run.text, bool(run.bold)) for run in field.runs] == [("Họ và tên: ", False), ("Nguyễn Văn An", True)]
    data = word.tables[1]
    assert [c.text for c in data.rows[0].cells] == ["STT", "Khoá học", "Số tiết"]
    assert len(data.rows) == 2 and {c.text for c in data.rows[1].cells} == {"Không có số liệu."}
    footer = word.tables[2]
    usable = word.sections[0].page_width - word.sections[0].left_margin - word.sections[0].right_margin
    assert abs(footer.columns[0].width / usable - 0.34) < 0.001  # widths are stored in twentieths of a point
