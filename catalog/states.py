"""Allowed status moves of the catalogue, written down as data, and its audit codes."""

from django.utils.translation import gettext_lazy as _

from catalog.models import Certification, FirstSetUnit, Makerspace, Product
from marketplace.core.names import AuditAction
from marketplace.core.transitions import ANY, StateMachine


class CatalogAction(AuditAction):
    PRODUCT_CREATED = "catalog.product.created"
    PRODUCT_UPDATED = "catalog.product.updated"
    PRODUCT_MODERATED = "catalog.product.moderated"
    PRODUCT_PUBLISHED = "catalog.product.published"
    PRODUCT_WITHDRAWN = "catalog.product.withdrawn"
    PRODUCT_IMAGE_ADDED = "catalog.product.image_added"
    PRODUCT_IMAGE_DELETED = "catalog.product.image_deleted"
    MAKERSPACE_CREATED = "catalog.makerspace.created"
    MAKERSPACE_UPDATED = "catalog.makerspace.updated"
    MAKERSPACE_MODERATED = "catalog.makerspace.moderated"
    MAKERSPACE_PUBLISHED = "catalog.makerspace.published"
    MAKERSPACE_UNPUBLISHED = "catalog.makerspace.unpublished"
    MAKERSPACE_PHOTO_ADDED = "catalog.makerspace.photo_added"
    MAKERSPACE_PHOTO_DELETED = "catalog.makerspace.photo_deleted"
    MAKERSPACE_RESIDENT_ADDED = "catalog.makerspace.resident_added"
    MAKERSPACE_RESIDENT_REMOVED = "catalog.makerspace.resident_removed"
    CATEGORY_CREATED = "catalog.category.created"
    CATEGORY_UPDATED = "catalog.category.updated"
    CERTIFICATION_SUBMITTED = "catalog.certification.submitted"
    CERTIFICATION_UNDER_REVIEW = "catalog.certification.under_review"
    CERTIFICATION_CERTIFIED = "catalog.certification.certified"
    CERTIFICATION_REJECTED = "catalog.certification.rejected"
    CERTIFICATION_REVOKED = "catalog.certification.revoked"
    CERTIFICATION_EXPIRED = "catalog.certification.expired"
    FIRST_SET_UNIT_CLAIMED = "catalog.first_set.unit_claimed"
    FIRST_SET_UNIT_SIDE_CONFIRMED = "catalog.first_set.unit_side_confirmed"
    FIRST_SET_UNIT_CONFIRMED = "catalog.first_set.unit_confirmed"
    FIRST_SET_UNIT_REJECTED = "catalog.first_set.unit_rejected"
    FIRST_SET_INSURANCE_RECORDED = "catalog.first_set.insurance_recorded"
    DEMO_SEEDED = "catalog.demo.seeded"


P = Product.Status
# draft -> published -> withdrawn -> published (again). A draft cannot be withdrawn: it
# was never public, so there is nothing to take down; the maker keeps it as a draft.
# A published product never goes back to draft: buyers and backers may have seen it.
PRODUCT_STATES = StateMachine(
    name="catalog.product",
    transitions={P.DRAFT: {P.PUBLISHED}, P.PUBLISHED: {P.WITHDRAWN}, P.WITHDRAWN: {P.PUBLISHED}},
    labels=dict(P.choices),  # lazy: a refusal names the states in the user's language
    refusals={
        (P.PUBLISHED, P.PUBLISHED): _("The product is already published."),
        (P.DRAFT, P.WITHDRAWN): _(
            "A draft has never been public, so it cannot be withdrawn; it stays a draft."
        ),
        (P.WITHDRAWN, P.WITHDRAWN): _("The product is already withdrawn."),
    },
)

M = Makerspace.Status
# Staff onboard a makerspace as a draft and publish it; unpublishing hides it (and stops
# new listings naming it) without deleting what refers to it.
MAKERSPACE_STATES = StateMachine(
    name="catalog.makerspace",
    transitions={M.DRAFT: {M.PUBLISHED}, M.PUBLISHED: {M.UNPUBLISHED},
                 M.UNPUBLISHED: {M.PUBLISHED}},
    labels=dict(M.choices),
    refusals={
        (M.PUBLISHED, M.PUBLISHED): _("The makerspace is already published."),
        (M.DRAFT, M.UNPUBLISHED): _("A draft makerspace was never public."),
        (M.UNPUBLISHED, M.UNPUBLISHED): _("The makerspace is already unpublished."),
    },
)

C = Certification.Status
#   submitted -> under_review -> certified | rejected
#   certified -> expired (by the chronograph) | revoked (by staff)
CERTIFICATION_STATES = StateMachine(
    name="catalog.certification",
    transitions={
        C.SUBMITTED: {C.UNDER_REVIEW},
        C.UNDER_REVIEW: {C.CERTIFIED, C.REJECTED},
        C.CERTIFIED: {C.EXPIRED, C.REVOKED},
    },
    labels=dict(C.choices),
    refusals={
        (C.SUBMITTED, C.CERTIFIED): _("Start the review before deciding."),
        (C.SUBMITTED, C.REJECTED): _("Start the review before deciding."),
        (C.REJECTED, ANY): _("This application was rejected; the maker may apply again."),
    },
)

U = FirstSetUnit.Status
# A unit counts once both sides confirmed it (or staff on the purchase document).
UNIT_STATES = StateMachine(
    name="catalog.first_set_unit",
    transitions={U.CLAIMED: {U.CONFIRMED, U.REJECTED}},
    labels=dict(U.choices),
    refusals={
        (U.CONFIRMED, ANY): _("This unit has already been confirmed."),
        (U.REJECTED, ANY): _("This unit was rejected; record it again if needed."),
    },
)
