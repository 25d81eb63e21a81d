"""Two headquarters on one portal: nothing of one shows in the other's pages,
packet, calendar feed or admin. The seed is 富山; 石川 is made by the factories
with names that deliberately repeat the seed's (same municipality code, same
plan year, same venue name), which uniqueness per headquarters allows."""

import datetime as dt
import io

import pytest
import tablib
from django.contrib.auth import get_user_model
from django.urls import reverse
from pypdf import PdfReader

from meetings import packet
from meetings.models import Meeting, Organization, Position
from meetings.resources import PositionResource
from onechamber.roles import sync_groups
from tests import factories
from vaccination.models import Venue
from workitems.models import FiscalYearPlan, WorkItem

SEED_MEETING = "令和3年度第4回「ワンチームとやま」連携推進本部会議"
SEED_ITEM = "防災・危機管理体制の連携・強化"
SEED_CITY = "高岡市"
SEED_NOTICE = "8か月以上の経過を待たずに"


@pytest.fixture
def ishikawa(seed):
    hq = factories.make_headquarters(
        name="いしかわ連携推進本部", prefecture="石川県", prefecture_code="170003"
    )
    city = factories.make_municipality(name="金沢市", code="172014", headquarters=hq)
    # The seed's code and plan year again, in the other headquarters.
    twin = factories.make_municipality(name="富山市", code="162019", headquarters=hq)
    meeting = factories.make_meeting(
        headquarters=hq, fiscal_year=2021, number=4, date=dt.date(2022, 1, 25)
    )
    factories.make_material(
        meeting=meeting,
        title="WGの開催状況",
        content="section",
        section_kind="workitems.wg_status",
        text="",
    )
    item = factories.make_item(name="能登の連携項目", headquarters=hq)
    factories.make_item_year(item=item, fiscal_year=2021, status="new")
    measure = factories.make_measure(item=item, name="能登のWG", code="①")
    factories.make_session(measure=measure, fiscal_year=2021, date=dt.date(2021, 9, 9))
    FiscalYearPlan.objects.create(headquarters=hq, fiscal_year=2022, draft=False)
    Venue.objects.create(headquarters=hq, area="県央会場", name="テスト会場")
    return {
        "hq": hq,
        "city": city,
        "twin": twin,
        "meeting": meeting,
        "item": item,
        "viewer": factories.make_user(
            role="viewer", username="kanazawa", organization=city
        ),
        "secretariat": factories.make_user(
            role="secretariat", username="ishikawa-jimu", headquarters=hq
        ),
    }


@pytest.fixture
def toyama_secretariat(seed):
    return factories.make_user(
        role="secretariat", username="toyama-jimu", headquarters=seed.headquarters
    )


def _text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_uniqueness_is_per_headquarters(ishikawa, seed):
    assert Organization.objects.filter(code="162019").count() == 2
    assert FiscalYearPlan.objects.filter(fiscal_year=2022).count() == 2
    assert (
        WorkItem.objects.for_headquarters(seed.headquarters).count()
        == WorkItem.objects.exclude(headquarters=ishikawa["hq"]).count()
    )


def test_viewer_pages_show_only_their_headquarters(client, ishikawa, seed):
    client.force_login(ishikawa["viewer"])
    pages = {
        "home": reverse("meetings:home"),
        "meetings": reverse("meetings:meeting_list"),
        "municipalities": reverse("meetings:municipality_list"),
        "items": reverse("workitems:item_list"),
        "wg": reverse("workitems:wg_status") + "?fy=2021",
        "schedule": reverse("workitems:schedule"),
        "plan": reverse("workitems:plan", args=[2022]),
        "vaccination": reverse("vaccination:index"),
        "venues": reverse("vaccination:venues"),
    }
    texts = {name: _text(client, url) for name, url in pages.items()}
    everything = "".join(texts.values())
    for seed_word in (SEED_MEETING, SEED_ITEM, SEED_CITY, "魚津市", SEED_NOTICE):
        assert seed_word not in everything, seed_word
    assert ishikawa["meeting"].get_absolute_url() in texts["meetings"]
    assert seed.get_absolute_url() not in everything
    assert "金沢市" in texts["municipalities"]
    assert "能登の連携項目" in texts["items"]
    assert "能登の連携項目" in texts["wg"]


def test_records_of_the_other_headquarters_are_404(client, ishikawa, seed):
    client.force_login(ishikawa["viewer"])
    seed_item = WorkItem.objects.get(headquarters=seed.headquarters, name=SEED_ITEM)
    for url in (
        reverse("meetings:meeting_detail", args=[seed.pk]),
        reverse("meetings:material_detail", args=[seed.pk, 1]),
        reverse("meetings:packet", args=[seed.pk]),
        reverse("meetings:material_pdf", args=[seed.pk, 1]),
        reverse("meetings:municipality", args=["162028"]),  # 高岡市
        reverse("workitems:item_detail", args=[seed_item.pk]),
    ):
        assert client.get(url).status_code == 404, url
    # 富山市's code in 石川 is 石川's own record, not the seed's.
    twin = _text(client, reverse("meetings:municipality", args=["162019"]))
    assert SEED_MEETING not in twin


def test_the_seed_viewer_sees_nothing_of_the_other(client, ishikawa, seed):
    city = Organization.objects.get(headquarters=seed.headquarters, code="162019")
    viewer = factories.make_user(role="viewer", username="toyama", organization=city)
    client.force_login(viewer)
    everything = "".join(
        _text(client, reverse(name) + "?fy=all")
        for name in ("meetings:meeting_list", "workitems:item_list")
    )
    assert seed.get_absolute_url() in everything
    assert ishikawa["meeting"].get_absolute_url() not in everything
    assert "能登" not in everything
    meeting = ishikawa["meeting"]
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_calendar_feed_holds_only_its_headquarters(client, ishikawa, seed):
    profile = ishikawa["viewer"].profile
    feed = client.get(
        reverse("workitems:schedule_ics") + f"?token={profile.calendar_token}&from=2020"
    ).content.decode()
    assert "いしかわ連携推進本部" in feed
    assert "ワンチームとやま" not in feed
    assert "能登の連携項目" in feed
    assert SEED_ITEM not in feed


def test_packet_sections_hold_only_their_headquarters(ishikawa, seed):
    meeting = Meeting.objects.get(pk=ishikawa["meeting"].pk)
    result = packet.build_packet(meeting)
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(result.pdf)).pages
    )
    assert "能登の連携項目" in text
    assert SEED_ITEM not in text


def test_admin_lists_and_pages_are_scoped(client, ishikawa, seed):
    client.force_login(ishikawa["secretariat"])
    lists = "".join(
        _text(client, reverse(f"admin:{name}_changelist"))
        for name in (
            "meetings_meeting",
            "meetings_organization",
            "workitems_workitem",
            "workitems_fiscalyearplan",
            "vaccination_venue",
            "vaccination_notice",
            "meetings_headquarters",
        )
    )
    assert "金沢市" in lists
    assert "能登の連携項目" in lists
    for seed_word in (SEED_CITY, SEED_ITEM, "ワンチームとやま", SEED_NOTICE):
        assert seed_word not in lists, seed_word
    response = client.get(reverse("admin:meetings_meeting_change", args=[seed.pk]))
    assert response.status_code == 404  # not "does not exist": none to see
    # Choices of a form offer only the headquarters' own records (the
    # attendee's meeting is searched: the autocomplete answers).
    found = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "meetings",
            "model_name": "attendance",
            "field_name": "meeting",
            "term": "",
        },
    ).json()["results"]
    names = [result["text"] for result in found]
    assert "令和3年度第4回いしかわ連携推進本部会議" in names
    assert SEED_MEETING not in names


def test_a_new_record_in_the_admin_belongs_to_the_users_headquarters(
    client, ishikawa, seed
):
    client.force_login(ishikawa["secretariat"])
    response = client.post(
        reverse("admin:meetings_organization_add"),
        {"name": "白山市", "kind": "city", "code": "172103", "order": "5"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Organization.objects.get(name="白山市")
    assert made.headquarters == ishikawa["hq"]
    # The same name and kind again in the same headquarters: a form error, not a 500.
    again = client.post(
        reverse("admin:meetings_organization_add"),
        {"name": "金沢市", "kind": "city", "code": "", "order": "5"},
    )
    assert again.status_code == 200
    assert "同じ名称・種別の組織が既にあります。" in again.content.decode()


def test_the_seed_secretariat_does_not_see_the_other(
    client, ishikawa, toyama_secretariat
):
    client.force_login(toyama_secretariat)
    lists = _text(client, reverse("admin:workitems_workitem_changelist")) + _text(
        client, reverse("admin:meetings_meeting_changelist")
    )
    assert SEED_ITEM in lists
    assert "能登" not in lists
    assert "いしかわ" not in lists


def test_imports_look_related_records_up_in_their_own_headquarters(ishikawa, seed):
    # 金沢市 exists only in 石川: a 富山 import naming it is an error, not a link.
    toyama = PositionResource(headquarters=seed.headquarters)
    result = toyama.import_data(
        tablib.Dataset(["金沢市", "金沢市長", 1], headers=["組織", "職名", "表示順"]),
        dry_run=True,
    )
    assert result.has_errors() or result.has_validation_errors()
    # 富山市 exists in both: each headquarters' import finds its own.
    ishikawa_import = PositionResource(headquarters=ishikawa["hq"])
    ishikawa_import.import_data(
        tablib.Dataset(
            ["富山市", "富山市長（石川）", 1], headers=["組織", "職名", "表示順"]
        ),
        dry_run=False,
    )
    made = Position.objects.get(title="富山市長（石川）")
    assert made.organization == ishikawa["twin"]


def test_the_meeting_editor_offers_only_its_own_departments_and_positions(
    client, ishikawa, seed
):
    factories.make_organization(
        name="いしかわ秘密部", kind="department", headquarters=ishikawa["hq"]
    )
    factories.make_position(title="金沢市長", organization=ishikawa["city"])
    toyama = factories.make_user(
        role="secretariat", username="toyama-jimu", headquarters=seed.headquarters
    )
    client.force_login(toyama)
    for url in (
        reverse("admin:meetings_meeting_change", args=[seed.pk]),
        reverse("admin:meetings_meeting_add"),
    ):
        page = _text(client, url)
        assert "いしかわ秘密部" not in page
        assert "金沢市長" not in page


def test_a_secretariat_cannot_make_itself_superuser_or_edit_groups(client, ishikawa):
    jimu = ishikawa["secretariat"]
    client.force_login(jimu)
    page = _text(client, reverse("admin:auth_user_change", args=[jimu.pk]))
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_a_staff_account_without_a_headquarters_adds_nothing(client, db):

    user = get_user_model().objects.create_user("nohq", is_staff=True)
    user.groups.set([sync_groups()["secretariat"]])
    client.force_login(user)
    response = client.post(
        reverse("admin:meetings_organization_add"),
        {"name": "どこかの市", "kind": "city", "code": "", "order": "1"},
    )
    assert response.status_code == 403
    assert not Organization.objects.filter(name="どこかの市").exists()
