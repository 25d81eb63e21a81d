"""Response headers the portal sets on every page."""

from django.utils.cache import add_never_cache_headers


class NeverCacheMiddleware:
    """Pages are never kept by a browser or a proxy: they show what one
    account may see, and offices share computers. A response that chose its
    own Cache-Control (file downloads, calendars) keeps it. Static files are
    served before this middleware (WhiteNoise) and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
