"""Controls drawn without a label of their own are named after their field
(onechamber/admin_a11y.py); the browser tests run axe-core on every page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from meetings.models import Person
from tests import factories

pytestmark = pytest.mark.django_db


def test_tabular_inline_rows_name_their_controls_after_their_column(
    client, secretariat_user
):
    position = factories.make_position()
    person = Person.objects.get(tenures__position=position)
    client.force_login(secretariat_user)

    html = client.get(reverse("admin:meetings_person_change", args=[person.pk]))
    html = html.content.decode()

    row = re.search(r'id="tenures-0">.*?</tr>', html, re.S)
    assert re.findall(r'aria-label="([^"]*)"', row.group()) == [
        "職",
        "就任日",
        "退任日",
        "削除",
    ]
    # The row's parent is its hidden key only, not the select the form had
    # before the formset replaced it.
    assert re.findall(r'name="tenures-0-person"[^>]*', row.group()) == [
        f'name="tenures-0-person" value="{person.pk}" id="id_tenures-0-person"'
    ]


def test_a_list_names_its_editable_columns(client, secretariat_user):
    factories.make_municipality()
    client.force_login(secretariat_user)

    html = client.get(reverse("admin:meetings_organization_changelist"))

    assert 'aria-label="表示順"' in html.content.decode()


def test_a_date_and_time_names_its_two_inputs(client, secretariat_user):
    client.force_login(secretariat_user)

    html = client.get(reverse("admin:auth_user_change", args=[secretariat_user.pk]))
    html = html.content.decode()

    assert re.findall(r'aria-label="(登録日（[^"]*）)"', html) == [
        "登録日（日付）",
        "登録日（時刻）",
    ]
