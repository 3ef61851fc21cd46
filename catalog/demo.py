"""Catalogue demo data: makerspaces, maker companies, ~200 products, certifications and
first sets. Deterministic (random.Random(2015)) and idempotent: every row is looked up by
a natural key (slug, email, certificate or policy number, serial) and only missing rows
are created, in bulk, so a second run changes nothing."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from catalog import demo_data as D
from catalog.category_tree import category_tree_ensure
from catalog.demo_images import seed_pictures
from catalog.models import (
    Category,
    Certification,
    FirstSetInsurance,
    FirstSetUnit,
    Makerspace,
    Product,
    ProductStage,
)
from catalog.services.common import upload_name
from catalog.services.first_sets import (
    add_years,
    first_set_insurance_record,
    first_set_unit_confirm,
)
from catalog.services.makerspaces import makerspace_publish
from catalog.states import (
    CERTIFICATION_STATES,
    MAKERSPACE_STATES,
    PRODUCT_STATES,
    CatalogAction,
)
from marketplace.accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationVerification,
)
from marketplace.accounts.rules import BUYER_ROLES
from marketplace.accounts.services.organisations import organisation_verify
from marketplace.accounts.states import ORGANISATION_VERIFICATION_STATES, AccountsAction
from marketplace.core.audit import audit_log
from marketplace.core.demo import demo_seeder
from marketplace.core.regions import region_pack
from marketplace.core.transitions import transition

SEED = 2015
PRODUCT_COUNT = 200
CERTIFIED_COUNT = 30
EXPIRING_SOON = 6
FIRST_SET_COUNT = 10
FIRST_SET_CATEGORIES = {
    "buoys", "underwater-robots", "aquaculture-equipment", "marine-instruments", "energy-storage",
    "hydrogen", "industrial-robots", "additive-manufacturing", "robotics", "new-materials",
}


_DEMO_PDF = b"%PDF-1.4\n% demo purchase contract\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _staff():
    return get_user_model().objects.filter(email="staff@demo.local").first()


def _ensure_orgs(rows: list[tuple[str, str, str, str, str]]) -> dict[str, Organisation]:
    """rows: (slug, kind, name, name_en, district). New organisations are verified by the
    demo staff member through the service (audited), as in production."""
    existing = set(Organisation.objects.filter(slug__in=[r[0] for r in rows]).values_list("slug", flat=True))
    Organisation.objects.bulk_create([
        Organisation(slug=slug, kind=kind, name=name, name_en=name_en, district=district)
        for slug, kind, name, name_en, district in rows if slug not in existing
    ])
    staff = _staff()
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=[r[0] for r in rows])}
    for organisation in found.values():
        if organisation.verification_status == OrganisationVerification.VERIFIED:
            continue
        if staff is not None:
            organisation_verify(organisation=organisation, actor=staff)
        else:  # seeded without the accounts seeder: the platform itself, audited
            transition(organisation, ORGANISATION_VERIFICATION_STATES,
                       OrganisationVerification.VERIFIED,
                       action=AccountsAction.ORGANISATION_VERIFIED)
    return found


def _owners(makers: dict[str, Organisation]) -> dict[str, object]:
    """One owner per maker company: maker@demo.local for demo-maker (when the accounts
    seeder made it), a passwordless demo user for the others."""
    User = get_user_model()
    owners = {}
    for m in Membership.objects.filter(
        organisation__in=makers.values(), role=MembershipRole.OWNER
    ).select_related("user", "organisation").order_by("pk"):
        owners.setdefault(m.organisation.slug, m.user)
    missing = [slug for slug in makers if slug not in owners]
    emails = {slug: f"{slug}@makers.demo.local" for slug in missing}
    known = {u.email: u for u in User.objects.filter(email__in=emails.values())}
    new_users = []
    for slug, email in emails.items():
        if email not in known:
            user = User(email=email, display_name=makers[slug].name)
            user.set_unusable_password()
            new_users.append(user)
    User.objects.bulk_create(new_users)
    known = {u.email: u for u in User.objects.filter(email__in=emails.values())}
    Membership.objects.bulk_create(
        [Membership(organisation=makers[slug], user=known[email], role=MembershipRole.OWNER)
         for slug, email in emails.items()],
        ignore_conflicts=True,
    )
    owners.update({slug: known[email] for slug, email in emails.items()})
    return owners


def _product_specs(makers: list[tuple[str, str, str, str]]) -> list[dict]:
    """Everything about the products, from the fixed seed only (never from the database),
    so every run computes the same list."""
    rng = random.Random(SEED)  # noqa: S311  (deterministic demo data, not security)
    specs = [{
        **D.FLAGSHIP, "maker": "demo-maker", "speciality": "marine", "stage": ProductStage.FIRST_BATCH,
        "status": Product.Status.PUBLISHED, "price": Decimal("268000.00"), "stock": 12,
        "series": "QD", "number": 100, "scenario": ("海洋环境监测", "ocean environment monitoring"),
        "published_days": 30,
    }]
    for i in range(PRODUCT_COUNT - 1):
        slug, _name, _name_en, speciality = rng.choice(makers)
        category, noun, noun_en, scenario, scenario_en = rng.choice(D.PRODUCT_TEMPLATES[speciality])
        qualifier, qualifier_en = rng.choice(D.QUALIFIERS)
        if qualifier and qualifier in noun:  # no "智能智能手环" / "Smart smart wristband"
            qualifier, qualifier_en = "", ""
        series, number = rng.choice(D.SERIES), 101 + i
        name_en = f"{qualifier_en} {noun_en}".strip()
        stage = rng.choices(ProductStage.values, weights=[3, 3, 4])[0]
        roll = rng.random()
        status = (Product.Status.PUBLISHED if roll < 0.85
                  else Product.Status.DRAFT if roll < 0.95 else Product.Status.WITHDRAWN)
        price = None if stage == ProductStage.PROTOTYPE and rng.random() < 0.3 else Decimal(
            rng.randint(2, 20000) * 10
        )
        specs.append({
            "slug": f"demo-{number}-{series.lower()}", "maker": slug, "speciality": speciality,
            "category": category, "name": f"{qualifier}{noun} {series}-{number}",
            "name_en": f"{name_en[:1].upper()}{name_en[1:]} {series}-{number}",
            "summary": f"面向{scenario}的{qualifier}{noun}。",
            "summary_en": f"A {name_en.lower()} for {scenario_en}.",
            "stage": stage, "status": status, "price": price, "stock": rng.randint(0, 500),
            "series": series, "number": number, "scenario": (scenario, scenario_en),
            "published_days": rng.randint(1, 400), "local_share": rng.randint(60, 95),
            "weight": rng.randint(1, 500) / 10, "temp": (rng.randint(10, 40), rng.randint(40, 85)),
            "ip": rng.choice(["IP54", "IP65", "IP67", "IP68"]), "warranty": rng.choice([1, 2, 3]),
        })
    return specs


def _product(spec, org_by_slug, makerspace_of_maker, categories, now) -> Product:
    maker = org_by_slug[spec["maker"]]
    scenario, scenario_en = spec["scenario"]
    share = spec.get("local_share", 90)
    published = spec["status"] != Product.Status.DRAFT
    return Product(
        slug=spec["slug"], organisation=maker, makerspace=makerspace_of_maker.get(spec["maker"]),
        category=categories[spec["category"]], name=spec["name"], name_en=spec["name_en"],
        model_code=f"{spec['series']}-{spec['number']}",
        summary=spec["summary"], summary_en=spec["summary_en"],
        description=(
            f"<p>{spec['name']}由{maker.name}自主研发，面向{scenario}场景。</p>"
            f"<ul><li>核心部件本地化率超过 {share}%</li><li>支持远程运维与数据上云</li></ul>"
        ),
        description_en=(
            f"<p>The {spec['name_en']} is developed in-house by {maker.name_en} for {scenario_en}."
            f"</p><ul><li>More than {share}% of core components made locally</li>"
            f"<li>Remote maintenance and cloud data upload</li></ul>"
        ),
        specifications={
            "型号 (Model)": f"{spec['series']}-{spec['number']}",
            "重量 (Weight)": f"{spec.get('weight', 18.5)} kg",
            "工作温度 (Operating temperature)": "-{} ~ {} °C".format(*spec.get("temp", (20, 60))),
            "防护等级 (Protection)": spec.get("ip", "IP67"),
            "质保 (Warranty)": f"{spec.get('warranty', 2)} 年 / years",
        },
        price_amount=spec["price"],  # in the marketplace currency (the field's default)
        stage=spec["stage"], stock=spec["stock"], status=Product.Status.DRAFT,
        is_first_set=bool(spec.get("first_set_ref")),
        first_set_catalogue_ref=spec.get("first_set_ref", ""),
        published_at=now - timedelta(days=spec["published_days"]) if published else None,
    )


@demo_seeder("catalog", order=20)
def seed_catalog(log) -> dict:
    now = timezone.now()
    today = timezone.localdate()
    User = get_user_model()
    category_tree_ensure(Category)
    categories = {c.slug: c for c in Category.objects.all()}
    districts = {d["code"] for d in region_pack()["districts"]}
    spaces = [m for m in D.MAKERSPACES if m[3] in districts]
    if len(spaces) < len(D.MAKERSPACES):
        log(f"skipped {len(D.MAKERSPACES) - len(spaces)} makerspaces outside the region pack")

    # Operators and makerspaces.
    operators = _ensure_orgs([
        (f"{slug}-operator", OrganisationKind.MAKERSPACE, f"{name}运营管理有限公司",
         f"{name_en} Operations", district)
        for slug, name, name_en, district, *_ in spaces
    ])
    known_spaces = set(Makerspace.objects.filter(slug__in=[s[0] for s in spaces]).values_list("slug", flat=True))
    Makerspace.objects.bulk_create([
        Makerspace(
            slug=slug, name=name, name_en=name_en, district=district, focus_areas=focus,
            address=address, operator=operators[f"{slug}-operator"],
            description=f"<p>{name}是青岛市众创空间计划的成员，为创客提供场地、设备与创业服务。</p>",
            description_en=f"<p>{name_en} is part of the city's makerspace programme and offers "
                           "space, equipment and start-up services to makers.</p>",
            services=D.SERVICES[: 3 + i % 4], equipment=D.EQUIPMENT[speciality],
            opening_hours="周一至周六 8:30-21:00 · Mon-Sat 8:30-21:00",
        )
        for i, (slug, name, name_en, district, focus, address, speciality) in enumerate(spaces)
        if slug not in known_spaces
    ])
    makerspaces = {m.slug: m for m in Makerspace.objects.filter(slug__in=[s[0] for s in spaces])}
    staff = _staff()
    for space in makerspaces.values():  # onboarded as drafts; staff publish them
        if space.status != Makerspace.Status.DRAFT:
            continue
        if staff is not None:
            makerspace_publish(actor=staff, makerspace=space)
        else:
            transition(space, MAKERSPACE_STATES, Makerspace.Status.PUBLISHED,
                       action=CatalogAction.MAKERSPACE_PUBLISHED)
    space_of_speciality = {}
    for slug, *_rest, speciality in spaces:
        space_of_speciality.setdefault(speciality, makerspaces[slug])
    if spaces:
        operator_user = User.objects.filter(email="operator@demo.local").first()
        if operator_user is not None:
            Membership.objects.get_or_create(
                organisation=operators[f"{spaces[0][0]}-operator"], user=operator_user,
                defaults={"role": MembershipRole.OWNER},
            )

    # Maker companies, their owners and residence.
    maker_rows = [("demo-maker", "青岛创客示范科技有限公司", "Demo Maker Technology Co., Ltd.", "marine"),
                  *D.MAKERS]
    makers = _ensure_orgs([(slug, OrganisationKind.MAKER_COMPANY, name, name_en, "")
                           for slug, name, name_en, _s in maker_rows])
    owners = _owners(makers)
    makerspace_of_maker = {}
    Residence = Makerspace.residents.through
    residences = []
    for slug, _n, _e, speciality in maker_rows:
        space = space_of_speciality.get(speciality)
        if space is not None:
            makerspace_of_maker[slug] = space
            residences.append(Residence(makerspace_id=space.pk, organisation_id=makers[slug].pk))
    existing_res = set(Residence.objects.values_list("makerspace_id", "organisation_id"))
    Residence.objects.bulk_create(
        [r for r in residences if (r.makerspace_id, r.organisation_id) not in existing_res]
    )

    # Products.
    specs = _product_specs(maker_rows)
    first_set_specs = [s for s in specs if s["status"] == Product.Status.PUBLISHED
                       and s["category"] in FIRST_SET_CATEGORIES][:FIRST_SET_COUNT]
    for n, spec in enumerate(first_set_specs, start=1):
        spec["first_set_ref"] = f"青岛市首台(套)技术装备推广目录 2025-{n:03d}"
    existing = set(Product.objects.filter(slug__in=[s["slug"] for s in specs]).values_list("slug", flat=True))
    new_products = [_product(s, makers, makerspace_of_maker, categories, now)
                    for s in specs if s["slug"] not in existing]
    Product.objects.bulk_create(new_products, batch_size=200)
    products = {p.slug: p for p in Product.objects.filter(slug__in=[s["slug"] for s in specs])}
    _record_products({s["slug"]: s["status"] for s in specs if s["slug"] not in existing},
                     products, owners)

    created_certs = _seed_certifications(specs, products, owners, today, now)
    created_units, created_policies = _seed_first_sets(first_set_specs, products, owners, today)
    # after the status moves, so a published product's picture is in the public folder
    created_images, created_photos = seed_pictures(
        list(Product.objects.filter(slug__in=products).select_related("category")),
        list(makerspaces.values()), log)

    created = {
        "makerspaces": len(spaces) - len(known_spaces), "products": len(new_products),
        "certifications": created_certs, "first_set_units": created_units,
        "insurance_policies": created_policies,
        "product_images": created_images, "makerspace_photos": created_photos,
    }
    if any(created.values()):
        audit_log(actor=None, action=CatalogAction.DEMO_SEEDED, data=created, stream="catalog.demo")
    return {"makerspaces": len(makerspaces), "makers": len(makers), "products": len(products),
            "created": created}


def _record_products(statuses: dict[str, str], products, owners) -> None:
    """The new products were stored as drafts; give each its creation event and move it
    to its demo status through the product state machine (one audited transition per
    step), as the maker's own publish / withdraw would."""
    for slug, status in statuses.items():
        product = products[slug]
        owner = owners[product.organisation.slug]
        audit_log(actor=owner, action=CatalogAction.PRODUCT_CREATED, obj=product,
                  data={"organisation": product.organisation_id, "name": product.name,
                        "demo": True})
        if status == Product.Status.DRAFT:
            continue
        transition(product, PRODUCT_STATES, Product.Status.PUBLISHED, actor=owner,
                   action=CatalogAction.PRODUCT_PUBLISHED,
                   changes={"published_at": product.published_at})
        if status == Product.Status.WITHDRAWN:
            transition(product, PRODUCT_STATES, Product.Status.WITHDRAWN, actor=owner,
                       action=CatalogAction.PRODUCT_WITHDRAWN)


# The path of each demo application through the certification state machine.
CERTIFICATION_PATHS = {
    "submitted": [],
    "under_review": ["under_review"],
    "certified": ["under_review", "certified"],
    "rejected": ["under_review", "rejected"],
    "expired": ["under_review", "certified", "expired"],
}


def _seed_certifications(specs, products, owners, today, now) -> int:
    """Applications are stored as submitted, then walked to their demo status through
    the certification state machine: each step is an audited transition (no mail and
    no notification: nobody acts, the demo is being set up)."""
    rng = random.Random(SEED + 1)  # noqa: S311  (deterministic demo data)
    staff = get_user_model().objects.filter(email="staff@demo.local").first()
    published = [s["slug"] for s in specs if s["status"] == Product.Status.PUBLISHED]
    certified = [published[0], *rng.sample(published[1:], CERTIFIED_COUNT - 1)]
    rest = [s for s in published if s not in certified]
    has_cert = set(
        Certification.objects.filter(product__slug__in=published).values_list("product__slug", flat=True)
    )
    rows, targets = [], []

    def cert(slug, status, **fields):
        if slug in has_cert:
            return
        product = products[slug]
        rows.append(Certification(
            product=product, applicant=owners[product.organisation.slug],
            statement=f"{product.name}具有自主知识产权，核心技术达到国内先进水平。",
            submitted_at=now - timedelta(days=fields.pop("submitted_days", 60)),
            status=Certification.Status.SUBMITTED, **fields,
        ))
        targets.append(status)

    for k, slug in enumerate(certified):
        # the flagship (k == 0) stays valid for long; the next few expire within a month
        soon = 1 <= k <= EXPIRING_SOON
        until = today + timedelta(days=rng.randint(5, 28) if soon else rng.randint(90, 900))
        cert(slug, "certified", certificate_number=f"QD-CXCP-{k + 1:04d}",
             valid_from=today - timedelta(days=rng.randint(30, 600)), valid_until=until,
             reviewer=staff, review_started_at=now - timedelta(days=30),
             decided_at=now - timedelta(days=20), submitted_days=40)
    for k, (slug, status) in enumerate(zip(rest, ["submitted", "submitted", "under_review",
                                                  "under_review", "rejected", "expired"], strict=False)):
        fields = {"submitted_days": 3 + k}
        if status == "under_review":
            fields.update(reviewer=staff, review_started_at=now - timedelta(days=1))
        if status == "rejected":
            fields.update(reviewer=staff, review_started_at=now - timedelta(days=3),
                          decided_at=now - timedelta(days=2),
                          decision_reason="创新性说明不足，请补充第三方检测报告。")
        if status == "expired":
            fields.update(certificate_number=f"QD-CXCP-{CERTIFIED_COUNT + k + 1:04d}",
                          valid_from=today - timedelta(days=800), valid_until=today - timedelta(days=35),
                          reviewer=staff, review_started_at=now - timedelta(days=815),
                          decided_at=now - timedelta(days=800),
                          ended_at=now - timedelta(days=34), submitted_days=820)
        cert(slug, status, **fields)
    Certification.objects.bulk_create(rows)
    for certification, status in zip(rows, targets, strict=True):
        audit_log(actor=certification.applicant, action=CatalogAction.CERTIFICATION_SUBMITTED,
                  obj=certification, data={"product": certification.product_id, "demo": True})
        for step in CERTIFICATION_PATHS[status]:
            transition(certification, CERTIFICATION_STATES, step,
                       actor=None if step == "expired" else staff,
                       action=CatalogAction.resolve(f"catalog.certification.{step}"))
    return len(rows)


def _buyer_officers(buyers: list[Organisation]) -> dict[int, object]:
    """Someone who confirms units for each demo buyer: its existing owner / buyer officer
    / approver (buyer@demo.local for the STI bureau), else a demo officer without a
    password."""
    User = get_user_model()
    officers = {}
    for m in Membership.objects.filter(organisation__in=buyers, role__in=BUYER_ROLES).select_related(
        "user"
    ).order_by("pk"):
        officers.setdefault(m.organisation_id, m.user)
    for buyer in buyers:
        if buyer.pk in officers:
            continue
        user, created = User.objects.get_or_create(
            email=f"{buyer.slug}@buyers.demo.local", defaults={"display_name": buyer.name}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(organisation=buyer, user=user,
                                         defaults={"role": MembershipRole.BUYER_OFFICER})
        officers[buyer.pk] = user
    return officers


def _seed_first_sets(first_set_specs, products, owners, today) -> tuple[int, int]:
    """Units are recorded by the maker with a purchase document and confirmed by the
    buyer's officer through the first-set service (sequence under the counter lock,
    audited), some buyers beyond the three that count; insurance goes through the
    insurance service (its caps apply)."""
    buyer_rows = [(slug, OrganisationKind.GOVERNMENT_AGENCY, name, name_en, "")
                  for slug, name, name_en in D.BUYERS]
    buyers = list(_ensure_orgs(buyer_rows).values())
    sti = Organisation.objects.filter(slug="qingdao-sti-bureau").first()
    if sti is not None:
        buyers.insert(0, sti)
    buyers.sort(key=lambda o: o.slug)
    officers = _buyer_officers(buyers)
    units, policies = [], 0
    with_units = set(FirstSetUnit.objects.filter(
        product__in=[products[s["slug"]] for s in first_set_specs]
    ).values_list("product_id", flat=True))
    for j, spec in enumerate(first_set_specs):
        product = products[spec["slug"]]
        owner = owners[product.organisation.slug]
        if product.pk not in with_units:
            for b, buyer in enumerate(buyers[: 1 + j % len(buyers)]):
                count = 1 + (j + b) % 5  # some buyers pass the three that count
                for seq in range(1, count + 1):
                    unit = FirstSetUnit(
                        product=product, buyer=buyer, status=FirstSetUnit.Status.CLAIMED,
                        serial_number=f"{spec['series']}-{spec['number']}-{b + 1}{seq:02d}",
                        put_into_use_on=today - timedelta(days=300 - 20 * seq),
                        recorded_by=owner, maker_confirmed_by=owner,
                        maker_confirmed_at=timezone.now(),
                        purchase_document_name="contract.pdf",
                        purchase_document_type="application/pdf",
                    )
                    unit.purchase_document.save(upload_name("pdf"), ContentFile(_DEMO_PDF),
                                                save=False)
                    units.append(unit)
        policies += _seed_insurance(product, owner, spec, j, today)
    FirstSetUnit.objects.bulk_create(units)
    for unit in units:
        audit_log(actor=unit.recorded_by, action=CatalogAction.FIRST_SET_UNIT_CLAIMED, obj=unit,
                  data={"product": unit.product_id, "buyer": unit.buyer_id,
                        "serial_number": unit.serial_number, "demo": True})
        first_set_unit_confirm(actor=officers[unit.buyer_id], unit=unit)
    return len(units), policies


def _seed_insurance(product: Product, owner, spec: dict, j: int, today) -> int:
    """One yearly policy per first set, and a renewal (continuous) for every third,
    recorded by the maker through the insurance service (premium = insured x rate)."""
    created = 0
    starts = today - timedelta(days=200 + 30 * j)
    for year in range(2 if j % 3 == 0 else 1):
        number = f"PDEQ-{spec['series']}{spec['number']}-{year + 1}"
        insurer = D.INSURERS[j % len(D.INSURERS)]
        policy = FirstSetInsurance.objects.filter(insurer=insurer, policy_number=number).first()
        if policy is None:
            policy = first_set_insurance_record(
                actor=owner, product=product, insurer=insurer, policy_number=number,
                insured_amount=Decimal(1_000_000 + 100_000 * j),
                rate_percent=Decimal("1.50") + Decimal("0.10") * j,
                starts_on=starts, ends_on=add_years(starts, 1) - timedelta(days=1),
            )
            created += 1
        starts = policy.ends_on + timedelta(days=1)
    return created
