"""``expand[]``: replace an id in a response by the object it names, without touching the
stored objects (every container on the path is copied)."""

from __future__ import annotations

from typing import Any

from . import errors

EXPANDABLE: dict[str, frozenset[str]] = {
    "payment_intent": frozenset({"latest_charge", "payment_method", "customer"}),
    "setup_intent": frozenset({"payment_method", "customer"}),
    "charge": frozenset({"customer", "payment_intent"}),
    "refund": frozenset({"charge", "payment_intent"}),
    "payment_method": frozenset({"customer"}),
    "transfer": frozenset({"destination", "source_transaction"}),
    # a nested hash has no "object": it is known by its field name
    "invoice_settings": frozenset({"default_payment_method"}),
}


def _refuse(full: str) -> errors.ParamError:
    return errors.invalid("expand", f"This property cannot be expanded ({full}).")


def expand(value: Any, path: str, objects: dict[str, dict], full: str,
           hint: str | None = None) -> Any:
    if not isinstance(value, dict):
        return value
    head, _, rest = path.partition(".")
    kind = value.get("object") or hint
    if kind == "list" and head == "data":
        return {**value, "data": [expand(item, rest, objects, full) for item in value["data"]]}
    allowed = EXPANDABLE.get(kind or "", frozenset())
    target = value.get(head)
    if head not in allowed and not (rest and isinstance(target, dict)):
        raise _refuse(full)
    if isinstance(target, str):
        found = objects.get(target)
        if found is not None:
            target = dict(found)
    if rest:
        if not isinstance(target, dict):
            raise _refuse(full)
        target = expand(target, rest, objects, full, hint=head)
    return {**value, head: target}


def expand_all(body: dict, paths: Any, objects: dict[str, dict]) -> dict:
    if isinstance(paths, str):
        paths = [paths]
    if not isinstance(paths, list):
        raise errors.invalid("expand", "Invalid array: expand must be a list of strings.")
    for path in paths:
        if not isinstance(path, str) or not path:
            raise errors.invalid("expand", "Invalid expand parameter.")
        body = expand(body, path, objects, path)
    return body


RESOURCE_KINDS = {
    "payment_intents": "payment_intent", "setup_intents": "setup_intent",
    "charges": "charge", "refunds": "refund", "payment_methods": "payment_method",
    "customers": "customer", "transfers": "transfer",
}


def precheck(path: str, paths: Any) -> None:
    """Refuse an impossible ``expand`` of a POST before it runs (no partial write)."""
    if paths is None:
        return
    if isinstance(paths, str):
        paths = [paths]
    if not isinstance(paths, list):
        raise errors.invalid("expand", "Invalid array: expand must be a list of strings.")
    parts = path.strip("/").split("/")
    kind = RESOURCE_KINDS.get(parts[1]) if len(parts) > 1 else None
    for item in paths:
        if not isinstance(item, str) or not item:
            raise errors.invalid("expand", "Invalid expand parameter.")
        head = item.partition(".")[0]
        allowed = EXPANDABLE.get(kind or "", frozenset())
        if kind == "customer":
            allowed = allowed | {"invoice_settings"}
        if head not in allowed:
            raise _refuse(item)
