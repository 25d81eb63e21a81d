"""Admin changelists that answer bad query parameters with Django's own
"?e=1" redirect instead of a server error."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class SafeChangeList(ChangeList):
    """A date_hierarchy year past Python's dates (``?date__year=99999999999``)
    or a day no month has overflows while Django bounds the lookup, outside
    its own check; that is a bad lookup like any other."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class SafeChangeListMixin:
    """For every ModelAdmin with a date_hierarchy: see SafeChangeList."""

    def get_changelist(self, request, **kwargs):
        return SafeChangeList
