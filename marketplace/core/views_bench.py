"""The trivial view of bench/http.py: the whole middleware stack and the server, and no
work of its own, so that a page's throughput can be read as a share of it. Routed only
when settings.BENCH_TRIVIAL_VIEW is on (never in production by default)."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def trivial(request):
    return HttpResponse(b"ok\n", content_type="text/plain; charset=utf-8")
