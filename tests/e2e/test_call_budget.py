"""Each route's AWS calls, counted by the local stack per request and pinned here.

Every route of template.yaml needs a scenario and a budget: a new route fails until it has both.
Listing /me must not grow with the table, and no request may Scan (the stack's guard fails it).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from local.template import load
from tests.e2e import budgets_billing as billing
from tests.e2e import budgets_modules as modules
from tests.e2e import budgets_records_backups as records_backups
from tests.e2e import budgets_sync as sync
from tests.e2e.conftest import PASSWORD, Account, Api, HttpReply
from tests.support import link_token

# A mail is written to the outbox in the change's transaction, handed to SES, then deleted there.
SIGNUP_CALLS = {
    "cognito-idp.AdminCreateUser": 1,
    "cognito-idp.AdminDisableUser": 1,
    "cognito-idp.AdminSetUserPassword": 1,
    "dynamodb.GetItem": 1,
    "dynamodb.TransactWriteItems": 1,
    "ses.SendEmail": 1,
    "dynamodb.DeleteItem": 1,
}

BUDGETS: dict[str, dict[str, int]] = {
    "GET /health": {},
    "GET /config": {},
    "GET /openapi.json": {},
    "GET /docs": {},
    "POST /signup": SIGNUP_CALLS,
    # the token, the address's holder (claim, profile), whether its login exists, the password the
    # verifier typed, the attributes, enabling, the commit, the profile answered
    "POST /signup/verify": {
        "cognito-idp.AdminEnableUser": 1,
        "cognito-idp.AdminGetUser": 1,
        "cognito-idp.AdminSetUserPassword": 1,
        "cognito-idp.AdminUpdateUserAttributes": 1,
        "dynamodb.GetItem": 4,
        "dynamodb.TransactWriteItems": 1,
    },
    "POST /signup/resend": {
        "dynamodb.GetItem": 2,
        "dynamodb.TransactWriteItems": 1,
        "ses.SendEmail": 1,
        "dynamodb.DeleteItem": 1,
    },
    "GET /me": {"dynamodb.GetItem": 1, "dynamodb.Query": 2, "dynamodb.BatchGetItem": 1},
    "PUT /me/language": {"dynamodb.UpdateItem": 1},  # the profile's language, answered as written
    "GET /tenants/{tenantId}": {"dynamodb.GetItem": 1, "dynamodb.BatchGetItem": 1},
    "POST /tenants": {"dynamodb.GetItem": 1, "dynamodb.TransactWriteItems": 1},
    # Every tenant route starts with one BatchGetItem: the caller's membership and the tenant row.
    "GET /tenants/{tenantId}/members": {"dynamodb.Query": 1, "dynamodb.BatchGetItem": 1},
    "PATCH /tenants/{tenantId}/members/{userId}": {
        "dynamodb.GetItem": 1,
        "dynamodb.TransactWriteItems": 1,
        "dynamodb.BatchGetItem": 1,
    },
    "DELETE /tenants/{tenantId}/members/{userId}": {
        "dynamodb.GetItem": 1,
        "dynamodb.TransactWriteItems": 1,
        "dynamodb.BatchGetItem": 1,
    },
    # membership, inviter, tenant name, whether the address has a login (then its language);
    # the mail is written with the invitation, handed to SES, then deleted from the outbox
    "POST /tenants/{tenantId}/invitations": {
        "dynamodb.GetItem": 3,
        "dynamodb.TransactWriteItems": 1,
        "ses.SendEmail": 1,
        "dynamodb.DeleteItem": 1,
        "dynamodb.BatchGetItem": 1,
    },
    "GET /tenants/{tenantId}/invitations": {"dynamodb.Query": 1, "dynamodb.BatchGetItem": 1},
    "DELETE /tenants/{tenantId}/invitations/{invitationId}": {
        "dynamodb.GetItem": 1,
        "dynamodb.TransactWriteItems": 1,
        "dynamodb.BatchGetItem": 1,
    },
    # the invitation, the tenant name, whether the address has a login; the mail as above
    "POST /tenants/{tenantId}/invitations/{invitationId}/resend": {
        "dynamodb.GetItem": 3,
        "dynamodb.TransactWriteItems": 1,
        "ses.SendEmail": 1,
        "dynamodb.DeleteItem": 1,
        "dynamodb.BatchGetItem": 1,
    },
    # token, invitation, tenant name, whether the address has a login
    "GET /invitations/{token}": {"dynamodb.GetItem": 4},
    # membership, then the tenant (for the rules STANDARD and CUSTOM follow), then the write
    "PATCH /tenants/{tenantId}": {
        "dynamodb.GetItem": 1,
        "dynamodb.TransactWriteItems": 1,
        "dynamodb.BatchGetItem": 1,
    },
    "GET /tenants/{tenantId}/connection-file": {"dynamodb.GetItem": 1, "dynamodb.BatchGetItem": 1},
    "GET /tenants/{tenantId}/audit": {"dynamodb.Query": 1, "dynamodb.BatchGetItem": 1},
    # signing the form is local: no AWS call
    "POST /tenants/{tenantId}/logo/upload": {"dynamodb.BatchGetItem": 1},
    "POST /tenants/{tenantId}/logo/confirm": {
        "dynamodb.GetItem": 1,
        "dynamodb.TransactWriteItems": 1,
        "s3.HeadObject": 1,
        "s3.GetObject": 1,
        "s3.PutObject": 1,
        "s3.DeleteObject": 1,
        "dynamodb.BatchGetItem": 1,
    },
    "DELETE /tenants/{tenantId}/logo": {
        "dynamodb.GetItem": 1,
        "dynamodb.TransactWriteItems": 1,
        "s3.DeleteObject": 1,
        "dynamodb.BatchGetItem": 1,
    },
    "POST /tenants/{tenantId}/subtenants": {
        "dynamodb.GetItem": 1,
        "dynamodb.TransactWriteItems": 1,
        "dynamodb.BatchGetItem": 1,
    },
    "GET /tenants/{tenantId}/subtenants": {"dynamodb.Query": 1, "dynamodb.BatchGetItem": 1},
    # sub-tenant, one page of the partner's templates, one batch of the names the sub-tenant has,
    # one write per copied template (none here: a STANDARD sub-tenant has them all) and the audit
    "POST /tenants/{tenantId}/subtenants/{subId}/copy-content": {
        "dynamodb.GetItem": 1,
        "dynamodb.Query": 1,
        "dynamodb.BatchGetItem": 2,
        "dynamodb.TransactWriteItems": 1,
    },
    # as partner: one batch of membership and tenant, one of ancestors; then admins, their profiles,
    # the tenant, the write with the mail in the outbox, the mail (then its outbox item deleted),
    # and the partner's request on the record
    "POST /tenants/{tenantId}/handover": {
        "dynamodb.GetItem": 1,
        "dynamodb.BatchGetItem": 3,
        "dynamodb.Query": 1,
        "dynamodb.TransactWriteItems": 1,
        "dynamodb.PutItem": 1,
        "ses.SendEmail": 1,
        "dynamodb.DeleteItem": 1,
    },
    # + the usage counter read before and moved after the commit (kontor.quotas)
    "POST /tenants/{tenantId}/templates": {
        "dynamodb.GetItem": 1,
        "dynamodb.TransactWriteItems": 1,
        "dynamodb.UpdateItem": 1,
        "dynamodb.BatchGetItem": 1,
    },
    "GET /tenants/{tenantId}/templates": {"dynamodb.Query": 1, "dynamodb.BatchGetItem": 1},
    "GET /tenants/{tenantId}/templates/{templateId}": {"dynamodb.GetItem": 1, "dynamodb.BatchGetItem": 1},
    "PATCH /tenants/{tenantId}/templates/{templateId}": {
        "dynamodb.GetItem": 2,
        "dynamodb.TransactWriteItems": 1,
        "dynamodb.BatchGetItem": 1,
    },
    "DELETE /tenants/{tenantId}/templates/{templateId}": {
        "dynamodb.GetItem": 1,
        "dynamodb.TransactWriteItems": 1,
        "dynamodb.UpdateItem": 1,
        "dynamodb.BatchGetItem": 1,
    },
    "POST /invitations/{token}/accept": {
        "cognito-idp.AdminCreateUser": 1,
        "cognito-idp.AdminSetUserPassword": 1,
        "dynamodb.GetItem": 4,
        "dynamodb.TransactWriteItems": 1,
    },
}


def _signup(api: Api, email: str) -> HttpReply:
    body = {"email": email, "password": PASSWORD, "name": "Budget", "tenant_name": "Budget KG"}
    return api.call("POST", "/signup", json_body=body)


def _verify(api: Api, account: Account) -> HttpReply:
    email = account.email.replace("@", "+verify@")
    assert _signup(api, email).status == 202
    secret = link_token(api.outbox(email)[0]["text"])
    return api.call("POST", "/signup/verify", json_body={"token": secret, "password": PASSWORD})


def _resend(api: Api, account: Account) -> HttpReply:
    email = account.email.replace("@", "+resend@")
    assert _signup(api, email).status == 202
    api.call("POST", "/_local/clock", json_body={"advance_days": 0.01})  # past the one-minute throttle
    return api.call("POST", "/signup/resend", json_body={"email": email})


def _invite(api: Api, account: Account, label: str) -> tuple[str, str, str]:
    """A fresh invitation in the account's tenant: its address, id and link token."""
    email = account.email.replace("@", f"+{label}@")
    sent = api.call(
        "POST", f"/tenants/{account.tenant_id}/invitations", token=account.token, json_body={"email": email}
    )
    assert sent.status == 201, sent.body
    return email, sent.body["id"], link_token(api.outbox(email)[0]["text"])


def _invitation_path(api: Api, account: Account, label: str) -> str:
    _, invitation_id, _ = _invite(api, account, label)
    return f"/tenants/{account.tenant_id}/invitations/{invitation_id}"


_names = itertools.count()


def _template_path(api: Api, account: Account) -> str:
    created = api.call(
        "POST",
        f"/tenants/{account.tenant_id}/templates",
        token=account.token,
        json_body={
            "name": f"Vorlage {next(_names)}",
            "kind": "email",
            "body": "b",
        },
    )
    assert created.status == 201, created.body
    return f"/tenants/{account.tenant_id}/templates/{created.body['id']}"


def _logo(api: Api, account: Account) -> HttpReply:
    upload_id = api.upload_logo(account, _png())
    return api.call(
        "POST",
        f"/tenants/{account.tenant_id}/logo/confirm",
        token=account.token,
        json_body={"upload_id": upload_id},
    )


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 32), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _handover(api: Api, account: Account) -> HttpReply:
    sub = api.subtenant(account, "Übergabe")
    api.join(account, "admin", tenant_id=sub)
    return api.call("POST", f"/tenants/{sub}/handover", token=account.token)


def _patch_tenant(api: Api, account: Account) -> HttpReply:
    read = api.call("GET", f"/tenants/{account.tenant_id}", token=account.token)
    return api.call(
        "PATCH",
        f"/tenants/{account.tenant_id}",
        token=account.token,
        json_body={"name": "Budget GmbH & Co. KG"},
        headers={"If-Match": read.headers["ETag"]},
    )


def _member_path(api: Api, account: Account) -> str:
    return f"/tenants/{account.tenant_id}/members/{api.join(account, 'member').user_id}"


SCENARIOS: dict[str, Callable[[Api, Account], HttpReply]] = {
    "GET /health": lambda api, _: api.call("GET", "/health"),
    "GET /config": lambda api, _: api.call("GET", "/config"),
    "GET /openapi.json": lambda api, _: api.call("GET", "/openapi.json"),
    "GET /docs": lambda api, _: api.call("GET", "/docs"),
    "POST /signup": lambda api, account: _signup(api, account.email.replace("@", "+signup@")),
    "POST /signup/verify": _verify,
    "POST /signup/resend": _resend,
    # A fresh user: the budget account becomes a partner further down, which /me reads more for.
    "GET /me": lambda api, _: api.call("GET", "/me", token=api.new_account("Me GmbH").token),
    "PUT /me/language": lambda api, _: api.call(
        "PUT", "/me/language", token=api.new_account("Me Sprache GmbH").token, json_body={"language": "en"}
    ),
    "GET /tenants/{tenantId}": lambda api, account: api.call(
        "GET", f"/tenants/{account.tenant_id}", token=account.token
    ),
    "POST /tenants": lambda api, account: api.call(
        "POST", "/tenants", token=account.token, json_body={"name": "Budget Zwei"}
    ),
    "GET /tenants/{tenantId}/members": lambda api, account: api.call(
        "GET", f"/tenants/{account.tenant_id}/members", token=account.token
    ),
    "PATCH /tenants/{tenantId}/members/{userId}": lambda api, account: api.call(
        "PATCH", _member_path(api, account), token=account.token, json_body={"role": "viewer"}
    ),
    "DELETE /tenants/{tenantId}/members/{userId}": lambda api, account: api.call(
        "DELETE", _member_path(api, account), token=account.token
    ),
    "POST /tenants/{tenantId}/invitations": lambda api, account: api.call(
        "POST",
        f"/tenants/{account.tenant_id}/invitations",
        token=account.token,
        json_body={"email": account.email.replace("@", "+invite@")},
    ),
    "GET /tenants/{tenantId}/invitations": lambda api, account: api.call(
        "GET", f"/tenants/{account.tenant_id}/invitations", token=account.token
    ),
    "DELETE /tenants/{tenantId}/invitations/{invitationId}": lambda api, account: api.call(
        "DELETE", _invitation_path(api, account, "revoke"), token=account.token
    ),
    "POST /tenants/{tenantId}/invitations/{invitationId}/resend": lambda api, account: api.call(
        "POST", _invitation_path(api, account, "resend") + "/resend", token=account.token
    ),
    "GET /invitations/{token}": lambda api, account: api.call(
        "GET", f"/invitations/{_invite(api, account, 'preview')[2]}"
    ),
    "POST /invitations/{token}/accept": lambda api, account: api.call(
        "POST",
        f"/invitations/{_invite(api, account, 'accept')[2]}/accept",
        json_body={"name": "Neue Person", "password": PASSWORD},
    ),
    "PATCH /tenants/{tenantId}": _patch_tenant,
    "GET /tenants/{tenantId}/connection-file": lambda api, account: api.call(
        "GET", f"/tenants/{account.tenant_id}/connection-file", token=account.token
    ),
    "GET /tenants/{tenantId}/audit": lambda api, account: api.call(
        "GET", f"/tenants/{account.tenant_id}/audit", token=account.token
    ),
    "POST /tenants/{tenantId}/logo/upload": lambda api, account: api.call(
        "POST",
        f"/tenants/{account.tenant_id}/logo/upload",
        token=account.token,
        json_body={"content_type": "image/png"},
    ),
    "POST /tenants/{tenantId}/logo/confirm": _logo,
    "DELETE /tenants/{tenantId}/logo": lambda api, account: api.call(
        "DELETE", f"/tenants/{account.tenant_id}/logo", token=account.token
    ),
    "POST /tenants/{tenantId}/subtenants": lambda api, account: (
        api.book(account, "tenant_management"),
        api.call(
            "POST",
            f"/tenants/{account.tenant_id}/subtenants",
            token=account.token,
            json_body={"name": "Budget Kunde"},
        ),
    )[1],
    "GET /tenants/{tenantId}/subtenants": lambda api, account: api.call(
        "GET", f"/tenants/{account.tenant_id}/subtenants", token=account.token
    ),
    "POST /tenants/{tenantId}/subtenants/{subId}/copy-content": lambda api, account: api.call(
        "POST",
        f"/tenants/{account.tenant_id}/subtenants/{api.subtenant(account, 'Kopie')}/copy-content",
        token=account.token,
        json_body={},
    ),
    "POST /tenants/{tenantId}/handover": _handover,
    "POST /tenants/{tenantId}/templates": lambda api, account: api.call(
        "POST",
        f"/tenants/{account.tenant_id}/templates",
        token=account.token,
        json_body={"name": "Budget Vorlage", "kind": "document", "body": "b"},
    ),
    "GET /tenants/{tenantId}/templates": lambda api, account: api.call(
        "GET", f"/tenants/{account.tenant_id}/templates", token=account.token
    ),
    "GET /tenants/{tenantId}/templates/{templateId}": lambda api, account: api.call(
        "GET", _template_path(api, account), token=account.token
    ),
    "PATCH /tenants/{tenantId}/templates/{templateId}": lambda api, account: api.call(
        "PATCH",
        _template_path(api, account),
        token=account.token,
        json_body={"body": "neu"},
        headers={"If-Match": '"1"'},
    ),
    "DELETE /tenants/{tenantId}/templates/{templateId}": lambda api, account: api.call(
        "DELETE", _template_path(api, account), token=account.token
    ),
}

# The operators' routes: the operator check, then one Query a directory page.
OPERATOR_CHECK = {"dynamodb.GetItem": 1}
OPERATOR_CHANGE = {"dynamodb.GetItem": 3, "dynamodb.TransactWriteItems": 1}  # check, before, after
BUDGETS.update(
    {
        "GET /operator/tenants": {**OPERATOR_CHECK, "dynamodb.Query": 1},
        # the check, the tenant, one page of its memberships
        "GET /operator/tenants/{tenantId}": {"dynamodb.GetItem": 2, "dynamodb.Query": 1},
        "PUT /operator/tenants/{tenantId}/status": OPERATOR_CHANGE,
        # and the current plan span, which the change ends (billed from now on)
        "PUT /operator/tenants/{tenantId}/edition": {**OPERATOR_CHANGE, "dynamodb.GetItem": 4},
        "PUT /operator/tenants/{tenantId}/configuration": OPERATOR_CHANGE,
    }
)


def _operator_put(what: str, body: dict | None = None) -> Callable[[Api, Account], HttpReply]:
    """An operator's change to a fresh sub-tenant of the budget account (CUSTOM: it awaits
    configuration), so every change is a real one and the budget account stays as it is."""

    def scenario(api: Api, account: Account) -> HttpReply:
        sub = api.call(
            "POST",
            f"/tenants/{account.tenant_id}/subtenants",
            token=account.token,
            json_body={"name": f"Budget {what}", "type": "CUSTOM", "charset": "UTF-8"},
        ).body["id"]
        return api.call("PUT", f"/operator/tenants/{sub}/{what}", token=api.operator().token, json_body=body)

    return scenario


SCENARIOS.update(
    {
        "GET /operator/tenants": lambda api, _: api.call(
            "GET", "/operator/tenants", token=api.operator().token
        ),
        "GET /operator/tenants/{tenantId}": lambda api, account: api.call(
            "GET", f"/operator/tenants/{account.tenant_id}", token=api.operator().token
        ),
        "PUT /operator/tenants/{tenantId}/status": _operator_put(
            "status", {"status": "suspended", "reason": "budget"}
        ),
        "PUT /operator/tenants/{tenantId}/edition": _operator_put("edition", {"edition": "PROFESSIONAL"}),
        "PUT /operator/tenants/{tenantId}/configuration": _operator_put("configuration"),
    }
)


def _terms(api: Api, account: Account, module: str | None = None) -> dict[str, str]:
    catalog = api.call("GET", "/catalog", token=account.token).body
    if module is None:
        return {"version": catalog["plan_terms"]["version"]}
    return {"version": next(m for m in catalog["modules"] if m["id"] == module)["terms"]["version"]}


def _change_plan(api: Api, account: Account) -> HttpReply:
    own = api.new_account("Tarif GmbH")
    return api.call(
        "POST",
        f"/tenants/{own.tenant_id}/plan",
        token=own.token,
        json_body={"plan": "ENTERPRISE", "accept_terms": _terms(api, own)},
    )


SCENARIOS.update(
    {
        "GET /catalog": lambda api, account: api.call("GET", "/catalog", token=account.token),
        "GET /tenants/{tenantId}/licences": lambda api, account: api.call(
            "GET", f"/tenants/{account.tenant_id}/licences", token=account.token
        ),
        "POST /tenants/{tenantId}/licences": lambda api, account: api.call(
            "POST",
            f"/tenants/{account.tenant_id}/licences",
            token=account.token,
            json_body={
                "module": "podcasts",
                "period": "P1M",
                "accept_terms": _terms(api, account, "podcasts"),
            },
        ),
        "POST /tenants/{tenantId}/plan": _change_plan,
        "POST /operator/tenants/{tenantId}/licences": lambda api, account: api.call(
            "POST",
            f"/operator/tenants/{account.tenant_id}/licences",
            token=api.operator().token,
            json_body={"module": "price_calculation", "period": "P12M", "note": "Beratung"},
        ),
    }
)
BUDGETS.update(
    {
        "GET /catalog": {},
        # The licences come with the tenant row the gate reads: no call of their own.
        "GET /tenants/{tenantId}/licences": {"dynamodb.BatchGetItem": 1},
        # the admins and their languages, the booking (row, span, ledger, due marker, audit, the
        # mail with the terms in the outbox), the mail sent and its outbox item deleted
        "POST /tenants/{tenantId}/licences": {
            "dynamodb.BatchGetItem": 2,
            "dynamodb.TransactWriteItems": 1,
            "dynamodb.Query": 1,
            "ses.SendEmail": 1,
            "dynamodb.DeleteItem": 1,
        },
        # the plan and the current plan span, then the change with its spans, ledger and audit
        "POST /tenants/{tenantId}/plan": {
            "dynamodb.BatchGetItem": 1,
            "dynamodb.GetItem": 2,
            "dynamodb.TransactWriteItems": 1,
        },
        "POST /operator/tenants/{tenantId}/licences": {
            "dynamodb.GetItem": 2,
            "dynamodb.BatchGetItem": 1,
            "dynamodb.TransactWriteItems": 1,
            "dynamodb.Query": 1,
            "ses.SendEmail": 1,
            "dynamodb.DeleteItem": 1,
        },
    }
)

# Maintenance windows and notices: the operator check, then the windows' one item. (The edge's
# refresh of its cached copy is counted apart and pinned in test_maintenance.py.)
BUDGETS.update(
    {
        "POST /operator/maintenance-windows": {"dynamodb.GetItem": 2, "dynamodb.PutItem": 1},
        "GET /operator/maintenance-windows": {"dynamodb.GetItem": 2},
        "GET /operator/maintenance-windows/{windowId}": {"dynamodb.GetItem": 2},
        "PATCH /operator/maintenance-windows/{windowId}": {"dynamodb.GetItem": 2, "dynamodb.PutItem": 1},
        "DELETE /operator/maintenance-windows/{windowId}": {"dynamodb.GetItem": 2, "dynamodb.PutItem": 1},
        # from the edge's copy of the windows; with ?tenant= the tenant gate's one batch
        "GET /notices": {"dynamodb.BatchGetItem": 1},
        "GET /notices/public": {},
    }
)


def _window(api: Api, method: str, body: dict | None = None) -> HttpReply:
    """`method` on a window planned far ahead (other tests move the clock), removed afterwards."""
    from datetime import datetime, timedelta

    now = datetime.fromisoformat(api.call("GET", "/_local/clock").body["now"].replace("Z", "+00:00"))
    starts = now + timedelta(days=3000)
    planned = api.call(
        "POST",
        "/operator/maintenance-windows",
        token=api.operator().token,
        json_body={
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "mode": "read_only",
            "title": {"de": "Budget", "en": "Budget"},
            "text": {"de": "Budget", "en": "Budget"},
        },
    )
    path = f"/operator/maintenance-windows/{planned.body['id']}"
    reply = planned
    if method != "POST":
        reply = api.call(method, path, token=api.operator().token, json_body=body)
    if method != "DELETE":
        api.call("DELETE", path, token=api.operator().token)
    return reply


SCENARIOS.update(
    {
        "POST /operator/maintenance-windows": lambda api, _: _window(api, "POST"),
        "GET /operator/maintenance-windows": lambda api, _: api.call(
            "GET", "/operator/maintenance-windows", token=api.operator().token
        ),
        "GET /operator/maintenance-windows/{windowId}": lambda api, _: _window(api, "GET"),
        "PATCH /operator/maintenance-windows/{windowId}": lambda api, _: _window(
            api, "PATCH", {"mode": "unavailable"}
        ),
        "DELETE /operator/maintenance-windows/{windowId}": lambda api, _: _window(api, "DELETE"),
        "GET /notices": lambda api, account: api.call(
            "GET", f"/notices?tenant={account.tenant_id}", token=account.token
        ),
        "GET /notices/public": lambda api, _: api.call("GET", "/notices/public"),
    }
)

# Closing a tenant and reopening it. Closing: the gate's batch, the tenant, the children index,
# the admins, the write (row, purge marker, audit), a mail to its one admin.
BUDGETS.update(
    {
        "DELETE /tenants/{tenantId}": {
            "dynamodb.BatchGetItem": 2,  # the gate's, and the admins' languages
            "dynamodb.GetItem": 2,
            "dynamodb.Query": 2,
            "dynamodb.TransactWriteItems": 1,
            "ses.SendEmail": 1,
            "dynamodb.DeleteItem": 1,
        },
        # the check, the tenant before and after, the write (row, marker, audit)
        "POST /operator/tenants/{tenantId}/reopen": OPERATOR_CHANGE,
    }
)


def _closed(api: Api) -> tuple[Account, HttpReply]:
    account = api.new_account("Budget Schluss")
    return account, api.call(
        "DELETE",
        f"/tenants/{account.tenant_id}",
        token=account.token,
        json_body={"confirm_name": "Budget Schluss"},
    )


SCENARIOS.update(
    {
        "DELETE /tenants/{tenantId}": lambda api, _: _closed(api)[1],
        "POST /operator/tenants/{tenantId}/reopen": lambda api, _: api.call(
            "POST",
            f"/operator/tenants/{_closed(api)[0].tenant_id}/reopen",
            token=api.operator().token,
            json_body={},
        ),
    }
)

# Error reports: the gate's batch, then the report; sending also names the tenant to support.
BUDGETS.update(
    {
        "POST /tenants/{tenantId}/error-reports": {"dynamodb.BatchGetItem": 1, "dynamodb.PutItem": 1},
        "GET /tenants/{tenantId}/error-reports": {"dynamodb.BatchGetItem": 1, "dynamodb.Query": 1},
        "GET /tenants/{tenantId}/error-reports/{reportId}": {
            "dynamodb.BatchGetItem": 1,
            "dynamodb.GetItem": 1,
        },
        "PATCH /tenants/{tenantId}/error-reports/{reportId}": {
            "dynamodb.BatchGetItem": 1,
            "dynamodb.GetItem": 1,
            "dynamodb.TransactWriteItems": 1,
        },
        "POST /tenants/{tenantId}/error-reports/{reportId}/send": {
            "dynamodb.BatchGetItem": 1,
            "dynamodb.GetItem": 2,
            "dynamodb.TransactWriteItems": 1,
            "ses.SendEmail": 1,
            "dynamodb.DeleteItem": 1,
        },
        "GET /operator/error-reports": {**OPERATOR_CHECK, "dynamodb.Query": 1},
        "POST /operator/tenants/{tenantId}/error-reports/{reportId}/answer": {
            "dynamodb.GetItem": 2,
            "dynamodb.TransactWriteItems": 1,
            "ses.SendEmail": 1,
            "dynamodb.DeleteItem": 1,
        },
    }
)
_REPORT = {"subject": "Budget", "description": "Budget", "severity": "low"}


def _report(api: Api, account: Account, *, sent: bool = False) -> str:
    made = api.call(
        "POST", f"/tenants/{account.tenant_id}/error-reports", token=account.token, json_body=_REPORT
    )
    path = f"/tenants/{account.tenant_id}/error-reports/{made.body['id']}"
    if sent:
        api.call("POST", f"{path}/send", token=account.token)
    return path


SCENARIOS.update(
    {
        "POST /tenants/{tenantId}/error-reports": lambda api, account: api.call(
            "POST", f"/tenants/{account.tenant_id}/error-reports", token=account.token, json_body=_REPORT
        ),
        "GET /tenants/{tenantId}/error-reports": lambda api, account: api.call(
            "GET", f"/tenants/{account.tenant_id}/error-reports", token=account.token
        ),
        "GET /tenants/{tenantId}/error-reports/{reportId}": lambda api, account: api.call(
            "GET", _report(api, account), token=account.token
        ),
        "PATCH /tenants/{tenantId}/error-reports/{reportId}": lambda api, account: api.call(
            "PATCH",
            _report(api, account),
            token=account.token,
            json_body={"severity": "high"},
            headers={"If-Match": '"1"'},
        ),
        "POST /tenants/{tenantId}/error-reports/{reportId}/send": lambda api, account: api.call(
            "POST", _report(api, account) + "/send", token=account.token
        ),
        "GET /operator/error-reports": lambda api, _: api.call(
            "GET", "/operator/error-reports", token=api.operator().token
        ),
        "POST /operator/tenants/{tenantId}/error-reports/{reportId}/answer": lambda api, account: api.call(
            "POST",
            "/operator" + _report(api, account, sent=True) + "/answer",
            token=api.operator().token,
            json_body={"answer": "Budget"},
        ),
    }
)

# Records and backups keep their scenarios and budgets beside them.
SCENARIOS.update(records_backups.SCENARIOS)
BUDGETS.update(records_backups.BUDGETS)
# A billing account's routes too.
SCENARIOS.update(billing.SCENARIOS)
BUDGETS.update(billing.BUDGETS)
# The licensed modules' routes likewise.
SCENARIOS.update(modules.SCENARIOS)
BUDGETS.update(modules.BUDGETS)
# Online sync's routes too.
SCENARIOS.update(sync.SCENARIOS)
BUDGETS.update(sync.BUDGETS)


# Every request the tenant gate lets in is counted against the tenant's rate: one conditional
# UpdateItem (`kontor.throttles.admit`), pinned here once for every tenant route.
TENANT_RATE = {"dynamodb.UpdateItem": 1}


def with_tenant_rate(route: str, calls: dict[str, int]) -> dict[str, int]:
    _, path = route.split(" ", 1)
    if "{tenantId}" not in path or path.startswith("/operator/"):
        return calls
    return {name: calls.get(name, 0) + TENANT_RATE.get(name, 0) for name in {*calls, *TENANT_RATE}}


@pytest.fixture(scope="module")
def account(local_stack: Api) -> Account:
    return local_stack.new_account("Budget GmbH")


@pytest.mark.parametrize("route", [route.key for route in load().routes])
def test_every_route_has_its_calls_pinned(api: Api, account: Account, route: str) -> None:
    assert route in SCENARIOS, f"{route}: add a scenario and pin its AWS calls"

    reply = SCENARIOS[route](api, account)
    assert route in BUDGETS, f"{route}: pin its AWS calls: {reply.calls}"

    assert 200 <= reply.status < 400, reply.body  # 3xx: the podcast audio's redirect
    assert reply.calls == with_tenant_rate(route, BUDGETS[route]), f"{route}: {reply.calls}"


def test_an_idempotency_key_adds_one_record_write_and_one_completion(api: Api, account: Account) -> None:
    body = {
        "email": account.email.replace("@", "+key@"),
        "password": PASSWORD,
        "name": "K",
        "tenant_name": "K KG",
    }
    first = api.call("POST", "/signup", json_body=body, headers={"Idempotency-Key": "budget-1"})
    retry = api.call("POST", "/signup", json_body=body, headers={"Idempotency-Key": "budget-1"})

    assert first.status == retry.status == 202
    assert first.calls == {**SIGNUP_CALLS, "dynamodb.PutItem": 1, "dynamodb.UpdateItem": 1}
    assert retry.calls == {"dynamodb.PutItem": 1}  # the failed conditional put returns the stored answer
    assert retry.body == first.body


def test_me_does_not_grow_with_the_table_or_the_users_tenants(api: Api) -> None:
    account = api.new_account("Wachstum GmbH")
    before = api.call("GET", "/me", token=account.token).calls
    for _ in range(3):
        api.new_account("Filler GmbH")
        api.call("POST", "/tenants", token=account.token, json_body={"name": "Noch eine Firma"})

    me = api.call("GET", "/me", token=account.token)

    assert len(me.body["memberships"]) >= 4
    assert me.calls == before == BUDGETS["GET /me"]


def test_a_partners_me_and_reach_do_not_grow_with_the_hierarchy(api: Api) -> None:
    """/me names the partner tenant with its count; the reached tenants are paged, and each page
    costs the same few calls however wide and deep the hierarchy is."""
    partner = api.new_account("Breit und Tief AG")
    before = api.call("GET", "/me", token=partner.token)
    wide = [api.subtenant(partner, f"Kunde {n}") for n in range(24)]
    chain = [api.subtenant(partner, "Ebene 1")]
    for level in range(2, 6):
        chain.append(api.subtenant(partner, f"Ebene {level}", parent=chain[-1]))

    me = api.call("GET", "/me", token=partner.token)
    reached, calls = _all_reached(api, partner, limit=7)

    assert before.calls == me.calls == BUDGETS["GET /me"]
    assert [(m["tenant_id"], m["subtenant_count"]) for m in me.body["memberships"]] == [
        (partner.tenant_id, 25)
    ]
    assert len(me.body["memberships"]) == 1 and len(str(me.body)) < 1000
    assert sorted(reached) == sorted(wide + chain)
    # the gate's batch, one Query, the page's tenants, and at most one batch of tenants between
    # (and the tenant's rate)
    assert all(
        c["dynamodb.Query"] == 1
        and c["dynamodb.BatchGetItem"] <= 3
        and c["dynamodb.UpdateItem"] == 1
        and len(c) == 3
        for c in calls
    )

    # Level 2 switches partner access off: it and everything below it leave the partner's reach.
    owner = api.join(partner, "admin", tenant_id=chain[1])
    etag = api.call("GET", f"/tenants/{chain[1]}", token=owner.token).headers["ETag"]
    cut = api.call(
        "PATCH",
        f"/tenants/{chain[1]}",
        token=owner.token,
        json_body={"partner_access": False},
        headers={"If-Match": etag},
    )
    assert cut.status == 200, cut.body
    after, _ = _all_reached(api, partner, limit=7)
    below_level1, _ = _all_reached(api, owner, tenant_id=chain[1], limit=100)

    assert sorted(after) == sorted(wide + chain[:1])
    assert sorted(below_level1) == sorted(chain[2:])  # level 2's own admins still reach below it


def _all_reached(api: Api, account: Account, *, limit: int, tenant_id: str | None = None):
    reached: list[str] = []
    calls: list[dict[str, int]] = []
    cursor = ""
    while True:
        page = api.call(
            "GET",
            f"/tenants/{tenant_id or account.tenant_id}/subtenants?depth=all&limit={limit}{cursor}",
            token=account.token,
        )
        assert page.status == 200, page.body
        reached += [t["id"] for t in page.body["items"]]
        calls.append(page.calls)
        if not page.body["next_cursor"]:
            return reached, calls
        cursor = f"&cursor={page.body['next_cursor']}"


def test_a_partners_access_costs_the_same_at_any_depth(api: Api) -> None:
    partner = api.new_account("Tiefe GmbH")
    level1 = api.subtenant(partner, "Ebene 1")
    level2 = api.subtenant(partner, "Ebene 2", parent=level1)
    level4 = api.subtenant(partner, "Ebene 4", parent=api.subtenant(partner, "Ebene 3", parent=level2))

    shallow = api.call("GET", f"/tenants/{level1}", token=partner.token)
    deep = api.call("GET", f"/tenants/{level4}", token=partner.token)

    assert shallow.body["via"] == deep.body["via"] == "partner"
    # one batch of membership (a miss) and tenant, one batch of ancestors and the caller's
    # memberships in them, the tenant's rate, the route's read, the read counted on the record
    assert (
        shallow.calls
        == deep.calls
        == {"dynamodb.GetItem": 1, "dynamodb.BatchGetItem": 2, "dynamodb.UpdateItem": 2}
    )


def test_a_burst_of_partner_reads_is_one_audit_entry_with_a_count(api: Api) -> None:
    partner = api.new_account("Lese Partner AG")
    sub = api.subtenant(partner, "Viel Gelesen")
    owner = api.join(partner, "admin", tenant_id=sub)

    for _ in range(5):
        assert api.call("GET", f"/tenants/{sub}/templates", token=partner.token).status == 200
    entries = api.call("GET", f"/tenants/{sub}/audit?action=partner.reads", token=owner.token).body["items"]

    [entry] = entries
    assert entry["actor_id"] == partner.user_id and entry["actor_via"] == "partner"
    assert entry["details"] == {"partner_tenant_id": partner.tenant_id, "role": "admin", "requests": 5}


# An operator's close is the admin's close behind the operator check: the check, the tenant, its
# open sub-tenants, the fences read again (no gate read them), the admins and their languages,
# the write (row, purge marker, audit, the mail in the outbox), the mail, the tenant answered.
OPERATOR_CLOSE = {
    "dynamodb.GetItem": 4,
    "dynamodb.BatchGetItem": 1,
    "dynamodb.Query": 2,
    "dynamodb.TransactWriteItems": 1,
    "ses.SendEmail": 1,
    "dynamodb.DeleteItem": 1,
}
# Leaving `closed` is the reopening: the check, the tenant, the tenant again (reopen's own read),
# the write (row, marker removed, audit), the tenant answered.
OPERATOR_REOPEN_BY_STATUS = {"dynamodb.GetItem": 4, "dynamodb.TransactWriteItems": 1}


def test_an_operators_close_and_reopen_through_the_status_cost_what_they_pin(api: Api) -> None:
    account = api.new_account("Budget Betreiber Schluss")
    status = f"/operator/tenants/{account.tenant_id}/status"
    operator = api.operator().token

    closed = api.call("PUT", status, token=operator, json_body={"status": "closed", "reason": "budget"})
    reopened = api.call("PUT", status, token=operator, json_body={"status": "active", "reason": "budget"})

    assert closed.status == reopened.status == 200, (closed.body, reopened.body)
    assert closed.calls == OPERATOR_CLOSE, closed.calls
    assert reopened.calls == OPERATOR_REOPEN_BY_STATUS, reopened.calls
