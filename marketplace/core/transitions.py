"""The one way to change a status.

A ``StateMachine`` writes the allowed transitions down as data, and optionally the
message a person reads when a move is refused (per move, per source state or per target).
``transition()`` locks the row, checks the current status, applies the move's other field
changes, saves them with the new status and appends an audit event, all in one
transaction; side effects run only after commit. When anything fails, nothing is written
and the object in memory is exactly as it was.

Usage in a service::

    CAMPAIGN_STATES = StateMachine(
        name="crowdfunding.campaign",
        transitions={"draft": {"submitted"}, "submitted": {"approved", "draft"}},
        refusals={("live", "submitted"): _("A live campaign cannot be resubmitted.")},
    )

    def campaign_approve(*, campaign, actor):
        return transition(
            campaign, CAMPAIGN_STATES, "approved", actor=actor,
            action=CrowdfundingAction.CAMPAIGN_APPROVED,
            changes={"approved_by": actor, "approved_at": timezone.now()},
        )
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import IllegalTransition
from marketplace.core.names import AuditAction

ANY = "*"


@dataclass(frozen=True)
class StateMachine:
    name: str
    transitions: dict[str, Iterable[str]]
    field: str = "status"
    # optional display names of the states (e.g. ``dict(Campaign.Status.choices)``) for
    # the message a user sees when a move is refused
    labels: Mapping[str, str] | None = dataclasses.field(default=None, compare=False)
    # specific refusals: keys (source, target), (source, ANY) or (ANY, target); values a
    # message or (message, error code); the most specific one wins, else a generic
    # "cannot change from X to Y" with the code "illegal_transition"
    refusals: Mapping[tuple[str, str], str | tuple[str, str]] | None = dataclasses.field(
        default=None, compare=False
    )
    _allowed: dict[str, frozenset[str]] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(
            self, "_allowed", {src: frozenset(dst) for src, dst in self.transitions.items()}
        )
        unknown = {
            state for pair in (self.refusals or {}) for state in pair
            if state != ANY and state not in self.states
        }
        if unknown:
            raise ValueError(f"{self.name}: refusals name unknown states {sorted(unknown)}")

    @property
    def states(self) -> frozenset[str]:
        found = set(self._allowed)
        for dsts in self._allowed.values():
            found |= dsts
        return frozenset(found)

    def allowed_from(self, state: str) -> frozenset[str]:
        return self._allowed.get(state, frozenset())

    def can(self, source: str, target: str) -> bool:
        return target in self.allowed_from(source)

    def label(self, state: str) -> str:
        return str((self.labels or {}).get(state, state))

    def refusal(self, source: str, target: str) -> str:
        """The message a person reads when ``source -> target`` is refused."""
        return self._refusal(source, target)[0]

    def _refusal(self, source: str, target: str) -> tuple[str, str | None]:
        refusals = self.refusals or {}
        for key in ((source, target), (source, ANY), (ANY, target)):
            if key in refusals:
                found = refusals[key]
                message, code = found if isinstance(found, tuple) else (found, None)
                # in the language active now, like the generic message below
                return str(message), code
        return _("The status cannot change from “%(source)s” to “%(target)s”.") % {
            "source": self.label(source), "target": self.label(target),
        }, None

    def check(self, source: str, target: str) -> None:
        if not self.can(source, target):
            message, code = self._refusal(source, target)
            raise IllegalTransition(
                message, code=code,
                data={"machine": self.name, "from": source, "to": target},
            )


def transition(
    obj: models.Model,
    machine: StateMachine,
    target: str,
    *,
    actor=None,
    action: AuditAction | str | None = None,
    changes: Mapping[str, object] | None = None,
    data: dict | None = None,
    stream: str | None = None,
    on_commit: Callable[[], None] | None = None,
) -> models.Model:
    """Move ``obj`` to ``target``, guarded, audited and atomic.

    The row is re-read with ``SELECT ... FOR UPDATE`` so two concurrent transitions cannot
    both start from the same state. ``changes`` are the move's other field values (who
    decided, when, why): they are applied after the lock and the check, and saved with the
    status. An object not saved yet is created in ``target`` (its in-memory status is the
    source). The audit action defaults to ``<machine name>.<target>`` and must be a
    declared ``AuditAction``; the event's data holds ``from`` and ``to`` plus ``data``. If
    anything fails, nothing is written and ``obj`` keeps its previous status and values.
    """
    from marketplace.core.audit import audit_log

    changes = dict(changes or {})
    action = AuditAction.resolve(action or f"{machine.name}.{target}")
    fields = [machine.field, *changes]
    before = _snapshot(obj, fields)
    try:
        with transaction.atomic():
            adding = obj._state.adding
            if adding:
                current = getattr(obj, machine.field)
            else:
                # the base manager: a filtering default manager must not hide the row
                current = (
                    type(obj)._base_manager.select_for_update()
                    .values_list(machine.field, flat=True)
                    .get(pk=obj.pk)
                )
            machine.check(current, target)
            for name, value in changes.items():
                setattr(obj, name, value)
            setattr(obj, machine.field, target)
            if adding:
                obj.save()
            else:
                obj.save(update_fields=[*fields, *_auto_now_fields(obj)])
            audit_log(
                actor=actor, action=action, obj=obj,
                data={**(data or {}), "from": current, "to": target},
                stream=stream,
            )
            if on_commit is not None:
                transaction.on_commit(on_commit)
    except BaseException:
        # the database rolled back: do not leave the object claiming the new values
        _restore(obj, before)
        raise
    return obj


_MISSING = object()


def _snapshot(obj: models.Model, names: list[str]) -> list[tuple]:
    """What ``obj`` holds for each field, as stored on the instance (for a foreign key
    both its ``<name>_id`` and the cached related object)."""
    state = []
    for name in names:
        field = obj._meta.get_field(name)
        cached = field.get_cached_value(obj, _MISSING) if field.is_relation else _MISSING
        state.append((field, obj.__dict__.get(field.attname, _MISSING), cached))
    return state


def _restore(obj: models.Model, state: list[tuple]) -> None:
    for field, value, cached in state:
        if value is _MISSING:
            obj.__dict__.pop(field.attname, None)
        else:
            obj.__dict__[field.attname] = value
        if field.is_relation:
            if cached is not _MISSING:
                field.set_cached_value(obj, cached)
            elif field.is_cached(obj):
                field.delete_cached_value(obj)


def _auto_now_fields(obj: models.Model) -> list[str]:
    return [
        f.name
        for f in obj._meta.concrete_fields
        if getattr(f, "auto_now", False)
    ]
