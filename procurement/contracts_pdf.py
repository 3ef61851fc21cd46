"""The contract of a first purchase as a PDF, in Chinese and English.

Built with reportlab's platypus from the contract's terms snapshot only (what was agreed,
never the live rows), so the document a party downloads is the one both signed. Chinese
text is set in reportlab's built-in CID font STSong-Light (the Adobe-GB1 collection every
PDF reader ships), so no font file or system package is needed; Latin text and digits
use the same font, which covers them.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

CJK_FONT = "STSong-Light"

# (terms key, Chinese label, English label), in the order the contract lists them
TERM_ROWS = (
    ("number", "合同编号", "Contract number"),
    ("ocid", "开放合同编号", "Open Contracting ID"),
    ("buyer", "采购人（甲方）", "Buyer (Party A)"),
    ("supplier", "供应商（乙方）", "Supplier (Party B)"),
    ("title", "采购项目", "Procurement"),
    ("product", "产品", "Product"),
    ("quantity", "数量", "Quantity"),
    ("amount", "合同金额", "Contract amount"),
    ("budget_line", "预算科目", "Budget line"),
    ("delivery_place", "交付地点", "Place of delivery"),
    ("delivery_date", "交付日期", "Date of delivery"),
    ("acceptance_criteria", "验收标准", "Acceptance criteria"),
    ("cost_reference", "价格成本依据", "Cost reference of the price"),
)

CLAUSES = (
    ("本合同依据首购（首次购买创新产品）程序订立，价格经协商确定且不高于采购预算上限。",
     "This contract is made under the first-purchase procedure for innovative products; "
     "the price was negotiated and does not exceed the budget ceiling."),
    ("乙方按约定数量、地点和日期交付；甲方会同专家按验收标准组织验收。验收不合格的，"
     "乙方应整改后重新交付，或由甲方终止合同。",
     "Party B delivers the agreed quantity at the agreed place and date; Party A, with "
     "experts, accepts the delivery against the acceptance criteria. A failed acceptance "
     "leads to rectification and redelivery, or to termination by Party A."),
    ("验收合格后，甲方从上述预算科目经国库支付合同金额。",
     "After a passed acceptance, Party A pays the contract amount from the budget line "
     "above through the treasury."),
    ("双方经平台以实名并经双重认证的经办人签署本合同，签署记录存于平台审计日志。",
     "Both parties sign through the platform by named officers verified with two-factor "
     "authentication; the signatures are kept in the platform's audit log."),
)


def _font() -> str:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def _text(value) -> str:
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


def contract_pdf_bytes(terms: dict) -> bytes:
    """The PDF of a contract from its terms snapshot (``terms["number"]`` is required).
    The number is also the document's title in its metadata."""
    font = _font()
    title_style = ParagraphStyle("title", fontName=font, fontSize=16, leading=22,
                                 alignment=1, spaceAfter=4)
    subtitle_style = ParagraphStyle("subtitle", fontName=font, fontSize=11, leading=15,
                                    alignment=1, spaceAfter=8)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13)
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, spaceAfter=6)

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=str(terms["number"]),
        subject="首购合同 First-purchase contract", author=str(terms.get("buyer", "")),
        creator="Makerspace Marketplace",
    )
    story = [
        Paragraph("首购合同", title_style),
        Paragraph("First-Purchase Contract", subtitle_style),
    ]
    rows = [
        [Paragraph(f"{zh}<br/>{en}", cell), Paragraph(_text(terms.get(key, "")), cell)]
        for key, zh, en in TERM_ROWS
    ]
    table = Table(rows, colWidths=[48 * mm, None])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story += [table, Spacer(1, 8 * mm), Paragraph("条款 Terms", body)]
    for number, (zh, en) in enumerate(CLAUSES, start=1):
        story.append(Paragraph(f"{number}. {_text(zh)}<br/>{_text(en)}", body))
    story += [
        Spacer(1, 10 * mm),
        Paragraph("甲方签署 Signed for Party A: ____________________", body),
        Paragraph("乙方签署 Signed for Party B: ____________________", body),
    ]
    document.build(story)
    return buffer.getvalue()
