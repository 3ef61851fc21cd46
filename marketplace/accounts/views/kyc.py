"""Staff review of real-name verification, and the permission-checked document view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from marketplace.accounts import selectors
from marketplace.accounts.forms import KycRejectForm
from marketplace.accounts.rules import AccountsPerm
from marketplace.accounts.services.kyc import kyc_approve, kyc_reject
from marketplace.core.errors import DomainError
from marketplace.core.files import private_file_response
from marketplace.core.pages import domain_errors_as_http, form_error_response
from marketplace.core.permissions import require_perm

REVIEW_TEMPLATE = "accounts/kyc_review.html"


def _require_reviewer(request):
    require_perm(request.user, AccountsPerm.REVIEW_KYC,
                 message=_("Only platform staff may review real-name verification requests."))


@login_required
@domain_errors_as_http
def kyc_queue(request):
    _require_reviewer(request)
    page = Paginator(selectors.kyc_queue(), 25).get_page(request.GET.get("page"))
    return render(request, "accounts/kyc_queue.html", {"page": page})


def _review_context(kyc_request, reject_form=None) -> dict:
    return {
        "kyc_request": kyc_request,
        "reject_form": reject_form or KycRejectForm(),
        "history": selectors.kyc_requests_for_user(kyc_request.user).exclude(pk=kyc_request.pk),
    }


@login_required
@domain_errors_as_http
def kyc_review(request, pk: int):
    _require_reviewer(request)
    kyc_request = selectors.kyc_request_get(pk)
    return render(request, REVIEW_TEMPLATE, _review_context(kyc_request))


@login_required
@require_POST
@domain_errors_as_http
def kyc_approve_view(request, pk: int):
    _require_reviewer(request)
    kyc_request = selectors.kyc_request_get(pk)
    try:
        kyc_approve(kyc_request=kyc_request, reviewer=request.user)
    except DomainError as exc:
        return form_error_response(request, REVIEW_TEMPLATE, _review_context(kyc_request), exc)
    messages.success(request, _("Approved: %(name)s is now verified.")
                     % {"name": kyc_request.legal_name})
    return redirect("accounts:kyc_queue")


@login_required
@require_POST
@domain_errors_as_http
def kyc_reject_view(request, pk: int):
    _require_reviewer(request)
    kyc_request = selectors.kyc_request_get(pk)
    form = KycRejectForm(request.POST)
    if not form.is_valid():
        return render(request, REVIEW_TEMPLATE, _review_context(kyc_request, form), status=400)
    try:
        kyc_reject(kyc_request=kyc_request, reviewer=request.user,
                   reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return form_error_response(
            request, REVIEW_TEMPLATE, _review_context(kyc_request, form), exc, form=form
        )
    messages.success(request, _("Rejected; the applicant was told the reason."))
    return redirect("accounts:kyc_queue")


@login_required
@never_cache
@domain_errors_as_http
def kyc_document(request, pk: int):
    """Serve an identity document to its owner or staff; 404 for anyone else."""
    document = selectors.kyc_document_get_for_viewer(user=request.user, pk=pk)
    return private_file_response(
        document.file, filename=document.original_name or None,
        as_attachment=request.GET.get("download") == "1",
        content_type=document.content_type or "application/octet-stream",
    )
