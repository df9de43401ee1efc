"""The bijlage as editable office documents: DOCX (Word) and ODT (OpenDocument, ODF).

Pure functions: ``write_docx(document)`` and ``write_odt(document)`` take a plain description
of the table (``OfficeDocument``) and return the file's bytes. They know nothing of Django,
the database or the request: the document renderer builds the description, in Dutch.

Both write what the letter's authors get on paper: A4 landscape, the title, the date line and
the Kamerstuk, the legend with the phase icons, one real (editable) table whose header row
repeats on every page, theme rows spanning the table, merged ambition cells, the footnotes
under the table and "Pagina X van Y" at the foot of every page.

A cell is a list of *pieces*: text (may hold "\\n" line breaks and "\\n\\n" paragraph breaks)
and ints, the footnote markers, printed in superscript where they stand.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

# Relative column widths (ambition, page, measure, explanation, status, informed), in cm on
# A4 landscape with 1.5 cm margins (26.7 cm of text width).
COLUMN_WIDTHS_CM = (4.0, 1.3, 4.4, 7.0, 7.6, 2.4)
PAGE_WIDTH_CM, PAGE_HEIGHT_CM, MARGIN_CM = 29.7, 21.0, 1.5
FONT = "Arial"
FONT_SIZE_PT = 8
LANGUAGE, COUNTRY = "nl", "NL"


@dataclass(frozen=True)
class OfficeRow:
    """One row: a list of pieces per column; ``ambition_rows`` for the merged ambition cells.

    ``ambition_rows`` is 1 for a row of its own, n > 1 for the first of n rows sharing their
    ambition and page (the merged cell of the original), 0 for the rows it covers.
    """

    cells: tuple
    ambition_rows: int = 1


@dataclass(frozen=True)
class OfficeDocument:
    title: str
    date_line: str
    kamerstuk: str
    legend_title: str
    legend: tuple  # (icon, label) pairs
    headers: tuple  # column headings
    groups: tuple  # (theme, tuple[OfficeRow]) pairs; theme "" = no theme row
    footnotes_title: str = ""
    footnotes: tuple = ()  # (number, text) pairs
    page_word: str = "Pagina"
    of_word: str = "van"
    kamerstukken_title: str = ""
    kamerstukken: tuple = field(default=())  # lines


def paragraphs(pieces) -> list[list]:
    """The pieces of a cell as paragraphs (split at "\\n\\n"), each a list of str/int pieces."""
    result = [[]]
    for piece in pieces:
        if isinstance(piece, int):
            result[-1].append(piece)
            continue
        parts = str(piece).split("\n\n")
        for index, part in enumerate(parts):
            if index:
                result.append([])
            if part:
                result[-1].append(part)
    return [paragraph for paragraph in result if paragraph] or [[]]


def _merge_plan(document: OfficeDocument):
    """Each table row in order: ("theme", name) or ("row", OfficeRow)."""
    for theme, rows in document.groups:
        if theme:
            yield "theme", theme
        yield from (("row", row) for row in rows)


# -- DOCX -----------------------------------------------------------------------------------


def write_docx(document: OfficeDocument) -> bytes:
    """The document as a Word file (python-docx): editable table, A4 landscape, Dutch."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    _docx_language_and_font(doc, Pt)
    doc.core_properties.title = document.title
    doc.core_properties.language = f"{LANGUAGE}-{COUNTRY}"

    title = doc.add_heading(document.title, level=1)
    title.paragraph_format.keep_with_next = True
    for line in (document.date_line, document.kamerstuk):
        if line:
            doc.add_paragraph(line)
    doc.add_heading(document.legend_title, level=2)
    for icon, label in document.legend:
        doc.add_paragraph(f"{icon}  {label}")

    plan = list(_merge_plan(document))
    table = doc.add_table(rows=1 + len(plan), cols=len(document.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Cm(width) for width in COLUMN_WIDTHS_CM]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width

    header = table.rows[0]
    _docx_repeat_header(header)
    for cell, heading in zip(header.cells, document.headers, strict=True):
        _docx_fill(cell, [heading], bold=True)

    spans = []  # (first table row, number of rows) of merged ambition cells
    for index, (kind, item) in enumerate(plan, start=1):
        row = table.rows[index]
        _docx_keep_row_together(row)
        if kind == "theme":
            merged = row.cells[0].merge(row.cells[-1])
            _docx_fill(merged, [item], bold=True)
            continue
        for column, (cell, pieces) in enumerate(zip(row.cells, item.cells, strict=True)):
            if column < 2 and item.ambition_rows == 0:
                continue
            _docx_fill(cell, pieces)
        if item.ambition_rows > 1:
            spans.append((index, item.ambition_rows))
    for first, count in spans:
        for column in (0, 1):
            table.cell(first, column).merge(table.cell(first + count - 1, column))

    if document.footnotes:
        doc.add_heading(document.footnotes_title, level=2)
        for number, text in document.footnotes:
            paragraph = doc.add_paragraph()
            marker = paragraph.add_run(str(number))
            marker.font.superscript = True
            paragraph.add_run(" " + text)
    if document.kamerstukken:
        doc.add_heading(document.kamerstukken_title, level=2)
        for line in document.kamerstukken:
            doc.add_paragraph(line)

    _docx_page_numbers(section, document.page_word, document.of_word)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_fill(cell, pieces, *, bold: bool = False) -> None:
    """Write pieces into a cell: paragraphs, line breaks and superscript footnote markers."""
    for index, paragraph_pieces in enumerate(paragraphs(pieces)):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        for piece in paragraph_pieces:
            if isinstance(piece, int):
                run = paragraph.add_run(str(piece))
                run.font.superscript = True
                continue
            for line_index, line in enumerate(piece.split("\n")):
                run = paragraph.add_run()
                if line_index:
                    run.add_break()
                run.add_text(line)
                if bold:
                    run.bold = True


def _docx_language_and_font(doc, Pt) -> None:
    """Dutch spelling and hyphenation language and one font for every style."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(FONT_SIZE_PT)
    for style in doc.styles:
        rpr = getattr(style.element, "get_or_add_rPr", None)
        if rpr is None:
            continue
        properties = style.element.get_or_add_rPr()
        language = properties.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            properties.append(language)
        language.set(qn("w:val"), f"{LANGUAGE}-{COUNTRY}")
        language.set(qn("w:eastAsia"), f"{LANGUAGE}-{COUNTRY}")
        language.set(qn("w:bidi"), "ar-SA")
        fonts = properties.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            properties.insert(0, fonts)
        for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attribute), FONT)
    for name in ("Heading 1", "Heading 2"):
        doc.styles[name].font.color.rgb = None
    doc.styles["Heading 1"].font.size = Pt(14)
    doc.styles["Heading 2"].font.size = Pt(10)


def _docx_repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _docx_keep_row_together(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    properties.append(cant_split)


def _docx_field(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    value = OxmlElement("w:t")
    value.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, value, end):
        run._r.append(element)


def _docx_page_numbers(section, page_word: str, of_word: str) -> None:
    """ "Pagina X van Y" at the right of every page's footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run(f"{page_word} ")
    _docx_field(paragraph, "PAGE")
    paragraph.add_run(f" {of_word} ")
    _docx_field(paragraph, "NUMPAGES")


# -- ODT ------------------------------------------------------------------------------------


def write_odt(document: OfficeDocument) -> bytes:
    """The document as an OpenDocument text file (odfpy): editable table, A4 landscape, Dutch."""
    from odf import dc, style, table, text
    from odf.opendocument import OpenDocumentText

    odt = OpenDocumentText()
    odt.meta.addElement(dc.Title(text=document.title))
    odt.meta.addElement(dc.Language(text=f"{LANGUAGE}-{COUNTRY}"))

    default = style.DefaultStyle(family="paragraph")
    default.addElement(
        style.TextProperties(
            fontname=FONT,
            fontfamily=FONT,
            fontsize=f"{FONT_SIZE_PT}pt",
            language=LANGUAGE,
            country=COUNTRY,
        )
    )
    odt.styles.addElement(default)
    odt.fontfacedecls.addElement(style.FontFace(name=FONT, fontfamily=FONT))

    layout = style.PageLayout(name="Landscape")
    layout.addElement(
        style.PageLayoutProperties(
            pagewidth=f"{PAGE_WIDTH_CM}cm",
            pageheight=f"{PAGE_HEIGHT_CM}cm",
            printorientation="landscape",
            margintop=f"{MARGIN_CM}cm",
            marginbottom=f"{MARGIN_CM}cm",
            marginleft=f"{MARGIN_CM}cm",
            marginright=f"{MARGIN_CM}cm",
        )
    )
    odt.automaticstyles.addElement(layout)
    footer_style = style.Style(name="Footer", family="paragraph")
    footer_style.addElement(style.ParagraphProperties(textalign="end"))
    odt.styles.addElement(footer_style)
    master = style.MasterPage(name="Standard", pagelayoutname=layout)
    footer = style.Footer()
    page_line = text.P(stylename=footer_style, text=f"{document.page_word} ")
    page_line.addElement(text.PageNumber(selectpage="current", text="1"))
    page_line.addText(f" {document.of_word} ")
    page_line.addElement(text.PageCount(text="1"))
    footer.addElement(page_line)
    master.addElement(footer)
    odt.masterstyles.addElement(master)

    styles = _odt_styles(odt, style)
    odt.text.addElement(text.H(outlinelevel=1, stylename=styles["h1"], text=document.title))
    for line in (document.date_line, document.kamerstuk):
        if line:
            odt.text.addElement(text.P(text=line))
    odt.text.addElement(text.H(outlinelevel=2, stylename=styles["h2"], text=document.legend_title))
    for icon, label in document.legend:
        odt.text.addElement(text.P(text=f"{icon}  {label}"))

    columns = len(document.headers)
    grid = table.Table(name="Bijlage", stylename=styles["table"])
    for width in COLUMN_WIDTHS_CM:
        column_style = style.Style(name=f"Col{width}".replace(".", "_"), family="table-column")
        column_style.addElement(style.TableColumnProperties(columnwidth=f"{width}cm"))
        odt.automaticstyles.addElement(column_style)
        grid.addElement(table.TableColumn(stylename=column_style))
    header_rows = table.TableHeaderRows()
    header_row = table.TableRow()
    for heading in document.headers:
        header_row.addElement(_odt_cell(table, text, styles, [heading], bold=True))
    header_rows.addElement(header_row)
    grid.addElement(header_rows)

    for kind, item in _merge_plan(document):
        row = table.TableRow(stylename=styles["row"])
        if kind == "theme":
            cell = _odt_cell(table, text, styles, [item], bold=True)
            cell.setAttribute("numbercolumnsspanned", str(columns))
            row.addElement(cell)
            for _ in range(columns - 1):
                row.addElement(table.CoveredTableCell())
        else:
            for column, pieces in enumerate(item.cells):
                if column < 2 and item.ambition_rows == 0:
                    row.addElement(table.CoveredTableCell())
                    continue
                cell = _odt_cell(table, text, styles, pieces)
                if column < 2 and item.ambition_rows > 1:
                    cell.setAttribute("numberrowsspanned", str(item.ambition_rows))
                row.addElement(cell)
        grid.addElement(row)
    odt.text.addElement(grid)

    if document.footnotes:
        odt.text.addElement(
            text.H(outlinelevel=2, stylename=styles["h2"], text=document.footnotes_title)
        )
        for number, note in document.footnotes:
            paragraph = text.P()
            paragraph.addElement(text.Span(stylename=styles["sup"], text=str(number)))
            paragraph.addText(" " + note)
            odt.text.addElement(paragraph)
    if document.kamerstukken:
        odt.text.addElement(
            text.H(outlinelevel=2, stylename=styles["h2"], text=document.kamerstukken_title)
        )
        for line in document.kamerstukken:
            odt.text.addElement(text.P(text=line))

    buffer = io.BytesIO()
    odt.write(buffer)
    return buffer.getvalue()


def _odt_styles(odt, style) -> dict:
    """The automatic styles the body uses: headings, bold, superscript, table and cells."""
    made = {}
    h1 = style.Style(name="Title1", family="paragraph")
    h1.addElement(style.TextProperties(fontsize="14pt", fontweight="bold"))
    h1.addElement(style.ParagraphProperties(keepwithnext="always"))
    h2 = style.Style(name="Title2", family="paragraph")
    h2.addElement(style.TextProperties(fontsize="10pt", fontweight="bold"))
    h2.addElement(style.ParagraphProperties(keepwithnext="always", margintop="0.2cm"))
    bold = style.Style(name="Bold", family="text")
    bold.addElement(style.TextProperties(fontweight="bold"))
    sup = style.Style(name="Sup", family="text")
    sup.addElement(style.TextProperties(textposition="super 58%"))
    grid = style.Style(name="Grid", family="table")
    grid.addElement(style.TableProperties(width=f"{sum(COLUMN_WIDTHS_CM)}cm", align="center"))
    row = style.Style(name="Row", family="table-row")
    row.addElement(style.TableRowProperties(keeptogether="always"))
    cell = style.Style(name="Cell", family="table-cell")
    cell.addElement(style.TableCellProperties(border="0.5pt solid #000000", padding="0.08cm"))
    for key, item in (
        ("h1", h1),
        ("h2", h2),
        ("bold", bold),
        ("sup", sup),
        ("table", grid),
        ("row", row),
        ("cell", cell),
    ):
        odt.automaticstyles.addElement(item)
        made[key] = item
    return made


def _odt_cell(table, text, styles, pieces, *, bold: bool = False):
    cell = table.TableCell(valuetype="string", stylename=styles["cell"])
    for paragraph_pieces in paragraphs(pieces):
        paragraph = text.P()
        for piece in paragraph_pieces:
            if isinstance(piece, int):
                paragraph.addElement(text.Span(stylename=styles["sup"], text=str(piece)))
                continue
            for index, line in enumerate(piece.split("\n")):
                if index:
                    paragraph.addElement(text.LineBreak())
                if bold:
                    paragraph.addElement(text.Span(stylename=styles["bold"], text=line))
                else:
                    paragraph.addText(line)
        cell.addElement(paragraph)
    return cell
