from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from marketplace.core.health import health_report


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


def home(request):
    return render(request, "home.html")
