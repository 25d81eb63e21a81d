"""The small data set of the permission matrix (test_permission_matrix.py):
two headquarters, and in the first two municipalities, two departments, a
published and an unpublished meeting, and of every record the admin shows one
of each department's item and one of the other headquarters.

Names carry markers that a page must never show to the wrong account:
ZZ未公開 (the unpublished meeting), ZZ他本部 (the second headquarters), ZZ部局A
and ZZ部局B (the records of department A's and of department B's item only).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from api import services as api_services
from meetings import services
from meetings.models import Headquarters, MaterialImage, Person, UserProfile
from tests import factories
from vaccination.models import (
    GridCell,
    GridColumn,
    GridRow,
    IntervalRule,
    MunicipalRuleDate,
    Notice,
    Passage,
    TargetGroup,
    Venue,
    VenueDate,
    VenuePlan,
)
from workitems.models import (
    Agreement,
    FiscalYearPlan,
    Highlight,
    HighlightImage,
    Indicator,
    ItemDepartment,
    Milestone,
    Proposal,
    ResultTable,
)

# Marks no random token can hold (a CSRF token is ASCII letters and digits:
# "ZZA" turned up in one by chance).
UNPUBLISHED = "ZZ未公開"
OTHER_HQ = "ZZ他本部"
ONLY_A = "ZZ部局A"
ONLY_B = "ZZ部局B"

ANON, V1, V2, DA, DB = "anon", "viewer_m1", "viewer_m2", "dept_a", "dept_b"
SEC, SU = "secretariat", "superuser"
ROLES = (ANON, V1, V2, DA, DB, SEC, SU)


@dataclass
class Data:
    users: dict = field(default_factory=dict)
    # Per model label: variant name -> instance.
    objects: dict = field(default_factory=dict)
    meetings: dict = field(default_factory=dict)
    uploads: list = field(default_factory=list)

    def add(self, obj, variant: str) -> None:
        self.objects.setdefault(obj._meta.label, {})[variant] = obj


def _vaccination(data: Data, hq, variant: str, municipality, mark: str) -> None:
    notice = Notice.objects.create(
        headquarters=hq, date=dt.date(2021, 11, 16), title=f"{mark}事務連絡"
    )
    group = TargetGroup.objects.create(
        headquarters=hq, code=f"g{variant}", name=f"{mark}一般高齢者"
    )
    rule = IntervalRule.objects.create(
        group=group,
        interval_months=8,
        effective_from=dt.date(2021, 12, 1),
        notice=notice,
    )
    municipal = MunicipalRuleDate.objects.create(
        rule=rule, organization=municipality, effective_from=dt.date(2021, 11, 20)
    )
    venue = Venue.objects.create(headquarters=hq, area="県東部会場", name=f"{mark}会場")
    plan = VenuePlan.objects.create(
        headquarters=hq, title=f"{mark}日程", opening_date=dt.date(2022, 2, 11)
    )
    venue_date = VenueDate.objects.create(
        plan=plan, venue=venue, date=dt.date(2022, 2, 11)
    )
    column = GridColumn.objects.create(
        headquarters=hq,
        booster_month=dt.date(2022, 2, 1),
        second_dose_first=dt.date(2021, 6, 1),
        second_dose_last=dt.date(2021, 6, 30),
    )
    row = GridRow.objects.create(headquarters=hq, category=f"{mark}区分", group=group)
    GridCell.objects.create(row=row, column=column, advance_months=1, text="2月")
    passage = Passage.objects.create(
        headquarters=hq, key=f"p{variant}", title=f"{mark}説明", body="本文"
    )
    for obj in (notice, group, rule, municipal, venue, plan, venue_date, column):
        data.add(obj, variant)
    for obj in (row, passage):
        data.add(obj, variant)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 90, 160)).save(out, "PNG")
    return out.getvalue()


_PNG = _png()


def _item(data: Data, *, hq, variant: str, mark: str, departments, measures):
    """An item with one of every workitems record; `measures` is a list of
    (variant, department) for its measures, each with a WG session."""
    item = factories.make_item(
        name=f"{mark}連携項目", departments=departments, headquarters=hq
    )
    year = factories.make_item_year(item=item)
    row = factories.make_result_row(item_year=year, label=f"{mark}取り組み")
    highlight = Highlight.objects.create(item_year=year, title=f"{mark}概要")
    milestone = Milestone.objects.create(
        highlight=highlight, month=dt.date(2021, 10, 1), text=f"{mark}の予定"
    )
    indicator = Indicator.objects.create(
        item_year=year, name=f"{mark}指標", unit="%", value="41.7"
    )
    proposal = Proposal.objects.create(item_year=year)
    agreement = Agreement.objects.create(item=item, title=f"{mark}協定")
    image = HighlightImage.objects.create(
        highlight=highlight, caption_line=1, image=ContentFile(_PNG, name="p.png")
    )
    for obj in (item, year, row.table, row, highlight, milestone, indicator, image):
        data.add(obj, variant)
    data.add(proposal, variant)
    data.add(agreement, variant)
    for n, (measure_variant, department) in enumerate(measures, start=1):
        measure = factories.make_measure(
            item=item, name=f"{mark}施策{n}", order=n, department=department
        )
        session = factories.make_session(measure=measure, name=f"{mark}会議{n}")
        data.add(measure, measure_variant)
        data.add(session, measure_variant)
    return item


def _meeting(data, *, hq, variant, published, mark, kind="regular", number=1):
    meeting = factories.make_meeting(
        headquarters=hq,
        published=False,
        kind=kind,
        number=number,
        topic=f"{mark}臨時会議" if kind != "regular" else "",
    )
    agenda_item = factories.make_agenda_item(meeting=meeting, title=f"{mark}開会")
    for series in ("main", "reference"):
        material = factories.make_material(
            meeting=meeting,
            title=f"{mark}資料{series}",
            series=series,
            content="pdf",
            file=factories.make_pdf_file(name=f"{variant}-{series}.pdf", pages=1),
        )
        data.uploads.append(material.file.name)
        if series == "main":
            image = MaterialImage.objects.create(
                material=material, number=1, image=ContentFile(_PNG, name="m.png")
            )
            data.add(image, variant)
    position = factories.make_position(
        title=f"{mark}市長",
        organization=data.municipalities[variant],
        holder=f"{mark}氏名",
    )
    attendance = factories.make_attendance(
        meeting=meeting, title=position.title, name=f"{mark}氏名", position=position
    )
    data.add(meeting, variant)
    if variant != "unpub":  # published or not is the meeting's alone
        data.add(material, variant)
        data.add(attendance, variant)
        data.add(agenda_item, variant)
        data.add(position, variant)
        data.add(Person.objects.get(tenures__position=position), variant)
    data.meetings[variant] = meeting
    if published:
        services.publish_meeting(meeting=meeting, by=None)
    return meeting


def build() -> Data:
    data = Data()
    hq1 = factories.make_headquarters(name="テスト連携推進本部")
    hq2 = factories.make_headquarters(
        name=f"{OTHER_HQ}連携推進本部", prefecture="石川県", prefecture_code="170003"
    )
    data.add(hq1, "hq1")
    data.add(hq2, "hq2")
    m1 = factories.make_municipality(name="富山市", code="162019", headquarters=hq1)
    m2 = factories.make_municipality(
        name="高岡市", code="162027", order=20, headquarters=hq1
    )
    m_hq2 = factories.make_municipality(
        name=f"{OTHER_HQ}金沢市", code="172014", headquarters=hq2
    )
    dept_a = factories.make_organization(
        name="土木部", kind="department", headquarters=hq1
    )
    division_a = factories.make_organization(
        name="道路課", kind="division", parent=dept_a, headquarters=hq1
    )
    dept_b = factories.make_organization(
        name="厚生部", kind="department", headquarters=hq1
    )
    # The other headquarters has a 土木部 of its own: the name is no key.
    dept_hq2 = factories.make_organization(
        name="土木部", kind="department", headquarters=hq2
    )
    data.add(m1, "hq1")
    data.add(m_hq2, "hq2")
    data.municipalities = {"pub": m1, "unpub": m2, "hq2": m_hq2}
    data.codes = {"hq1": m1.code, "hq2": m_hq2.code}

    users = data.users
    users[V1] = factories.make_user(role="viewer", username="toyama", organization=m1)
    users[V2] = factories.make_user(role="viewer", username="takaoka", organization=m2)
    users[DA] = factories.make_user(
        role="department", username="doboku", organization=dept_a
    )
    users[DB] = factories.make_user(
        role="department", username="kousei", organization=dept_b
    )
    users[SEC] = factories.make_user(
        role="secretariat", username="jimukyoku", headquarters=hq1
    )
    superuser = get_user_model().objects.create_superuser(
        username="admin", password="pw-for-tests-1"
    )
    UserProfile.objects.create(user=superuser, headquarters=hq1)
    users[SU] = superuser
    other = factories.make_user(
        role="secretariat", username=f"{OTHER_HQ.lower()}-jimu", headquarters=hq2
    )
    data.add(users[V1], "hq1")
    data.add(other, "hq2")
    # An API token of the first viewer's (the account page revokes only one's own).
    token, _key = api_services.create_token(user=users[V1], name="集計用")
    data.add(token, "hq1")

    _meeting(data, hq=hq1, variant="pub", published=True, mark="公開")
    _meeting(
        data,
        hq=hq1,
        variant="unpub",
        published=False,
        mark=UNPUBLISHED,
        kind="extraordinary",
    )
    _meeting(data, hq=hq2, variant="hq2", published=True, mark=OTHER_HQ)

    # Department A is responsible through its division; B directly; item X is
    # B's, with one measure A keeps (and one with no department, B's).
    item_a = _item(
        data,
        hq=hq1,
        variant="a",
        mark=ONLY_A,
        departments=[division_a],
        measures=[("a", None)],
    )
    _item(
        data,
        hq=hq1,
        variant="b",
        mark=ONLY_B,
        departments=[dept_b],
        measures=[("b", None)],
    )
    _item(
        data,
        hq=hq1,
        variant="x",
        mark="共同",
        departments=[dept_b],
        measures=[("x", dept_a), ("xb", None)],
    )
    _item(
        data,
        hq=hq2,
        variant="hq2",
        mark=OTHER_HQ,
        departments=[dept_hq2],
        measures=[("hq2", None)],
    )
    item_a.reported_at.set([data.meetings["pub"], data.meetings["unpub"]])
    assert ItemDepartment.objects.count() == 4
    assert ResultTable.objects.count() == 4
    for hq, variant, year in ((hq1, "hq1", 2021), (hq2, "hq2", 2020)):
        data.add(
            FiscalYearPlan.objects.create(headquarters=hq, fiscal_year=year), variant
        )
    data.plan_years = {"hq1": 2021, "hq2": 2020}

    _vaccination(data, hq1, "hq1", m1, "接種")
    _vaccination(data, hq2, "hq2", m_hq2, OTHER_HQ)

    # Records of the apps only a superuser keeps.
    data.add(Group.objects.get(name="viewer"), "hq1")
    now = timezone.now()
    log = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "x"}
    log |= {"http_accept": "*/*", "path_info": "/accounts/login/"}
    data.add(
        AccessAttempt.objects.create(
            **log, get_data="", post_data="", failures_since_start=1
        ),
        "hq1",
    )
    data.add(AccessLog.objects.create(**log), "hq1")
    data.add(AccessFailureLog.objects.create(**log), "hq1")
    data.add(
        DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="meetings.tasks.build_edition",
            backend_name="database",
            run_after=now,
            exception_class_path="",
            traceback="",
        ),
        "hq1",
    )
    assert Headquarters.objects.count() == 2
    # A material asked of department A (提出): A submits it, nobody else may.
    asked = factories.make_material(
        meeting=data.meetings["pub"],
        title="土木部に依頼した資料",
        order=9,
        department=dept_a,
        text="提出待ち",
    )
    asked.deadline = dt.date(2022, 1, 14)
    asked.submission = "requested"
    asked.save()
    data.add(asked, "asked_a")
    return data
