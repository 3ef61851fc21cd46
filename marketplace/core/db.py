"""Database helpers every service uses."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.db import IntegrityError, models, transaction

from marketplace.core.errors import ConflictError

_PG_DETAIL = re.compile(r"Key \((?P<columns>[^)]*)\)=")
_SQLITE = re.compile(r"UNIQUE constraint failed: (?P<columns>.+)$")


def _columns_of(model: type[models.Model], key: str) -> frozenset[str]:
    """The columns of a unique field or a named unique constraint of ``model``."""
    for constraint in model._meta.constraints:
        if getattr(constraint, "name", None) == key and getattr(constraint, "fields", None):
            return frozenset(model._meta.get_field(f).column for f in constraint.fields)
    return frozenset({model._meta.get_field(key).column})


def _violated(exc: IntegrityError) -> tuple[str | None, frozenset[str]]:
    """(constraint name if known, columns) of a unique violation."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None:  # PostgreSQL (psycopg)
        match = _PG_DETAIL.search(diag.message_detail or "")
        columns = match["columns"] if match else ""
        return diag.constraint_name, frozenset(c.strip().strip('"') for c in columns.split(","))
    match = _SQLITE.search(str(cause or exc))
    if not match:
        return None, frozenset()
    return None, frozenset(part.split(".")[-1].strip() for part in match["columns"].split(","))


@contextmanager
def unique_conflicts(model: type[models.Model], messages: Mapping[str, object]) -> Iterator[None]:
    """Turn a uniqueness race into a 409 with a message.

    ``messages`` maps a unique field name or a named unique constraint of ``model`` to
    the message (or a ready ``ConflictError``). The block runs in a savepoint, so the
    caller's transaction stays usable; a violation of another constraint is re-raised.

        with unique_conflicts(Product, {"slug": _("This web address is taken.")}):
            product.save()
    """
    wanted = {key: _columns_of(model, key) for key in messages}
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        name, columns = _violated(exc)
        for key, key_columns in wanted.items():
            if name == key or (columns and columns == key_columns):
                message = messages[key]
                if isinstance(message, ConflictError):
                    raise message from exc
                raise ConflictError(message, code=f"{key}_taken", data={"field": key}) from exc
        raise
