"""Pages of procurement: the request page (buyer side, supplier, staff) and the private
contract PDF (the parties and staff)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from marketplace.core.files import private_file_response
from marketplace.core.pages import domain_errors_as_http
from procurement.selectors import (
    contract_get_for_viewer,
    contract_of_request_for_viewer,
    deliveries_of_request,
    payments_of_request,
    request_get_for_viewer,
)
from procurement.views.portal import notice_detail, notice_list

__all__ = ["contract_pdf", "notice_detail", "notice_list", "request_detail"]


@domain_errors_as_http
def request_detail(request, pk: int):
    purchase = request_get_for_viewer(user=request.user, pk=pk)
    contract = contract_of_request_for_viewer(user=request.user, request=purchase)
    return render(request, "procurement/request_detail.html", {
        "purchase": purchase, "contract": contract,
        "deliveries": deliveries_of_request(user=request.user, request=purchase),
        "payments": payments_of_request(user=request.user, request=purchase),
    })


@login_required
@domain_errors_as_http
def contract_pdf(request, pk: int):
    """The contract PDF is private: only the two parties and staff get it (others: 404)."""
    contract = contract_get_for_viewer(user=request.user, pk=pk)
    return private_file_response(contract.pdf, filename=f"{contract.number}.pdf",
                                 content_type="application/pdf")
