"""The signed-in user: GET /me — who they are and every tenant they can enter."""

from __future__ import annotations

from accounts import me
from accounts.api.schemas import MeResponse
from kontor import api

app = api.make_resolver()


@app.get("/me")
def who_am_i() -> MeResponse:
    return MeResponse.of(me.me(api.caller(app)))


handler = api.lambda_handler(app)
