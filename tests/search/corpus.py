"""A small bilingual catalogue every backend is tested against, built with the shared
factories: products are published and withdrawn through the product state machine,
certifications granted through the certification services."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone

from catalog.models import Category, Certification, Makerspace, Product
from search.indexing import rebuild
from tests.catalog.factories import (
    CategoryFactory,
    MakerspaceFactory,
    ProductFactory,
    PublishedProductFactory,
    WithdrawnProductFactory,
    certification_in,
    certified,
)
from tests.factories import OrganisationFactory


@dataclass
class Corpus:
    marine: Category
    buoys: Category
    hardware: Category
    sensors: Category
    blue: Makerspace
    laoshan: Makerspace
    buoy: Product
    sensor: Product
    robot: Product
    data: Product
    draft: Product
    withdrawn: Product

    @property
    def published(self) -> list[Product]:
        return [self.buoy, self.sensor, self.robot, self.data]


def build_corpus() -> Corpus:
    now = timezone.now()
    marine = CategoryFactory(slug="t-marine", name="海洋装备", name_en="Marine equipment")
    buoys = CategoryFactory(slug="t-buoys", parent=marine, name="浮标", name_en="Buoys")
    hardware = CategoryFactory(slug="t-hardware", name="智能硬件", name_en="Smart hardware")
    sensors = CategoryFactory(slug="t-sensors", parent=hardware, name="传感器",
                              name_en="Sensors")
    blue = MakerspaceFactory(
        slug="t-blue-valley", name="蓝谷海洋创客空间", name_en="Blue Valley Marine Makerspace",
        district="blue_silicon_valley", description="专注海洋科技的众创空间",
        description_en="A makerspace for marine technology", focus_areas=["marine"],
    )
    laoshan = MakerspaceFactory(
        slug="t-laoshan-lab", name="崂山智能硬件实验室", name_en="Laoshan Hardware Lab",
        district="laoshan", description="智能硬件与物联网", description_en="Smart hardware and IoT",
    )
    seagull = OrganisationFactory(name="海鸥科技", name_en="Seagull Tech", district="jimo")
    buoy = PublishedProductFactory(
        organisation=seagull, makerspace=blue, category=buoys, name="海洋浮标无人机",
        name_en="Ocean buoy drone", summary="用于近海水文监测的浮标无人机",
        summary_en="A buoy drone for coastal hydrology monitoring",
        description="<p>搭载多种<b>水文</b>仪器，续航三十天。</p>",
        description_en="<p>Carries hydrology instruments for thirty days.</p>",
        stage="prototype", price_amount=Decimal("12000.00"), is_first_set=True,
        first_set_catalogue_ref="SD-2026-001", published_at=now - timedelta(days=3),
    )
    sensor = PublishedProductFactory(
        makerspace=laoshan, category=sensors, name="智能水质传感器",
        name_en="Smart water quality sensor", summary="实时监测水质的物联网传感器",
        summary_en="An IoT sensor that monitors water quality in real time",
        description="<p>支持 5G 模组。</p>", description_en="<p>Supports 5G modules.</p>",
        stage="on_market", price_amount=Decimal("800.00"), published_at=now - timedelta(days=2),
    )
    robot = PublishedProductFactory(
        organisation=seagull, makerspace=blue, category=marine, name="水下机器人",
        name_en="Underwater robot", summary="用于海洋牧场巡检", summary_en="Inspects sea ranches",
        stage="first_batch", price_amount=Decimal("250000.00"),
        published_at=now - timedelta(days=1),
    )
    data = PublishedProductFactory(
        organisation=seagull, category=marine, name="海洋数据<服务> & 平台",
        name_en="Ocean data platform", summary="海洋观测数据", summary_en="Ocean observation data",
        stage="on_market", price_amount=None, published_at=now,
    )
    draft = ProductFactory(
        makerspace=blue, category=buoys, name="海洋草稿样机", name_en="Ocean draft prototype",
    )
    withdrawn = WithdrawnProductFactory(
        makerspace=blue, category=buoys, name="海洋撤回产品", name_en="Ocean withdrawn gadget",
    )
    certified(buoy)
    # certified 400 days ago for a window that ended yesterday: not certified any more
    with time_machine.travel(now - timedelta(days=400), tick=False):
        today = timezone.localdate()
        certification_in(Certification.Status.CERTIFIED, product=robot, valid_from=today,
                         valid_until=today + timedelta(days=399))
    return Corpus(marine, buoys, hardware, sensors, blue, laoshan, buoy, sensor, robot, data,
                  draft, withdrawn)


def index_corpus(backend) -> None:
    rebuild("product", backend=backend)
    rebuild("makerspace", backend=backend)
