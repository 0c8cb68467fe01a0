"""Request and response bodies of the platform routes (they shape the OpenAPI document)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints

from kontor.pages import Page
from platform_api.domain import ErrorReport, Mode, Notice, Window

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Titles(_Body):
    de: Title
    en: Title


class Texts(_Body):
    de: Text
    en: Text


class WindowRequest(_Body):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    mode: Mode
    title: Titles
    text: Texts

    def fields(self) -> dict[str, Any]:
        return {
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "mode": self.mode.value,
            "title": self.title.model_dump(),
            "text": self.text.model_dump(),
        }


class WindowChange(_Body):
    """The fields to change; the others stay."""

    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    mode: Mode | None = None
    title: Titles | None = None
    text: Texts | None = None

    def changes(self) -> dict[str, Any]:
        found = self.model_dump(exclude_none=True)
        if self.mode is not None:
            found["mode"] = self.mode.value
        return found


class WindowResponse(BaseModel):
    id: str
    starts_at: str
    ends_at: str
    mode: str
    title: dict[str, str]
    text: dict[str, str]
    created_at: str
    created_by: str
    updated_at: str | None
    announced_at: str | None

    @classmethod
    def of(cls, window: Window) -> WindowResponse:
        return cls(**asdict(window))


class WindowList(BaseModel):
    items: list[WindowResponse]


class NoticeResponse(BaseModel):
    kind: str
    id: str
    title: dict[str, str]
    text: dict[str, str]
    severity: str
    starts_at: str | None
    ends_at: str | None
    mode: str | None
    active: bool
    tenant_id: str | None

    @classmethod
    def of(cls, notice: Notice) -> NoticeResponse:
        return cls(**{name: value for name, value in asdict(notice).items() if name != "details"})


class NoticesResponse(BaseModel):
    items: list[NoticeResponse]

    @classmethod
    def of(cls, notices: list[Notice]) -> NoticesResponse:
        return cls(items=[NoticeResponse.of(notice) for notice in notices])


# ---------------------------------------------------------------- error reports
Severity = Literal["low", "medium", "high", "critical"]
Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
RequestId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,128}$")]
AppVersion = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class ErrorReportRequest(_Body):
    subject: Subject
    description: LongText
    steps: LongText | None = None
    severity: Severity = "medium"
    app_version: AppVersion | None = None
    request_id: RequestId | None = None


class ErrorReportChange(_Body):
    subject: Subject | None = None
    description: LongText | None = None
    steps: LongText | None = None
    severity: Severity | None = None
    app_version: AppVersion | None = None
    request_id: RequestId | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class AnswerRequest(_Body):
    answer: LongText


class ErrorReportResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

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
    state: str
    created_at: str
    updated_at: str
    sent_at: str | None
    answer: str | None
    answered_at: str | None


class ErrorReportPage(BaseModel):
    items: list[ErrorReportResponse]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[ErrorReport]) -> ErrorReportPage:
        return cls(
            items=[ErrorReportResponse.model_validate(report) for report in page.items],
            next_cursor=page.next_cursor,
        )
