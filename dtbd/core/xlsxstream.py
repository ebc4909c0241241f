"""A streaming .xlsx writer for one large table: a heading row, then rows of text, whole numbers and dates, written
straight into the zip as they come (constant memory: nothing is kept but the row being formatted and the deflate
state). Written for the national-database export (docs/national-export.md, 254.529 rows × 26 columns for a province
of 100.000 staff), where XlsxWriter's per-cell Python work was nine tenths of the export's time; the decision and its
measurements: docs/decisions/0004-streaming-xlsx-writer.md.

What it writes is the smallest SpreadsheetML package that Excel, LibreOffice and python-calamine open (ECMA-376 Part 1,
the SpreadsheetML parts; Part 2 for the package): [Content_Types].xml, the relationships, the workbook, one style
sheet (the default style, a date style dd/mm/yyyy and a heading style: bold, wrapped, shaded, bordered) and the
worksheets. Cells:
- text as inline strings (`t="inlineStr"`: no shared-string table to hold in memory). Never a formula, whatever it
  starts with. XML's special characters are escaped; the control characters XML 1.0 cannot carry are written as
  Excel's `_xHHHH_` escapes (and a literal `_xHHHH_` in the text has its underscore escaped, as Excel does);
  leading or trailing blanks are kept (`xml:space="preserve"`); text beyond Excel's 32.767 characters is cut.
- int and float as numbers (bool as 0/1 numbers is refused: pass text);
- dates (`datetime.date`, or ISO `YYYY-MM-DD` text in a date column) as serial day numbers of the 1900 date system
  with the date style, so the sheet shows dd/mm/yyyy and sorts as dates;
- None and "" leave the cell empty.
Past `max_rows` rows (Excel's 1.048.576, heading included) the table goes on in a new worksheet with the heading
repeated. Not supported (not needed here): shared strings, formulas, merged cells, several tables."""
import datetime
import math
import re
import zipfile
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr

MAX_ROWS = 1_048_576
MAX_TEXT = 32_767
# A worksheet part streamed into the zip without zip64 (which older readers refuse) must stay under 2 GiB: the table
# goes on in a new sheet past this many bytes of XML (never reached by rows of ordinary text before MAX_ROWS).
SHEET_BYTES = 1_900_000_000
FLUSH_CHARS = 1 << 20
_EPOCH = datetime.date(1899, 12, 30).toordinal()  # serial 1 = 01/01/1900 (with Excel's phantom 29/02/1900)

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_REL_SHEET = f"{_NS_R}/worksheet"

# XML 1.0 forbids these characters even escaped, and a parser turns a carriage return into a line feed; Excel writes
# them as _xHHHH_ (and "_x" followed by four hex digits as _x005F_ + the rest, so that a literal one reads back
# unchanged).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\r\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFE8EEF4"/><bgColor indexed="64"/></patternFill></fill></fills>\
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>\
<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" \
applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""
DATE_STYLE, HEADING_STYLE = 1, 2


def column_letters(index):
    """'A' for 0, 'Z' for 25, 'AA' for 26..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text_escape(match):
    char = match.group()
    return "_x005F_" if char == "_" else f"_x{ord(char):04X}_"


def text_xml(value):
    """`value` as the content of an inline string's <t>: escaped, cut at Excel's limit; (text, keeps blanks)."""
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    if "&" in value or "<" in value or ">" in value:
        value = _xml_escape(value)
    if not value.isprintable() or "_x" in value:
        value = _ILLEGAL.sub(_text_escape, value)
    return value


def _text_cell(head, value):
    """The inline-string cell of `value` (non-empty text), `head` its start up to the end of the reference."""
    space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
    return f'{head}" t="inlineStr"><is><t{space}>{text_xml(value)}</t></is></c>'


def date_serial(value):
    """The serial day number (1900 date system) of a date or of ISO 'YYYY-MM-DD' text."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    elif isinstance(value, datetime.datetime):
        value = value.date()
    return value.toordinal() - _EPOCH


class _Dates(dict):
    """Serial numbers as text, computed once per distinct value (a table repeats its dates; the calendar bounds
    the number of keys)."""

    def __missing__(self, key):
        value = self[key] = str(date_serial(key))
        return value


class StreamingWorkbook:
    """Write a table to the .xlsx file `path`:

        with StreamingWorkbook(path, headings, date_columns={3}, widths=[12, 26] + [14] * 24, freeze=(1, 2),
                               sheet_name=lambda n: "Data" if n == 1 else f"Data ({n})") as book:
            book.write_rows(rows)   # any number of times; rows: sequences of cell values, one per column

    `freeze`: (rows, columns) kept in view (the heading row and the first columns); `widths`: column widths in
    characters (the columns after the list keep the default); `sheet_name(n)`: the n-th worksheet's name (cut to 31
    characters); `compresslevel`: zlib's, 1 (fastest) by default: the sheet's XML is repetitive and level 1 already
    shrinks it about tenfold. `rows_written` counts the data rows."""

    def __init__(self, path, headings, *, date_columns=(), widths=(), freeze=(1, 0), sheet_name=None,
                 max_rows=MAX_ROWS, compresslevel=1, batch=512):
        if max_rows < 2:
            raise ValueError("max_rows must leave room for a data row under the heading")
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self.headings = [str(h) for h in headings]
        self.columns = len(self.headings)
        self.date_columns = frozenset(date_columns)
        self.widths = list(widths)
        self.freeze = freeze
        self.sheet_name = sheet_name or (lambda n: f"Sheet{n}")
        self.max_rows = max_rows
        self.batch = batch
        self.names = []
        self.handle = None
        self.row = 0  # rows of the current sheet written so far (1-based number of the last one)
        self.rows_written = 0
        self._pending = []
        self._pending_chars = 0
        self.sheet_bytes = 0
        self._dates = _Dates()
        # The start of each cell's element up to its row number, by column: '<c r="AB'.
        self._text_head = [f'<c r="{column_letters(c)}' for c in range(self.columns)]
        self._new_sheet()

    # ------------------------------------------------------------------ sheets

    def _new_sheet(self):
        self._close_sheet()
        number = len(self.names) + 1
        name = str(self.sheet_name(number))[:31]
        for char in "[]:*?/\\":
            name = name.replace(char, " ")
        self.names.append(name)
        self.handle = self.zip.open(f"xl/worksheets/sheet{number}.xml", "w")
        self.sheet_bytes = 0
        self._write_bytes(self._sheet_start().encode("utf-8"))
        self.row = 0
        self._write_row_xml(self._heading_xml())

    def _sheet_start(self):
        rows, cols = self.freeze
        view = '<sheetView workbookViewId="0"'
        if rows or cols:
            top_left = f"{column_letters(cols)}{rows + 1}"
            pane = "bottomRight" if rows and cols else "bottomLeft" if rows else "topRight"
            split = (f' xSplit="{cols}"' if cols else "") + (f' ySplit="{rows}"' if rows else "")
            view += (f'><pane{split} topLeftCell="{top_left}" activePane="{pane}" state="frozen"/>'
                     f'<selection pane="{pane}" activeCell="{top_left}" sqref="{top_left}"/></sheetView>')
        else:
            view += "/>"
        if self.widths:
            cols_xml = "<cols>" + "".join(
                f'<col min="{i}" max="{i}" width="{w + 0.7109375:.7g}" customWidth="1"/>'
                for i, w in enumerate(self.widths, start=1)
            ) + "</cols>"
        else:
            cols_xml = ""
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}" '
                f'xmlns:r="{_NS_R}"><sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                f"{cols_xml}<sheetData>")

    def _heading_xml(self):
        cells = "".join(
            _text_cell(f'<c r="{column_letters(c)}1" s="{HEADING_STYLE}', h) for c, h in enumerate(self.headings) if h
        )
        return f'<row r="1">{cells}</row>'

    def _close_sheet(self):
        if self.handle is None:
            return
        self._flush()
        self.handle.write(b'</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
                          b'footer="0.3"/></worksheet>')
        self.handle.close()
        self.handle = None

    # ------------------------------------------------------------------ rows

    def _write_row_xml(self, xml):
        self.row += 1
        self._pending.append(xml)
        self._flush()

    def _write_bytes(self, data):
        self.handle.write(data)
        self.sheet_bytes += len(data)

    def _flush(self):
        if self._pending:
            self._write_bytes("".join(self._pending).encode("utf-8"))
            self._pending.clear()
        self._pending_chars = 0

    def write_rows(self, rows):
        """Append `rows` (each a sequence of at most `columns` values) to the table."""
        dates, date_columns = self._dates, self.date_columns
        text_head, pending = self._text_head, self._pending
        for values in rows:
            if self.row >= self.max_rows or self.sheet_bytes > SHEET_BYTES:
                self._new_sheet()
            self.row += 1
            r = str(self.row)
            cells = [f'<row r="{r}">']
            append = cells.append
            for c, value in enumerate(values):
                if value is None:
                    continue
                kind = type(value)
                if kind is str:
                    if not value:
                        continue
                    if c in date_columns:
                        append(f'{text_head[c]}{r}" s="1"><v>{dates[value]}</v></c>')
                        continue
                    # text_xml's checks inline: most text needs nothing done and a call is a tenth of a cell's cost
                    if ("&" in value or "<" in value or ">" in value or "_x" in value or len(value) > MAX_TEXT
                            or not value.isprintable()):
                        text = text_xml(value)
                    else:
                        text = value
                    if value[0] in " \t\n\r" or value[-1] in " \t\n\r":
                        append(f'{text_head[c]}{r}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
                    else:
                        append(f'{text_head[c]}{r}" t="inlineStr"><is><t>{text}</t></is></c>')
                elif kind is int:
                    append(f'{text_head[c]}{r}"><v>{value}</v></c>')
                elif kind is float:
                    if value != value or value in (math.inf, -math.inf):
                        raise ValueError("a cell cannot hold NaN or infinity")
                    append(f'{text_head[c]}{r}"><v>{value!r}</v></c>')
                elif kind is datetime.date:
                    append(f'{text_head[c]}{r}" s="1"><v>{dates[value]}</v></c>')
                elif kind is datetime.datetime:  # the day only (the export's dates are days)
                    append(f'{text_head[c]}{r}" s="1"><v>{dates[value.date()]}</v></c>')
                elif isinstance(value, str):  # a subclass of str (a safe string…): the rare path
                    text = str(value)
                    if text:
                        append(_text_cell(f"{text_head[c]}{r}", text))
                elif kind is bool:
                    raise TypeError("a bool cell is ambiguous: pass text or a number")
                else:
                    raise TypeError(f"cannot write {kind.__name__} to a cell")
            append("</row>")
            xml = "".join(cells)
            pending.append(xml)
            self.rows_written += 1
            self._pending_chars += len(xml)
            if len(pending) >= self.batch or self._pending_chars > FLUSH_CHARS:
                self._flush()

    # ------------------------------------------------------------------ package

    def close(self):
        if self.zip is None:
            return
        self._close_sheet()
        sheets = range(1, len(self.names) + 1)
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT_SHEET}"/>'
                            for n in sheets)
        self.zip.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        ))
        self.zip.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_NS_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_NS_R}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ))
        sheet_tags = "".join(f"<sheet name={quoteattr(name)} sheetId=\"{n}\" r:id=\"rId{n}\"/>"
                             for n, name in zip(sheets, self.names))
        self.zip.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_NS}" xmlns:r="{_NS_R}">'
            f'<bookViews><workbookView/></bookViews><sheets>{sheet_tags}</sheets></workbook>'
        ))
        rels = "".join(f'<Relationship Id="rId{n}" Type="{_REL_SHEET}" Target="worksheets/sheet{n}.xml"/>'
                       for n in sheets)
        styles_id = len(self.names) + 1
        self.zip.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_NS_PKG_REL}">'
            f'{rels}<Relationship Id="rId{styles_id}" Type="{_NS_R}/styles" Target="styles.xml"/></Relationships>'
        ))
        self.zip.writestr("xl/styles.xml", STYLES)
        self.zip.close()
        self.zip = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
