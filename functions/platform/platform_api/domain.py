"""The platform context's domain: maintenance windows (the kernel's `Window`) and notices."""

from __future__ import annotations

from dataclasses import dataclass, field

from kontor.maintenance import Mode, Window

__all__ = ["Mode", "Notice", "Window"]


@dataclass(frozen=True)
class Notice:
    """Something every user of a tenant (or everyone) should read: a maintenance window, or a
    state of the tenant itself. `title` and `text` in German and English, the SPA picks one."""

    kind: str  # maintenance | tenant_suspended | licence_expiring | licence_locked | sync_stale
    id: str
    title: dict[str, str]
    text: dict[str, str]
    severity: str = "info"  # info | warning
    starts_at: str | None = None
    ends_at: str | None = None
    mode: str | None = None
    active: bool = False
    tenant_id: str | None = None
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ErrorReport:
    """What a user tells support about an error: a draft until sent, then answered by an operator."""

    id: str
    tenant_id: str
    reporter_id: str
    reporter_email: str
    subject: str
    description: str
    steps: str | None
    severity: str
    app_version: str | None
    request_id: str | None
    state: str  # draft | sent | answered
    created_at: str
    updated_at: str
    sent_at: str | None
    answer: str | None
    answered_at: str | None
    answered_by: str | None
    version: int
