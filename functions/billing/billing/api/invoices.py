"""A billing account's invoices: GET /tenants/{tenantId}/invoices and …/invoices/{invoiceId}."""

from __future__ import annotations

from billing import invoices
from billing.api.account_schemas import InvoiceResponse, InvoicesPage, InvoiceSummaryResponse
from kontor import api, pages

app = api.make_resolver()


@app.get("/tenants/<tenantId>/invoices")
def list_invoices(
    tenantId: str, limit: pages.Limit = pages.DEFAULT_LIMIT, cursor: pages.Cursor = None
) -> InvoicesPage:
    page = invoices.invoices(api.access(app), limit, cursor)
    return InvoicesPage(
        items=[InvoiceSummaryResponse.of(i) for i in page.items], next_cursor=page.next_cursor
    )


@app.get("/tenants/<tenantId>/invoices/<invoiceId>")
def get_invoice(tenantId: str, invoiceId: str) -> InvoiceResponse:
    invoice, sections = invoices.invoice(api.access(app), invoiceId)
    return InvoiceResponse.with_sections(invoice, sections)


handler = api.lambda_handler(app)
