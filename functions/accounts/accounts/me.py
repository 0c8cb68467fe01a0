"""The signed-in user: GET /me — who they are and every tenant they can enter."""

from __future__ import annotations

from accounts import users
from accounts.schemas import MeResponse
from kontor import api

app = api.make_resolver()


@app.get("/me")
def me() -> MeResponse:
    return MeResponse.of(users.me(api.caller(app)))


handler = api.lambda_handler(app)
