"""Fixed inputs of the catalogue demo seeder (Qingdao pack). Districts are region-pack
codes; a makerspace whose district the configured region does not know is skipped."""

# slug, name, English name, district, focus areas, address, specialities (maker templates key)
MAKERSPACES = [
    ("bsv-marine-tech", "蓝色硅谷海洋科技众创空间", "Blue Silicon Valley Marine Tech Makerspace",
     "blue_silicon_valley", ["marine", "marine_instruments", "marine_biomedicine"],
     "即墨区鳌山卫街道蓝色硅谷创业中心", "marine"),
    ("west-coast-new-energy", "西海岸新能源创客工场", "West Coast New Energy Maker Works",
     "huangdao", ["new_energy", "new_information_technology"],
     "黄岛区江山中路 西海岸创新园 A 座", "energy"),
    ("west-coast-new-it", "西海岸新一代信息技术众创空间", "West Coast New-generation IT Makerspace",
     "huangdao", ["new_information_technology", "marine"], "黄岛区长江西路 软件园 3 号楼", "nit"),
    ("laoshan-smart-hardware", "崂山智能硬件创客空间", "Laoshan Smart Hardware Makerspace",
     "laoshan", ["smart_hardware", "information_technology"], "崂山区松岭路 青岛国际创新园 B 座",
     "hardware"),
    ("laoshan-design-ecommerce", "崂山工业设计与跨境电商众创空间",
     "Laoshan Industrial Design and Cross-border E-commerce Hub", "laoshan",
     ["industrial_design", "cross_border_ecommerce"], "崂山区株洲路 创意设计中心", "design"),
    ("pingdu-eco-agriculture", "平度生态农业创客基地", "Pingdu Eco-agriculture Maker Base", "pingdu",
     ["eco_agriculture", "rural_ecommerce"], "平度市同和街道 农业科技园", "agri"),
    ("laixi-seed-biomedicine", "莱西种业与生物医药众创空间", "Laixi Seed and Biomedicine Makerspace",
     "laixi", ["seed_industry", "biomedicine"], "莱西市姜山镇 生物医药产业园", "bio"),
    ("laixi-industry-40", "莱西工业4.0创新工场", "Laixi Industry 4.0 Innovation Works", "laixi",
     ["industry_4_0"], "莱西市经济开发区 智能制造园", "i40"),
    ("shinan-software", "市南软件创客中心", "Shinan Software Maker Centre", "shinan",
     ["software", "cultural_creative"], "市南区香港中路 软件大厦 12 层", "software"),
    ("shibei-iot", "市北物联网众创空间", "Shibei IoT Makerspace", "shibei",
     ["internet_of_things", "industrial_internet"], "市北区辽宁路 物联网产业园", "iot"),
    ("licang-health", "李沧大健康创客空间", "Licang Health Makerspace", "licang",
     ["health", "smart_hardware"], "李沧区九水东路 健康科技城", "health"),
    ("chengyang-materials-rail", "城阳新材料与轨道交通众创空间",
     "Chengyang New Materials and Rail Transit Makerspace", "chengyang",
     ["new_materials", "rail_transit"], "城阳区春阳路 轨道交通产业示范区", "materials"),
]

SERVICES = [
    "创业辅导 · Start-up mentoring", "知识产权代理 · IP filing", "投融资对接 · Investor matching",
    "政策申报 · Grant applications", "法律咨询 · Legal advice", "市场推广 · Marketing support",
]
EQUIPMENT = {
    "marine": ["海洋环境模拟水池 · Ocean environment test tank", "盐雾试验箱 · Salt-spray chamber"],
    "energy": ["电池测试台 · Battery test bench", "光伏组件测试仪 · Solar module tester"],
    "nit": ["GPU 计算集群 · GPU cluster", "5G 测试网络 · 5G test network"],
    "hardware": ["SMT 贴片线 · SMT line", "3D 打印机 · 3D printers", "激光切割机 · Laser cutter"],
    "design": ["工业设计工作站 · Design workstations", "摄影棚 · Photo studio"],
    "agri": ["智能温室 · Smart greenhouse", "农残检测仪 · Pesticide residue tester"],
    "bio": ["P2 实验室 · BSL-2 laboratory", "PCR 仪 · PCR cyclers"],
    "i40": ["五轴加工中心 · 5-axis machining centre", "协作机器人实训台 · Cobot training cell"],
    "software": ["云开发环境 · Cloud development environment", "路演厅 · Pitch hall"],
    "iot": ["射频暗室 · RF anechoic chamber", "物联网测试床 · IoT testbed"],
    "health": ["康复评估实验室 · Rehabilitation lab", "生物信号采集系统 · Biosignal acquisition"],
    "materials": ["万能材料试验机 · Universal testing machine", "热分析仪 · Thermal analyser"],
}

# slug, name, English name, speciality key (the makerspace they are resident in)
MAKERS = [
    ("haijing-intelligence", "青岛海鲸智能科技有限公司", "Qingdao Haijing Intelligence Co., Ltd.", "marine"),
    ("blue-ocean-instruments", "青岛蓝洋仪器有限公司", "Qingdao Blue Ocean Instruments Co., Ltd.", "marine"),
    ("deep-blue-exploration", "深蓝探索（青岛）海洋技术有限公司", "Deep Blue Exploration Marine Technology", "marine"),
    ("haifeng-aquaculture", "青岛海丰养殖装备有限公司", "Qingdao Haifeng Aquaculture Equipment Co., Ltd.", "marine"),
    ("sunshine-storage", "青岛阳光储能科技有限公司", "Qingdao Sunshine Energy Storage Co., Ltd.", "energy"),
    ("hydrogen-source", "氢源动力（青岛）有限公司", "Hydrogen Source Power (Qingdao) Co., Ltd.", "energy"),
    ("seabreeze-solar", "青岛海风光伏科技有限公司", "Qingdao Seabreeze Solar Technology Co., Ltd.", "energy"),
    ("cloudsail-data", "青岛云帆数据科技有限公司", "Qingdao Cloudsail Data Technology Co., Ltd.", "nit"),
    ("xinglian-iot", "青岛星联物联网有限公司", "Qingdao Xinglian IoT Co., Ltd.", "nit"),
    ("zhigan-sensing", "青岛智感科技有限公司", "Qingdao Zhigan Sensing Technology Co., Ltd.", "hardware"),
    ("lingdong-robotics", "青岛灵动机器人有限公司", "Qingdao Lingdong Robotics Co., Ltd.", "hardware"),
    ("qingchuang-electronics", "青岛青创电子有限公司", "Qingdao Qingchuang Electronics Co., Ltd.", "hardware"),
    ("jiangxin-design", "青岛匠心工业设计有限公司", "Qingdao Jiangxin Industrial Design Co., Ltd.", "design"),
    ("kuahai-ecommerce", "青岛跨海易购电子商务有限公司", "Qingdao Kuahai Cross-border E-commerce Co., Ltd.", "design"),
    ("lvye-agriculture", "平度绿野农业科技有限公司", "Pingdu Lvye Agricultural Technology Co., Ltd.", "agri"),
    ("tianyuan-select", "平度田园优品电子商务有限公司", "Pingdu Tianyuan Select E-commerce Co., Ltd.", "agri"),
    ("fenghe-seeds", "莱西丰禾种业有限公司", "Laixi Fenghe Seed Co., Ltd.", "bio"),
    ("kangyuan-biotech", "青岛康源生物科技有限公司", "Qingdao Kangyuan Biotechnology Co., Ltd.", "bio"),
    ("jinggong-manufacturing", "莱西精工智造有限公司", "Laixi Jinggong Smart Manufacturing Co., Ltd.", "i40"),
    ("laichuang-cnc", "青岛莱创数控设备有限公司", "Qingdao Laichuang CNC Equipment Co., Ltd.", "i40"),
    ("zhanqiao-software", "青岛栈桥软件有限公司", "Qingdao Zhanqiao Software Co., Ltd.", "software"),
    ("wenlan-creative", "青岛文澜文化创意有限公司", "Qingdao Wenlan Cultural Creative Co., Ltd.", "software"),
    ("huilian-industrial", "青岛汇联工业互联网有限公司", "Qingdao Huilian Industrial Internet Co., Ltd.", "iot"),
    ("wuyu-sensors", "青岛物语传感技术有限公司", "Qingdao Wuyu Sensor Technology Co., Ltd.", "iot"),
    ("ankang-medical", "青岛安康医疗器械有限公司", "Qingdao Ankang Medical Devices Co., Ltd.", "health"),
    ("jianxing-wearables", "青岛健行可穿戴科技有限公司", "Qingdao Jianxing Wearable Technology Co., Ltd.", "health"),
    ("guidao-materials", "青岛轨道新材料有限公司", "Qingdao Rail New Materials Co., Ltd.", "materials"),
    ("tanxian-carbon", "青岛碳纤科技有限公司", "Qingdao Tanxian Carbon Fibre Technology Co., Ltd.", "materials"),
    ("xuehai-sensor-lab", "青岛雪海传感实验室有限公司", "Qingdao Xuehai Sensor Lab Co., Ltd.", "hardware"),
]

# speciality -> [(category slug, noun, English noun, scenario, English scenario)]
PRODUCT_TEMPLATES = {
    "marine": [
        ("buoys", "海洋监测浮标", "ocean monitoring buoy", "近海生态监测", "coastal ecosystem monitoring"),
        ("buoys", "波浪能供电浮标", "wave-powered buoy", "远海无人值守观测", "unattended offshore observation"),
        ("marine-instruments", "温盐深传感器", "CTD sensor", "海洋调查船", "research vessels"),
        ("marine-instruments", "溶解氧传感器", "dissolved oxygen sensor", "海水养殖水质监控", "aquaculture water quality"),
        ("underwater-robots", "水下巡检机器人", "underwater inspection robot", "港口与管线巡检", "port and pipeline inspection"),
        ("aquaculture-equipment", "智能投饵机", "smart fish feeder", "深远海养殖", "offshore aquaculture"),
        ("marine-biomedicine", "海藻多糖提取物", "seaweed polysaccharide extract", "功能食品原料", "functional food ingredients"),
    ],
    "energy": [
        ("solar", "双面光伏组件", "bifacial solar module", "分布式光伏电站", "distributed solar plants"),
        ("energy-storage", "储能电池柜", "battery storage cabinet", "工商业储能", "commercial energy storage"),
        ("hydrogen", "氢燃料电池电堆", "hydrogen fuel cell stack", "港口物流车辆", "port logistics vehicles"),
        ("ev-charging", "智能充电桩", "smart EV charger", "社区充电", "residential charging"),
        ("energy-storage", "电池管理系统", "battery management system", "储能电站", "storage power stations"),
    ],
    "nit": [
        ("iot-modules", "边缘计算网关", "edge computing gateway", "智慧港口", "smart ports"),
        ("industrial-software", "海洋大数据平台", "marine big data platform", "海洋管理部门", "marine authorities"),
        ("sensors", "边缘计算传感节点", "edge computing sensor node", "工业现场监测", "industrial field monitoring"),
        ("saas", "智慧园区管理平台", "smart park management platform", "产业园区运营", "industrial park operations"),
    ],
    "hardware": [
        ("sensors", "温湿度传感器", "temperature and humidity sensor", "仓储环境监测", "warehouse monitoring"),
        ("sensors", "激光测距传感器", "laser distance sensor", "自动化产线", "automated production lines"),
        ("wearables", "智能手环", "smart wristband", "日常健康管理", "everyday health tracking"),
        ("robotics", "商用服务机器人", "commercial service robot", "酒店与展厅", "hotels and showrooms"),
        ("drones", "电力巡检无人机", "power line inspection drone", "电网巡检", "grid inspection"),
        ("iot-modules", "低功耗蓝牙模组", "Bluetooth low energy module", "智能家居", "smart homes"),
    ],
    "design": [
        ("consumer-products", "便携式咖啡机", "portable coffee maker", "户外露营", "outdoor camping"),
        ("cultural-creative", "海洋主题文创礼盒", "ocean-themed gift box", "城市礼品", "city gifts"),
        ("cross-border-ecommerce", "跨境电商选品工具", "cross-border e-commerce product research tool", "外贸企业", "exporters"),
        ("consumer-products", "智能护眼台灯", "smart eye-care desk lamp", "学生学习", "students"),
    ],
    "agri": [
        ("smart-farming", "土壤墒情传感器", "soil moisture sensor", "大田种植", "field crops"),
        ("smart-farming", "温室环境控制器", "greenhouse climate controller", "设施农业", "greenhouse farming"),
        ("food-processing", "有机蔬菜冷链箱", "organic vegetable cold-chain box", "农村电商配送", "rural e-commerce delivery"),
        ("drones", "植保无人机", "crop-spraying drone", "病虫害防治", "pest control"),
    ],
    "bio": [
        ("seeds", "耐盐碱小麦种子", "salt-tolerant wheat seed", "盐碱地改良", "saline land farming"),
        ("seeds", "高产花生良种", "high-yield peanut seed", "花生主产区", "peanut growing regions"),
        ("diagnostics", "快速检测试剂盒", "rapid test kit", "基层医疗机构", "primary care clinics"),
        ("medical-devices", "便携式血氧仪", "portable pulse oximeter", "家庭健康监测", "home health monitoring"),
    ],
    "i40": [
        ("industrial-robots", "协作机械臂", "collaborative robot arm", "柔性装配", "flexible assembly"),
        ("additive-manufacturing", "工业级3D打印机", "industrial 3D printer", "模具快速制造", "rapid tooling"),
        ("industrial-software", "设备预测性维护系统", "predictive maintenance system", "离散制造工厂", "discrete manufacturing"),
        ("sensors", "振动监测传感器", "vibration monitoring sensor", "旋转设备健康监测", "rotating machinery health"),
    ],
    "software": [
        ("saas", "文旅票务云平台", "tourism ticketing cloud platform", "景区运营", "scenic area operators"),
        ("industrial-software", "低代码开发平台", "low-code development platform", "政企数字化", "public sector digitalisation"),
        ("cultural-creative", "数字文创设计服务", "digital creative design service", "城市品牌推广", "city branding"),
    ],
    "iot": [
        ("iot-modules", "NB-IoT 通信模组", "NB-IoT communication module", "智能表计", "smart metering"),
        ("sensors", "智能水表传感器", "smart water meter sensor", "城市供水管网", "urban water networks"),
        ("industrial-software", "工业互联网平台", "industrial internet platform", "中小制造企业", "small manufacturers"),
    ],
    "health": [
        ("wearables", "心率监测手表", "heart-rate monitoring watch", "慢病管理", "chronic disease care"),
        ("medical-devices", "康复训练机器人", "rehabilitation training robot", "康复医院", "rehabilitation hospitals"),
        ("sensors", "跌倒检测传感器", "fall detection sensor", "养老机构", "elderly care homes"),
    ],
    "materials": [
        ("new-materials", "碳纤维复合板", "carbon fibre composite panel", "轨道车辆轻量化", "lightweight rail vehicles"),
        ("new-materials", "石墨烯导热膜", "graphene thermal film", "电子散热", "electronics cooling"),
        ("industrial-robots", "轨道巡检机器人", "rail inspection robot", "地铁隧道巡检", "metro tunnel inspection"),
    ],
}

QUALIFIERS = [
    ("智能", "Smart"), ("便携式", "Portable"), ("低功耗", "Low-power"), ("高精度", "High-precision"),
    ("第二代", "Second-generation"), ("紧凑型", "Compact"), ("模块化", "Modular"), ("", ""),
]
SERIES = ["QD", "HX", "LS", "BX", "XH", "JM", "PD", "LX"]

# The flagship product the search tests and the demo walk-through rely on.
FLAGSHIP = {
    "slug": "ocean-buoy-drone",
    "name": "海洋浮标无人机",
    "name_en": "Ocean buoy drone",
    "summary": "自主布放与回收海洋监测浮标的无人机，续航 90 分钟，抗 6 级风。",
    "summary_en": "A drone that deploys and recovers ocean monitoring buoys on its own: 90 minutes "
                  "of flight, flies in force-6 wind.",
    "category": "buoys",
}

BUYERS = [
    ("qingdao-ocean-development-bureau", "青岛市海洋发展局", "Qingdao Ocean Development Bureau"),
    ("west-coast-public-utilities", "西海岸新区公用事业集团", "West Coast New Area Public Utilities Group"),
]
INSURERS = [
    "中国人民财产保险股份有限公司青岛市分公司",
    "中国太平洋财产保险股份有限公司青岛分公司",
    "中国平安财产保险股份有限公司青岛分公司",
]
