"""The contract PDF: a real PDF, with its number, in the built-in CJK font."""

from procurement.contracts_pdf import CJK_FONT, contract_pdf_bytes


def test_the_pdf_carries_the_number_in_the_cjk_font():
    data = contract_pdf_bytes({"number": "SG-7-2026-000042", "buyer": "青岛市科技局",
                               "supplier": "海鲸智能", "title": "水质监测浮标",
                               "acceptance_criteria": "连续运行 30 天\n无故障 <b>&"})
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert b"SG-7-2026-000042" in data
    assert CJK_FONT.encode() in data


def test_each_contract_gets_its_own_document():
    first = contract_pdf_bytes({"number": "SG-1-2026-000001"})
    second = contract_pdf_bytes({"number": "SG-1-2026-000002"})
    assert b"SG-1-2026-000001" in first and b"SG-1-2026-000001" not in second
