"""Reward crowdfunding demo data (seeder order 70, after the catalogue and payments):
campaigns of the demo makers in every state, with rewards and backers, and one live
campaign that ends a few minutes after the seed, so a person running ``run.sh`` sees the
chronograph close it and settle it against the fake Stripe server.

Everything goes through the services (audited), as makers, staff and backers would. Dates
in the past are set on the rows before the transition that reads them (a demo campaign
launched weeks ago), never by a status written by hand. The seeder runs inside
``seed_demo``'s transaction and calls no provider: settlements it needs are enqueued and
run after commit, in the worker. Idempotent: a campaign is found by its title and maker.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from crowdfunding.models import Campaign, FundingModel
from crowdfunding.services.campaigns import (
    campaign_approve,
    campaign_cancel,
    campaign_close,
    campaign_create,
    campaign_launch,
    campaign_mark_fulfilled,
    campaign_request_changes,
    campaign_start_fulfilment,
    campaign_submit,
)
from crowdfunding.services.pledges import pledge_create
from crowdfunding.services.settlement import settlement_processes
from crowdfunding.services.tiers import tier_create
from marketplace.accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationVerification,
    User,
)
from marketplace.core.demo import demo_seeder
from marketplace.core.tasks import enqueue
from marketplace.payments.models import SavedPaymentMethod

S = Campaign.Status
BACKERS = 12
DEMO_CARD = "pm_card_visa"
ENDING_SOON = timedelta(minutes=5)
STORY = ("<p>我们把创客空间里打磨了两年的原型带到量产。每一份支持都直接用于首批模具、认证检测和"
         "包装。</p><p>We are taking a prototype refined for two years in our makerspace to its "
         "first production run. Every pledge goes to tooling, certification tests and "
         "packaging.</p>")

# title, target state, funding model, goal, (tier title, price, quantity), backers' share
CAMPAIGNS = [
    ("海洋水质传感浮标 · Ocean water-quality buoy", S.LIVE, FundingModel.ALL_OR_NOTHING,
     "20000", (("早鸟 Early bird", "299", 40), ("标准 Standard", "399", None)), 8),
    ("桌面级激光雕刻机 · Desktop laser engraver (ends in minutes)", "ending_soon",
     FundingModel.ALL_OR_NOTHING, "1500", (("首批 First batch", "499", 20),), 5),
    ("社区堆肥监测套件 · Community compost kit", S.LIVE, FundingModel.FLEXIBLE, "8000",
     (("套件 Kit", "159", None),), 0),
    ("智能助行手杖 · Smart walking cane", S.FUNDED, FundingModel.THRESHOLD, "3000",
     (("支持者 Supporter", "260", 30),), 10),
    ("模块化种植墙 · Modular planting wall", S.FAILED, FundingModel.ALL_OR_NOTHING, "90000",
     (("一面墙 One wall", "880", None),), 3),
    ("开源电子积木 · Open electronics blocks", S.FULFILLING, FundingModel.ALL_OR_NOTHING,
     "1000", (("入门 Starter", "120", None),), 9),
    ("便携式光谱仪 · Pocket spectrometer", S.FULFILLED, FundingModel.ALL_OR_NOTHING, "1000",
     (("一台 One unit", "199", None),), 6),
    ("太阳能露营灯 · Solar camping lantern", S.CANCELED, FundingModel.ALL_OR_NOTHING, "5000",
     (("一盏 One lantern", "99", None),), 2),
    ("儿童编程机器人 · Coding robot for children", S.APPROVED, FundingModel.ALL_OR_NOTHING,
     "12000", (("家庭版 Family", "349", 100),), 0),
    ("可降解打印线材 · Compostable filament", S.SUBMITTED, FundingModel.ALL_OR_NOTHING,
     "6000", (("一卷 One spool", "89", None),), 0),
    ("水下无人机 · Underwater drone", S.CHANGES_REQUESTED, FundingModel.ALL_OR_NOTHING,
     "50000", (("探索者 Explorer", "2999", 30),), 0),
    ("木工数控雕刻 · Woodworking CNC", S.DRAFT, FundingModel.ALL_OR_NOTHING, "30000",
     (("一台 One machine", "4999", 10),), 0),
]


def _staff() -> User | None:
    return User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()


def _makers() -> list[tuple[Organisation, User]]:
    """Verified maker companies with an owner and a published product, demo-maker first."""
    from catalog.models import Product

    found = []
    for organisation in (Organisation.objects.filter(
            kind=OrganisationKind.MAKER_COMPANY,
            verification_status=OrganisationVerification.VERIFIED,
            products__status=Product.Status.PUBLISHED).distinct().order_by("pk")):
        owner = (Membership.objects.filter(organisation=organisation, role=MembershipRole.OWNER)
                 .select_related("user").order_by("pk").first())
        if owner is not None:
            found.append((organisation, owner.user))
    found.sort(key=lambda pair: pair[0].slug != "demo-maker")
    return found


def _backers() -> list[tuple[User, SavedPaymentMethod]]:
    """Demo backers with a saved test card each (the fake Stripe server charges the test
    token off-session; the pledges of a settlement need no customer there)."""
    backers = []
    for i in range(1, BACKERS + 1):
        user, made = User.objects.get_or_create(
            email=f"backer{i}@backers.demo.local", defaults={"display_name": f"支持者 {i}"})
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        card, _ = SavedPaymentMethod.objects.get_or_create(
            owner=user, provider_payment_method_id=DEMO_CARD,
            defaults={"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2034,
                      "off_session_consent": True, "status": SavedPaymentMethod.Status.ACTIVE})
        backers.append((user, card))
    return backers


def _launch_in_the_past(campaign: Campaign, now, *, days_ago: int) -> None:
    """Launch as the chronograph did ``days_ago`` days ago (the launch time moved back
    first, as a maker may move it before the launch)."""
    launch_at = now - timedelta(days=days_ago)
    Campaign.objects.filter(pk=campaign.pk).update(launch_at=launch_at)
    campaign.refresh_from_db()
    campaign_launch(campaign=campaign, now=launch_at)


def _back(campaign: Campaign, backers, count: int) -> int:
    tiers = list(campaign.tiers.order_by("pk"))
    made = 0
    for i, (user, card) in enumerate(backers[:count]):
        tier = tiers[i % len(tiers)]
        pledge_create(actor=user, campaign=campaign, tier=tier.pk, amount=str(tier.price.amount),
                      payment_method=card.pk, anonymous=(i % 4 == 3))
        made += 1
    return made


def _end(campaign: Campaign, now, target: str) -> None:
    """The deadline passed (moved to just now), then the chronograph's close. A funded
    campaign is settled after the commit, in the worker; one shown sending or having
    sent its rewards gets there once settled (``demo_fulfil``)."""
    Campaign.objects.filter(pk=campaign.pk).update(ends_at=now - timedelta(seconds=1))
    campaign.refresh_from_db()
    campaign_close(campaign=campaign, now=now)
    if campaign.status != S.FUNDED:
        return
    if target in (S.FULFILLING, S.FULFILLED):
        enqueue("crowdfunding.tasks.demo_fulfil", campaign.pk, target == S.FULFILLED)
    elif campaign.funding_model != FundingModel.FLEXIBLE:
        for part in range(settlement_processes()):
            enqueue("crowdfunding.tasks.settlement_run", campaign.pk, part,
                    settlement_processes())


def demo_fulfil(*, campaign_id: int, fulfilled: bool) -> str:
    """Settle a demo campaign (outside any transaction), then start sending its rewards
    and, when asked, mark them sent, as its maker."""
    from crowdfunding.services.settlement import settlement_run

    settlement_run(campaign_id=campaign_id)
    campaign = Campaign.objects.get(pk=campaign_id)
    maker = (Membership.objects.filter(organisation_id=campaign.organisation_id,
                                       role=MembershipRole.OWNER).order_by("pk").first().user)
    if campaign.status == S.FUNDED:
        campaign_start_fulfilment(actor=maker, campaign=campaign)
    if fulfilled and campaign.status == S.FULFILLING:
        campaign_mark_fulfilled(actor=maker, campaign=campaign)
    return campaign.status


def _build(spec, organisation, maker, staff, backers, now) -> Campaign:
    from catalog.models import Product

    title, target, model, goal, tiers, backed = spec
    product = (Product.objects.filter(organisation=organisation, status=Product.Status.PUBLISHED)
               .order_by("pk").first())
    days = 30 if target in (S.LIVE, S.APPROVED, S.SUBMITTED, S.DRAFT, S.CHANGES_REQUESTED) else 20
    campaign = campaign_create(
        actor=maker, organisation=organisation, title=title, goal_amount=goal,
        duration_days=days, products=[product.pk], funding_model=model,
        threshold_percent=60 if model == FundingModel.THRESHOLD else None,
        launch_at=now + timedelta(days=2), summary=title.split(" · ")[-1], story=STORY)
    for tier_title, price, quantity in tiers:
        tier_create(actor=maker, campaign=campaign, title=tier_title, price=price,
                    estimated_delivery=(now + timedelta(days=120)).strftime("%Y-%m"),
                    quantity=quantity)
    if target == S.DRAFT:
        return campaign
    campaign_submit(actor=maker, campaign=campaign)
    if target == S.SUBMITTED:
        return campaign
    if target == S.CHANGES_REQUESTED:
        campaign_request_changes(actor=staff, campaign=campaign,
                                 reason="请补充防水等级的检测报告。Please add the waterproofing test report.")
        return campaign
    campaign_approve(actor=staff, campaign=campaign)
    if target == S.APPROVED:
        return campaign
    if target == "ending_soon":
        # live for a day already; its deadline a few minutes from now
        _launch_in_the_past(campaign, now, days_ago=days - 1)
        _back(campaign, backers, backed)
        Campaign.objects.filter(pk=campaign.pk).update(ends_at=now + ENDING_SOON)
        return campaign
    _launch_in_the_past(campaign, now, days_ago=10 if target == S.LIVE else days - 1)
    _back(campaign, backers, backed)
    if target == S.LIVE:
        return campaign
    if target == S.CANCELED:
        campaign_cancel(actor=maker, campaign=campaign,
                        reason="核心部件供应商停产。Our key component supplier stopped production.")
        return campaign
    _end(campaign, now, target)
    return campaign


@demo_seeder("crowdfunding", order=70)
def seed_crowdfunding(log) -> dict:
    makers, staff = _makers(), _staff()
    if not makers or staff is None:
        log("crowdfunding demo skipped: no verified maker with a published product, or no staff")
        return {"campaigns": 0}
    backers = _backers()
    now = timezone.now()
    made = 0
    for i, spec in enumerate(CAMPAIGNS):
        organisation, maker = makers[i % len(makers)]
        if Campaign.objects.filter(title=spec[0], organisation=organisation).exists():
            continue
        with transaction.atomic():
            _build(spec, organisation, maker, staff, backers, now)
        made += 1
    counts = dict(Campaign.objects.values_list("status").annotate(n=Count("pk"))
                  .order_by("status"))
    log(f"crowdfunding: {made} campaign(s) made; by status {counts}")
    return {"campaigns": Campaign.objects.count(), "made": made}
