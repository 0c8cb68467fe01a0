"""Password hygiene beyond Cognito's policy: strength, and nothing built from who you are."""

from __future__ import annotations

import re

from kontor.errors import BadRequest

MIN_LENGTH = 12
MAX_LENGTH = 256
# zxcvbn raises past 72 characters (its `max_length`); a longer password is judged by its first 72.
STRENGTH_CHECKED = 72
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable", resists offline slow-hash attacks


def check(password: str, *, email: str, name: str, tenant_name: str) -> None:
    """Refuse a password with a message that says why; silent when it is good enough."""
    if len(password) < MIN_LENGTH:
        _refuse(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        _refuse(f"Use at most {MAX_LENGTH} characters.")
    if password != password.strip():
        _refuse("The password must not start or end with a space.")

    personal = _personal_words(email, name, tenant_name)
    lowered = password.lower()
    for word in personal:
        if len(word) >= 4 and word in lowered:
            _refuse("The password must not contain your email address, your name or the account name.")

    from zxcvbn import zxcvbn  # heavy: loads word lists, so only when a password is checked

    verdict = zxcvbn(password[:STRENGTH_CHECKED], user_inputs=personal, max_length=STRENGTH_CHECKED)
    if verdict["score"] < MIN_SCORE:
        feedback = verdict.get("feedback") or {}
        reasons = [feedback.get("warning") or "This password is too easy to guess."]
        reasons += feedback.get("suggestions") or []
        _refuse(" ".join(reason for reason in reasons if reason))


def _personal_words(email: str, name: str, tenant_name: str) -> list[str]:
    local, _, domain = email.lower().partition("@")
    words = {email.lower(), local, domain.split(".")[0], name.lower(), tenant_name.lower()}
    for text in (local, name, tenant_name):
        words.update(re.split(r"[^a-z0-9äöüß]+", text.lower()))
    return sorted(word for word in words if word)


def _refuse(reason: str) -> None:
    raise BadRequest(f"Choose a stronger password: {reason}", code="weak_password")
