"""An invoice as a PDF document, rendered with fpdf2 (pure Python, in the invoice PDF function's own
layer). The library is imported inside `render`, so only rendering pays for it, never a cold start."""

from __future__ import annotations

from typing import Any

from billing.charges import Section
from billing.store.invoices import Invoice

VENDOR = "Kontor"
_RULE_TEXT = {
    "domestic": "USt.",
    "eu_consumer": "USt.",
    "reverse_charge": "USt. (Reverse Charge)",
    "outside_eu": "USt. (nicht steuerbar)",
}


def money(cents: int, currency: str) -> str:
    """German notation: 1.234,56 EUR."""
    sign = "-" if cents < 0 else ""
    whole = f"{abs(cents) // 100:,}".replace(",", ".")
    return f"{sign}{whole},{abs(cents) % 100:02d} {currency}"


def _latin1(text: Any) -> str:
    # The PDF's standard fonts know Latin-1 (German included); anything beyond shows as "?".
    return str(text).encode("latin-1", errors="replace").decode("latin-1")


def render(invoice: Invoice, sections: list[Section]) -> bytes:
    from fpdf import FPDF  # the PDF layer: only this function has it

    doc = FPDF(format="A4")
    doc.set_title(_latin1(f"Rechnung {invoice.number}"))
    doc.set_author(VENDOR)
    doc.set_auto_page_break(auto=True, margin=20)
    doc.add_page()
    width = doc.epw

    doc.set_font("Helvetica", "B", 16)
    doc.cell(width, 10, VENDOR, new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)

    recipient = invoice.recipient
    doc.set_font("Helvetica", "", 10)
    place = " ".join(p for p in (recipient.get("postal_code"), recipient.get("city")) if p)
    for text in (
        recipient.get("legal_name"),
        recipient.get("street"),
        place,
        recipient.get("country"),
        f"USt-IdNr. {recipient['vat_id']}" if recipient.get("vat_id") else None,
        f"Register {recipient['registration_number']}" if recipient.get("registration_number") else None,
    ):
        if text:
            doc.cell(width, 5, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)

    doc.set_font("Helvetica", "B", 13)
    doc.cell(width, 8, _latin1(f"Rechnung {invoice.number}"), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 10)
    doc.cell(width, 5, f"Leistungszeitraum: {invoice.month}", new_x="LMARGIN", new_y="NEXT")
    doc.cell(width, 5, f"Rechnungsdatum: {invoice.issued_at[:10]}", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)

    amount_width, days_width = 35.0, 30.0
    text_width = width - amount_width - days_width
    for section in sections:
        doc.set_font("Helvetica", "B", 10)
        doc.cell(width, 7, _latin1(f"Mandant: {section.tenant_name}"), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", "", 10)
        for line in section.lines:
            whole = line.days == line.days_in_month
            days = "ganzer Monat" if whole else f"{line.days}/{line.days_in_month} Tage"
            doc.cell(text_width, 6, _latin1(line.description))
            doc.cell(days_width, 6, days)
            amount = money(line.amount_cents, invoice.currency)
            doc.cell(amount_width, 6, amount, align="R", new_x="LMARGIN", new_y="NEXT")
        doc.ln(2)

    doc.ln(2)
    label_width = width - amount_width
    totals = (
        ("Netto", invoice.net_cents, ""),
        (f"{_RULE_TEXT.get(invoice.vat_rule, 'USt.')} {invoice.vat_rate} %", invoice.vat_cents, ""),
        ("Brutto", invoice.gross_cents, "B"),
    )
    for label, cents, style in totals:
        doc.set_font("Helvetica", style, 10)
        doc.cell(label_width, 6, _latin1(label), align="R")
        doc.cell(amount_width, 6, money(cents, invoice.currency), align="R", new_x="LMARGIN", new_y="NEXT")
    if invoice.vat_note:
        doc.ln(3)
        doc.set_font("Helvetica", "", 9)
        doc.multi_cell(width, 5, _latin1(invoice.vat_note))
    return bytes(doc.output())
