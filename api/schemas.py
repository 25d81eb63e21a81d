"""The API's objects: every date as ISO 8601 with its 和暦 label beside it
(``date`` and ``date_label``), every fiscal year as a number and its label."""

from ninja import Field, Schema


class Error(Schema):
    errors: dict[str, list[str]] = Field(description="項目ごとのエラーメッセージ")


class FiscalYear(Schema):
    fiscal_year: int | None = Field(description="年度（西暦、4月始まり）")
    fiscal_year_label: str = Field(description="例：令和3年度")


class When(Schema):
    date: str | None = Field(description="開催日（ISO 8601）")
    date_label: str = Field(description="開催日の和暦")
    approx_month: str | None = Field(description="日が未定のとき、その月の1日")
    when_label: str = Field(description="例：令和4年1月20日（木）、令和4年5月中旬")


class Meeting(FiscalYear, When):
    id: int
    name: str
    short_title: str
    number: int | None
    kind: str
    kind_label: str
    format: str
    format_label: str
    status: str
    status_label: str
    start_time: str | None
    end_time: str | None
    venue: str
    published: bool
    url: str


class AgendaItem(Schema):
    number: str
    title: str
    materials: list[str] = Field(description="使用する資料の資料番号")
    children: list["AgendaItem"]


class MaterialRow(Schema):
    label: str = Field(description="資料番号（資料1、参考資料2）")
    series: str
    number: int | None
    title: str
    department: str
    content: str
    page_url: str
    pdf_url: str = Field(description="資料のPDF（配付後は配付版のもの）")
    file_url: str | None = Field(description="未配付のとき、アップロードされたPDF")
    replaced_in: int | None = Field(description="差し替えた版")


class Attendee(Schema):
    group: str
    title: str
    name: str
    mode: str
    proxy_title: str
    proxy_name: str


class Edition(Schema):
    number: int
    label: str
    summary: str
    distributed_at: str | None
    packet_url: str
    page_count: int
    sha256: str


class MeetingDetail(Meeting):
    edition: Edition | None = Field(description="配付した版（未配付なら null）")
    agenda: list[AgendaItem]
    materials: list[MaterialRow]
    attendees: list[Attendee]


class ItemYear(FiscalYear):
    status: str
    status_label: str
    followup: str


class Item(Schema):
    id: int
    name: str
    short_name: str
    years: list[ItemYear]
    proposers: list[str]
    targets_all: bool
    targets: list[str]
    departments: list[str]
    divisions: list[str]
    url: str


class Session(FiscalYear, When):
    id: int
    item_id: int
    measure_id: int
    measure: str
    kind: str
    kind_label: str
    planned: bool
    name: str
    topic: str
    participants: list[str]
    participants_note: str
    note: str


class Measure(Schema):
    id: int
    item_id: int
    item: str
    parent_id: int | None
    code: str
    name: str
    department: str
    participation: str
    wg_note: str


class MeasureWithSessions(Measure):
    sessions: list[Session]
    children: list["MeasureWithSessions"]


class ResultRow(FiscalYear):
    id: int
    item_id: int
    item: str
    table: str
    heading: str
    label: str
    results: list[str]
    next_steps: list[str]
    results_heading: str
    next_heading: str


class Indicator(FiscalYear):
    id: int
    item_id: int
    item: str
    name: str
    unit: str
    value: str
    value_label: str
    rank: int | None
    rank_scope: str
    as_of: str | None
    as_of_label: str
    baseline_value: str | None
    baseline_label: str
    baseline_as_of: str | None
    baseline_as_of_label: str
    phrase: str
    note: str


class ItemDetail(Item):
    measures: list[MeasureWithSessions]
    results: list[ResultRow]
    indicators: list[Indicator]
    meetings: list[Meeting]


class PlanEntry(Schema):
    item_id: int
    item: str
    status: str
    status_label: str
    origin: str
    proposers: list[str]
    targets: str
    divisions: list[str]


class Plan(FiscalYear):
    draft: bool
    other_issues: list[str]
    url: str


class PlanDetail(Plan):
    entries: list[PlanEntry]


class Notice(Schema):
    id: int
    date: str
    date_label: str
    issuer: str
    title: str
    addressee: str
    heading: str
    summary: list[str]
    note: str


class Rule(Schema):
    id: int
    group: str
    group_code: str
    kind: str
    kind_label: str
    interval_months: int
    effective_from: str
    effective_from_label: str
    effective_to: str | None
    effective_to_label: str
    notice_id: int
    notice: str
    notice_date: str
    notice_date_label: str
    condition: str


class VenueDate(Schema):
    date: str
    date_label: str
    plan: str
    added: bool
    target_note: str
    day_kind: str


class Venue(Schema):
    id: int
    area: str
    name: str
    dates: list[VenueDate]


class WgRow(Schema):
    item_id: int
    item: str
    proposers: list[str]
    measure: list[str]
    department: str
    sessions: list[str]


class ScheduleRow(FiscalYear):
    meeting_id: int
    when: str
    text: str
    agenda: list[str]
    note: str


AgendaItem.model_rebuild()
MeasureWithSessions.model_rebuild()
