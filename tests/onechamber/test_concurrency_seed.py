"""Every change form and inline form of the portal's admin carries the version."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

APPS = ("meetings", "workitems", "vaccination")


def test_every_change_form_and_inline_row_carries_the_version(
    client, seed, secretariat_user
):
    secretariat_user.is_superuser = True
    secretariat_user.save()
    client.force_login(secretariat_user)
    checked = []
    for model in admin.site._registry:
        meta = model._meta
        obj = model._default_manager.order_by("pk").first()
        ours = meta.app_label in APPS or model is get_user_model()
        if not ours or obj is None:
            continue
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        response = client.get(url)
        assert response.status_code == 200, url
        form = response.context["adminform"].form
        assert form["record_version"].value(), url
        assert 'name="record_version"' in response.content.decode(), url
        for inline in response.context["inline_admin_formsets"]:
            for row in inline.formset.initial_forms:
                name = row.add_prefix("record_version")
                assert f'name="{name}"' in response.content.decode(), (url, name)
        checked.append(meta.label)
    assert len(checked) >= 25
