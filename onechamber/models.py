"""Abstract models every app uses: a date, or a planned month plus 上旬/中旬/下旬."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onechamber import jdates


class PartOfMonth(models.IntegerChoices):
    """上旬・中旬・下旬, for dates planned only to part of a month."""

    WHOLE = 0, _("（月のみ）")
    EARLY = 1, _("上旬")
    MIDDLE = 2, _("中旬")
    LATE = 3, _("下旬")


class ApproximateDate(models.Model):
    """Held (or planned) on a date, or planned only to a month and part of it
    ("R4. 5月中旬"): exactly one of `date` and `approx_month` is set."""

    date = models.DateField(_("開催日"), null=True, blank=True)
    approx_month = models.DateField(
        _("開催予定月"),
        null=True,
        blank=True,
        help_text=_("日が決まっていないとき、その月の1日を入力。"),
    )
    approx_part = models.PositiveSmallIntegerField(
        _("旬"), choices=PartOfMonth.choices, default=PartOfMonth.WHOLE
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(approx_part__in=PartOfMonth.values),
                name="%(class)s_approx_part_valid",
            ),
            models.CheckConstraint(
                condition=(Q(date__isnull=False) & Q(approx_month__isnull=True))
                | (Q(date__isnull=True) & Q(approx_month__isnull=False)),
                name="%(class)s_date_xor_approximate",
                violation_error_message=_(
                    "開催日か開催予定月のどちらか一方を入力してください。"
                ),
            ),
        ]

    def clean(self) -> None:
        if self.approx_month and self.approx_month.day != 1:
            self.approx_month = self.approx_month.replace(day=1)

    @property
    def when(self) -> jdates.When:
        return jdates.When(
            date=self.date, month=self.approx_month, part=self.approx_part or 0
        )

    @property
    def sort_date(self):
        return self.when.sort_date
