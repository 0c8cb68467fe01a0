"""An invoice as PDF: GET /tenants/{tenantId}/invoices/{invoiceId}/pdf.

The only function with the PDF library (its own layer); `billing.pdf` imports it when it renders,
so the function's cold start stays that of any other."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from billing import invoices, pdf
from kontor import api

app = api.make_resolver()


@app.get("/tenants/<tenantId>/invoices/<invoiceId>/pdf")
def invoice_pdf(tenantId: str, invoiceId: str) -> Response[bytes]:
    invoice, sections = invoices.invoice(api.access(app), invoiceId)
    return Response(
        200,
        "application/pdf",
        pdf.render(invoice, sections),
        headers={"Content-Disposition": f'attachment; filename="{invoice.number}.pdf"'},
    )


handler = api.lambda_handler(app)
