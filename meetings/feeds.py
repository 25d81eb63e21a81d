"""新着 as an Atom feed (django.contrib.syndication), for a feed reader that
has no session: the account's calendar token (its 購読用URL) names it, as for
the calendar feed; another token, or none, is 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from meetings import news
from meetings.models import UserProfile


class NewsFeed(Feed):
    feed_type = Atom1Feed
    title = "onechamber 新着"
    subtitle = "会議・資料・版・取り組み結果・WG等の開催の新着"
    language = "ja"

    def get_object(self, request):
        token = request.GET.get("token", "")
        profile = (
            UserProfile.objects.select_related("user")
            .filter(calendar_token=token, user__is_active=True)
            .first()
            if token
            else None
        )
        if profile is None or profile.headquarters_id is None:
            raise Http404
        return profile.user

    def link(self, user):
        return reverse("meetings:home")

    def items(self, user):
        return news.recent(user, limit=30)

    def item_title(self, entry):
        return f"［{entry.kind}］{entry.title}　{entry.what}"

    def item_description(self, entry):
        return f"{entry.kind}：{entry.title}（{entry.what}）"

    def item_link(self, entry):
        return entry.url

    def item_guid(self, entry):
        return f"{entry.key}@{entry.at.isoformat()}"

    item_guid_is_permalink = False

    def item_updateddate(self, entry):
        return entry.at

    def item_pubdate(self, entry):
        return entry.at


# It only reads: outside the request's transaction (on SQLite that would take
# the write lock for every reader's poll).
news_feed = transaction.non_atomic_requests(login_not_required(NewsFeed()))
