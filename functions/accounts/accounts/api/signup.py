"""Signup: POST /signup, POST /signup/verify, POST /signup/resend (all public)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from accounts import signup
from accounts.api.schemas import (
    ResendRequest,
    ResendResponse,
    SignupRequest,
    SignupResponse,
    UserResponse,
    VerifyRequest,
)
from kontor import api

app = api.make_resolver()


@app.post("/signup", responses={201: {"description": "Signed up; a verification mail is on its way."}})
@api.idempotent(app, "signup.create")
def sign_up(body: SignupRequest) -> Response[SignupResponse]:
    created = signup.sign_up(
        email=body.email, password=body.password, name=body.name, tenant_name=body.tenant_name, plan=body.plan
    )
    return api.created(SignupResponse.of(created))


@app.post("/signup/verify")
def verify(body: VerifyRequest) -> UserResponse:
    return UserResponse.of(signup.verify_email(body.token))


@app.post("/signup/resend", responses={202: {"description": "A new link was sent if one was due."}})
def resend(body: ResendRequest) -> Response[ResendResponse]:
    signup.resend_verification(body.email)
    return api.accepted(ResendResponse().model_dump())


handler = api.lambda_handler(app)
