"""The table's items as PynamoDB models. Rows stay in the data layer; callers get domain objects.

All models share one table, named by the settings when it is first used (never at import).
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from kontor.settings import settings


class _TableFromSettings(type):
    # PynamoDB reads Meta.table_name on every request, so a property defers it to first use.
    @property
    def table_name(cls) -> str:
        return settings().table_name


class TableMeta(metaclass=_TableFromSettings):
    region = None  # botocore's default chain: AWS_REGION / AWS_DEFAULT_REGION
    host = None  # AWS_ENDPOINT_URL where AWS is emulated


# What a directory page shows of a tenant, projected into gsi2 and gsi3 (template.yaml says the same).
DIRECTORY_ATTRIBUTES = ["id", "name", "status", "type", "edition", "configuration", "parent_id", "created_at"]


class Gsi1(GlobalSecondaryIndex):
    """Reverse look-ups. gsi1pk: USER#<user_id> -> gsi1sk: TENANT#<tenant_id> (memberships)."""

    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex):
    """The operators' directory, newest first. gsi2pk: TENANTS -> gsi2sk: <created_at>#<tenant_id>."""

    class Meta:
        index_name = "gsi2"
        projection = IncludeProjection(DIRECTORY_ATTRIBUTES)

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Gsi3(GlobalSecondaryIndex):
    """The operators' directory by name. gsi3pk: TENANTS -> gsi3sk: <name key>#<tenant_id>."""

    class Meta:
        index_name = "gsi3"
        projection = IncludeProjection(DIRECTORY_ATTRIBUTES)

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class DueIndex(GlobalSecondaryIndex):
    """Sparse index of work that falls due. due_pk: DUE#<job> -> due_sk: <at>#<tenant_id>."""

    class Meta:
        index_name = "due"
        projection = KeysOnlyProjection()

    due_pk = UnicodeAttribute(hash_key=True)
    due_sk = UnicodeAttribute(range_key=True)


class Item(Model):
    """Base of every row: never read or written itself (each subclass keeps its own connection)."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    # Epoch seconds; DynamoDB deletes the item some time after (up to days): code checks expiry itself.
    ttl = NumberAttribute(null=True)

    class Meta(TableMeta):
        pass


class TenantItem(Item):
    """PK: TENANT#<tenant_id>  SK: TENANT  GSI1 (sub-tenants): CHILDREN#<parent_id> / TENANT#<tenant_id>
    GSI2: TENANTS / <created_at>#<tenant_id>  GSI3: TENANTS / <name key>#<tenant_id>  (directory)"""

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_parent = Gsi1()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    newest_first = Gsi2()
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    by_name = Gsi3()

    id = UnicodeAttribute()
    name = UnicodeAttribute()
    status = UnicodeAttribute(default="active")
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    # Kept by every transaction that adds or removes an admin: a tenant never drops below one.
    admin_count = NumberAttribute(default=0)
    type = UnicodeAttribute(default="STANDARD")  # STANDARD | CUSTOM
    edition = UnicodeAttribute(default="BASIC")
    charset = UnicodeAttribute(default="UTF-8")
    configuration = UnicodeAttribute(default="ready")  # ready | awaiting_configuration (CUSTOM)
    version = NumberAttribute(default=1)  # the ETag; every settings change raises it
    parent_id = UnicodeAttribute(null=True)
    ancestors = ListAttribute(of=UnicodeAttribute, null=True)  # root first, parent last
    subtenant_count = NumberAttribute(default=0)
    partner_access = BooleanAttribute(default=True)
    logo_key = UnicodeAttribute(null=True)
    handed_over_at = UnicodeAttribute(null=True)
    handed_over_by = UnicodeAttribute(null=True)
    # Closing (`DELETE /tenants/{id}`): when and by whom. Billing stops at `closed_at`'s day.
    closed_at = UnicodeAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)
    # Write fences by name (`kontor.fences`): {"restoring": {"since": …, "by": <restore id>}}.
    # Always a map, so a fence can be set by its path without a read.
    fences = MapAttribute(default=dict)
    # Licences of add-on modules by module (`kontor.licences`), read by the tenant gate with the row.
    licences = MapAttribute(default=dict)
    # The tenant whose invoice bills this one: itself, or the partner that created it.
    bill_to = UnicodeAttribute(null=True)
    # A downgrade waits for the next billing day: the plan (`edition`) it changes to, and when.
    pending_plan = UnicodeAttribute(null=True)
    plan_changes_at = UnicodeAttribute(null=True)
    # When the tenant was closed: its invoices bill it up to then.
    closed_at = UnicodeAttribute(null=True)
    # Online sync: when a sync client last finished a run without errors (`kontor.sync_state`);
    # kept here so `GET /me` shows staleness from the row it reads anyway.
    last_sync_at = UnicodeAttribute(null=True)
    # The change feed's epoch: a restore moves it on, and cursors of an older epoch are void.
    sync_epoch = NumberAttribute(null=True)


class MembershipItem(Item):
    """PK: TENANT#<tenant_id>  SK: MEMBER#<user_id>  GSI1: USER#<user_id> / TENANT#<tenant_id>"""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_user = Gsi1()

    tenant_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    role = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    joined_at = UnicodeAttribute()


class UserItem(Item):
    """PK: USER#<user_id>  SK: PROFILE  (user_id is the Cognito `sub`)"""

    id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    email_verified = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()
    verified_at = UnicodeAttribute(null=True)
    verification_token = UnicodeAttribute(null=True)  # PK of the newest verification token
    verification_sent_at = UnicodeAttribute(null=True)
    tenants_created = NumberAttribute(null=True)  # against the tenants-per-user quota
    language = UnicodeAttribute(null=True)  # de | en: the language of the mails they get (default de)
    # Until verified: the hold's end on the sparse `due` index (`DUE#SIGNUP_HOLD#<shard>`).
    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    due = DueIndex()


class OperatorItem(Item):
    """PK: OPERATOR#<user_id>  SK: OPERATOR — one of the vendor's staff (`kontor.operators`)."""

    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    added_at = UnicodeAttribute()
    added_by = UnicodeAttribute()


class EmailClaimItem(Item):
    """PK: EMAIL#<lower-case email>  SK: EMAIL — one identity per email address."""

    user_id = UnicodeAttribute()


class TokenItem(Item):
    """PK: TOKEN#<sha256 of the secret>  SK: TOKEN — a one-time link; the secret itself is never stored."""

    purpose = UnicodeAttribute()
    subject = UnicodeAttribute()  # what the token acts on, e.g. a user id
    tenant_id = UnicodeAttribute(null=True)
    email = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    used_at = UnicodeAttribute(null=True)
    revoked = BooleanAttribute(default=False)


class AuditItem(Item):
    """PK: TENANT#<tenant_id>  SK: AUDIT#<at>#<event_id>"""

    id = UnicodeAttribute()
    at = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    actor_via = UnicodeAttribute()  # member | partner | system
    action = UnicodeAttribute()
    target = UnicodeAttribute(null=True)
    details = MapAttribute(null=True)
    requests = NumberAttribute(null=True)  # an hour's reads of one partner, counted in one entry


class InvitationItem(Item):
    """PK: TENANT#<tenant_id>  SK: INVITATION#<invitation_id>
    GSI1: INVITEE#<email> / TENANT#<tenant_id>#<invitation_id> (while pending)"""

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_invitee = Gsi1()

    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()
    state = UnicodeAttribute()  # pending | accepted | revoked (expired is derived from expires_at)
    invited_by = UnicodeAttribute()
    inviter_name = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    token = UnicodeAttribute(null=True)  # PK of the current link's token
    sent_count = NumberAttribute(default=1)
    accepted_by = UnicodeAttribute(null=True)
    accepted_at = UnicodeAttribute(null=True)
    revoked_by = UnicodeAttribute(null=True)
    revoked_at = UnicodeAttribute(null=True)


class InviteeItem(Item):
    """PK: TENANT#<tenant_id>  SK: INVITEE#<email> — at most one pending invitation per address."""

    invitation_id = UnicodeAttribute()
    expires_at = UnicodeAttribute()


class ThrottleItem(Item):
    """PK: THROTTLE#<scope>  SK: <window> — how many times something happened in a window."""

    count = NumberAttribute(default=0)


class UsageItem(Item):
    """PK: TENANT#<tenant_id>  SK: USAGE#<kind> — how many of a kind the tenant keeps (`kontor.quotas`)."""

    used = NumberAttribute(default=0)


class DescendantItem(Item):
    """PK: TENANT#<ancestor_id>  SK: DESCENDANT#<tenant_id> — every tenant below a partner, any depth."""

    tenant_id = UnicodeAttribute()
    depth = NumberAttribute()


class TemplateItem(Item):
    """PK: TENANT#<tenant_id>  SK: TEMPLATE#<template_id> — a document or e-mail template."""

    id = UnicodeAttribute()
    name = UnicodeAttribute()
    kind = UnicodeAttribute()  # email | document
    subject = UnicodeAttribute(null=True)
    body = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = NumberAttribute(default=1)
    copied_from = UnicodeAttribute(null=True)  # the partner tenant it was copied from


class TemplateNameItem(Item):
    """PK: TENANT#<tenant_id>  SK: TEMPLATENAME#<lower-case name> — names are unique in a tenant."""

    template_id = UnicodeAttribute()


# ---------------------------------------------------------------- records and backups
class AddressMap(MapAttribute):
    street = UnicodeAttribute(null=True)
    postal_code = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)


class ContactItem(Item):
    """PK: TENANT#<tenant_id>  SK: CONTACT#<contact_id>
    GSI1: TENANT#<tenant_id>#CONTACTS / <name key>#<contact_id>  (listing by name prefix)"""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_name = Gsi1()

    id = UnicodeAttribute()
    kind = UnicodeAttribute()  # person | company
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    address = AddressMap(null=True)
    notes = UnicodeAttribute(null=True)
    tags = ListAttribute(of=UnicodeAttribute, null=True)
    version = NumberAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()


class AppointmentItem(Item):
    """PK: TENANT#<tenant_id>  SK: APPOINTMENT#<appointment_id>
    GSI1: TENANT#<tenant_id>#APPOINTMENTS / <starts_at>#<appointment_id>  (listing by date range)"""

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_start = Gsi1()

    id = UnicodeAttribute()
    title = UnicodeAttribute()
    starts_at = UnicodeAttribute()
    ends_at = UnicodeAttribute()
    location = UnicodeAttribute(null=True)
    contact_ids = ListAttribute(of=UnicodeAttribute, null=True)
    version = NumberAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()


class BackupItem(Item):
    """PK: TENANT#<tenant_id>  SK: BACKUP#<backup_id>  (ids sort by the product clock: newest last)"""

    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # manual | scheduled | pre_restore
    state = UnicodeAttribute()  # pending | running | completed | failed | deleting
    note = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    started_at = UnicodeAttribute(null=True)
    completed_at = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    attempt = UnicodeAttribute(null=True)  # the running attempt's token: only it may complete
    object_key = UnicodeAttribute(null=True)
    object_version = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    item_count = NumberAttribute(null=True)
    checksum = UnicodeAttribute(null=True)
    format_version = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)
    # While pending or running: on the sparse `due` index (`DUE#EXPORT#<shard>`, sort key
    # `<at>#<tenant_id>#<backup_id>`), where `backup.export_watch` finds it again.
    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    due = DueIndex()
    progress_at = UnicodeAttribute(null=True)  # the last claim or checkpoint of an attempt
    # The id of the tenant's restore row when the export began ("-": none): a restore since then
    # replaced data the export may already have read, so it must not complete.
    restore_seen = UnicodeAttribute(null=True)
    # The resumable export's checkpoint: the step its messages carry, the multipart upload and its
    # parts' ETags, the last key written, the running checksum, the bytes held back for the next
    # part (an S3 object version), and how much was written so far.
    step = NumberAttribute(null=True)
    upload_id = UnicodeAttribute(null=True)
    parts = ListAttribute(of=UnicodeAttribute, null=True)
    cursor = UnicodeAttribute(null=True)
    digest = UnicodeAttribute(null=True)
    carry_version = UnicodeAttribute(null=True)
    items_done = NumberAttribute(null=True)
    size_done = NumberAttribute(null=True)


class BackupPolicyItem(Item):
    """PK: TENANT#<tenant_id>  SK: BACKUP_POLICY
    DUE: DUE#BACKUP / <next_backup_at>#<tenant_id>  (only while the schedule is not off)"""

    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    due = DueIndex()

    schedule = UnicodeAttribute()  # off | daily | weekly
    keep_last = NumberAttribute()
    keep_daily = NumberAttribute()
    keep_weekly = NumberAttribute()
    keep_monthly = NumberAttribute()
    next_backup_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()


class BackupRetentionItem(Item):
    """PK: TENANT#<tenant_id>  SK: BACKUP_RETENTION
    DUE: DUE#PRUNE / <next_prune_at>#<tenant_id>  (once a policy was saved)"""

    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    due = DueIndex()

    next_prune_at = UnicodeAttribute()


class RestoreItem(Item):
    """PK: TENANT#<tenant_id>  SK: RESTORE — the tenant's current or last restore.

    While it is pending or running the tenant's `restoring` fence is up; an unfinished restore is on
    the sparse `due` index (`DUE#RESTORE#<shard>`), where `backup.restore_watch` finds it again."""

    id = UnicodeAttribute()
    backup_id = UnicodeAttribute()
    pre_restore_backup_id = UnicodeAttribute()
    state = UnicodeAttribute()  # pending | running | completed | failed | refused
    requested_at = UnicodeAttribute()
    requested_by = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    restored_items = NumberAttribute(null=True)
    removed_items = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)
    replacing = BooleanAttribute(null=True)
    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    due = DueIndex()
    # The resumable restore's checkpoint: the step its messages carry, the phase (`export` of the
    # pre_restore backup, `verify` the file, `replace` the data), the file lines done in the
    # phase, the verification's running checksum and the merge's last key.
    attempt = UnicodeAttribute(null=True)  # the attempt working on the current step
    step = NumberAttribute(null=True)
    phase = UnicodeAttribute(null=True)
    lines_done = NumberAttribute(null=True)
    digest = UnicodeAttribute(null=True)
    merge_key = UnicodeAttribute(null=True)


# ---------------------------------------------------------------- licences and billing
class LicenceDueItem(Item):
    """PK: TENANT#<tenant_id>  SK: LICENCE#<module> — when the licence job next looks at a licence
    (a warning, the expiry, the purge). DUE: DUE#LICENCE#<shard> / <at>#<tenant_id>."""

    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    due = DueIndex()

    module = UnicodeAttribute()


class BillingAccountItem(Item):
    """PK: TENANT#<account_id>  SK: BILLING#ACCOUNT — a tenant that receives invoices.
    DUE: DUE#BILLING#<shard> / <first day of the next month to bill>#<account_id>."""

    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    due = DueIndex()

    next_month = UnicodeAttribute()  # YYYY-MM: the month the next invoice bills
    created_at = UnicodeAttribute()


class BilledTenantItem(Item):
    """PK: TENANT#<account_id>  SK: BILLING#TENANT#<tenant_id> — a tenant the account pays for."""

    tenant_id = UnicodeAttribute()
    since = UnicodeAttribute()
    # Set when the tenant moved to another account (a handover with `billing: own`): this account's
    # invoices bill it up to then, and the row goes once that month is billed.
    until = UnicodeAttribute(null=True)


class SpanItem(Item):
    """PK: TENANT#<tenant_id>  SK: BILLING#SPAN#<ends_at>#<span_id> — a plan or a licence, billed
    from `starts_at` to the end in its key (`keys.OPEN_END` for the current plan)."""

    kind = UnicodeAttribute()  # plan | module
    code = UnicodeAttribute()  # the plan or the module
    starts_at = UnicodeAttribute()
    ends_at = UnicodeAttribute()
    monthly_price_cents = NumberAttribute()  # the catalogue's price when it was booked


class LedgerItem(Item):
    """PK: TENANT#<tenant_id>  SK: BILLING#LEDGER#<at>#<entry_id> — what was booked, granted or
    changed, by whom: never restored, never deleted by a restore."""

    id = UnicodeAttribute()
    at = UnicodeAttribute()
    action = UnicodeAttribute()  # licence.booked | licence.granted | plan.changed | ...
    actor_id = UnicodeAttribute()
    details = MapAttribute(default=dict)


class CompanyItem(Item):
    """PK: TENANT#<tenant_id>  SK: COMPANY — the tenant's company profile (billing recipient).

    The owner is kept here as well as a person in the tenant's contacts (`owner_contact_id`): the
    contact is business data a restore may roll back, the profile is not restored."""

    legal_name = UnicodeAttribute(null=True)
    street = UnicodeAttribute(null=True)
    postal_code = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)  # ISO 3166-1 alpha-2
    vat_id = UnicodeAttribute(null=True)
    registration_number = UnicodeAttribute(null=True)
    billing_email = UnicodeAttribute(null=True)
    owner_contact_id = UnicodeAttribute(null=True)
    owner_name = UnicodeAttribute(null=True)
    owner_email = UnicodeAttribute(null=True)
    owner_phone = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()


class InvoiceItem(Item):
    """PK: TENANT#<account_id>  SK: BILLING#INVOICE#<YYYY-MM> — at most one per account and month.

    Its sections (one per billed tenant) are items of their own (`InvoiceSectionItem`): a partner's
    invoice with a thousand sub-tenants would not fit DynamoDB's 400 KB item."""

    number = UnicodeAttribute()  # KT-<year>-<six digits>, gapless across the vendor
    account_id = UnicodeAttribute()
    month = UnicodeAttribute()
    issued_at = UnicodeAttribute()
    currency = UnicodeAttribute()
    recipient = MapAttribute(default=dict)  # the company profile as it was when the invoice was issued
    section_count = NumberAttribute()
    net_cents = NumberAttribute()
    vat_rate = UnicodeAttribute()  # a decimal string, e.g. "19"
    vat_rule = UnicodeAttribute()  # domestic | eu_consumer | reverse_charge | outside_eu
    vat_note = UnicodeAttribute(null=True)
    vat_cents = NumberAttribute()
    gross_cents = NumberAttribute()
    mailed_at = UnicodeAttribute(null=True)
    mailed_to = ListAttribute(of=UnicodeAttribute, null=True)


class InvoiceSectionItem(Item):
    """PK: TENANT#<account_id>  SK: BILLING#INVOICELINES#<YYYY-MM>#<tenant_id> — one billed tenant's
    lines on the account's invoice of a month."""

    tenant_id = UnicodeAttribute()
    tenant_name = UnicodeAttribute()
    position = NumberAttribute()  # the account itself first, then its sub-tenants by name
    lines = ListAttribute(of=MapAttribute, default=list)
    net_cents = NumberAttribute()


class CounterItem(Item):
    """PK: COUNTER#INVOICES  SK: <year> — the last invoice number given in a year (gapless)."""

    last = NumberAttribute(default=0)


# ---------------------------------------------------------------- platform
class MaintenanceItem(Item):
    """PK: PLATFORM#MAINTENANCE  SK: WINDOWS — every maintenance window, by id, in one item.

    One item, so the edge of every function reads all of them with one GetItem a minute
    (`kontor.maintenance`); windows are few (a handful a month), far below the 400 KB of an item.
    Each entry: {starts_at, ends_at, mode, title: {de, en}, text: {de, en}, created_at, created_by,
    updated_at, announced_at}."""

    windows = MapAttribute(default=dict)
    version = NumberAttribute(default=0)  # every change is conditional on the version it read


class PurgeItem(Item):
    """PK: TENANT#<tenant_id>  SK: PURGE  DUE: DUE#PURGE / <purge_at>#<tenant_id>

    A closed tenant's purge, due 30 days after closing; gone again when it is reopened, and removed
    last, with the tenant row, when the purge has finished (until then a purge resumes)."""

    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    due = DueIndex()

    tenant_id = UnicodeAttribute()
    closed_at = UnicodeAttribute()
    purge_at = UnicodeAttribute()


class ErrorReportItem(Item):
    """PK: TENANT#<tenant_id>  SK: ERRORREPORT#<report_id>
    GSI1 (once sent): ERRORREPORTS#<state> / <sent_at>#<tenant_id>#<report_id>  (the operators' list)"""

    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_state = Gsi1()

    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    reporter_id = UnicodeAttribute()
    reporter_email = UnicodeAttribute()
    subject = UnicodeAttribute()
    description = UnicodeAttribute()
    steps = UnicodeAttribute(null=True)
    severity = UnicodeAttribute()
    app_version = UnicodeAttribute(null=True)
    request_id = UnicodeAttribute(null=True)
    state = UnicodeAttribute()  # draft | sent | answered
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    sent_at = UnicodeAttribute(null=True)
    answer = UnicodeAttribute(null=True)
    answered_at = UnicodeAttribute(null=True)
    answered_by = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)


class OutboxItem(Item):
    """PK: OUTBOX#<mail_id>  SK: MAIL  DUE: DUE#OUTBOX / <next_attempt_at>#<mail_id>

    A mail, written in the same transaction as the change that caused it, until SES took it
    (`kontor.outbox`); then it is deleted. Kept at most 7 days (`ttl`)."""

    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    due = DueIndex()

    id = UnicodeAttribute()
    to = ListAttribute(of=UnicodeAttribute)
    subject = UnicodeAttribute()
    text = UnicodeAttribute()
    html = UnicodeAttribute(null=True)
    tenant_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    last_error = UnicodeAttribute(null=True)
