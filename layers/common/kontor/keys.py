"""Every key string of the table, built in one place.

Tenant-owned items live under ``TENANT#<tenant_id>`` so that a tenant is one key range. Global items
(users, email claims, one-time tokens) have prefixes of their own.
"""

from __future__ import annotations

import hashlib

TENANT_PREFIX = "TENANT#"
USER_PREFIX = "USER#"

TENANT_SK = "TENANT"
PROFILE_SK = "PROFILE"
EMAIL_SK = "EMAIL"
TOKEN_SK = "TOKEN"  # noqa: S105 - a key name, not a secret
MEMBER_PREFIX = "MEMBER#"
AUDIT_PREFIX = "AUDIT#"
INVITATION_PREFIX = "INVITATION#"


def tenant_pk(tenant_id: str) -> str:
    return f"{TENANT_PREFIX}{tenant_id}"


def tenant_id_of(pk: str) -> str:
    return pk.removeprefix(TENANT_PREFIX)


def member_sk(user_id: str) -> str:
    return f"{MEMBER_PREFIX}{user_id}"


def user_pk(user_id: str) -> str:
    return f"{USER_PREFIX}{user_id}"


def user_id_of(pk: str) -> str:
    return pk.removeprefix(USER_PREFIX)


def email_pk(email: str) -> str:
    return f"EMAIL#{email.lower()}"


# An unverified signup's hold on its address: the profile's own marker in `DUE#SIGNUP_HOLD#<shard>`
# (sorted by when the hold ends), removed when the address is verified, gone with the profile.
SIGNUP_HOLD_DUE = "SIGNUP_HOLD"


def token_pk(token_hash: str) -> str:
    return f"TOKEN#{token_hash}"


def audit_sk(at_iso: str, event_id: str) -> str:
    return f"{AUDIT_PREFIX}{at_iso}#{event_id}"


OPERATOR_SK = "OPERATOR"


def operator_pk(user_id: str) -> str:
    """The vendor's staff: a role outside every tenant, so outside every tenant's key range."""
    return f"OPERATOR#{user_id}"


def idempotency_pk(operation: str) -> str:
    return f"IDEMPOTENCY#{operation}"


def invitation_sk(invitation_id: str) -> str:
    return f"{INVITATION_PREFIX}{invitation_id}"


def invitee_sk(email: str) -> str:
    """The one pending invitation of an address in a tenant (guards against inviting twice)."""
    return f"INVITEE#{email.lower()}"


def invitee_gsi_pk(email: str) -> str:
    """gsi1 partition of the invitations addressed to an email, across tenants."""
    return f"INVITEE#{email.lower()}"


def invitee_gsi_sk(tenant_id: str, invitation_id: str) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#{invitation_id}"


def usage_sk(kind: str) -> str:
    """A tenant's counter of one kind of item (restored with the items it counts)."""
    return f"USAGE#{kind}"


def throttle_key(kind: str, scope: str, window: str) -> tuple[str, str]:
    """A rate-limit counter of what `kind` limits (`tenant`, `address`) for `scope` in a `window`."""
    return f"THROTTLE#{kind}#{scope.lower()}", window


def children_gsi_pk(parent_id: str) -> str:
    """gsi1 partition of a partner's direct sub-tenants."""
    return f"CHILDREN#{parent_id}"


# The operators' directory of every tenant (gsi2: newest first, gsi3: by name). One partition each:
# tenants are created far below a partition's 1,000 writes a second, and a page must be one Query.
DIRECTORY = "TENANTS"


def directory_created_sk(created_at_iso: str, tenant_id: str) -> str:
    return f"{created_at_iso}#{tenant_id}"


def directory_name_sk(name_key: str, tenant_id: str) -> str:
    return f"{name_key}#{tenant_id}"


def descendant_sk(tenant_id: str) -> str:
    return f"DESCENDANT#{tenant_id}"


DESCENDANT_PREFIX = "DESCENDANT#"
TEMPLATE_PREFIX = "TEMPLATE#"


def template_sk(template_id: str) -> str:
    return f"{TEMPLATE_PREFIX}{template_id}"


def template_name_sk(name: str) -> str:
    return f"TEMPLATENAME#{name.strip().lower()}"


# ---------------------------------------------------------------- records and backups
CONTACT_PREFIX = "CONTACT#"
APPOINTMENT_PREFIX = "APPOINTMENT#"
BACKUP_PREFIX = "BACKUP#"
BACKUP_POLICY_SK = "BACKUP_POLICY"
BACKUP_RETENTION_SK = "BACKUP_RETENTION"
RESTORE_SK = "RESTORE"
# Markers of the sparse `due` index, one per scheduled job, each spread over DUE_SHARDS partitions.
BACKUP_DUE = "BACKUP"
PRUNE_DUE = "PRUNE"
RESTORE_DUE = "RESTORE"
EXPORT_DUE = "EXPORT"
DUE_SHARDS = 8

# ---------------------------------------------------------------- licences and billing
LICENCE_PREFIX = "LICENCE#"
BILLING_PREFIX = "BILLING#"
COMPANY_SK = "COMPANY"
LICENCE_DUE = "LICENCE"
BILLING_DUE = "BILLING"
BILLING_ACCOUNT_SK = "BILLING#ACCOUNT"
BILLED_TENANT_PREFIX = "BILLING#TENANT#"
SPAN_PREFIX = "BILLING#SPAN#"
INVOICE_PREFIX = "BILLING#INVOICE#"
INVOICE_SECTION_PREFIX = "BILLING#INVOICELINES#"
LEDGER_PREFIX = "BILLING#LEDGER#"
# A billed span without an end (the current plan) ends here: it sorts after every real end.
OPEN_END = "9999-12-31T00:00:00Z"
PLAN_SPAN_SK = f"{SPAN_PREFIX}{OPEN_END}#plan"
INVOICE_COUNTER_PK = "COUNTER#INVOICES"
MODULE_PREFIX = "MOD#"


def licence_sk(module: str) -> str:
    """A licence's due marker (the licence itself is in the tenant row)."""
    return f"{LICENCE_PREFIX}{module}"


def billed_tenant_sk(tenant_id: str) -> str:
    """In a billing account's range: a tenant its invoice bills (the account itself included)."""
    return f"{BILLED_TENANT_PREFIX}{tenant_id}"


def span_sk(ends_at: str, span_id: str) -> str:
    """A billed span of a plan or a licence, sorted by its end: a month's invoice reads the spans
    ending after the month began, one Query."""
    return f"{SPAN_PREFIX}{ends_at}#{span_id}"


def invoice_sk(month: str) -> str:
    """An account's invoice of a month (`YYYY-MM`): at most one per account and month."""
    return f"{INVOICE_PREFIX}{month}"


def invoice_section_sk(month: str, tenant_id: str) -> str:
    """A billed tenant's lines on the account's invoice of `month` (a prefix apart from the invoices,
    so listing invoices reads no lines)."""
    return f"{INVOICE_SECTION_PREFIX}{month}#{tenant_id}"


def invoice_sections_prefix(month: str) -> str:
    return f"{INVOICE_SECTION_PREFIX}{month}#"


def ledger_sk(at_iso: str, entry_id: str) -> str:
    return f"{LEDGER_PREFIX}{at_iso}#{entry_id}"


def module_prefix(module: str) -> str:
    """Every item of a licensed module in a tenant's range starts with this: the purge's range."""
    return f"{MODULE_PREFIX}{module}#"


def module_of_sk(sk: str) -> str | None:
    """The module an item of a tenant's range belongs to, or None for the core's items."""
    if not sk.startswith(MODULE_PREFIX):
        return None
    return sk[len(MODULE_PREFIX) :].split("#", 1)[0]


# What a restore never rolls back: the tenant row, who may enter, what happened, the backups
# themselves and (later) licences and billing. A trailing `#` marks a prefix, else the exact key.
NOT_RESTORED = (
    TENANT_SK,
    MEMBER_PREFIX,
    AUDIT_PREFIX,
    INVITATION_PREFIX,
    "INVITEE#",
    DESCENDANT_PREFIX,  # the partner hierarchy is structure, not business data
    LICENCE_PREFIX,
    BILLING_PREFIX,
    COMPANY_SK,  # the billing address and registration data: what invoices were addressed to
    BACKUP_PREFIX,
    "ERRORREPORT#",  # what the tenant told support, and the answer, are not business data
    BACKUP_POLICY_SK,
    BACKUP_RETENTION_SK,
    RESTORE_SK,
    module_prefix("online_sync"),  # sync clients, host, licence binding and history: the installations' state
)


def restorable(sk: str) -> bool:
    """True for a tenant's business data (records, templates, settings), which a restore replaces."""
    return not any(sk.startswith(kept) if kept.endswith("#") else sk == kept for kept in NOT_RESTORED)


def contact_sk(contact_id: str) -> str:
    return f"{CONTACT_PREFIX}{contact_id}"


def contacts_by_name_pk(tenant_id: str) -> str:
    """gsi1 partition of a tenant's contacts, sorted by `contact_name_sk`."""
    return f"{tenant_pk(tenant_id)}#CONTACTS"


def contact_name_sk(name_key: str, contact_id: str) -> str:
    return f"{name_key}#{contact_id}"


def appointment_sk(appointment_id: str) -> str:
    return f"{APPOINTMENT_PREFIX}{appointment_id}"


def appointments_by_start_pk(tenant_id: str) -> str:
    """gsi1 partition of a tenant's appointments, sorted by `appointment_start_sk`."""
    return f"{tenant_pk(tenant_id)}#APPOINTMENTS"


def appointment_start_sk(starts_at_iso: str, appointment_id: str) -> str:
    return f"{starts_at_iso}#{appointment_id}"


def backup_sk(backup_id: str) -> str:
    return f"{BACKUP_PREFIX}{backup_id}"


def due_pk(marker: str, tenant_id: str) -> str:
    """The `due` partition of a tenant's marker: `DUE#<marker>#<shard>`, the shard a hash of the tenant.

    A stable hash (not Python's salted `hash`), so a marker stays in its shard across processes.
    """
    shard = int.from_bytes(hashlib.sha256(tenant_id.encode()).digest()[:4], "big") % DUE_SHARDS
    return f"DUE#{marker}#{shard}"


def due_partitions(marker: str) -> list[str]:
    """Every shard of a marker: the partitions its dispatcher queries."""
    return [f"DUE#{marker}#{shard}" for shard in range(DUE_SHARDS)]


def due_sk(at_iso: str, tenant_id: str) -> str:
    """Position in a `due` partition: by time, then tenant; `due_until` bounds a dispatcher's Query."""
    return f"{at_iso}#{tenant_id}"


def export_due_sk(at_iso: str, tenant_id: str, backup_id: str) -> str:
    """A backup export's place in `DUE#EXPORT#<shard>`: a tenant may have several exports in flight."""
    return f"{due_sk(at_iso, tenant_id)}#{backup_id}"


def due_until(at_iso: str) -> str:
    return f"{at_iso}#~"  # `~` sorts after every id character: all of `at_iso`'s second is included


def due_at(due_sort_key: str) -> str:
    """The moment a `due_sk` stands for."""
    return due_sort_key.split("#", 1)[0]


# ---------------------------------------------------------------- platform
# The maintenance windows: one global item every function's edge reads (cached) and operators change.
MAINTENANCE_PK = "PLATFORM#MAINTENANCE"
MAINTENANCE_SK = "WINDOWS"

# A closed tenant's purge: the marker in its own range, on the `due` index from the day it may go.
PURGE_SK = "PURGE"
PURGE_DUE = "PURGE"
# What a purge keeps of a tenant (legal retention), moved below ARCHIVE#TENANT#<tenant_id> first.
RETAINED_AFTER_PURGE = (INVOICE_PREFIX, INVOICE_SECTION_PREFIX, LEDGER_PREFIX)


def archive_pk(tenant_id: str) -> str:
    return f"ARCHIVE#{tenant_pk(tenant_id)}"


def idempotency_scope(tenant_id: str, user_id: str) -> str:
    """The scope of a signed-in caller's idempotency records in a tenant (`kontor.api`)."""
    return f"{tenant_pk(tenant_id)}#USER#{user_id}"


# Error reports: in the tenant's range; once sent, on gsi1 by state for the operators, newest first.
ERROR_REPORT_PREFIX = "ERRORREPORT#"


def error_report_sk(report_id: str) -> str:
    return f"{ERROR_REPORT_PREFIX}{report_id}"


def error_reports_gsi_pk(state: str) -> str:
    return f"ERRORREPORTS#{state}"


def error_reports_gsi_sk(sent_at: str, tenant_id: str, report_id: str) -> str:
    return f"{sent_at}#{tenant_id}#{report_id}"


# The mail outbox: a mail waits here, written with the change that caused it, until SES took it.
OUTBOX_SK = "MAIL"
OUTBOX_DUE = "OUTBOX"


def outbox_pk(mail_id: str) -> str:
    return f"OUTBOX#{mail_id}"


# ---------------------------------------------------------------- module: price calculation
# Every item of a licensed module sits under `module_prefix(<module>)` in the tenant's range, so
# the licence job's purge finds exactly them (its index partitions follow the item).
def price_calculation_sk(calculation_id: str) -> str:
    return f"{module_prefix('price_calculation')}CALCULATION#{calculation_id}"


def price_calculations_by_name_pk(tenant_id: str) -> str:
    """gsi1 partition of a tenant's calculation sheets, sorted by `price_calculation_name_sk`."""
    return f"{tenant_pk(tenant_id)}#{module_prefix('price_calculation')}CALCULATIONS"


def price_calculation_name_sk(name_key: str, calculation_id: str) -> str:
    return f"{name_key}#{calculation_id}"


# ---------------------------------------------------------------- module: podcasts
PODCAST_CHANNEL_PREFIX = f"{module_prefix('podcasts')}CHANNEL#"
PODCAST_EPISODE_PREFIX = f"{module_prefix('podcasts')}EPISODE#"
PODCAST_FEED_DUE = "PODCAST_FEED"  # a published channel with an episode whose time is still to come
PODCAST_CHANNEL_GSI_SK = "CHANNEL"


def podcast_channel_sk(channel_id: str) -> str:
    return f"{PODCAST_CHANNEL_PREFIX}{channel_id}"


def podcast_episodes_prefix(channel_id: str) -> str:
    """A channel's episodes, one Query of the tenant's range (`begins_with`)."""
    return f"{PODCAST_EPISODE_PREFIX}{channel_id}#"


def podcast_episode_sk(channel_id: str, episode_id: str) -> str:
    return f"{podcast_episodes_prefix(channel_id)}{episode_id}"


def podcast_channel_gsi_pk(channel_id: str) -> str:
    """gsi1 partition that finds a channel (and so its tenant) by id alone, for the public feed.
    It belongs to the channel item: the purge that deletes the channel removes it too."""
    return f"PODCAST#{channel_id}"


# ---------------------------------------------------------------- module: online sync
# The installations' state, not business data: never restored (`NOT_RESTORED`), purged with the licence.
SYNC_PREFIX = module_prefix("online_sync")
SYNC_CLIENT_PREFIX = f"{SYNC_PREFIX}CLIENT#"
SYNC_HOST_SK = f"{SYNC_PREFIX}HOST"  # the one sync host: which client runs the sync
SYNC_BINDING_SK = f"{SYNC_PREFIX}BINDING"  # the company database the licence is bound to
SYNC_RUN_PREFIX = f"{SYNC_PREFIX}RUN#"


def sync_client_sk(client_id: str) -> str:
    return f"{SYNC_CLIENT_PREFIX}{client_id}"


def sync_run_sk(recorded_at: str, run_id: str) -> str:
    """A sync run in the history, by when it was recorded (read newest first)."""
    return f"{SYNC_RUN_PREFIX}{recorded_at}#{run_id}"


SYNC_PENDING_PREFIX = f"{SYNC_PREFIX}PENDING#"  # changes written with their records, not yet in order
SYNC_FEED_PREFIX = f"{SYNC_PREFIX}FEED#"
SYNC_FEED_HEAD_SK = f"{SYNC_PREFIX}FEEDHEAD"  # the feed's epoch and its last sequence number


def sync_pending_sk(epoch: int, written_at: str, record_id: str, version: int) -> str:
    """A record change waiting to be given its place in the feed: one per record version, so
    writes to different records never touch one item."""
    return f"{SYNC_PENDING_PREFIX}{epoch:06d}#{written_at}#{record_id}#{version:012d}"


def sync_feed_prefix(epoch: int) -> str:
    return f"{SYNC_FEED_PREFIX}{epoch:06d}#"


def sync_feed_sk(epoch: int, sequence: int) -> str:
    """A change's place in the feed of its epoch: gapless sequence numbers, sortable as text."""
    return f"{sync_feed_prefix(epoch)}{sequence:012d}"


def sync_batch_sk(client_id: str, batch_id: str) -> str:
    """The answer to a batch of changes a client pushed, kept so a batch sent again is applied once."""
    return f"{SYNC_PREFIX}BATCH#{client_id}#{batch_id}"


SYNC_PLAN_SK = f"{SYNC_PREFIX}PLAN"  # the tenant's first sync: when, by which client, how far


SYNC_CONFLICT_PREFIX = f"{SYNC_PREFIX}CONFLICT#"


def sync_conflict_sk(conflict_id: str) -> str:
    """A change a client pushed that met a newer cloud version (ids sort by time)."""
    return f"{SYNC_CONFLICT_PREFIX}{conflict_id}"
