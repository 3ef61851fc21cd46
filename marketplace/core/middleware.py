from django.conf import settings


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers (CSP-ready)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
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
