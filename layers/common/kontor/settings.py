"""Settings: one model read from the environment, once per cold start."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, Json


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    region: str = Field(validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"))
    table_name: str = Field(validation_alias="KONTOR_TABLE_NAME")
    user_pool_id: str = Field(validation_alias="KONTOR_USER_POOL_ID")
    user_pool_client_id: str = Field(validation_alias="KONTOR_USER_POOL_CLIENT_ID")
    logos_bucket: str = Field(validation_alias="KONTOR_LOGOS_BUCKET")
    backups_bucket: str = Field(validation_alias="KONTOR_BACKUPS_BUCKET")
    # The context's own job queue and its dead-letter queue (only functions that have one).
    queue_url: str | None = Field(default=None, validation_alias="KONTOR_QUEUE_URL")
    dead_letter_queue_url: str | None = Field(default=None, validation_alias="KONTOR_DEAD_LETTER_QUEUE_URL")
    mail_from: str = Field(validation_alias="KONTOR_MAIL_FROM")
    # Where error reports go and what /config names as the support contact (empty: MailFrom, no URL).
    support_email_setting: str = Field(default="", validation_alias="KONTOR_SUPPORT_EMAIL")
    support_url: str = Field(default="", validation_alias="KONTOR_SUPPORT_URL")
    spa_base_url: str = Field(validation_alias="KONTOR_SPA_BASE_URL")
    # Set only where AWS is emulated (the local stack); on AWS the SDK's own endpoints are used.
    aws_endpoint_url: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")
    # The API's public base URL where it is not the one a request came in on (a custom domain, locally).
    api_url: str | None = Field(default=None, validation_alias="KONTOR_API_URL")
    verification_ttl_hours: int = Field(default=24, validation_alias="KONTOR_VERIFICATION_TTL_HOURS")
    # How long a signup that never proved its address holds it; then the `signup.release` job (or
    # another signup or an invitation's acceptance, whichever comes first) releases it, with the
    # signup's login and tenant.
    unverified_hold_hours: int = Field(default=24, validation_alias="KONTOR_UNVERIFIED_HOLD_HOURS")
    idempotency_ttl_hours: int = Field(default=24, validation_alias="KONTOR_IDEMPOTENCY_TTL_HOURS")
    invitation_ttl_days: int = Field(default=7, validation_alias="KONTOR_INVITATION_TTL_DAYS")
    # Invitation mails a tenant may send a day, and one address may receive a day (from all tenants).
    invitations_per_tenant_per_day: int = Field(default=100, validation_alias="KONTOR_INVITATIONS_PER_TENANT")
    # How long a restore waits after raising the tenant's write fence before it touches the data:
    # longer than an API function may run and than a write relies on a fence it read (`kontor.fences`).
    fence_grace_seconds: float = Field(default=30, validation_alias="KONTOR_FENCE_GRACE_SECONDS")
    # A backup export or restore works in steps, each its own queue message, so any tenant size
    # finishes within the worker's timeout: a step stops after this many seconds (or at 60 % of the
    # invocation's remaining time) or this many items, whichever comes first, and checkpoints.
    backup_step_seconds: float = Field(default=60, validation_alias="KONTOR_BACKUP_STEP_SECONDS")
    backup_step_items: int = Field(default=1_000_000, validation_alias="KONTOR_BACKUP_STEP_ITEMS")
    # Quotas: what one user or partner may create (409 quota_exceeded beyond).
    tenants_per_user: int = Field(default=20, validation_alias="KONTOR_TENANTS_PER_USER")
    subtenants_per_partner: int = Field(default=1000, validation_alias="KONTOR_SUBTENANTS_PER_PARTNER")
    # Levels of sub-tenants below a top-level tenant.
    subtenant_depth: int = Field(default=5, validation_alias="KONTOR_SUBTENANT_DEPTH")
    # What one tenant keeps (approximate: see kontor.quotas) and may do a day; sign-ups an address
    # may start a day.
    templates_per_tenant: int = Field(default=1000, validation_alias="KONTOR_TEMPLATES_PER_TENANT")
    contacts_per_tenant: int = Field(default=1_000_000, validation_alias="KONTOR_CONTACTS_PER_TENANT")
    appointments_per_tenant: int = Field(default=1_000_000, validation_alias="KONTOR_APPOINTMENTS_PER_TENANT")
    manual_backups_per_day: int = Field(default=10, validation_alias="KONTOR_MANUAL_BACKUPS_PER_DAY")
    signups_per_address_per_day: int = Field(default=5, validation_alias="KONTOR_SIGNUPS_PER_ADDRESS")
    verification_resends_per_day: int = Field(
        default=5, validation_alias="KONTOR_VERIFICATION_RESENDS_PER_DAY"
    )
    invitations_per_address_per_day: int = Field(default=5, validation_alias="KONTOR_INVITATIONS_PER_ADDRESS")
    # Requests one tenant may send a second, whoever sends them (`kontor.throttles.admit`): half
    # the stage's 100, so one tenant never takes the whole API from the others.
    tenant_requests_per_second: int = Field(
        default=50, ge=1, validation_alias="KONTOR_TENANT_REQUESTS_PER_SECOND"
    )
    # VAT on invoices (README "Billing"): the vendor's country and its rate, and the rates of other EU
    # countries for customers there without a VAT id, e.g. {"AT": "20", "FR": "20"} (percent).
    vendor_country: str = Field(default="DE", validation_alias="KONTOR_VENDOR_COUNTRY")
    vat_rate: str = Field(default="19", pattern=r"^\d{1,2}(\.\d{1,2})?$", validation_alias="KONTOR_VAT_RATE")
    vat_rates: Json[dict[str, str]] = Field(default_factory=dict, validation_alias="KONTOR_VAT_RATES")
    # Online sync: the oldest desktop version that may sync (README "Online sync").
    sync_min_app_version: str = Field(
        default="12.0", pattern=r"^\d{1,4}(\.\d{1,4}){0,3}$", validation_alias="KONTOR_SYNC_MIN_APP_VERSION"
    )

    @property
    def support_email(self) -> str:
        return self.support_email_setting or self.mail_from


# Where one process runs many functions (the local stack, the integration tests), each invocation
# reads its own function's environment, as it would alone in its Lambda (`function_environment`).
_function: ContextVar[Settings | None] = ContextVar("kontor_function_settings", default=None)


def settings() -> Settings:
    return _function.get() or _from_environment()


@functools.cache
def _from_environment() -> Settings:
    return Settings.model_validate(dict(os.environ))


settings.cache_clear = _from_environment.cache_clear  # type: ignore[attr-defined]


@contextmanager
def function_environment(variables: Mapping[str, str]) -> Iterator[None]:
    """Settings from the process environment with one function's own `variables` on top."""
    token = _function.set(Settings.model_validate({**os.environ, **variables}))
    try:
        yield
    finally:
        _function.reset(token)
