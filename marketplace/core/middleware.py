from django.conf import settings
from django.http import Http404
from django.urls import is_valid_path

from marketplace.core.csp import site_policy


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers (CSP-ready)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = site_policy()
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class BadInputMiddleware:
    """Refuse, in one place, request input no page or API can take: a NUL byte in the
    path, the query string or a form field (PostgreSQL cannot store it; it is never
    legitimate text). Answers 400 (JSON under /api/) before any view runs. JSON bodies are
    checked by ``core.parsers.SafeJSONParser`` (NUL characters, nesting depth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            from marketplace.core.views import bad_input

            return bad_input(request)
        return self.get_response(request)


def _has_nul(request) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if any("\x00" in key or any("\x00" in v for v in values)
           for key, values in request.GET.lists()):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method == "POST" and content_type.startswith("application/x-www-form-urlencoded"):
        # multipart bodies (uploads) are left to the form fields, which refuse NUL in text
        return any("\x00" in key or any("\x00" in v for v in values)
                   for key, values in request.POST.lists())
    return False


class SiteNotFoundMiddleware:
    """With DEBUG on (the embedded demo) Django answers an unknown address with its
    technical 404 page, which lists every URL pattern; visitors get the site's 404 page
    instead, in production and in the demo alike. Without DEBUG the 404 handler already
    does this, so the middleware steps aside.

    Placed last: the resolver's 404 happens inside the innermost handler, so the address
    is resolved here first (an address that only lacks its trailing slash is left to
    CommonMiddleware's redirect), and a view's ``Http404`` is caught in
    ``process_exception``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG and not self._resolves(request):
            from marketplace.core.views import page_not_found

            return page_not_found(request, Http404())
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            from marketplace.core.views import page_not_found

            return page_not_found(request, exception)
        return None

    @staticmethod
    def _resolves(request) -> bool:
        urlconf = getattr(request, "urlconf", None)
        path = request.path_info
        if is_valid_path(path, urlconf):
            return True
        return bool(settings.APPEND_SLASH and not path.endswith("/")
                    and is_valid_path(f"{path}/", urlconf))
