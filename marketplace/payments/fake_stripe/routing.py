"""A small router for ``/v1/...``: exact segments and ``*`` for an object id.

Handlers are plain synchronous functions ``handler(ctx, params, *ids) -> dict``; they run
to completion without awaiting, so one request's changes are never interleaved with
another's (the event loop is the fake's only lock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .store import Store

Handler = Callable[..., dict]


@dataclass
class Ctx:
    store: Store
    base_url: str


@dataclass
class Router:
    _routes: dict[tuple[str, int], list[tuple[tuple[str, ...], Handler]]] = field(
        default_factory=dict
    )

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        segments = tuple(pattern.strip("/").split("/"))
        self._routes.setdefault((method, len(segments)), []).append((segments, handler))

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        def decorator(handler: Handler) -> Handler:
            self.add(method, pattern, handler)
            return handler

        return decorator

    def get(self, pattern: str):
        return self.route("GET", pattern)

    def post(self, pattern: str):
        return self.route("POST", pattern)

    def delete(self, pattern: str):
        return self.route("DELETE", pattern)

    def match(self, method: str, path: str) -> tuple[Handler, list[str]] | None:
        segments = path.strip("/").split("/")
        for pattern, handler in self._routes.get((method, len(segments)), ()):
            ids: list[str] = []
            for want, got in zip(pattern, segments, strict=True):
                if want == "*":
                    ids.append(got)
                elif want != got:
                    break
            else:
                return handler, ids
        return None


router = Router()
