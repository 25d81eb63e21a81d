"""The search index against the database: what is found, by whom, and when."""

import datetime as dt

import pytest
from django.core.management import call_command

from search import index, text
from search.models import Document, ExtractedText
from tests.factories import (
    make_headquarters,
    make_item,
    make_item_year,
    make_material,
    make_measure,
    make_meeting,
    make_municipality,
    make_pdf_file,
    make_result_row,
    make_session,
    make_user,
)

pytestmark = pytest.mark.django_db


def found(user, query, **filters):
    """Titles found for `query`, best first."""
    docs = index.visible_to(user).filter(**filters)
    return [d.title for d in index.matching(docs, text.parse_query(query))]


@pytest.fixture
def viewer():
    return make_user(role="viewer", username="viewer")


@pytest.fixture
def item_year():
    item = make_item(name="防災・危機管理体制の連携・強化")
    return make_item_year(item=item, fiscal_year=2021)


def test_two_character_words_find_their_hits(viewer, item_year):
    make_result_row(
        item_year=item_year, label="連携除雪区間の拡大", results="・除雪計画"
    )
    make_result_row(item_year=item_year, label="雪捨て場", results="・共同利用")
    index.rebuild()
    assert found(viewer, "除雪") == ["連携除雪区間の拡大"]
    # The item's name: in the item, and in where each row stands.
    assert found(viewer, "防災")[0] == "防災・危機管理体制の連携・強化"
    assert set(found(viewer, "防災", kind="result")) == {
        "連携除雪区間の拡大",
        "雪捨て場",
    }
    assert set(found(viewer, "雪", kind="result")) == {"雪捨て場", "連携除雪区間の拡大"}


def test_full_width_and_half_width_find_each_other(viewer, item_year):
    make_result_row(
        item_year=item_year, label="ＲＰＡの共同導入", results="・2022年から"
    )
    make_result_row(item_year=item_year, label="AIの活用", results="・２０２３年から")
    index.rebuild()
    assert found(viewer, "RPA") == ["ＲＰＡの共同導入"]
    assert found(viewer, "ｒｐａ") == ["ＲＰＡの共同導入"]
    assert found(viewer, "２０２２") == ["ＲＰＡの共同導入"]
    assert found(viewer, "2023") == ["AIの活用"]


def test_wareki_and_western_years_find_a_fiscal_year(viewer):
    item = make_item(name="観光の連携")
    this = make_item_year(item=item, fiscal_year=2021)
    later = make_item_year(item=item, fiscal_year=2022, status="continued")
    make_result_row(item_year=this, label="周遊観光", results="・実施")
    make_result_row(
        item_year=later, label="広域観光", results="・2021年度の結果を受けて"
    )
    index.rebuild()
    # The row of FY2021 by its year; the FY2022 row by its text.
    rows = {"kind": "result"}
    assert set(found(viewer, "令和3年度", **rows)) == {"周遊観光", "広域観光"}
    assert set(found(viewer, "2021年度", **rows)) == {"周遊観光", "広域観光"}
    assert found(viewer, "R4年度", **rows) == ["広域観光"]
    assert found(viewer, "観光", fiscal_year=2021, **rows) == ["周遊観光"]


def test_a_title_match_ranks_above_a_body_match(viewer, item_year):
    make_result_row(item_year=item_year, label="研修の実施", results="・除雪の研修")
    make_result_row(item_year=item_year, label="除雪の拡大", results="・区間の調整")
    index.rebuild()
    assert found(viewer, "除雪") == ["除雪の拡大", "研修の実施"]


def test_every_word_of_a_query_must_match(viewer, item_year):
    make_result_row(item_year=item_year, label="除雪の拡大", results="・区間")
    make_result_row(item_year=item_year, label="除雪の研修", results="・研修会")
    index.rebuild()
    assert found(viewer, "除雪 研修") == ["除雪の研修"]
    assert found(viewer, "除雪　研修会 存在しない") == []


def test_unpublished_meetings_are_found_only_by_those_who_may_see_them():
    draft = make_meeting(fiscal_year=2021, number=2, published=False)
    make_material(meeting=draft, title="非公開の除雪資料", text="除雪")
    shown = make_meeting(fiscal_year=2021, number=3, published=True)
    make_material(meeting=shown, title="公開の除雪資料", text="除雪")
    index.rebuild()
    viewer = make_user(role="viewer", username="viewer")
    secretariat = make_user(role="secretariat", username="sec")
    assert found(viewer, "除雪") == ["資料1 公開の除雪資料"]
    assert set(found(secretariat, "除雪")) == {
        "資料1 公開の除雪資料",
        "資料1 非公開の除雪資料",
    }


def test_another_headquarters_never_finds_ours(viewer, item_year):
    make_result_row(item_year=item_year, label="連携除雪", results="・除雪")
    index.rebuild()
    other = make_headquarters(name="別の連携推進本部")
    outsider = make_user(role="secretariat", username="outsider", headquarters=other)
    assert found(viewer, "除雪") == ["連携除雪"]
    assert found(outsider, "除雪") == []


def test_the_engine_matches_within_the_headquarters_it_is_given(viewer, item_year):
    """Not only filtered after the match: the engine's own query is scoped, so
    even over every headquarters' documents it finds the one asked for."""
    make_result_row(item_year=item_year, label="連携除雪", results="・除雪")
    other = make_headquarters(name="別の連携推進本部")
    theirs = make_item_year(
        item=make_item(name="除雪の連携", headquarters=other), fiscal_year=2021
    )
    make_result_row(item_year=theirs, label="他県の除雪", results="・除雪")
    index.rebuild()
    terms = text.parse_query("除雪")
    everything = Document.objects.all()

    def titles(headquarters_id):
        return {d.title for d in index.matching(everything, terms, headquarters_id)}

    ours = item_year.item.headquarters_id
    assert titles(None) >= {"連携除雪", "他県の除雪"}
    assert "他県の除雪" not in titles(ours)
    assert "連携除雪" in titles(ours)
    assert titles(other.pk) >= {"他県の除雪", "除雪の連携"}
    assert "連携除雪" not in titles(other.pk)


def test_the_text_of_an_uploaded_pdf_is_found_page_by_page(viewer):
    meeting = make_meeting()
    make_material(meeting=meeting, title="本文の資料", text="snow")
    make_material(
        meeting=meeting,
        title="PDFの資料",
        order=2,
        content="pdf",
        text="",
        file=make_pdf_file(pages=3, text="Snow removal plan"),
    )
    index.rebuild()
    hits = index.matching(
        index.visible_to(viewer), text.parse_query("removal")
    ).values_list("title", "part", "url")
    file_url = f"/meetings/{meeting.pk}/materials/2/file/"
    assert sorted(hits) == [
        ("資料2 PDFの資料", page, f"{file_url}#page={page}") for page in (1, 2, 3)
    ]
    # Read once: a rebuild takes the text kept by the file's sha256.
    assert ExtractedText.objects.count() == 1
    index.rebuild()
    assert ExtractedText.objects.count() == 1


def test_a_broken_pdf_is_indexed_by_its_title(viewer):
    from django.core.files.base import ContentFile

    from tests.factories import make_corrupt_pdf_bytes

    meeting = make_meeting()
    make_material(
        meeting=meeting,
        title="壊れたPDF",
        content="pdf",
        text="",
        file=ContentFile(make_corrupt_pdf_bytes(), name="broken.pdf"),
    )
    index.rebuild()
    assert found(viewer, "壊れた") == ["資料1 壊れたPDF"]


def test_sessions_are_filtered_by_the_municipality_they_concern(viewer):
    toyama = make_municipality()
    takaoka = make_municipality(name="高岡市", code="162027", order=20)
    item = make_item(name="デジタル化")
    measure = make_measure(item=item, name="RPA")
    make_session(measure=measure, name="RPA会議", participants=[toyama])
    make_session(
        measure=measure,
        name="RPA研修",
        order=2,
        date=dt.date(2021, 6, 1),
        participants=[takaoka],
    )
    index.rebuild()
    assert set(found(viewer, "rpa", kind="session")) == {
        "令和3年5月14日 RPA会議",
        "令和3年6月1日 RPA研修",
    }
    assert found(viewer, "rpa", kind="session", municipalities=takaoka) == [
        "令和3年6月1日 RPA研修"
    ]


def test_the_index_follows_changes_once_they_are_committed(
    viewer, item_year, django_capture_on_commit_callbacks
):
    measure = make_measure(item=item_year.item, name="除排雪")
    with django_capture_on_commit_callbacks(execute=True):
        session = make_session(measure=measure, name="道路除雪担当者会議")
    assert found(viewer, "担当者会議") == ["令和3年5月14日 道路除雪担当者会議"]

    with django_capture_on_commit_callbacks(execute=True):
        session.name = "雪捨て場担当者会議"
        session.save()
    assert found(viewer, "担当者会議") == ["令和3年5月14日 雪捨て場担当者会議"]
    assert found(viewer, "道路除雪") == []

    # Renaming the item rewrites what names it.
    with django_capture_on_commit_callbacks(execute=True):
        item_year.item.name = "雪害対策の連携"
        item_year.item.save()
    assert Document.objects.get(source="workitems.session").context.startswith(
        "雪害対策の連携"
    )

    with django_capture_on_commit_callbacks(execute=True):
        session.delete()
    assert found(viewer, "担当者会議") == []


def test_a_change_rolled_back_indexes_nothing(viewer, item_year):
    """Without a commit (the test's transaction), nothing is sent."""
    make_result_row(item_year=item_year, label="未確定の行")
    assert not Document.objects.exists()


def test_the_rebuild_command_reports_what_it_wrote(viewer, item_year, capsys):
    make_result_row(item_year=item_year, label="行")
    call_command("rebuild_search_index")
    out = capsys.readouterr().out
    assert "workitems.resultrow: 1" in out
    assert "workitems.workitem: 1" in out
    assert "検索の索引を作り直しました：2件" in out


def test_a_long_body_is_indexed_in_parts_that_all_match(viewer):
    meeting = make_meeting()
    body = "\n".join(["あいうえお" * 200] * 20) + "\n末尾の除雪"
    make_material(meeting=meeting, title="長い資料", text=body)
    index.rebuild()
    parts = Document.objects.filter(source="meetings.material")
    assert parts.count() == -(-len(body) // index.PART_CHARS)
    assert all(len(p.body) <= index.PART_CHARS for p in parts)
    assert found(viewer, "末尾の除雪") == ["資料1 長い資料"]
