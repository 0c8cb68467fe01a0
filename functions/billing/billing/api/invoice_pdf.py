"""An invoice as PDF: GET /tenants/{tenantId}/invoices/{invoiceId}/pdf.

The only function with the PDF library (its own layer); `billing.pdf` imports it when it renders,
so the function's cold start stays that of any other."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from billing import invoices, pdf
from kontor import api

app = api.make_resolver()


PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


# No return annotation: the response validator would serialize the PDF's bytes as text.
@app.get(
    "/tenants/<tenantId>/invoices/<invoiceId>/pdf",
    responses={200: {"description": "The invoice as PDF.", "content": PDF}},  # type: ignore[dict-item]
)
def invoice_pdf(tenantId: str, invoiceId: str):  # type: ignore[no-untyped-def]
    invoice, sections = invoices.invoice(api.access(app), invoiceId)
    return Response(
        200,
        "application/pdf",
        pdf.render(invoice, sections),
        headers={"Content-Disposition": f'attachment; filename="{invoice.number}.pdf"'},
    )


handler = api.lambda_handler(app)
