"""Organisations and memberships: create, edit, verify, change a member's role, remove
a member.

Every membership change locks the organisation row first, so two owners demoting each
other at the same moment cannot leave the organisation without an owner.

Verification: anyone may create an organisation of any kind and own it; platform staff
verify it (``organisation_verify``). A government agency gives its members buyer powers
only once verified (``rules.is_government_buyer``). Changing a verified organisation's
identity (name, English name, credit code) withdraws the verification: staff must look
again.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marketplace.accounts.errors import AlreadyMember, LastOwnerError
from marketplace.accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationVerification,
    User,
)
from marketplace.accounts.rules import AccountsPerm, forget_memberships
from marketplace.accounts.states import ORGANISATION_VERIFICATION_STATES, AccountsAction
from marketplace.core.audit import audit_log, stream_for
from marketplace.core.db import unique_conflicts
from marketplace.core.errors import ConflictError, DomainError, NotFoundError
from marketplace.core.permissions import require_perm
from marketplace.core.regions import district_choices
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from marketplace.notifications.services import notification_create

EDITABLE_FIELDS = (
    "name", "name_en", "unified_credit_code", "district", "description", "website",
)
# What staff checked when they verified; changing one of them needs a new verification.
IDENTITY_FIELDS = frozenset({"name", "name_en", "unified_credit_code"})
# Buyer officers and approvers act for a purchasing authority; other kinds have none.
GOVERNMENT_ONLY_ROLES = frozenset({MembershipRole.BUYER_OFFICER, MembershipRole.APPROVER})
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def role_check(kind: str, role: str) -> None:
    """Refuse a role that does not exist, or does not exist for this kind."""
    if role not in MembershipRole.values:
        raise DomainError(_("Choose a valid role."), code="role_invalid", data={"field": "role"})
    if role in GOVERNMENT_ONLY_ROLES and kind != OrganisationKind.GOVERNMENT_AGENCY:
        raise DomainError(
            _("The role “%(role)s” exists only in government agencies.")
            % {"role": MembershipRole(role).label},
            code="role_not_for_kind", data={"field": "role"},
        )


def _clean(values: dict) -> dict:
    """Validate the editable fields present in ``values``; return them cleaned."""
    cleaned = {}
    for key in EDITABLE_FIELDS:
        if key in values and values[key] is not None:
            cleaned[key] = str(values[key]).strip()
    if "name" in cleaned and not cleaned["name"]:
        raise DomainError(_("Enter the organisation's name."), code="name_required",
                          data={"field": "name"})
    for key, limit in (("name", 200), ("name_en", 200)):
        if len(cleaned.get(key, "")) > limit:
            raise DomainError(
                _("At most %(max)d characters.") % {"max": limit}, code="too_long",
                data={"field": key},
            )
    code = cleaned.get("unified_credit_code", "").upper()
    if code and not _CREDIT_CODE.match(code):
        raise DomainError(
            _("A unified social credit code has 18 characters (digits and capital letters)."),
            code="credit_code_invalid", data={"field": "unified_credit_code"},
        )
    if "unified_credit_code" in cleaned:
        cleaned["unified_credit_code"] = code
    district = cleaned.get("district", "")
    if district and district not in dict(district_choices()):
        raise DomainError(_("Choose a district of this region."), code="district_invalid",
                          data={"field": "district"})
    website = cleaned.get("website", "")
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError as exc:
            raise DomainError(_("Enter a valid web address."), code="website_invalid",
                              data={"field": "website"}) from exc
    return cleaned


def _unique_slug(base: str) -> str:
    base = (base or "org")[:70].strip("-") or "org"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def organisation_create(*, actor: User, kind: str, name: str, slug: str = "", **values) -> Organisation:
    """Create an organisation; its creator becomes its first owner."""
    if kind not in OrganisationKind.values:
        raise DomainError(_("Choose a valid kind of organisation."), code="kind_invalid",
                          data={"field": "kind"})
    cleaned = _clean({**values, "name": name})
    slug = (slug or "").strip().lower()
    if slug and (not _SLUG.match(slug) or len(slug) > 80):
        raise DomainError(
            _("Use lower-case letters, digits and hyphens for the web address."),
            code="slug_invalid", data={"field": "slug"},
        )
    taken = ConflictError(_("This web address is taken."), code="slug_taken",
                          data={"field": "slug"})
    with transaction.atomic():
        if slug and Organisation.objects.filter(slug=slug).exists():
            raise taken
        slug = slug or _unique_slug(slugify(cleaned.get("name_en") or cleaned["name"]))
        with unique_conflicts(Organisation, {"slug": taken}):
            organisation = Organisation.objects.create(kind=kind, slug=slug, **cleaned)
        audit_log(
            actor=actor, action=AccountsAction.ORGANISATION_CREATED, obj=organisation,
            data={"kind": kind, "slug": slug, "name": organisation.name},
        )
        membership_add(organisation=organisation, user=actor, role=MembershipRole.OWNER,
                       actor=actor)
    return organisation


def organisation_update(*, organisation: Organisation, actor: User, **values) -> Organisation:
    """An owner edits the organisation's details."""
    require_perm(actor, AccountsPerm.CHANGE_ORGANISATION, organisation,
                 message=_("Only an owner of this organisation may edit it."))
    return _organisation_change(organisation, actor, values, AccountsAction.ORGANISATION_UPDATED)


def organisation_moderate(*, organisation: Organisation, actor: User, **values) -> Organisation:
    """Staff correct an organisation's details (the admin): the same cleaning, and the
    same withdrawal of the verification when the identity changes."""
    require_perm(actor, AccountsPerm.MODERATE_ORGANISATION, organisation,
                 message=_("Only platform staff may correct organisations."))
    return _organisation_change(organisation, actor, values,
                                AccountsAction.ORGANISATION_MODERATED)


def organisation_changes_clean(organisation: Organisation, values: dict) -> dict:
    """The cleaned editable fields of ``values`` (refusing bad ones); writes nothing."""
    return _clean(values)


def _organisation_change(organisation, actor, values, action) -> Organisation:
    cleaned = _clean(values)
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changes = {
            key: [getattr(locked, key), value]
            for key, value in cleaned.items() if getattr(locked, key) != value
        }
        if changes:
            for key, (_old, new) in changes.items():
                setattr(locked, key, new)
            locked.save(update_fields=[*changes, "updated_at"])
            audit_log(actor=actor, action=action, obj=locked, data={"changes": changes})
            identity_changed = sorted(IDENTITY_FIELDS & set(changes))
            if locked.is_verified and identity_changed:
                transition(
                    locked, ORGANISATION_VERIFICATION_STATES, OrganisationVerification.UNVERIFIED,
                    actor=actor, action=AccountsAction.ORGANISATION_VERIFICATION_WITHDRAWN,
                    data={"reason": "identity_changed", "fields": identity_changed},
                )
    for key in (*cleaned, "verification_status", "updated_at"):
        setattr(organisation, key, getattr(locked, key))
    return organisation


def organisation_verify(*, organisation: Organisation, actor: User) -> Organisation:
    """Staff confirm the organisation is who it says it is (for a government agency:
    a real purchasing authority). Audited; the owners are notified."""
    require_perm(actor, AccountsPerm.VERIFY_ORGANISATION, organisation,
                 message=_("Only platform staff may verify organisations."))
    with transaction.atomic():
        transition(
            organisation, ORGANISATION_VERIFICATION_STATES, OrganisationVerification.VERIFIED,
            actor=actor, action=AccountsAction.ORGANISATION_VERIFIED,
            data={"kind": organisation.kind, "name": organisation.name,
                  "unified_credit_code": organisation.unified_credit_code},
        )
        _notify_owners(
            organisation, kind="accounts.organisation.verified",
            title=gettext_noop("%(organisation)s was verified by the platform staff"),
        )
    return organisation


def organisation_verification_withdraw(*, organisation: Organisation, actor: User,
                                       reason: str = "") -> Organisation:
    """Staff withdraw a verification (given in error, or the organisation changed)."""
    require_perm(actor, AccountsPerm.VERIFY_ORGANISATION, organisation,
                 message=_("Only platform staff may verify organisations."))
    reason = clean_reason(reason, required=False, max_chars=500)
    with transaction.atomic():
        transition(
            organisation, ORGANISATION_VERIFICATION_STATES, OrganisationVerification.UNVERIFIED,
            actor=actor, action=AccountsAction.ORGANISATION_VERIFICATION_WITHDRAWN,
            data={"reason": reason},
        )
        _notify_owners(
            organisation, kind="accounts.organisation.verification_withdrawn",
            title=gettext_noop("The verification of %(organisation)s was withdrawn"),
        )
    return organisation


def _notify_owners(organisation: Organisation, *, kind: str, title: str) -> None:
    """In-app notice to each owner, in their language (``title`` is untranslated)."""
    owners = User.objects.filter(
        memberships__organisation=organisation, memberships__role=MembershipRole.OWNER,
    ).order_by("pk")
    url = reverse("accounts:organisation_detail", args=[organisation.slug])
    for owner in owners:
        with translation.override(owner.preferred_language):
            notification_create(user=owner, kind=kind, url=url,
                                title=_(title) % {"organisation": organisation.name})


def membership_add(*, organisation: Organisation, user: User, role: str, actor) -> Membership:
    """Add ``user`` with ``role`` (the caller checked who may do this)."""
    role_check(organisation.kind, role)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if Membership.objects.filter(organisation=organisation, user=user).exists():
            raise AlreadyMember()
        membership = Membership.objects.create(organisation=organisation, user=user, role=role)
        audit_log(
            actor=actor, action=AccountsAction.MEMBERSHIP_ADDED, obj=membership,
            stream=stream_for(organisation), data={"user": user.pk, "role": role},
        )
    return membership


def _owners_left(organisation: Organisation, *, without: Membership) -> int:
    return (
        Membership.objects.filter(organisation=organisation, role=MembershipRole.OWNER)
        .exclude(pk=without.pk).count()
    )


def _lock(membership: Membership) -> Membership:
    Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    return Membership.objects.select_related("organisation", "user").get(pk=membership.pk)


def membership_change_role(*, membership: Membership, actor: User, role: str) -> Membership:
    organisation = membership.organisation
    role_check(organisation.kind, role)
    with transaction.atomic():
        current = _lock(membership)
        # Checked under the lock (the rule reads fresh): an owner demoted a moment ago no
        # longer counts.
        require_perm(actor, AccountsPerm.MANAGE_MEMBERS, organisation,
                     message=_("Only an owner may change members' roles."))
        if current.role == role:
            return current
        if current.role == MembershipRole.OWNER and not _owners_left(organisation, without=current):
            raise LastOwnerError()
        old = current.role
        current.role = role
        current.save(update_fields=["role"])
        audit_log(
            actor=actor, action=AccountsAction.MEMBERSHIP_ROLE_CHANGED, obj=current,
            stream=stream_for(organisation),
            data={"user": current.user_id, "from": old, "to": role},
        )
    membership.role = role
    _forget(membership, actor)
    return current


def membership_remove(*, membership: Membership, actor: User) -> None:
    """An owner removes a member, or a member leaves; the last owner stays."""
    organisation = membership.organisation
    leaving = membership.user_id == actor.pk
    with transaction.atomic():
        try:
            current = _lock(membership)
        except Membership.DoesNotExist as exc:
            raise NotFoundError(_("This person is no longer a member.")) from exc
        if not leaving:
            require_perm(actor, AccountsPerm.MANAGE_MEMBERS, organisation,
                         message=_("Only an owner may remove members."))
        if current.role == MembershipRole.OWNER and not _owners_left(organisation, without=current):
            raise LastOwnerError()
        audit_log(
            actor=actor, action=AccountsAction.MEMBERSHIP_REMOVED, obj=current,
            stream=stream_for(organisation),
            data={"user": current.user_id, "role": current.role, "left": leaving},
        )
        current.delete()
    _forget(membership, actor)


def _forget(membership: Membership, actor) -> None:
    """Drop the request's membership memo of the people concerned (see accounts.rules)."""
    forget_memberships(actor)
    forget_memberships(membership.user_id)
