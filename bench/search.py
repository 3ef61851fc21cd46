"""Search benchmark: PostgreSQL database backend and Elasticsearch backend (osmem).

    python bench/search.py                      # 100,000 products, DATABASE_URL
    python bench/search.py --products 20000 --queries 300 --skip-es

Database: DATABASE_URL when set (it must be PostgreSQL), else a dedicated
``marketplace_bench`` database on 127.0.0.1:5432, created and migrated if missing.
Products are generated once per size from a fixed seed (bilingual names with a unique
model number, as the demo's: ``智能水质传感器 LS-147`` / ``Smart water quality sensor
LS-147``; summaries and descriptions from a Zipf-weighted vocabulary, categories of the
default tree, 40 makerspaces over the region's districts, ~15 % certified, ~5 % first
sets) and reused by later runs with the same ``--products``.

Measured, in one process on the same machine:
  * db_index_s: rebuild of the product index by the database backend (bulk upsert with
    tsvectors, in one transaction, plus ANALYZE);
  * db_p50/p95/p99_ms: 500 mixed searches in-process through ``search.service.search``
    (text + 2 facet filters + a price filter, 20 results with every facet's counts);
  * api_*_ms: the same searches through ``/api/search/`` with Django's test Client
    (in-process WSGI: middleware, DRF, serialisation; no network, no HTTP server);
  * queries_per_request: SQL statements of one search page request and one API request
    at page size 20 and 100 (CaptureQueriesContext);
  * baseline_*: ``SELECT 1`` and a primary-key lookup, to judge the machine's noise;
  * known_item_at_1_name / known_item_at_1_code / typo_at_10: relevance, for 200
    products drawn at random: the share found at rank 1 by its full Chinese and English
    name, at rank 1 by its model number in four spellings (``LS-147``, ``LS 147``,
    ``LS147``, ``ls147``), and in the top 10 by its English name with one letter wrong;
    ``typo_name_at_10``: the same typo in the name without its model number (which alone
    would find the product), a product of that name in the top 10
    (``relevance_p95_ms``: the latency of those searches);
  * es_*: rebuild and the same searches against osmem-server (an in-memory
    OpenSearch-compatible test server, *not* Elasticsearch: a functional comparison),
    and the same relevance measure for ``--es-relevance`` products.

The last line of the output is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB_URL = "postgres://postgres@127.0.0.1:5432/marketplace_bench"
SLUG_PREFIX = "bench-"
SERIES = ["LS", "QD", "HX", "BX", "XH", "JM", "PD", "LX"]

# (zh, en) vocabulary; earlier words are more frequent (Zipf weights)
NOUNS = [
    ("传感器", "sensor"), ("浮标", "buoy"), ("无人机", "drone"), ("机器人", "robot"),
    ("控制器", "controller"), ("模组", "module"), ("电池", "battery"), ("平台", "platform"),
    ("监测仪", "monitor"), ("网关", "gateway"), ("相机", "camera"), ("光伏板", "solar panel"),
    ("储能柜", "storage cabinet"), ("充电桩", "charger"), ("显微镜", "microscope"),
    ("检测试剂", "test kit"), ("种子", "seed"), ("灌溉系统", "irrigation system"),
    ("打印机", "printer"), ("机械臂", "robotic arm"), ("雷达", "radar"), ("声呐", "sonar"),
    ("水泵", "pump"), ("阀门", "valve"), ("芯片", "chip"), ("软件", "software"),
    ("耳机", "headset"), ("手环", "wristband"), ("灯具", "lamp"), ("服务", "service"),
]
ADJECTIVES = [
    ("智能", "smart"), ("海洋", "marine"), ("水下", "underwater"), ("便携式", "portable"),
    ("工业", "industrial"), ("低功耗", "low-power"), ("高精度", "high-precision"),
    ("新能源", "new-energy"), ("医用", "medical"), ("农业", "agricultural"),
    ("无线", "wireless"), ("模块化", "modular"), ("自主", "autonomous"), ("环保", "eco"),
    ("微型", "micro"), ("多功能", "multi-purpose"), ("远程", "remote"), ("防水", "waterproof"),
    ("柔性", "flexible"), ("数字", "digital"),
]
DOMAINS = [
    ("水质", "water quality"), ("近海", "coastal"), ("养殖", "aquaculture"), ("电网", "grid"),
    ("物流", "logistics"), ("仓储", "warehouse"), ("医院", "hospital"), ("农田", "farmland"),
    ("工厂", "factory"), ("城市", "city"), ("家庭", "home"), ("港口", "port"),
    ("气象", "weather"), ("交通", "traffic"), ("实验室", "laboratory"), ("校园", "campus"),
]
PHRASES = [
    ("实时监测", "monitors in real time"), ("续航三十天", "runs for thirty days"),
    ("支持远程升级", "supports remote upgrades"), ("精度达到毫米级", "reaches millimetre precision"),
    ("适用于恶劣环境", "works in harsh environments"), ("降低运维成本", "cuts maintenance costs"),
    ("通过国家认证", "is nationally certified"), ("开放接口", "offers open interfaces"),
    ("本地化数据处理", "processes data locally"), ("一键部署", "deploys in one step"),
    ("支持 5G 通信", "supports 5G communication"), ("模块可替换", "has replaceable modules"),
]
STAGES = ["prototype", "first_batch", "on_market"]


def zipf_choice(rng: random.Random, items: list, s: float = 0.8):
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    return rng.choices(items, weights=weights, k=1)[0]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(values: list[float]) -> dict:
    return {"p50": round(percentile(values, 50), 2), "p95": round(percentile(values, 95), 2),
            "p99": round(percentile(values, 99), 2), "mean": round(statistics.mean(values), 2)}


# ---------------------------------------------------------------------------------------
# set-up


def prepare_database() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = BENCH_DB_URL
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres",
                             autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = 'marketplace_bench'").fetchone()
            if not exists:
                conn.execute("CREATE DATABASE marketplace_bench")
        os.environ["DATABASE_URL"] = url
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/search.py measures PostgreSQL: DATABASE_URL must be a postgres:// URL")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")
    # a throwaway key: the benchmark signs nothing anyone keeps (DEBUG stays off)
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "0" * 50)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,testserver")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # no line per Elasticsearch request
    # measure the search, not the API rate limit (120 anonymous requests a minute)
    os.environ.setdefault("API_THROTTLE_ANON", "1000000/min")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def generate(n: int, seed: int) -> float:
    """Create ``n`` bench products (unless they exist). Returns seconds spent."""
    from django.db import transaction
    from django.utils import timezone

    from catalog.models import Category, Certification, Makerspace, Product
    from marketplace.accounts.models import Organisation, OrganisationKind, User
    from marketplace.core.regions import region_pack

    bench = Product.objects.filter(slug__startswith=SLUG_PREFIX)
    # products of an older generator (no model number) are generated anew
    if bench.count() == n and not bench.filter(model_code="").exists():
        return 0.0
    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        Certification.objects.filter(product__slug__startswith=SLUG_PREFIX).delete()
        Product.objects.filter(slug__startswith=SLUG_PREFIX).delete()
        districts = [d["code"] for d in region_pack()["districts"]]
        user, _ = User.objects.get_or_create(email="bench@example.org")
        orgs = []
        for i in range(300):
            org, _ = Organisation.objects.get_or_create(
                slug=f"{SLUG_PREFIX}maker-{i}",
                defaults={"kind": OrganisationKind.MAKER_COMPANY, "name": f"创客科技{i}号",
                          "name_en": f"Maker Tech {i}", "district": rng.choice(districts)})
            orgs.append(org)
        operator, _ = Organisation.objects.get_or_create(
            slug=f"{SLUG_PREFIX}operator",
            defaults={"kind": OrganisationKind.MAKERSPACE, "name": "空间运营方",
                      "name_en": "Space operator"})
        spaces = []
        for i in range(40):
            adj_zh, adj_en = ADJECTIVES[i % len(ADJECTIVES)]
            space, _ = Makerspace.objects.get_or_create(
                slug=f"{SLUG_PREFIX}space-{i}",
                defaults={"name": f"{adj_zh}众创空间{i}", "name_en": f"{adj_en.title()} Space {i}",
                          "district": districts[i % len(districts)], "operator": operator,
                          "description": "面向创客的共享空间", "description_en": "A shared space"})
            spaces.append(space)
        leaves = [c for c in Category.objects.all() if not c.children.exists()] or list(
            Category.objects.all())
        now = timezone.now()
        batch, certified = [], []
        for i in range(n):
            adj, noun, dom = zipf_choice(rng, ADJECTIVES), zipf_choice(rng, NOUNS), zipf_choice(
                rng, DOMAINS)
            adj2 = zipf_choice(rng, ADJECTIVES)
            phrases = rng.sample(PHRASES, 3)
            price = None if rng.random() < 0.08 else Decimal(
                round(10 ** rng.uniform(1.5, 6.5), 2)).quantize(Decimal("0.01"))
            first_set = rng.random() < 0.05
            code = f"{SERIES[i % len(SERIES)]}-{100 + i}"
            batch.append(Product(
                organisation=rng.choice(orgs),
                makerspace=rng.choice(spaces) if rng.random() < 0.85 else None,
                category=rng.choice(leaves),
                slug=f"{SLUG_PREFIX}{i}",
                name=f"{adj[0]}{dom[0]}{noun[0]} {code}",
                name_en=f"{adj[1].title()} {dom[1]} {noun[1]} {code}", model_code=code,
                summary=f"{adj2[0]}{noun[0]}，{phrases[0][0]}，{phrases[1][0]}",
                summary_en=f"A {adj2[1]} {noun[1]} that {phrases[0][1]} and {phrases[1][1]}",
                description=f"<p>本产品面向{dom[0]}场景，{phrases[2][0]}。"
                            f"{adj[0]}{noun[0]}由创客团队研发，{phrases[0][0]}。</p>",
                description_en=f"<p>Built for {dom[1]} use, it {phrases[2][1]}. "
                               f"This {adj[1]} {noun[1]} {phrases[0][1]}.</p>",
                price_amount=price, price_currency="CNY", stage=rng.choice(STAGES),
                stock=rng.randint(0, 500), status=Product.Status.PUBLISHED,
                is_first_set=first_set,
                first_set_catalogue_ref=f"SD-{i:06d}" if first_set else "",
                published_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 720)),
            ))
            if len(batch) >= 5000:
                certified += _flush(batch, rng)
                batch = []
        certified += _flush(batch, rng)
        today = timezone.localdate()
        Certification.objects.bulk_create([
            Certification(product_id=pk, applicant=user, status="certified",
                          certificate_number=f"BENCH-{pk}", valid_from=today - timedelta(days=30),
                          valid_until=today + timedelta(days=300)) for pk in certified
        ], batch_size=5000)
    return time.perf_counter() - started


def _flush(batch, rng) -> list[int]:
    from catalog.models import Product

    created = Product.objects.bulk_create(batch, batch_size=5000)
    return [p.pk for p in created if rng.random() < 0.15]


# ---------------------------------------------------------------------------------------
# queries


def make_queries(count: int, seed: int) -> list[dict]:
    """Mixed searches: text (Chinese, English, sometimes a typo) + 2 facets + a price
    filter, 20 results each."""
    from catalog.models import Makerspace
    from catalog.selectors import category_tree
    from marketplace.core.regions import region_pack

    rng = random.Random(seed + 1)
    categories = [c.path for c in category_tree() if "/" not in c.path]
    districts = [d["code"] for d in region_pack()["districts"]]
    spaces = list(Makerspace.objects.filter(slug__startswith=SLUG_PREFIX)
                  .values_list("slug", flat=True))
    facets = {
        "category": lambda: rng.choice(categories),
        "district": lambda: rng.choice(districts),
        "makerspace": lambda: rng.choice(spaces),
        "stage": lambda: rng.choice(STAGES),
        "certified": lambda: rng.choice(["true", "false"]),
        "first_set": lambda: rng.choice(["true", "false"]),
    }
    queries = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.45:
            text = zipf_choice(rng, NOUNS)[0]
            if rng.random() < 0.5:
                text = zipf_choice(rng, ADJECTIVES)[0] + text
        elif kind < 0.9:
            text = zipf_choice(rng, NOUNS)[1].split()[0]
            if rng.random() < 0.4:
                text = f"{zipf_choice(rng, ADJECTIVES)[1]} {text}"
        else:  # a typo
            word = zipf_choice(rng, NOUNS[:12])[1].split()[0]
            i = rng.randrange(1, len(word))
            text = word[:i] + word[i + 1:]
        chosen = rng.sample(sorted(facets), 2)
        low = rng.choice([0, 100, 1000, 10000])
        queries.append({
            "q": text, **{name: facets[name]() for name in chosen},
            "price_min": str(low), "price_max": str(low * 100 or 1000),
            "type": "product",
        })
    return queries


def to_search_query(params: dict, page_size: int = 20):
    from search.contract import SearchQuery

    filters = {k: (v,) for k, v in params.items()
               if k in ("category", "district", "makerspace", "stage", "certified",
                        "first_set")}
    return SearchQuery(text=params["q"], doc_types=("product",), filters=filters,
                       price_min=Decimal(params["price_min"]),
                       price_max=Decimal(params["price_max"]), page_size=page_size)


def time_in_process(backend, queries) -> tuple[list[float], list[int]]:
    from search.service import search

    for params in queries[:30]:  # warm caches and connections
        search(to_search_query(params), backend=backend)
    times, totals = [], []
    for params in queries:
        started = time.perf_counter()
        result = search(to_search_query(params), backend=backend)
        times.append((time.perf_counter() - started) * 1000)
        totals.append(result.total)
    return times, totals


def time_api(queries) -> list[float]:
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    for params in queries[:30]:
        client.get("/api/search/", params)
    times = []
    for params in queries:
        started = time.perf_counter()
        response = client.get("/api/search/", params)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"API answered {response.status_code}: {response.content[:300]}")
    return times


def queries_per_request(params: dict) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    out = {}
    for size in (20, 100):
        for name, path in (("page", "/search/"), ("api", "/api/search/")):
            query = dict(params)
            query["page_size"] = size
            with CaptureQueriesContext(connection) as captured:
                response = client.get(f"{path}?{urlencode(query)}")
            assert response.status_code == 200, response.status_code
            out[f"{name}_{size}"] = len(captured)
    return out


def baseline(samples: int = 500) -> dict:
    from django.db import connection

    from catalog.models import Product

    pks = list(Product.objects.filter(slug__startswith=SLUG_PREFIX)
               .values_list("pk", flat=True)[:samples])
    select_one, pk_lookup = [], []
    with connection.cursor() as cursor:
        for _ in range(samples):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            select_one.append((time.perf_counter() - started) * 1000)
    for pk in pks:
        started = time.perf_counter()
        Product.objects.filter(pk=pk).first()
        pk_lookup.append((time.perf_counter() - started) * 1000)
    return {"select_1": summary(select_one), "pk_lookup": summary(pk_lookup)}


def measure_relevance(backend, sample: int, seed: int) -> dict:
    """Known-item relevance for ``sample`` bench products drawn at random (see the
    module docstring); every search is a plain text search of products, 10 results."""
    from catalog.models import Product
    from search.contract import SearchQuery
    from search.service import search
    from tests.search.relevance import code_spellings, one_letter_typo, without_code

    rng = random.Random(seed + 2)
    pks = sorted(Product.objects.filter(slug__startswith=SLUG_PREFIX).values_list("pk", flat=True))
    chosen = Product.objects.filter(pk__in=rng.sample(pks, sample)).order_by("pk")
    times: list[float] = []

    def hits(text: str, language: str):
        started = time.perf_counter()
        result = search(SearchQuery(text=text, doc_types=("product",), page_size=10,
                                    language=language), backend=backend)
        times.append((time.perf_counter() - started) * 1000)
        return result.hits

    def rank(text: str, pk: int, language: str) -> int | None:
        found = [h.id for h in hits(text, language)]
        return found.index(pk) + 1 if pk in found else None

    zh = en = code = typo = typo_name = 0
    for product in chosen:
        zh += rank(product.name, product.pk, "zh-hans") == 1
        en += rank(product.name_en, product.pk, "en") == 1
        code += sum(rank(s, product.pk, "zh-hans") == 1 for s in code_spellings(product.model_code))
        typo += (rank(one_letter_typo(product.name_en, rng), product.pk, "en") or 99) <= 10
        # without the model number (which alone would find it): any product of that name
        name = without_code(product.name_en, product.model_code)
        typo_name += any(without_code(h.title, h.extra.get("model_code", "")) == name
                         for h in hits(one_letter_typo(name, rng), "en"))
    return {
        "known_item_at_1_name": round((zh + en) / (2 * sample), 3),
        "known_item_at_1_name_zh": round(zh / sample, 3),
        "known_item_at_1_name_en": round(en / sample, 3),
        "known_item_at_1_code": round(code / (4 * sample), 3),
        "typo_at_10": round(typo / sample, 3),
        "typo_name_at_10": round(typo_name / sample, 3),
        "sample": sample, "latency": summary(times),
    }


def run_elasticsearch(queries, total_products: int, relevance_sample: int, seed: int) -> dict:
    from osmem_server import OsmemServer

    from search.backends.elasticsearch import ElasticsearchBackend
    from search.backends.plain_json import PlainJsonHttpNode
    from search.indexing import rebuild

    with OsmemServer.start(addr="127.0.0.1:0", japanese=False, startup_timeout=60) as server:
        backend = ElasticsearchBackend(server.url, index_prefix="bench",
                                       node_class=PlainJsonHttpNode, refresh=False,
                                       request_timeout=120)
        backend.setup()
        started = time.perf_counter()
        report = rebuild("product", backend=backend)
        index_s = time.perf_counter() - started
        assert report.indexed == total_products, report
        times, totals = time_in_process(backend, queries)
        relevance = measure_relevance(backend, relevance_sample, seed) if relevance_sample else None
    return {"index_s": round(index_s, 1), "latency": summary(times),
            "mean_total": round(statistics.mean(totals), 1), "server": f"osmem {server.version}",
            "relevance": relevance}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-es", action="store_true", help="skip the osmem run")
    parser.add_argument("--es-queries", type=int, default=None,
                        help="searches against osmem (default: the same as --queries; "
                             "osmem answers these in seconds, see docs/benchmarks.md)")
    parser.add_argument("--relevance", type=int, default=200,
                        help="products drawn for the known-item measure (0: skip)")
    parser.add_argument("--es-relevance", type=int, default=50,
                        help="products drawn for the known-item measure on osmem (0: skip)")
    args = parser.parse_args()

    load_start = os.getloadavg()
    url = prepare_database()
    print(f"database: {url.rsplit('@', 1)[-1]}; load average {load_start}", flush=True)
    generated = generate(args.products, args.seed)
    print(f"products: {args.products} (generated in {generated:.1f} s)" if generated
          else f"products: {args.products} (reused)", flush=True)

    from search.backends.database import DatabaseBackend
    from search.indexing import rebuild

    db = DatabaseBackend()
    started = time.perf_counter()
    report = rebuild("product", backend=db)
    db_index_s = time.perf_counter() - started
    rebuild("makerspace", backend=db)
    print(f"database index: {report.indexed} products in {db_index_s:.1f} s", flush=True)

    queries = make_queries(args.queries, args.seed)
    times, totals = time_in_process(db, queries)
    db_stats = summary(times)
    print(f"database search in-process: {db_stats} (mean total {statistics.mean(totals):.0f})",
          flush=True)
    api_stats = summary(time_api(queries))
    print(f"API /api/search/ (Django test Client): {api_stats}", flush=True)
    per_request = queries_per_request(queries[0])
    print(f"SQL queries per request: {per_request}", flush=True)
    base = baseline()
    print(f"baseline: {base}", flush=True)
    relevance = measure_relevance(db, args.relevance, args.seed) if args.relevance else None
    print(f"relevance, database backend: {relevance}", flush=True)

    es = None
    if not args.skip_es:
        es = run_elasticsearch(queries[: args.es_queries or len(queries)], report.indexed,
                               args.es_relevance, args.seed)
        print(f"elasticsearch (osmem): {es}", flush=True)

    figures = {
        "products": args.products,
        "queries": args.queries,
        "db_index_s": round(db_index_s, 1),
        "db_p50_ms": db_stats["p50"], "db_p95_ms": db_stats["p95"], "db_p99_ms": db_stats["p99"],
        "db_mean_total_hits": round(statistics.mean(totals), 1),
        "api_p50_ms": api_stats["p50"], "api_p95_ms": api_stats["p95"],
        "api_p99_ms": api_stats["p99"], "api_client": "django.test.Client (in-process WSGI)",
        "queries_per_request": per_request["page_20"],
        "queries_per_request_detail": per_request,
        "baseline_select1_p50_ms": base["select_1"]["p50"],
        "baseline_pk_lookup_p50_ms": base["pk_lookup"]["p50"],
        "db_p95_over_pk_lookup": round(db_stats["p95"] / max(base["pk_lookup"]["p50"], 1e-6), 1),
        **({k: relevance[k] for k in ("known_item_at_1_name", "known_item_at_1_name_zh",
                                       "known_item_at_1_name_en", "known_item_at_1_code",
                                       "typo_at_10", "typo_name_at_10")} if relevance else {}),
        "relevance_sample": relevance["sample"] if relevance else 0,
        "relevance_p95_ms": relevance["latency"]["p95"] if relevance else None,
        "es_index_s": es["index_s"] if es else None,
        "es_p50_ms": es["latency"]["p50"] if es else None,
        "es_p95_ms": es["latency"]["p95"] if es else None,
        "es_p99_ms": es["latency"]["p99"] if es else None,
        "es_queries": len(queries[: args.es_queries or len(queries)]) if es else 0,
        "es_mean_total_hits": es["mean_total"] if es else None,
        "es_server": es["server"] if es else None,
        "es_relevance": ({k: v for k, v in es["relevance"].items() if k != "latency"}
                         if es and es["relevance"] else None),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
