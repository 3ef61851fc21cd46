import posixpath

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults as django_defaults
from django.views.decorators.cache import never_cache
from django.views.static import serve

from marketplace.core.dashboard import panels_for
from marketplace.core.health import health_report
from marketplace.core.navigation import cards_for
from marketplace.core.pages import user_facing_message


def _is_staff(request) -> bool:
    # reading the session needs the database, which may be the thing that is down
    try:
        return bool(request.user.is_staff)
    except Exception:
        return False


@never_cache
def healthz(request):
    ok, report = health_report(detailed=settings.DEBUG or _is_staff(request))
    return JsonResponse(report, status=200 if ok else 503)


def _check_labels() -> dict[str, str]:
    return {
        "database": _("Database"),
        "redis": _("Cache and messaging (Redis)"),
        "celery": _("Background tasks and deadlines"),
        "payments": _("Payments"),
        "search": _("Search"),
    }


@never_cache
def status_page(request):
    """The service status for people: the same checks as /healthz (which stays the
    machines' JSON), rendered by a template that needs neither the session nor the
    database, since the database may be what is down."""
    ok, report = health_report(detailed=False)
    labels = _check_labels()
    checks = [{"name": name, "label": labels.get(name, name.replace("_", " ").capitalize()),
               **check} for name, check in report["checks"].items()]
    return render(request, "core/status.html", {"ok": ok, "checks": checks},
                  status=200 if ok else 503)


def home(request):
    return render(request, "home.html", {"cards": cards_for(request.user)})


@login_required
def dashboard(request):
    """The signed-in person's home: what each app has for them, and the next action."""
    return render(request, "dashboard.html", {"panels": panels_for(request.user)})


# The public upload folders: what the production proxy serves (docker/proxy.conf) and
# what the embedded run (DEBUG) serves itself. Private documents are never under them.
PUBLIC_MEDIA_PATH = r"^media/(?P<path>(?:products|makerspaces)/.+)$"


PUBLIC_MEDIA_FOLDERS = ("products/", "makerspaces/")


def public_media(request, path: str):
    """DEBUG only (marketplace/urls.py): a public upload, from MEDIA_ROOT as it is now.
    The folder is checked after normalising, so ``products/../kyc/…`` is refused."""
    normal = posixpath.normpath(path)
    if normal != path or not normal.startswith(PUBLIC_MEDIA_FOLDERS):
        raise Http404()
    return serve(request, normal, document_root=settings.MEDIA_ROOT)


# --- error handlers (marketplace/urls.py names them) ----------------------------------
# Pages: 400 and 500 render 400.html / 500.html as Django's own handlers do, without a
# request context, so a broken session or database cannot break the error page itself.
# Under /api/ every error keeps the API's JSON shape, in production too.


def _api_error(request, status: int, code: str, detail: str):
    """Under /api/ an error keeps the API's error shape (see marketplace.core.api)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "code": code}, status=status)
    return None


def page_not_found(request, exception=None):
    message = user_facing_message(exception)
    api = _api_error(request, 404, "not_found", message or _("Not found."))
    if api is not None:
        return api
    return render(request, "404.html", {"exception": message, "request_path": request.path},
                  status=404)


def permission_denied(request, exception=None):
    message = user_facing_message(exception)
    api = _api_error(request, 403, "permission_denied",
                     message or _("You do not have permission to do this."))
    if api is not None:
        return api
    return render(request, "403.html", {"exception": message}, status=403)


def bad_request(request, exception=None):
    api = _api_error(request, 400, "bad_request", _("The request could not be understood."))
    if api is not None:
        return api
    return django_defaults.bad_request(request, exception)


def server_error(request):
    api = _api_error(request, 500, "server_error",
                     _("Something went wrong on our side. Please try again later."))
    if api is not None:
        return api
    return django_defaults.server_error(request)


def bad_input(request):
    """400 for input that contains a NUL byte (``BadInputMiddleware``)."""
    message = _("The request contains a NUL character, which is not allowed in text.")
    api = _api_error(request, 400, "nul_character", message)
    if api is not None:
        return api
    return render(request, "400.html", {"exception": message}, status=400)
