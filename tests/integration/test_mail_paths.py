"""Every mail the product sends goes through the outbox: it is written in the same transaction as
the change that causes it, sent at once when SES takes it, and otherwise sent by the platform's
`mail.send` job — retried while SES refuses, never lost, and sent once.

One test per kind of mail, each through the public surface (the functions' handlers with their
sample events, the workers with their queue's messages): invitations, licence activations and
warnings, handovers, failed restores, a tenant closed by an operator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.conftest import Lambda
from tests.integration.tenancy import run_until_dead_lettered
from tests.integration.test_accounts import accept, invite, signed_up
from tests.integration.test_backups import backups_call, contact, make_backup, restore
from tests.integration.test_outbox import outbox_items, run_outbox_job, ses_down
from tests.integration.test_tenants import book, call, subtenant
from tests.support import event, link_token


def _waiting_for(invoke: Lambda, address: str) -> list[dict[str, Any]]:
    return [i for i in outbox_items(invoke) if {"S": address} in i["to"]["L"]]


def through_the_outbox(
    invoke: Lambda,
    monkeypatch: pytest.MonkeyPatch,
    address: str,
    subject: str,
    change: Callable[[], Any],
) -> Any:
    """Make `change` while SES refuses every mail; check that its mail to `address` waits in the
    outbox with the change, survives a failed attempt of the job, and is sent once after.
    `change`'s result."""
    from kontor import clock, mail

    working = mail.send
    monkeypatch.setattr(mail, "send", ses_down)
    before = len([m for m in invoke.mails(address) if subject in m.subject])

    # When the change is made while SES is down
    result = change()

    # Then its mail waits in the outbox (written with the change), not yet sent
    [waiting] = _waiting_for(invoke, address)
    assert subject in waiting["subject"]["S"] and waiting["due_pk"]["S"].startswith("DUE#OUTBOX#")
    assert len([m for m in invoke.mails(address) if subject in m.subject]) == before

    # When the job's first attempt fails too, the mail stays, counted, for a later attempt
    clock.advance(timedelta(minutes=3))
    assert run_outbox_job(invoke)["dispatched"] >= 1
    [still] = _waiting_for(invoke, address)
    assert still["attempts"]["N"] == "1" and still["last_error"]["S"] == "SesDown"

    # When SES is back, the job sends it once and the outbox lets it go
    monkeypatch.setattr(mail, "send", working)
    clock.advance(timedelta(minutes=5))
    run_outbox_job(invoke)
    clock.advance(timedelta(hours=7))
    run_outbox_job(invoke)  # nothing left to send again
    assert _waiting_for(invoke, address) == []
    sent = [m for m in invoke.mails(address) if subject in m.subject]
    assert len(sent) == before + 1
    return result


def test_an_invitation_and_its_resend_go_through_the_outbox(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, tenant_id = signed_up(invoke)

    made = through_the_outbox(
        invoke,
        monkeypatch,
        "gast@example.com",
        "Your invitation to Schmidt GmbH",
        lambda: invite(invoke, admin, tenant_id, "gast@example.com"),
    )

    assert made.status == 201, made.body
    rows = [i for i in invoke.table() if i["sk"]["S"] == f"INVITATION#{made.body['id']}"]
    assert [r["state"]["S"] for r in rows] == ["pending"]
    resent = through_the_outbox(
        invoke,
        monkeypatch,
        "gast@example.com",
        "Your invitation to Schmidt GmbH",
        lambda: invoke(
            "InvitationsFunction",
            event(
                "invitation_resend",
                claims=admin,
                path_parameters={"tenantId": tenant_id, "invitationId": made.body["id"]},
            ),
        ),
    )
    assert resent.status == 200, resent.body
    # the link of the mail sent last is the one that works
    secret = link_token(invoke.mails("gast@example.com")[-1].body)
    assert accept(invoke, secret).status == 200


def test_a_refused_invitation_queues_no_mail(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    assert invite(invoke, admin, tenant_id, "gast@example.com").status == 201
    sent = len(invoke.mails("gast@example.com"))

    again = invite(invoke, admin, tenant_id, "gast@example.com")

    assert (again.status, again.body["error"]["code"]) == (409, "invitation_pending")
    assert outbox_items(invoke) == [] and len(invoke.mails("gast@example.com")) == sent


def test_a_licence_booking_mails_each_admin_in_their_language_through_the_outbox(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, tenant_id = signed_up(invoke, email="en@example.com")
    from kontor import keys
    from kontor.models import UserItem

    UserItem(keys.user_pk(admin["sub"]), keys.PROFILE_SK).update(actions=[UserItem.language.set("en")])

    booked = through_the_outbox(
        invoke,
        monkeypatch,
        "en@example.com",
        "Kontor: Podcasts is activated",
        lambda: book(invoke, admin, tenant_id, "podcasts"),
    )

    assert booked.status == 201, booked.body
    [sent] = [m for m in invoke.mails("en@example.com") if "activated" in m.subject]
    assert "These terms apply" in sent.body and '<html lang="en">' in sent.body


def test_a_licence_warning_is_written_with_the_licence_job_and_sent_once(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from billing import licences
    from kontor import clock

    admin, tenant_id = signed_up(invoke)
    assert book(invoke, admin, tenant_id, "podcasts").status == 201
    clock.advance(timedelta(days=20))  # 14 days before the month's end, or fewer

    through_the_outbox(
        invoke,
        monkeypatch,
        admin["email"],
        "Kontor: Podcasts läuft in",
        lambda: licences.look_after(tenant_id),
    )

    licences.look_after(tenant_id)  # the job again: the warning was noted with its mail
    assert _waiting_for(invoke, admin["email"]) == []
    assert len([m for m in invoke.mails(admin["email"]) if "läuft in" in m.subject]) == 1


def test_a_handover_mails_the_new_admins_through_the_outbox(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner, partner_id = signed_up(invoke)
    sub = subtenant(invoke, partner, partner_id)
    invite(invoke, partner, sub, "kunde@example.com", "admin")
    owner_reply = accept(invoke, link_token(invoke.mails("kunde@example.com")[-1].body))
    assert owner_reply.status == 200

    done = through_the_outbox(
        invoke,
        monkeypatch,
        "kunde@example.com",
        "gehört jetzt Ihnen",
        lambda: call(invoke, "SubtenantsFunction", "tenant_handover", partner, {"tenantId": sub}),
    )

    assert done.status == 200, done.body
    assert done.body["handed_over_at"]


def test_a_failed_restore_is_told_to_the_admins_through_the_outbox(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backups.store import tenant_data

    claims, tenant_id = signed_up(invoke)
    contact(invoke, claims, tenant_id, "Anna")
    backup = make_backup(invoke, claims, tenant_id)
    real_flush = tenant_data.Writer.flush

    def down(self: Any) -> None:
        raise ConnectionError("the table went away")

    def failing_restore() -> None:
        monkeypatch.setattr(tenant_data.Writer, "flush", down)
        assert restore(invoke, claims, tenant_id, backup["id"]).status == 202
        run_until_dead_lettered(invoke)
        monkeypatch.setattr(tenant_data.Writer, "flush", real_flush)

    through_the_outbox(
        invoke, monkeypatch, claims["email"], "Wiederherstellung Ihrer Sicherung", failing_restore
    )

    status = backups_call(invoke, "restore_get", claims, tenant_id).body
    assert status["state"] == "failed"


def test_a_tenant_an_operator_closes_mails_its_admins_through_the_outbox(
    invoke: Lambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kontor import operators

    admin, tenant_id = signed_up(invoke)
    staff, _ = signed_up(invoke, email="support@example.com", tenant="Hersteller AG")
    operators.grant("support@example.com", added_by="test")

    closed = through_the_outbox(
        invoke,
        monkeypatch,
        admin["email"],
        "Mandant geschlossen",
        lambda: call(
            invoke,
            "OperatorTenantsFunction",
            "operator_tenant_status",
            staff,
            {"tenantId": tenant_id},
            body={"status": "closed", "reason": "Kündigung"},
        ),
    )

    assert closed.status == 200, closed.body
    assert closed.body["status"] == "closed"
    assert [i for i in invoke.table() if i["pk"]["S"] == f"TENANT#{tenant_id}" and i["sk"]["S"] == "PURGE"]


def test_an_invitation_to_an_address_with_a_login_speaks_its_language(invoke: Lambda) -> None:
    admin, tenant_id = signed_up(invoke)
    signed_up(invoke, email="de@example.com", tenant="Deutsch GmbH")
    english, _ = signed_up(invoke, email="en@example.com", tenant="English Ltd")
    from kontor import keys
    from kontor.models import UserItem

    UserItem(keys.user_pk(english["sub"]), keys.PROFILE_SK).update(actions=[UserItem.language.set("en")])

    assert invite(invoke, admin, tenant_id, "de@example.com").status == 201
    assert invite(invoke, admin, tenant_id, "en@example.com").status == 201
    assert invite(invoke, admin, tenant_id, "neu@example.com").status == 201

    assert invoke.mails("de@example.com")[-1].subject == "Ihre Einladung zu Schmidt GmbH bei Kontor"
    assert invoke.mails("en@example.com")[-1].subject == "Your invitation to Schmidt GmbH on Kontor"
    assert invoke.mails("neu@example.com")[-1].subject == "Your invitation to Schmidt GmbH on Kontor"
    assert outbox_items(invoke) == []
