from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from marketplace.core import demo
from marketplace.core.demo import demo_seeder, registered_seeders
from marketplace.core.models import ChronographHeartbeat
from marketplace.core.regions import district_choices, focus_area_choices, region_pack


@pytest.fixture
def seeders(monkeypatch):
    fresh: dict = {}
    monkeypatch.setattr(demo, "_seeders", fresh)
    return fresh


@pytest.mark.django_db
def test_seed_demo_runs_seeders_in_order_and_is_idempotent(seeders):
    calls = []

    @demo_seeder("test.second", order=20)
    def second(log):
        calls.append("second")
        ChronographHeartbeat.objects.get_or_create(
            name="demo-second", defaults={"last_tick_at": "2026-01-01T00:00:00Z"}
        )
        log("second seeded")
        return {"rows": ChronographHeartbeat.objects.count()}

    @demo_seeder("test.first", order=10)
    def first(log):
        calls.append("first")
        return {}

    assert [s.name for s in registered_seeders()] == ["test.first", "test.second"]
    for _ in range(2):
        out = StringIO()
        call_command("seed_demo", stdout=out)
    assert calls == ["first", "second", "first", "second"]
    assert "second seeded" in out.getvalue()
    assert "test.second: {'rows': 1}" in out.getvalue()
    assert ChronographHeartbeat.objects.filter(name="demo-second").count() == 1


@pytest.mark.django_db
def test_a_failing_seeder_leaves_nothing_half_written(seeders):
    @demo_seeder("test.broken")
    def broken(log):
        ChronographHeartbeat.objects.create(name="half", last_tick_at="2026-01-01T00:00:00Z")
        raise RuntimeError("seed failed")

    with pytest.raises(RuntimeError):
        call_command("seed_demo", stdout=StringIO())
    assert not ChronographHeartbeat.objects.filter(name="half").exists()


def test_region_pack_is_configuration(settings):
    pack = region_pack()
    assert pack["code"] == settings.MARKETPLACE_REGION == "qingdao"
    assert pack["currency"] == "CNY"
    with pytest.raises(ValueError):
        region_pack("../settings/base")
    with pytest.raises(FileNotFoundError):
        region_pack("atlantis")


def test_district_and_focus_area_names_follow_the_language():
    with translation.override("zh-hans"):
        assert ("laoshan", "崂山区") in district_choices()
        assert ("marine", "海洋经济") in focus_area_choices()
    with translation.override("en"):
        assert ("laoshan", "Laoshan District") in district_choices()
        assert ("marine", "Marine economy") in focus_area_choices()


def test_compile_translations_compiles_every_catalogue(settings, tmp_path):
    app_po = tmp_path / "someapp" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    skipped = tmp_path / ".venv" / "pkg" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    for po in (app_po, skipped):
        po.parent.mkdir(parents=True)
        po.write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            'msgid "Hello"\nmsgstr "你好"\n',
            encoding="utf-8",
        )
    settings.BASE_DIR = tmp_path
    out = StringIO()
    call_command("compile_translations", stdout=out)
    assert "compiled 1 catalogue(s)" in out.getvalue()
    mo = Path(app_po.with_suffix(".mo"))
    assert mo.exists() and "你好".encode() in mo.read_bytes()
    assert not skipped.with_suffix(".mo").exists()
