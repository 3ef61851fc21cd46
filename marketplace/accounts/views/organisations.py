"""Organisation pages: list, create, detail, edit, members, invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.accounts import selectors
from marketplace.accounts.forms import (
    InvitationForm,
    MembershipRoleForm,
    OrganisationCreateForm,
    OrganisationForm,
)
from marketplace.accounts.models import MembershipRole, OrganisationKind
from marketplace.accounts.rules import AccountsPerm, is_org_member
from marketplace.accounts.services.invitations import invitation_create, invitation_revoke
from marketplace.accounts.services.organisations import (
    EDITABLE_FIELDS,
    membership_change_role,
    membership_remove,
    organisation_create,
    organisation_update,
)
from marketplace.core.errors import DomainError
from marketplace.core.pages import domain_errors_as_http, form_error_response
from marketplace.core.permissions import require_perm
from marketplace.core.regions import district_choices


@login_required
def organisation_list(request):
    labels = dict(MembershipRole.choices)
    organisations = list(selectors.organisations_for_user(request.user))
    for organisation in organisations:
        organisation.my_role_label = labels.get(organisation.my_role, organisation.my_role)
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


@login_required
@domain_errors_as_http
def organisation_create_view(request):
    template = "accounts/organisation_form.html"
    form = OrganisationCreateForm(request.POST or None)
    if request.method != "POST":
        return render(request, template, {"form": form, "creating": True})
    if not form.is_valid():
        return render(request, template, {"form": form, "creating": True}, status=400)
    try:
        organisation = organisation_create(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        return form_error_response(request, template, {"form": form, "creating": True}, exc, form)
    messages.success(request, _("The organisation was created; you are its owner."))
    return redirect("accounts:organisation_detail", slug=organisation.slug)


def _owner_context(request, organisation) -> dict:
    return {
        "organisation": organisation,
        "is_owner": is_org_member(request.user, organisation, {MembershipRole.OWNER}),
    }


@login_required
@domain_errors_as_http
def organisation_detail(request, slug: str):
    organisation = selectors.organisation_get_for_member(slug=slug, user=request.user)
    context = _owner_context(request, organisation)
    context["members"] = selectors.organisation_members(organisation)
    context["district_name"] = dict(district_choices()).get(organisation.district, "")
    return render(request, "accounts/organisation_detail.html", context)


@login_required
@domain_errors_as_http
def organisation_edit(request, slug: str):
    template = "accounts/organisation_form.html"
    organisation = selectors.organisation_get(slug)
    require_perm(request.user, AccountsPerm.CHANGE_ORGANISATION, organisation,
                 message=_("Only an owner of this organisation may edit it."))
    initial = {key: getattr(organisation, key) for key in EDITABLE_FIELDS}
    form = OrganisationForm(request.POST or None, initial=initial)
    context = {"form": form, "organisation": organisation, "creating": False}
    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    was_verified = organisation.is_verified
    try:
        organisation_update(organisation=organisation, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        return form_error_response(request, template, context, exc, form)
    messages.success(request, _("Saved."))
    if was_verified and not organisation.is_verified:
        messages.warning(request, _("You changed the organisation's identity: the platform "
                                    "staff will verify it again."))
    return redirect("accounts:organisation_detail", slug=organisation.slug)


def _members_context(request, organisation, invite_form=None) -> dict:
    context = _owner_context(request, organisation)
    context["members"] = [
        (m, MembershipRoleForm(kind=organisation.kind, initial={"role": m.role}, prefix=f"m{m.pk}"))
        for m in selectors.organisation_members(organisation)
    ]
    if context["is_owner"]:
        context["invitations"] = selectors.organisation_pending_invitations(organisation)
        context["invite_form"] = invite_form or InvitationForm(kind=organisation.kind)
    return context


@login_required
@domain_errors_as_http
def organisation_members(request, slug: str):
    organisation = selectors.organisation_get_for_member(slug=slug, user=request.user)
    return render(request, "accounts/organisation_members.html",
                  _members_context(request, organisation))


@login_required
@domain_errors_as_http
def organisation_invite(request, slug: str):
    template = "accounts/organisation_members.html"
    organisation = selectors.organisation_get(slug)
    require_perm(request.user, AccountsPerm.INVITE_MEMBER, organisation,
                 message=_("Only an owner of this organisation may invite people."))
    if request.method != "POST":
        return redirect("accounts:organisation_members", slug=slug)
    form = InvitationForm(request.POST, kind=organisation.kind)
    if not form.is_valid():
        return render(request, template, _members_context(request, organisation, form), status=400)
    try:
        invitation = invitation_create(organisation=organisation, actor=request.user,
                                       **form.cleaned_data)
    except DomainError as exc:
        return form_error_response(
            request, template, _members_context(request, organisation, form), exc, form
        )
    messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
    return redirect("accounts:organisation_members", slug=slug)


@login_required
@require_POST
@domain_errors_as_http
def membership_role(request, slug: str, membership_id: int):
    organisation = selectors.organisation_get(slug)
    require_perm(request.user, AccountsPerm.MANAGE_MEMBERS, organisation,
                 message=_("Only an owner may change members' roles."))
    membership = selectors.organisation_membership_get(
        organisation=organisation, membership_id=membership_id
    )
    form = MembershipRoleForm(request.POST, kind=organisation.kind, prefix=f"m{membership.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
        return render(request, "accounts/organisation_members.html",
                      _members_context(request, organisation), status=400)
    try:
        membership_change_role(membership=membership, actor=request.user,
                               role=form.cleaned_data["role"])
    except DomainError as exc:
        return form_error_response(request, "accounts/organisation_members.html",
                                   _members_context(request, organisation), exc)
    messages.success(request, _("The role of %(person)s was changed.") % {"person": membership.user})
    return redirect("accounts:organisation_members", slug=slug)


@login_required
@require_POST
@domain_errors_as_http
def membership_remove_view(request, slug: str, membership_id: int):
    organisation = selectors.organisation_get(slug)
    # Members may leave; whether they may remove someone else, the service decides.
    require_perm(request.user, AccountsPerm.VIEW_ORGANISATION_MEMBERS, organisation)
    membership = selectors.organisation_membership_get(
        organisation=organisation, membership_id=membership_id
    )
    leaving = membership.user_id == request.user.pk
    try:
        membership_remove(membership=membership, actor=request.user)
    except DomainError as exc:
        return form_error_response(request, "accounts/organisation_members.html",
                                   _members_context(request, organisation), exc)
    if leaving:
        messages.success(request, _("You left %(organisation)s.") % {"organisation": organisation})
        return redirect("accounts:organisation_list")
    messages.success(request, _("%(person)s was removed.") % {"person": membership.user})
    return redirect("accounts:organisation_members", slug=slug)


@login_required
@require_POST
@domain_errors_as_http
def invitation_revoke_view(request, slug: str, invitation_id: int):
    organisation = selectors.organisation_get(slug)
    require_perm(request.user, AccountsPerm.REVOKE_INVITATION, organisation,
                 message=_("Only an owner of this organisation may withdraw invitations."))
    invitation = selectors.organisation_invitation_get(
        organisation=organisation, invitation_id=invitation_id
    )
    invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, _("The invitation to %(email)s was withdrawn.")
                     % {"email": invitation.email})
    return redirect("accounts:organisation_members", slug=slug)


@login_required
def organisation_lookup(request):
    """Suggestions for the organisation pickers (``accounts.pickers``): the options of a
    ``<datalist>``, verified organisations only, at most ten."""
    field = request.GET.get("field") or "q"
    kinds = [k for k in (request.GET.get("kind") or "").split(",") if k in OrganisationKind.values]
    found = selectors.organisations_matching(text=(request.GET.get(field) or "")[:100],
                                             kinds=kinds)
    return render(request, "accounts/_organisation_options.html", {"organisations": found})
