"""What a mail may quote of a name someone typed: text, never a link."""

from __future__ import annotations

import pytest

from kontor import mail


@pytest.mark.parametrize(
    ("typed", "quoted"),
    [
        ("Schmidt GmbH", "Schmidt GmbH"),
        ("Müller & Co. KG", "Müller & Co. KG"),
        ("Win at https://evil.example/login now", "Win at https evil example/login now"),
        ("Visit www.evil.example", "Visit www evil example"),
        ("Bank security team evil-bank.com", "Bank security team evil-bank com"),
        ("Zeile 1\r\nBcc: victim@example.com", "Zeile 1 Bcc: victim@example com"),
        ("Rechts\u202eläuft", "Rechts läuft"),
    ],
)
def test_a_name_is_quoted_as_plain_text(typed: str, quoted: str) -> None:
    assert mail.plain(typed) == quoted


def test_a_long_name_is_cut() -> None:
    quoted = mail.plain("A" * 500, limit=80)

    assert len(quoted) == 80 and quoted.endswith("…")
