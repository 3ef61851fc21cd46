"""Pages of procurement: the request page (buyer side, supplier, staff)."""

from __future__ import annotations

from django.shortcuts import render

from marketplace.core.pages import domain_errors_as_http
from procurement.selectors import request_get_for_viewer


@domain_errors_as_http
def request_detail(request, pk: int):
    purchase = request_get_for_viewer(user=request.user, pk=pk)
    return render(request, "procurement/request_detail.html", {"purchase": purchase})
