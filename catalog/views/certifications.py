"""Certification pages: the maker applies; staff work through the review queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalog.forms import CertificationApplyForm, CertifyForm, ReasonForm
from catalog.models import Certification
from catalog.rules import CatalogPerm
from catalog.selectors import (
    certification_document_get,
    certification_get_for_viewer,
    certification_review_queue,
    product_get,
)
from catalog.services.certification import (
    certification_apply,
    certification_certify,
    certification_reject,
    certification_revoke,
    certification_start_review,
)
from catalog.views.common import paginate
from marketplace.core.errors import DomainError, PermissionDeniedError
from marketplace.core.files import private_file_response
from marketplace.core.pages import domain_errors_as_http, show_error_on_form
from marketplace.core.permissions import require_perm


@login_required
@domain_errors_as_http
def certification_apply_page(request, slug):
    product = product_get(user=request.user, slug=slug)
    require_perm(request.user, CatalogPerm.APPLY_CERTIFICATION, product)
    form = CertificationApplyForm(request.POST or None, request.FILES or None,
                                  session=request.session)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                certification_apply(
                    actor=request.user, product=product, documents=form.cleaned_data["documents"],
                    statement=form.cleaned_data["statement"],
                )
            except PermissionDeniedError:
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("Application submitted. Staff will review it."))
                return redirect("catalog:product_detail", slug=slug)
        else:
            status = 400
    return render(request, "catalog/certification_apply.html",
                  {"form": form, "product": product}, status=status)


@login_required
@domain_errors_as_http
def certification_queue_page(request):
    require_perm(request.user, CatalogPerm.REVIEW_CERTIFICATION, None)
    show = request.GET.get("show", "open")
    statuses = None if show == "open" else [show] if show in Certification.Status.values else None
    return render(request, "catalog/certification_queue.html", {
        "page": paginate(request, certification_review_queue(statuses=statuses), 50),
        "show": show, "statuses": Certification.Status.choices,
    })


@login_required
@domain_errors_as_http
def certification_review_page(request, pk):
    certification = certification_get_for_viewer(user=request.user, pk=pk)
    require_perm(request.user, CatalogPerm.REVIEW_CERTIFICATION, certification)
    forms = {"certify": CertifyForm(prefix="certify"), "reject": ReasonForm(prefix="reject"),
             "revoke": ReasonForm(prefix="revoke")}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                certification_start_review(actor=request.user, certification=certification)
            elif action == "certify":
                forms["certify"] = form = CertifyForm(request.POST, prefix="certify")
                if not form.is_valid():
                    raise _Invalid()
                certification_certify(actor=request.user, certification=certification,
                                      **form.cleaned_data)
            elif action in ("reject", "revoke"):
                forms[action] = form = ReasonForm(request.POST, prefix=action)
                if not form.is_valid():
                    raise _Invalid()
                service = certification_reject if action == "reject" else certification_revoke
                service(actor=request.user, certification=certification,
                        reason=form.cleaned_data["reason"])
            else:
                status = 400
                messages.error(request, _("Unknown action."))
        except _Invalid:
            status = 400
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            target = forms.get(action)
            if target is not None and action != "start":
                status = show_error_on_form(target, exc)
            else:
                messages.error(request, str(exc.message))
                status = exc.status_code
        else:
            if status == 200:
                messages.success(request, _("Review started: the application is now under "
                                            "review.") if action == "start"
                                 else _("Decision recorded."))
                return redirect("catalog:certification_review", pk=pk)
        certification = certification_get_for_viewer(user=request.user, pk=pk)
    return render(request, "catalog/certification_review.html",
                  {"certification": certification, **forms}, status=status)


class _Invalid(Exception):
    """A review form did not validate (its errors are on the form)."""


@login_required
@domain_errors_as_http
def certification_document_download(request, pk, document_id):
    """Documents are private (private storage, no URL): the applicant's organisation and
    staff download them here. A file lost from the storage is a 404, not a 500."""
    certification = certification_get_for_viewer(user=request.user, pk=pk)
    document = certification_document_get(certification=certification, pk=document_id)
    return private_file_response(
        document.file, filename=document.original_name or None,
        content_type=document.content_type or "application/octet-stream",
    )
