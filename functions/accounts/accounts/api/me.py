"""The signed-in user: GET /me — who they are and every tenant they can enter; PUT /me/language —
the language of their mails (one value, replaced whole: no ETag)."""

from __future__ import annotations

from accounts import me
from accounts.api.schemas import LanguageRequest, MeResponse, UserResponse
from kontor import api

app = api.make_resolver()


@app.get("/me")
def who_am_i() -> MeResponse:
    return MeResponse.of(me.me(api.caller(app)))


@app.put("/me/language")
def set_language(body: LanguageRequest) -> UserResponse:
    return UserResponse.of(me.set_language(api.caller(app), body.language))


handler = api.lambda_handler(app)
