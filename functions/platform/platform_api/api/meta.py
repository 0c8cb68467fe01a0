"""GET /health, GET /config, GET /openapi.json and GET /docs (all public)."""

from __future__ import annotations

from importlib import resources

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel, Field

from kontor import api
from kontor.settings import settings

app = api.make_resolver()


class HealthResponse(BaseModel):
    status: str


class SupportContact(BaseModel):
    """Where users reach support (error reports go to the same address)."""

    email: str
    url: str | None


class ConfigResponse(BaseModel):
    """What a SPA needs to sign in against the user pool, and the support contact it shows."""

    region: str
    user_pool_id: str
    user_pool_client_id: str
    # Only where Cognito is emulated (the local stack); on AWS a SPA uses Cognito's own endpoint.
    cognito_endpoint: str | None = Field(default=None, exclude_if=lambda value: value is None)
    support: SupportContact


@app.get("/health")
def health() -> HealthResponse:
    return HealthResponse(status="ok")


@app.get("/config")
def config() -> Response[ConfigResponse]:
    current = settings()
    body = ConfigResponse(
        region=current.region,
        user_pool_id=current.user_pool_id,
        user_pool_client_id=current.user_pool_client_id,
        cognito_endpoint=current.aws_endpoint_url,
        support=SupportContact(email=current.support_email, url=current.support_url or None),
    )
    return Response(200, content_types.APPLICATION_JSON, body)


def _document() -> str:
    # Merged from every function's routes at build time (`make openapi`); a test keeps it current.
    return resources.files("platform_api").joinpath("openapi.json").read_text(encoding="utf-8")


@app.get("/openapi.json", include_in_schema=False)
def openapi() -> Response[str]:
    return Response(200, content_types.APPLICATION_JSON, _document())


@app.get("/docs", include_in_schema=False)
def docs() -> Response[str]:
    from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

    ui = resources.files("aws_lambda_powertools.event_handler.openapi.swagger_ui")
    page = generate_swagger_html(
        _document().replace("</", "<\\/"),
        ui.joinpath("swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        ui.joinpath("swagger-ui.min.css").read_text(encoding="utf-8"),
        None,
        None,
        False,
    )
    return Response(200, content_types.TEXT_HTML, page)


handler = api.lambda_handler(app)
