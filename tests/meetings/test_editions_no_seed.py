"""Editions (版): distributing, what changed since, 差し替え, files and who
fetched them. Builds run at once here (the immediate task backend)."""

import datetime as dt
import hashlib
import io
import re

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from meetings import editions, services
from meetings.models import Edition, EditionDownload, Material
from tests import factories

pytestmark = pytest.mark.django_db


def pages(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def stored(name: str) -> bytes:
    with storages["editions"].open(name, "rb") as f:
        return f.read()


@pytest.fixture
def meeting():
    meeting = factories.make_meeting(published=False)
    factories.make_agenda_item(meeting=meeting, title="開会")
    for n, (title, text) in enumerate(
        [
            ("事業の進み具合", "第1四半期は12件を実施した。\n\n予算は500万円。"),
            ("スケジュール", "5月に第1回、8月に第2回を開く。"),
            ("参考の一覧", "富山市、高岡市、魚津市"),
        ],
        start=1,
    ):
        factories.make_material(meeting=meeting, title=title, text=text, order=n)
    return meeting


@pytest.fixture
def secretariat():
    return factories.make_user(role="secretariat", username="jimukyoku")


@pytest.fixture
def distributed(meeting, secretariat):
    services.publish_meeting(meeting=meeting, by=secretariat)
    return Edition.objects.get(meeting=meeting, number=1)


def editions_at(path) -> dict:
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(path)},
    }


def edit(meeting, order: int, text: str) -> Material:
    material = meeting.materials.get(order=order)
    material.text = text
    material.save()
    return material


def test_publishing_distributes_the_first_edition_as_files(
    meeting, secretariat, distributed
):
    assert distributed.state == Edition.State.READY
    assert distributed.label == "第1版"
    assert distributed.created_by == secretariat
    assert distributed.distributed_at is not None
    packet = stored(distributed.file_name)
    assert hashlib.sha256(packet).hexdigest() == distributed.sha256
    assert len(packet) == distributed.size
    texts = pages(packet)
    assert len(texts) == distributed.page_count == 6
    assert [t.rsplit("\n", 1)[-1] for t in texts] == [f"- {n} -" for n in range(1, 7)]
    materials = list(distributed.items.filter(role="material"))
    assert [(i.label, i.first_page, i.page_count) for i in materials] == [
        ("資料1", 4, 1),
        ("資料2", 5, 1),
        ("資料3", 6, 1),
    ]
    for item in materials:
        data = stored(item.file_name)
        assert hashlib.sha256(data).hexdigest() == item.sha256
        assert pages(data)[0].endswith(f"{item.label}\n- 1 -")
    # Nothing is stamped 差替 in a first edition, nor is there a 差し替え一覧.
    assert not any("差替" in t or "差し替え一覧" in t for t in texts)


def test_an_edit_after_distribution_changes_no_distributed_byte(
    client, meeting, distributed
):
    viewer = factories.make_user(role="viewer", username="toyama")
    client.force_login(viewer)
    before = stored(distributed.file_name)
    edit(meeting, 1, "第1四半期は15件を実施した。\n\n予算は500万円。")

    distributed.refresh_from_db()
    assert stored(distributed.file_name) == before
    assert hashlib.sha256(before).hexdigest() == distributed.sha256
    # Both the current packet's URL and the edition's own serve those bytes.
    assert body(client.get(reverse("meetings:packet", args=[meeting.pk]))) == before
    own = reverse("meetings:edition_packet", args=[meeting.pk, 1])
    assert body(client.get(own)) == before
    # The pages show the content distributed, not today's data.
    page = client.get(reverse("meetings:material_detail", args=[meeting.pk, 1]))
    assert "12件" in page.content.decode() and "15件" not in page.content.decode()
    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    assert "第1版（" in meeting_page
    assert "配付後に変更があります" not in meeting_page  # not for viewers


def test_the_change_list_shows_each_changed_material_with_its_lines(
    client, meeting, distributed, secretariat
):
    edit(meeting, 1, "第1四半期は15件を実施した。\n\n予算は500万円。")
    factories.make_material(
        meeting=meeting, title="追加の資料", text="新しい内容", order=9
    )

    changes = editions.changes(meeting)
    # The 次第 lists the materials, so the new one changes it too.
    assert [(c.label, c.kind) for c in changes] == [
        ("次第", "changed"),
        ("資料1", "changed"),
        ("資料4", "added"),
    ]
    first = next(c for c in changes if c.label == "資料1")
    assert ("-", "第1四半期は12件を実施した。") in first.lines
    assert ("+", "第1四半期は15件を実施した。") in first.lines
    assert (" ", "予算は500万円。") in first.lines

    client.force_login(secretariat)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "配付後に変更があります" in page
    assert "第1四半期は15件を実施した。" in page
    admin_page = client.get(
        reverse("admin:meetings_meeting_change", args=[meeting.pk])
    ).content.decode()
    assert "配付後に変更があります" in admin_page
    assert "第1四半期は12件を実施した。" in admin_page


def test_a_replacement_rebuilds_only_what_changed_and_lists_it_first(
    client, meeting, distributed, secretariat
):
    first_bytes = stored(distributed.file_name)
    edit(meeting, 2, "5月に第1回、9月に第2回を開く。")
    second = editions.distribute(
        meeting=meeting, by=secretariat, note="資料2 第2回の月を訂正"
    )

    assert second.state == Edition.State.READY
    assert second.label == "第2版"
    # Only 資料2's one part was rendered again (the list page is made apart).
    assert second.rendered_count == 1
    texts = pages(stored(second.file_name))
    assert len(texts) == second.page_count == 7
    assert texts[0].startswith("差し替え一覧")
    assert "資料2　スケジュール" in texts[0]
    assert "資料2 第2回の月" in texts[0]
    # 資料2 is on page 6 now, after the list page: the list says so.
    assert re.search(r"資料2　スケジュール\s*6", texts[0])
    assert [t.rsplit("\n", 1)[-1] for t in texts] == [f"- {n} -" for n in range(1, 8)]
    assert "差替資料2" in texts[5] and "9月" in texts[5]
    assert "差替" not in texts[4] and "差替" not in texts[6]
    outline = PdfReader(io.BytesIO(stored(second.file_name)))
    assert [
        (o.title, outline.get_destination_page_number(o)) for o in outline.outline
    ] == [
        ("差し替え一覧", 0),
        ("次第", 1),
        ("出席者名簿", 2),
        ("配席図", 3),
        ("資料1　事業の進み具合", 4),
        ("資料2　スケジュール", 5),
        ("資料3　参考の一覧", 6),
    ]
    # The unchanged materials keep their files of the first edition.
    items = {i.label: i for i in second.items.filter(role="material")}
    old = {i.label: i for i in distributed.items.filter(role="material")}
    assert items["資料1"].sha256 == old["資料1"].sha256
    assert items["資料2"].sha256 != old["資料2"].sha256
    assert items["資料2"].replaced_in == 2
    # The first edition stays as distributed.
    assert stored(distributed.file_name) == first_bytes
    assert editions.changes(meeting) == []

    viewer = factories.make_user(role="viewer", username="toyama")
    client.force_login(viewer)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "第2版（" in page and "差し替え：資料2）" in page
    assert reverse("meetings:edition_detail", args=[meeting.pk, 1]) in page
    old_page = client.get(reverse("meetings:edition_detail", args=[meeting.pk, 1]))
    assert "過去の版" in old_page.content.decode()


def test_a_replacement_with_nothing_changed_is_refused(meeting, distributed):
    with pytest.raises(Exception, match="変更がないため"):
        editions.distribute(meeting=meeting, by=None)
    assert meeting.editions.distributed().count() == 1


def test_a_failed_build_says_why_and_keeps_the_previous_edition(
    client, settings, tmp_path, meeting, distributed, secretariat
):
    edit(meeting, 1, "訂正した本文")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the editions folder should be")
    settings.STORAGES = {**settings.STORAGES, "editions": editions_at(blocked)}
    second = editions.distribute(meeting=meeting, by=secretariat)
    assert second.state == Edition.State.FAILED
    assert "作成中にエラーが発生しました" in second.error
    assert editions.current_edition(meeting) == distributed
    client.force_login(secretariat)
    admin_page = client.get(
        reverse("admin:meetings_meeting_change", args=[meeting.pk])
    ).content.decode()
    assert "第2版の作成に失敗しました" in admin_page
    # Trying again replaces the failed attempt.
    settings.STORAGES = {
        **settings.STORAGES,
        "editions": editions_at(tmp_path / "editions"),
    }
    third = editions.distribute(meeting=meeting, by=secretariat)
    assert third.number == 2 and third.state == Edition.State.READY


def test_downloads_are_files_with_etag_and_answer_304(client, meeting, distributed):
    viewer = factories.make_user(role="viewer", username="toyama")
    client.force_login(viewer)
    url = reverse("meetings:edition_packet", args=[meeting.pk, 1])
    response = client.get(url)
    assert response.status_code == 200
    assert response["ETag"] == f'"{distributed.sha256}"'
    assert response["Cache-Control"].startswith("private")
    assert response["Last-Modified"]
    assert response["Content-Length"] == str(distributed.size)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''" in disposition
    assert "%E8%B3%87%E6%96%99%E4%B8%80%E5%BC%8F" in disposition  # 資料一式
    assert "%E7%AC%AC1%E7%89%88" in disposition  # 第1版
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    changed = client.get(url, HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200


def test_every_edition_url_checks_permission_per_role(client, meeting, distributed):
    other_hq = factories.make_headquarters(name="他県本部", prefecture="石川県")
    outsider = factories.make_user(
        role="viewer", username="ishikawa", headquarters=other_hq
    )
    viewer = factories.make_user(role="viewer", username="toyama")
    draft = factories.make_meeting(published=False, number=2)
    factories.make_material(meeting=draft, title="下書き")
    edition_urls = [
        reverse("meetings:edition_packet", args=[meeting.pk, 1]),
        reverse("meetings:edition_material_pdf", args=[meeting.pk, 1, 1]),
        reverse("meetings:edition_detail", args=[meeting.pk, 1]),
        reverse("meetings:edition_material_detail", args=[meeting.pk, 1, 1]),
    ]
    draft_urls = [
        reverse("meetings:packet", args=[draft.pk]),
        reverse("meetings:material_pdf", args=[draft.pk, 1]),
        reverse("meetings:edition_packet", args=[draft.pk, 1]),
    ]
    for url in edition_urls:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(outsider)
    for url in edition_urls + draft_urls:
        assert client.get(url).status_code == 404, url
    department = factories.make_user(
        role="department",
        username="kousei",
        organization=factories.make_organization(name="厚生部", kind="department"),
    )
    for reader in (viewer, department):
        client.force_login(reader)
        for url in edition_urls:
            assert client.get(url).status_code == 200, (reader, url)
        for url in draft_urls:
            assert client.get(url).status_code == 404, (reader, url)
    # The secretariat previews the draft (「案」), which is never an edition.
    client.force_login(factories.make_user(role="secretariat", username="jimu"))
    assert client.get(draft_urls[0]).status_code == 200
    assert client.get(draft_urls[2]).status_code == 404
    client.force_login(viewer)
    assert (
        client.get(reverse("meetings:edition_packet", args=[meeting.pk, 2])).status_code
        == 404
    )
    # A preview is not an edition: nobody fetches it by an edition number.
    assert not Edition.objects.filter(meeting=draft, number__isnull=False).exists()


def test_who_fetched_which_edition_per_municipality(
    client, meeting, distributed, secretariat
):
    toyama = factories.make_municipality(name="富山市", code="162019")
    takaoka = factories.make_municipality(name="高岡市", code="162027")
    factories.make_municipality(name="魚津市", code="162043")
    reader = factories.make_user(role="viewer", username="toyama", organization=toyama)
    factories.make_user(role="viewer", username="takaoka", organization=takaoka)
    client.force_login(reader)
    client.get(reverse("meetings:packet", args=[meeting.pk]))
    client.get(reverse("meetings:material_pdf", args=[meeting.pk, 1]))
    record = EditionDownload.objects.get(edition=distributed, user=reader)
    assert record.count == 2

    status = {d.organization.name: d.status for d in editions.delivery(meeting)}
    assert re.fullmatch(r"第1版 取得済（\d+/\d+ \d\d:\d\d）", status["富山市"])
    assert status["高岡市"] == "未取得"
    assert status["魚津市"] == "アカウントなし"

    edit(meeting, 3, "富山市、高岡市、魚津市、氷見市")
    editions.distribute(meeting=meeting, by=secretariat)
    rows = {d.organization.name: d for d in editions.delivery(meeting)}
    assert rows["富山市"].status.startswith("第1版 取得済")
    assert not rows["富山市"].up_to_date
    client.force_login(secretariat)
    admin_page = client.get(
        reverse("admin:meetings_meeting_change", args=[meeting.pk])
    ).content.decode()
    assert "市町村ごとの取得状況" in admin_page
    assert "（最新は第2版）" in admin_page


def test_a_viewers_home_lists_new_editions_and_replacements(
    client, meeting, distributed, secretariat
):
    edit(meeting, 1, "訂正")
    editions.distribute(meeting=meeting, by=secretariat, note="資料1を訂正")
    hidden = factories.make_meeting(published=False, number=3)
    factories.make_material(meeting=hidden, title="未公開")
    viewer = factories.make_user(role="viewer", username="toyama")
    client.force_login(viewer)
    home = client.get(reverse("meetings:home")).content.decode()
    assert "新着" in home
    news = home[home.index('data-testid="news"') :]
    assert news.index("第2版（") < news.index("第1版（")
    assert "資料1を訂正" in news


def test_an_unpublished_meetings_packet_is_a_draft_preview_never_distributed(
    client, meeting, secretariat
):
    client.force_login(secretariat)
    response = client.get(reverse("meetings:packet", args=[meeting.pk]))
    assert response.status_code == 200
    assert all("案" in t for t in pages(body(response)))
    preview = Edition.objects.get(meeting=meeting)
    assert preview.number is None and preview.draft
    # Asking again finds the same preview; an edit makes a new one and drops the old.
    client.get(reverse("meetings:packet", args=[meeting.pk]))
    assert Edition.objects.filter(meeting=meeting).count() == 1
    edit(meeting, 1, "書き直した")
    client.get(reverse("meetings:packet", args=[meeting.pk]))
    assert list(
        Edition.objects.filter(meeting=meeting).values_list("pk", flat=True)
    ) != [preview.pk]
    assert Edition.objects.filter(meeting=meeting).count() == 1
    assert not storages["editions"].exists(preview.file_name)


def test_a_build_in_progress_shows_its_progress_not_a_file(
    client, settings, meeting, secretariat
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    client.force_login(secretariat)
    response = client.get(reverse("meetings:packet", args=[meeting.pk]))
    assert response.status_code == 202
    assert "作成中（0/" in response.content.decode()
    assert 'http-equiv="refresh"' in response.content.decode()
    preview = Edition.objects.get(meeting=meeting)
    Edition.objects.filter(pk=preview.pk).update(
        state="building", progress_done=12, progress_total=37
    )
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "作成中（12/37）" in page


def test_while_the_first_edition_builds_everyone_sees_its_progress(
    client, settings, meeting, secretariat
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    services.publish_meeting(meeting=meeting, by=secretariat)
    edition = Edition.objects.get(meeting=meeting, number=1)
    Edition.objects.filter(pk=edition.pk).update(
        state="building", progress_done=2, progress_total=6
    )
    client.force_login(factories.make_user(role="viewer", username="toyama"))
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "第1版 作成中（2/6）" in page
    response = client.get(reverse("meetings:packet", args=[meeting.pk]))
    assert response.status_code == 202
    assert "第1版 作成中（2/6）" in response.content.decode()
    # No preview is built beside the edition on its way.
    assert not Edition.objects.filter(meeting=meeting, number=None).exists()
    Edition.objects.filter(pk=edition.pk).update(state="failed", error="テスト")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "作成に失敗" not in page


def test_a_failed_preview_is_built_again_when_asked_a_minute_later(
    client, settings, tmp_path, meeting, secretariat
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the editions folder should be")
    settings.STORAGES = {**settings.STORAGES, "editions": editions_at(blocked)}
    client.force_login(secretariat)
    url = reverse("meetings:packet", args=[meeting.pk])
    response = client.get(url)
    assert response.status_code == 503
    assert "作成に失敗しました" in response.content.decode()
    assert client.get(url).status_code == 503  # at once: not again
    assert Edition.objects.filter(meeting=meeting).count() == 1
    settings.STORAGES = {
        **settings.STORAGES,
        "editions": editions_at(tmp_path / "editions"),
    }
    Edition.objects.filter(meeting=meeting).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=2)
    )
    assert client.get(url).status_code == 200
    assert Edition.objects.filter(meeting=meeting).count() == 1
