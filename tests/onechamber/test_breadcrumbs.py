"""Every portal page below the top level says where it stands, from ホーム
(パンくずリスト), the page itself last and marked current."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from workitems.models import FiscalYearPlan, WorkItem

pytestmark = pytest.mark.django_db


def _trail(html: str) -> list[str]:
    nav = re.search(
        r'<nav class="breadcrumbs" aria-label="パンくずリスト"><ol>(.*?)</ol></nav>',
        html,
    )
    assert nav, "no breadcrumbs"
    items = re.findall(r"<li( aria-current=\"page\")?>(.*?)</li>", nav.group(1))
    assert items[-1][0], "the last step is not marked current"
    assert not any(current for current, _ in items[:-1])
    return [re.sub(r"<[^>]+>", "", text) for _current, text in items]


def test_pages_below_the_top_level_show_where_they_stand(client, seed, viewer_user):
    client.force_login(viewer_user)
    item = WorkItem.objects.get(name="防災・危機管理体制の連携・強化")
    plan = FiscalYearPlan.objects.order_by("pk").first()
    expected = {
        seed.get_absolute_url(): ["ホーム", "会議", seed.name],
        reverse("meetings:material_detail", args=[seed.pk, 1]): [
            "ホーム",
            "会議",
            seed.name,
            "令和3年度連携推進項目の取り組み状況について",
        ],
        reverse("meetings:municipality", args=["162019"]): [
            "ホーム",
            "市町村",
            "富山市",
        ],
        reverse("workitems:item_detail", args=[item.pk]): [
            "ホーム",
            "連携推進項目",
            item.name,
        ],
        reverse("workitems:wg_status"): ["ホーム", "連携推進項目", "WG開催状況"],
        reverse("workitems:plan", args=[plan.fiscal_year]): [
            "ホーム",
            "連携推進項目",
            "令和4年度の協議事項",
        ],
        reverse("vaccination:venues"): [
            "ホーム",
            "ワクチン接種間隔",
            "県特設会場の日程",
        ],
        reverse("vaccination:eligibility"): [
            "ホーム",
            "ワクチン接種間隔",
            "追加接種を受けられる日",
        ],
        reverse("data:account"): ["ホーム", "アカウント"],
        reverse("data:docs"): ["ホーム", "APIの使い方"],
    }
    for url, trail in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert _trail(response.content.decode()) == trail, url


def test_a_step_links_to_its_page(client, seed, viewer_user):
    client.force_login(viewer_user)
    html = client.get(reverse("meetings:material_detail", args=[seed.pk, 1])).content
    nav = html.decode().split('aria-label="パンくずリスト"')[1].split("</nav>")[0]
    assert f'<a href="{reverse("meetings:meeting_list")}">会議</a>' in nav
    assert f'<a href="{seed.get_absolute_url()}">{seed.name}</a>' in nav
