"""Every record the admin edits has a history page, on the seed's data."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from meetings.models import Organization
from onechamber.admin_history import HistoryAdmin
from tests import factories
from vaccination.models import IntervalRule, MunicipalRuleDate

pytestmark = pytest.mark.django_db

HISTORY_ADMINS = sorted(
    (model._meta.label, model)
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, HistoryAdmin)
)


def test_every_model_of_the_portals_apps_in_the_admin_keeps_history():
    labels = {
        model._meta.label
        for model in admin.site._registry
        if model._meta.app_label in ("meetings", "workitems", "vaccination")
    }
    assert labels | {"auth.User"} == {label for label, _model in HISTORY_ADMINS}


@pytest.mark.parametrize(("label", "model"), HISTORY_ADMINS)
def test_the_secretariat_opens_each_history_page(
    client, seed, secretariat_user, label, model
):
    if model is MunicipalRuleDate:  # the seed has none
        factories.make_municipal_date(
            rule=IntervalRule.objects.first(),
            organization=Organization.objects.municipalities().first(),
            effective_from=dt.date(2021, 12, 1),
        )
    if model is get_user_model():
        obj = secretariat_user
    else:
        obj = model._default_manager.for_headquarters(seed.headquarters_id).first()
    client.force_login(secretariat_user)
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "変更履歴" in response.content.decode()
