"""The default category tree (reference data). Loaded by migration 0003 and re-ensured by
the demo seeder; staff extend it in the admin. Each node: (slug, name, English name,
children)."""

from __future__ import annotations

DEFAULT_TREE: list[tuple[str, str, str, list]] = [
    ("smart-hardware", "智能硬件", "Smart hardware", [
        ("sensors", "传感器", "Sensors", []),
        ("wearables", "可穿戴设备", "Wearables", []),
        ("robotics", "服务机器人", "Service robots", []),
        ("drones", "无人机", "Drones", []),
        ("iot-modules", "物联网模组", "IoT modules", []),
    ]),
    ("marine-equipment", "海洋装备", "Marine equipment", [
        ("buoys", "浮标", "Buoys", []),
        ("underwater-robots", "水下机器人", "Underwater robots", []),
        ("marine-instruments", "海洋仪器仪表", "Marine instruments", []),
        ("aquaculture-equipment", "海水养殖装备", "Aquaculture equipment", []),
    ]),
    ("new-energy", "新能源", "New energy", [
        ("solar", "光伏", "Solar power", []),
        ("energy-storage", "储能", "Energy storage", []),
        ("hydrogen", "氢能", "Hydrogen", []),
        ("ev-charging", "充电设施", "EV charging", []),
    ]),
    ("biomedicine", "生物医药", "Biomedicine", [
        ("medical-devices", "医疗器械", "Medical devices", []),
        ("diagnostics", "体外诊断", "Diagnostics", []),
        ("marine-biomedicine", "海洋生物医药", "Marine biomedicine", []),
    ]),
    ("agritech", "农业科技", "Agricultural technology", [
        ("seeds", "种业", "Seeds", []),
        ("smart-farming", "智慧农业", "Smart farming", []),
        ("food-processing", "农产品加工", "Food processing", []),
    ]),
    ("industrial-design", "工业设计", "Industrial design", [
        ("consumer-products", "消费品设计", "Consumer products", []),
        ("cultural-creative", "文创产品", "Cultural and creative products", []),
    ]),
    ("advanced-manufacturing", "先进制造", "Advanced manufacturing", [
        ("industrial-robots", "工业机器人", "Industrial robots", []),
        ("additive-manufacturing", "数控与增材制造", "CNC and 3D printing", []),
        ("new-materials", "新材料", "New materials", []),
    ]),
    ("software-services", "软件服务", "Software services", [
        ("industrial-software", "工业软件", "Industrial software", []),
        ("saas", "SaaS 平台", "SaaS platforms", []),
        ("cross-border-ecommerce", "跨境电商服务", "Cross-border e-commerce services", []),
    ]),
]


def category_tree_ensure(category_model, tree=None) -> int:
    """Create the missing nodes of ``tree`` (by slug); never renames or moves existing
    ones. Works with the historical model in migrations, so the path is computed here
    rather than in ``Category.save()``. Returns the number of nodes created."""
    created = 0

    def walk(nodes, parent):
        nonlocal created
        for position, (slug, name, name_en, children) in enumerate(nodes):
            node = category_model.objects.filter(slug=slug).first()
            if node is None:
                node = category_model.objects.create(
                    slug=slug, name=name, name_en=name_en, parent=parent, position=position,
                    path=f"{parent.path}/{slug}" if parent is not None else slug,
                )
                created += 1
            walk(children, node)

    walk(DEFAULT_TREE if tree is None else tree, None)
    return created
