"""Demo data registry. Each app registers an idempotent seeder in its AppConfig.ready();
``manage.py seed_demo`` runs them in order. Core never imports a feature app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Seeder:
    name: str
    order: int
    fn: Callable[[Callable[[str], None]], dict]


_seeders: dict[str, Seeder] = {}


def demo_seeder(name: str, order: int = 100):
    """Register ``fn(log) -> summary dict``. It must be idempotent (get-or-create by a
    natural key), so running seed_demo twice gives the same data."""

    def register(fn):
        _seeders[name] = Seeder(name, order, fn)
        return fn

    return register


def registered_seeders() -> list[Seeder]:
    return sorted(_seeders.values(), key=lambda s: (s.order, s.name))
