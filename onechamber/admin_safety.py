"""Admin changelists that answer bad query parameters with Django's own
"?e=1" redirect instead of a server error; object pages that answer 404 for a
record the account may not see."""

from django.contrib.admin.options import TO_FIELD_VAR, IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.http import Http404


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


class HiddenObjectNotFoundMixin:
    """The change, history and delete pages of a record the account may not
    see (another headquarters', another department's, or none at all) answer
    404, before any permission check: Django's own answer, a redirect to the
    index saying the record "may have been deleted", and a 403 for one that
    exists, tell apart what exists from what does not."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def _require_visible(self, request, object_id) -> None:
        to_field = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR))
        if to_field and not self.to_field_allowed(request, to_field):
            return  # Django refuses the field itself
        if self.get_object(request, unquote(object_id), to_field) is None:
            raise Http404

    def changeform_view(self, request, object_id=None, *args, **kwargs):
        if object_id is not None:
            self._require_visible(request, object_id)
        return super().changeform_view(request, object_id, *args, **kwargs)

    def delete_view(self, request, object_id, *args, **kwargs):
        self._require_visible(request, object_id)
        return super().delete_view(request, object_id, *args, **kwargs)
