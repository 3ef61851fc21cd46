from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from marketplace.core.health import health_report


@never_cache
def healthz(request):
    ok, report = health_report()
    return JsonResponse(report, status=200 if ok else 503)


def home(request):
    return render(request, "home.html")
