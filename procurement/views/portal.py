"""The public procurement portal (no login): published notices, their results, contract
summaries and acceptance outcomes, redacted by ``procurement.selectors``."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from marketplace.core.pages import domain_errors_as_http
from procurement.forms import NoticeFilterForm
from procurement.selectors import notice_get_public, notices_public

PAGE_SIZE = 20


def notice_list(request):
    form = NoticeFilterForm(request.GET or None)
    status = 200
    if form.is_bound and not form.is_valid():
        status, notices = 400, []
    else:
        data = form.cleaned_data if form.is_bound else {}
        agency = data.get("agency")
        notices = notices_public(status=data.get("status") or None,
                                 agency_id=agency.pk if agency else None)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "procurement/notice_list.html", {
        "form": form, "page": page, "query": params.urlencode(),
    }, status=status)


@domain_errors_as_http
def notice_detail(request, pk: int):
    notice = notice_get_public(pk=pk, viewer=request.user)
    return render(request, "procurement/notice_detail.html", {"notice": notice})
