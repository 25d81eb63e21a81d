"""Helpers that migrations share (they take models from the migration state)."""

from __future__ import annotations

# The name a headquarters gets when a database that had none needs one for
# its existing rows; the secretariat renames it in the admin.
DEFAULT_NAME = "連携推進本部"


def fill_headquarters(app_label: str, *model_names: str):
    """A RunPython step that gives rows without a headquarters the first one
    (creating one if the database has rows but no headquarters yet).

    Before this migration the portal served one headquarters, so its rows are
    that one's. A database that already held two is refused, with a message,
    rather than having its rows guessed."""

    def forward(apps, schema_editor):
        headquarters = apps.get_model("meetings", "Headquarters")
        models = [apps.get_model(app_label, name) for name in model_names]
        pending = [m for m in models if m.objects.filter(headquarters=None).exists()]
        if not pending:
            return
        if headquarters.objects.count() > 1:
            raise RuntimeError(
                "本部が複数登録されているため、既存のデータをどの本部のものにするか"
                "決められません。移行の前に本部を1つにしてください。"
            )
        hq = headquarters.objects.order_by("pk").first()
        if hq is None:
            hq = headquarters.objects.create(name=DEFAULT_NAME)
        for model in pending:
            model.objects.filter(headquarters=None).update(headquarters=hq)

    return forward
