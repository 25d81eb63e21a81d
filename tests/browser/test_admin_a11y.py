"""axe-core on every admin page the secretariat and a department account use:
no critical and no serious violation, at 1280×800 (issue 11, part 8); and
each page fits that screen: the document is no wider than the viewport.

One browser page per role walks the admin as that role sees it: the index and
each app's page; of every registered model it may open, the list, the add
page, and the change and history pages of a seed record; the import and
export pages; the meeting's 準備チェックリスト and the confirmations of its
actions (copy, publish, reissue); the 提出 pages; a form with errors; the
password change; the admin's 403, 404 and CSRF pages. A deletion's
confirmation is one template listing what goes with the record: it is
checked once per app.

Run with -s to see every page's moderate and minor findings too.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from import_export.admin import ExportMixin, ImportMixin

from meetings import submissions
from meetings.models import Material, Meeting, Organization
from tests import factories
from tests.browser.test_meetings import SEED_NAME, log_in

pytestmark = pytest.mark.browser

BLOCKING = ("critical", "serious")
IMPACTS = (*BLOCKING, "moderate", "minor")


def model_pages(user, records=None) -> list[str]:
    """The pages of every model admin `user` may open: its list and add page;
    the change and history pages of a record (of `records`, by model, else the
    first it lists); import, export; the delete page of one record per app."""
    records = records or {}
    request = RequestFactory().get("/admin/")
    request.user = user
    urls, deleted_in = [], set()
    for model, model_admin in admin.site._registry.items():
        app = model._meta.app_label
        info = f"admin:{app}_{model._meta.model_name}"
        if not model_admin.has_view_or_change_permission(request):
            continue
        urls.append(reverse(f"{info}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{info}_add"))
        obj = (
            records.get(model)
            or model_admin.get_queryset(request).order_by("pk").first()
        )
        if obj is not None:
            urls.append(reverse(f"{info}_change", args=[obj.pk]))
            urls.append(reverse(f"{info}_history", args=[obj.pk]))
            if app not in deleted_in and model_admin.has_delete_permission(
                request, obj
            ):
                deleted_in.add(app)
                urls.append(reverse(f"{info}_delete", args=[obj.pk]))
        if isinstance(model_admin, ImportMixin) and model_admin.has_import_permission(
            request
        ):
            urls.append(reverse(f"{info}_import"))
        if isinstance(model_admin, ExportMixin) and model_admin.has_export_permission(
            request
        ):
            urls.append(reverse(f"{info}_export"))
    return urls


def app_pages(user) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return [
        reverse("admin:app_list", args=[app["app_label"]])
        for app in admin.site.get_app_list(request)
    ]


class Audit:
    """Pages opened in one browser page, and what axe finds on each."""

    def __init__(self, page, axe):
        self.page, self.axe = page, axe
        self.found: dict[str, list] = {}
        self.seconds: dict[str, float] = {}
        self.widths: dict[str, int] = {}
        self.started = time.monotonic()

    def check(self, label: str) -> None:
        started = time.monotonic()
        self.widths[label] = self.page.evaluate("document.documentElement.scrollWidth")
        self.found[label] = self.axe(self.page)
        self.seconds[label] = time.monotonic() - started

    def visit(self, url: str, status: int = 200) -> None:
        response = self.page.goto(url)
        assert response.status == status, (url, response.status)
        self.check(url)

    def blocking(self) -> dict[str, list]:
        return {
            label: [v for v in found if v[0] in BLOCKING]
            for label, found in self.found.items()
            if any(v[0] in BLOCKING for v in found)
        }

    def report(self, role: str) -> str:
        total = Counter(v[0] for found in self.found.values() for v in found)
        lines = [
            f"{role}: {len(self.found)} pages in "
            f"{time.monotonic() - self.started:.0f} s; "
            + " ".join(f"{i}={total[i]}" for i in IMPACTS)
        ]
        for label, found in self.found.items():
            counts = Counter(v[0] for v in found)
            lines.append(
                f"  {label} (axe {self.seconds[label]:.1f} s): "
                + " ".join(f"{i}={counts[i]}" for i in IMPACTS)
            )
            lines += [f"    {v[0]} {v[1]}: {v[2]} {v[3][:2]}" for v in found]
        return "\n".join(lines)

    def too_wide(self) -> dict[str, int]:
        viewport = self.page.viewport_size["width"]
        return {label: w for label, w in self.widths.items() if w > viewport}

    def assert_clean(self, role: str) -> None:
        print(self.report(role))
        assert self.blocking() == {}
        assert self.too_wide() == {}


def run_action(page, action: str) -> None:
    """Tick the seed meeting in the 会議 list and run `action` on it."""
    page.goto(reverse("admin:meetings_meeting_changelist"))
    row = page.locator("#result_list tbody tr").filter(
        has=page.get_by_role("link", name=SEED_NAME, exact=True)
    )
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(action)
    with page.expect_navigation():
        page.get_by_role("button", name="実行").click()


def post_without_token(page) -> None:
    """Send a form of the page without its CSRF token (the 403 CSRF page)."""
    with page.expect_navigation():
        page.evaluate(
            """() => {
                const form = document.createElement('form');
                form.method = 'post';
                document.body.append(form);
                form.submit();
            }"""
        )


@pytest.fixture
def audit(new_page, axe):
    def open_audit():
        page = new_page()
        page.set_viewport_size({"width": 1280, "height": 800})
        return Audit(page, axe)

    return open_audit


def test_secretariat_admin_pages_have_no_critical_or_serious_violations(
    audit, seed, secretariat_user
):
    material = seed.materials.get(title__startswith="新型コロナワクチン")
    a = audit()
    a.page.goto(reverse("admin:login"))
    a.check("login")
    log_in(a.page, username="jimukyoku")

    a.visit(reverse("admin:index"))
    for url in app_pages(secretariat_user):
        a.visit(url)
    # The seed meeting: the one with 次第, 資料 and 出席者 in its inlines.
    for url in model_pages(secretariat_user, {Meeting: seed}):
        a.visit(url)
    a.page.goto(reverse("admin:meetings_organization_add"))
    with a.page.expect_navigation():
        a.page.get_by_role("button", name="保存", exact=True).click()
    a.check("an add page with errors")
    a.visit(reverse("admin:meetings_meeting_checklist", args=[seed.pk]))
    a.visit(reverse("admin:workitems_check"))
    a.visit(reverse("admin:meetings_material_submissions"))
    a.visit(reverse("admin:meetings_material_review", args=[material.pk]))
    for action in ("copy_as_next", "publish", "reissue"):
        run_action(a.page, action)
        a.check(f"the 会議 action {action}")
    a.visit(reverse("admin:password_change"))
    a.visit(reverse("admin:password_change_done"))
    a.visit(reverse("admin:auth_group_changelist"), status=403)
    a.visit("/admin/no-such-page/", status=404)
    post_without_token(a.page)
    a.check("a form sent without its CSRF token")

    a.assert_clean("secretariat")


def test_department_admin_pages_have_no_critical_or_serious_violations(audit, seed):
    kousei = Organization.objects.get(name="厚生部")
    user = factories.make_user(
        role="department", username="kousei", organization=kousei
    )
    secretariat = factories.make_user(role="secretariat", username="jimukyoku")
    # The secretariat asks 厚生部 for 資料4.
    material = seed.materials.get(title__startswith="新型コロナワクチン")
    Material.objects.filter(pk=material.pk).update(
        department=kousei, deadline=dt.date(2022, 1, 14)
    )
    material.refresh_from_db()
    submissions.request_if_due(material, secretariat)
    a = audit()
    a.page.goto(reverse("admin:login"))
    log_in(a.page, username="kousei")

    a.visit(reverse("admin:index"))
    for url in app_pages(user):
        a.visit(url)
    for url in model_pages(user):
        a.visit(url)
    a.visit(reverse("admin:meetings_material_submissions"))
    a.visit(reverse("admin:meetings_material_submit", args=[material.pk]))
    a.visit(reverse("admin:password_change"))
    a.visit(reverse("admin:meetings_meeting_add"), status=403)
    a.visit(reverse("admin:meetings_meeting_checklist", args=[seed.pk]), status=404)

    a.assert_clean("department")
