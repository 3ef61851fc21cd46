"""docker/proxy.conf, run for real: nginx serves the public uploads from the media
folder, refuses every other /media/ path, and passes everything else to the app with
the headers daphne needs (websocket upgrade, the visitor's scheme and one address).

The compose file mounts the config into nginx:stable-alpine; here the same file runs in
the machine's nginx, with only the upstream, the port and the media root replaced.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.http import JsonResponse
from django.urls import path

from tests.conftest import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "docker" / "proxy.conf"


def echo(request):
    """What the app (daphne in production) receives from the proxy."""
    return JsonResponse({
        "path": request.get_full_path(),
        "host": request.headers.get("Host"),
        "forwarded_for": request.headers.get("X-Forwarded-For"),
        "forwarded_proto": request.headers.get("X-Forwarded-Proto"),
        "upgrade": request.headers.get("Upgrade"),
        "connection": request.headers.get("Connection"),
    })


urlpatterns = [path("echo/", echo), path("ws/notifications/", echo)]
pytestmark = [pytest.mark.urls(__name__)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def proxy(live_server, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("proxy")
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if nginx is None:
        if REQUIRE_SERVICES:
            pytest.fail("nginx is required (REQUIRE_SERVICES=1) but not installed")
        pytest.skip("needs nginx")
    # an address, not a name: the config's resolver is Docker's, absent here
    upstream = live_server.url.removeprefix("http://").replace("localhost", "127.0.0.1")
    port = _free_port()
    text = CONFIG.read_text()
    for old, new in (("listen 8080 default_server;", f"listen 127.0.0.1:{port} default_server;"),
                     ("web:8000", upstream), ("root /srv;", f"root {tmp_path};")):
        assert old in text, old
        text = text.replace(old, new)
    (tmp_path / "proxy.conf").write_text(text)
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = {name: tmp_path / name for name in ("client", "proxy", "fastcgi", "uwsgi", "scgi")}
    (tmp_path / "nginx.conf").write_text(
        f"{user}daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log warn;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        "  types { image/webp webp; image/png png; image/jpeg jpg jpeg; image/gif gif; }\n"
        "  default_type application/octet-stream;\n  access_log off;\n"
        + "".join(f"  {name}_temp_path {folder};\n" for name, folder in
                  (("client_body", temp["client"]), ("proxy", temp["proxy"]),
                   ("fastcgi", temp["fastcgi"]), ("uwsgi", temp["uwsgi"]),
                   ("scgi", temp["scgi"])))
        + f"  include {tmp_path}/proxy.conf;\n}}\n"
    )
    media = tmp_path / "media"
    for name, content in {
        "products/7/photo.webp": b"RIFF-webp-bytes",
        "makerspaces/3/hall.PNG": b"\x89PNG-bytes",
        "products/7/page.html": b"<script>alert(1)</script>",
        "certifications/9/report.pdf": b"%PDF-cert",
        "kyc/1/id-card.png": b"\x89PNG-id",
    }.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(content)

    check = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"{base}/proxy-healthz", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError((tmp_path / "error.log").read_text()) from None
                time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)  # fast shutdown
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_its_own_health_check(proxy):
    assert get(f"{proxy}/proxy-healthz")[0:3:2] == (200, b"ok\n")


@pytest.mark.parametrize(("path", "content", "content_type"), [
    ("/media/products/7/photo.webp", b"RIFF-webp-bytes", "image/webp"),
    ("/media/makerspaces/3/hall.PNG", b"\x89PNG-bytes", "image/png"),
])
def test_public_images_are_served_from_the_media_folder(proxy, path, content, content_type):
    status, headers, body = get(proxy + path)
    assert (status, body) == (200, content)
    assert headers["Content-Type"] == content_type
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    assert "public" in headers["Cache-Control"]


@pytest.mark.parametrize("path", [
    "/media/certifications/9/report.pdf",
    "/media/kyc/1/id-card.png",
    "/media/products/7/page.html",            # not an image
    "/media/products/../kyc/1/id-card.png",   # normalised to /media/kyc/…
    "/media/products/%2e%2e/kyc/1/id-card.png",
    "/media/products/7/..%2f..%2fkyc/1/id-card.png",
    "/media/products/7/missing.webp",
    "/media/",
])
def test_everything_else_under_media_is_404(proxy, path):
    status, _, body = get(proxy + path)
    assert status == 404
    assert b"PNG-id" not in body and b"PDF-cert" not in body


def test_other_paths_reach_the_app_with_the_visitors_scheme_and_one_address(proxy, settings):
    settings.ALLOWED_HOSTS = ["market.example.org", "127.0.0.1", "localhost"]
    status, _, body = get(f"{proxy}/echo/?q=1", **{
        "Host": "market.example.org", "X-Forwarded-Proto": "https",
        # a forged first entry, then the address the host's TLS proxy added
        "X-Forwarded-For": "6.6.6.6, 203.0.113.9",
    })
    assert status == 200
    seen = json.loads(body)
    assert seen["path"] == "/echo/?q=1"
    assert seen["host"] == "market.example.org"
    assert seen["forwarded_proto"] == "https"
    assert seen["forwarded_for"] == "203.0.113.9"

    seen = json.loads(get(f"{proxy}/echo/")[2])
    assert seen["forwarded_proto"] == "http"  # a direct request says what it was
    assert seen["forwarded_for"] == "127.0.0.1"


def test_websocket_upgrades_are_passed_on(proxy):
    _, _, body = get(f"{proxy}/ws/notifications/", Upgrade="websocket", Connection="Upgrade")
    seen = json.loads(body)
    assert seen["upgrade"] == "websocket"
    assert seen["connection"] == "upgrade"
    # a plain request does not ask the app to upgrade
    seen = json.loads(get(f"{proxy}/echo/")[2])
    assert seen["upgrade"] is None
