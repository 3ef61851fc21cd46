"""What the crowdfunding benchmarks start from: a verified maker company with its owner, a
published product and a staff member to approve the campaign (rows made directly: the
benchmarks measure what comes after)."""

from __future__ import annotations

import time


def maker_with_product() -> dict:
    from catalog.models import Category, Product
    from marketplace.accounts.models import (
        Membership,
        MembershipRole,
        Organisation,
        OrganisationKind,
        OrganisationVerification,
        User,
    )

    tag = str(int(time.time() * 1000))
    organisation = Organisation.objects.create(
        kind=OrganisationKind.MAKER_COMPANY, name=f"Bench maker {tag}", slug=f"bench-{tag}",
        verification_status=OrganisationVerification.VERIFIED)
    maker = User.objects.create_user(email=f"maker-{tag}@bench.local", password=None)
    Membership.objects.create(organisation=organisation, user=maker, role=MembershipRole.OWNER)
    category = Category.objects.create(slug=f"bench-{tag}", name="Bench", name_en="Bench")
    product = Product.objects.create(organisation=organisation, category=category,
                                     slug=f"bench-{tag}", name="Bench sensor",
                                     stage="first_batch", status=Product.Status.PUBLISHED)
    staff = User.objects.create_user(email=f"staff-{tag}@bench.local", password=None,
                                     is_staff=True)
    return {"tag": tag, "organisation": organisation, "maker": maker, "product": product,
            "staff": staff}
