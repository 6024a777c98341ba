"""Word documents made in code with python-docx, as a 通讯员 sends them (issue #11).

Each builder writes a real `.docx` and returns what the test needs to compare against: the photo
bytes as embedded, the title, the captions.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.oxml.shape import CT_Inline
from docx.shared import Cm, Pt

from tests.images_fixtures import phone_jpeg

SHANGHAI = ZoneInfo("Asia/Shanghai")
INDENT = "\u3000\u3000"

REPORT_TITLE = "滨江社区关工委开展“五老”进校园法治宣讲活动"
REPORT_CAPTIONS = ("图为退休法官陈国强为学生讲解《未成年人保护法》", "▲“五老”志愿者与同学们合影")
TRADITIONAL_TITLE = "關心下一代工作委員會舉辦讀書會"


@dataclass(frozen=True)
class BuiltDocument:
    path: Path
    photos: tuple[bytes, ...]
    """The embedded photos' bytes, in document order."""


def _new_document(author: str = "张三", created: datetime | None = None) -> docx.document.Document:
    document = docx.Document()
    properties = document.core_properties
    properties.author = author
    properties.last_modified_by = author
    # python-docx leaves its template's 2013 date otherwise; the import reads the year from it.
    when = created or datetime(2024, 3, 16, 9, 30, tzinfo=SHANGHAI)
    properties.created = when.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    properties.modified = properties.created
    return document


def _photo_paragraph(document: docx.document.Document, photo: bytes) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(io.BytesIO(photo), width=Cm(12))


def report_docx(path: Path) -> BuiltDocument:
    """A typical 活动报道: centred bold title, a date line, a 通讯员 line, indented paragraphs with
    Word debris (soft hyphen, zero-width space, an empty and a blank paragraph, a tab),
    two phone photos (EXIF GPS) each with a caption under it, a table and a 审核 line."""
    photos = (phone_jpeg(1, size=(640, 480)), phone_jpeg(6, size=(480, 360)))
    document = _new_document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(REPORT_TITLE)
    run.bold, run.font.size = True, Pt(18)
    document.add_paragraph("3月15日上午")
    document.add_paragraph("通讯员 张三")
    document.add_paragraph("")
    document.add_paragraph(
        INDENT + "3月15日上午，滨江社区关工委组织“五老”志愿者走进滨江小学，为四年级学生上了一堂生动的法\u00ad治教育课。"
    )
    document.add_paragraph(INDENT)
    _photo_paragraph(document, photos[0])
    document.add_paragraph(REPORT_CAPTIONS[0])
    document.add_paragraph(INDENT + "宣讲中，\u200b陈国强结合身边案例，讲解了\t如何保护自己。活动安排如下：")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows,
        (("时间", "内容", "主讲人"), ("14:30", "法治故事", "陈国强"), ("15:10", "互动问答", "李秀英")),
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    _photo_paragraph(document, photos[1])
    document.add_paragraph(REPORT_CAPTIONS[1])
    document.add_paragraph(INDENT + "同学们纷纷表示，要做学法、守法、用法的好少年。")
    document.add_paragraph("（审核：王五）")
    document.save(path)
    return BuiltDocument(path, photos)


def traditional_docx(path: Path) -> BuiltDocument:
    """A report typed in Traditional Chinese, with Word's built-in Title style and a full date."""
    document = _new_document(author="陳美玲", created=datetime(2024, 5, 6, 10, 0, tzinfo=SHANGHAI))
    document.add_paragraph(TRADITIONAL_TITLE, style="Title")
    document.add_paragraph("2024年5月4日")
    document.add_paragraph("供稿：濱江社區關工委")
    document.add_paragraph(INDENT + "5月4日，關心下一代工作委員會在社區圖書館舉辦讀書會，二十多名青少年參加了活動。")
    document.add_paragraph(INDENT + "老幹部們與孩子們一起閱讀經典，討論讀書體會。")
    document.save(path)
    return BuiltDocument(path, ())


# The smallest EMF Word accepts: an EMR_HEADER record (type 1, 108 bytes, " EMF" signature at 40)
# and an EMR_EOF record. The importer only needs to recognise its type; nothing draws it.
_EMF_HEADER = (
    struct.pack("<II", 1, 108)
    + struct.pack("<4i", 0, 0, 99, 99)
    + struct.pack("<4i", 0, 0, 2540, 2540)
    + b" EMF"
    + struct.pack("<IIIHH", 0x10000, 128, 2, 0, 0)
    + struct.pack("<III", 0, 0, 0)
    + struct.pack("<2i", 1920, 1080)
    + struct.pack("<2i", 508, 286)
    + struct.pack("<3I", 0, 0, 0)
    + struct.pack("<2I", 508000, 286000)
)
EMF_BLOB = _EMF_HEADER + struct.pack("<5I", 14, 20, 0, 16, 20)


def _add_emf(document: docx.document.Document, blob: bytes) -> None:
    """An EMF picture in its own paragraph; python-docx's add_picture refuses EMF, so the part and
    its inline drawing are made by hand, as Word writes them."""
    main = document.part
    part = Part(PackURI("/word/media/chart1.emf"), "image/x-emf", blob, main.package)
    relationship_id = main.relate_to(part, RELATIONSHIP_TYPE.IMAGE)
    inline = CT_Inline.new_pic_inline(99, relationship_id, "chart1.emf", Cm(8), Cm(6))
    document.add_paragraph().add_run()._r.add_drawing(inline)


def emf_docx(path: Path) -> BuiltDocument:
    """A report whose first picture is an EMF chart (Word's pasted charts) and second a JPEG."""
    photo = phone_jpeg(1, size=(320, 240))
    document = _new_document(created=datetime(2024, 6, 3, 16, 0, tzinfo=SHANGHAI))
    document.add_paragraph("社区关工委上半年工作统计", style="Title")
    document.add_paragraph(INDENT + "6月1日，社区关工委汇总了上半年的工作情况。")
    _add_emf(document, EMF_BLOB)
    document.add_paragraph("图为上半年活动统计图")
    _photo_paragraph(document, photo)
    document.add_paragraph("图：志愿者在整理材料")
    document.save(path)
    return BuiltDocument(path, (photo,))


def _chinese_numbering(document: docx.document.Document) -> str:
    """Add a two-level list numbered 一、 and （一） (Word's `chineseCounting`); returns its numId."""
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
            "</w:abstractNum>"
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(document: docx.document.Document, text: str, num_id: str, level: int) -> None:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def numbered_docx(path: Path) -> BuiltDocument:
    """A 工作总结 with Word's Chinese auto-numbering (一、（一）) and a plain `1.` list (List Number)."""
    document = _new_document(created=datetime(2024, 12, 30, 9, 0, tzinfo=SHANGHAI))
    document.add_heading("社区关工委2024年工作总结", level=1)
    document.add_paragraph("2024年12月30日")
    num_id = _chinese_numbering(document)
    _numbered(document, "基本情况", num_id, 0)
    _numbered(document, "组织领导", num_id, 1)
    _numbered(document, "经费保障", num_id, 1)
    _numbered(document, "下一步打算", num_id, 0)
    _numbered(document, "继续开展宣讲", num_id, 1)
    document.add_paragraph("成立领导小组", style="List Number")
    document.add_paragraph("细化工作任务", style="List Number")
    document.save(path)
    return BuiltDocument(path, ())


def photo_table_docx(path: Path) -> BuiltDocument:
    """Two photos side by side in a table, their captions in the row below (no 图为 marker)."""
    photos = (phone_jpeg(1, size=(320, 240)), phone_jpeg(3, size=(320, 240)))
    document = _new_document()
    document.add_paragraph("重阳节敬老活动", style="Title")
    document.add_paragraph(INDENT + "10月11日，社区关工委组织青少年走进敬老院。")
    table = document.add_table(rows=2, cols=2)
    for cell, photo in zip(table.rows[0].cells, photos, strict=True):
        cell.paragraphs[0].add_run().add_picture(io.BytesIO(photo), width=Cm(6))
    table.rows[1].cells[0].text = "孩子们为老人表演节目"
    table.rows[1].cells[1].text = "志愿者与老人合影"
    document.save(path)
    return BuiltDocument(path, photos)


_GROUP = """<w:drawing {namespaces}><wp:inline><wp:extent cx="1440000" cy="1440000"/><wp:docPr id="7" name="组合 7"/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"><wpg:wgp>
<wpg:cNvGrpSpPr/><wpg:grpSpPr/>
<pic:pic><pic:nvPicPr><pic:cNvPr id="8" name="图片 8"/><pic:cNvPicPr/></pic:nvPicPr>
<pic:blipFill><a:blip r:embed="{relationship}"/></pic:blipFill><pic:spPr/></pic:pic>
<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx><w:txbxContent><w:p><w:r><w:t>{caption}</w:t></w:r></w:p>
</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></wpg:wgp></a:graphicData></a:graphic></wp:inline></w:drawing>"""


def grouped_photo_docx(path: Path, caption: str) -> BuiltDocument:
    """A photo grouped with a text box holding its caption (how some users "stick" a caption to
    a photo), without the VML fallback: mammoth skips both (IMPORT.md §2.8)."""
    photo = phone_jpeg(1, size=(200, 150))
    document = _new_document()
    document.add_paragraph("组合图形里的照片", style="Title")
    run = document.add_paragraph().add_run()
    run.add_picture(io.BytesIO(photo), width=Cm(4))
    relationship = run._r.xpath(".//a:blip/@r:embed")[0]
    run._r.remove(run._r.xpath("./w:drawing")[0])
    namespaces = nsdecls("w", "wp", "a", "pic", "r") + (
        ' xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"'
        ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    )
    run._r.append(parse_xml(_GROUP.format(namespaces=namespaces, relationship=relationship, caption=caption)))
    document.add_paragraph(INDENT + "3月1日，社区关工委开展了活动。")
    document.save(path)
    return BuiltDocument(path, (photo,))


def ole_file(path: Path) -> Path:
    """What Word 97 (`.doc`) and WPS (`.wps`) files start with: an OLE2 compound file signature."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    return path
