"""The company profile: GET/PUT /tenants/{tenantId}/company."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response, content_types

from billing import company
from billing.api.account_schemas import CompanyRequest, CompanyResponse
from billing.store.company import Company
from kontor import api

app = api.make_resolver()


def _answer(profile: Company) -> Response[CompanyResponse]:
    body = CompanyResponse.of(profile)
    return Response(200, content_types.APPLICATION_JSON, body, headers={"ETag": api.etag(profile.version)})


@app.get("/tenants/<tenantId>/company")
def get_company(tenantId: str) -> Response[CompanyResponse]:
    return _answer(company.view(api.access(app)))


@app.put("/tenants/<tenantId>/company")
def put_company(tenantId: str, body: CompanyRequest) -> Response[CompanyResponse]:
    owner = body.owner.model_dump() if body.owner else None
    return _answer(company.replace_profile(api.access(app), api.if_match(app), body.fields(), owner))


handler = api.lambda_handler(app)
