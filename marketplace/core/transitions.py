"""The one way to change a status.

A ``StateMachine`` writes the allowed transitions down as data. ``transition()`` checks
the current status under a row lock, refuses an illegal move with ``IllegalTransition``,
saves the new status and appends an audit event in the same transaction, and runs
side effects only after commit.

Usage in a service::

    CAMPAIGN_STATES = StateMachine(
        name="crowdfunding.campaign",
        transitions={"draft": {"submitted"}, "submitted": {"approved", "draft"}},
    )

    def campaign_submit(*, campaign, actor):
        return transition(campaign, CAMPAIGN_STATES, "submitted", actor=actor,
                          action="crowdfunding.campaign.submitted")
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import IllegalTransition


@dataclass(frozen=True)
class StateMachine:
    name: str
    transitions: dict[str, Iterable[str]]
    field: str = "status"
    # optional display names of the states (e.g. ``dict(Campaign.Status.choices)``) for
    # the message a user sees when a move is refused
    labels: Mapping[str, str] | None = dataclasses.field(default=None, compare=False)
    _allowed: dict[str, frozenset[str]] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(
            self, "_allowed", {src: frozenset(dst) for src, dst in self.transitions.items()}
        )

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

    def check(self, source: str, target: str) -> None:
        if not self.can(source, target):
            raise IllegalTransition(
                _("The status cannot change from “%(source)s” to “%(target)s”.")
                % {"source": self.label(source), "target": self.label(target)},
                data={"machine": self.name, "from": source, "to": target},
            )


def transition(
    obj: models.Model,
    machine: StateMachine,
    target: str,
    *,
    actor=None,
    action: str | None = None,
    data: dict | None = None,
    stream: str | None = None,
    update_fields: Iterable[str] = (),
    on_commit: Callable[[], None] | None = None,
) -> models.Model:
    """Move ``obj`` to ``target``, guarded, audited and atomic.

    The row is re-read with ``SELECT ... FOR UPDATE`` so two concurrent transitions
    cannot both start from the same state. Extra changed fields on ``obj`` listed in
    ``update_fields`` are saved with the status. An object not saved yet is created in
    ``target`` (its in-memory status is the source). The audit event's data holds
    ``from`` and ``to`` plus ``data``. If anything fails, nothing is written and ``obj``
    keeps its previous status.
    """
    from marketplace.core.audit import audit_log

    before = getattr(obj, machine.field)
    try:
        with transaction.atomic():
            adding = obj._state.adding
            if not adding:
                # the base manager: a filtering default manager must not hide the row
                current = (
                    type(obj)._base_manager.select_for_update()
                    .values_list(machine.field, flat=True)
                    .get(pk=obj.pk)
                )
            else:
                current = before
            machine.check(current, target)
            setattr(obj, machine.field, target)
            if adding:
                obj.save()
            else:
                obj.save(update_fields=[machine.field, *update_fields, *_auto_now_fields(obj)])
            audit_log(
                actor=actor,
                action=action or f"{machine.name}.{target}",
                obj=obj,
                data={**(data or {}), "from": current, "to": target},
                stream=stream,
            )
            if on_commit is not None:
                transaction.on_commit(on_commit)
    except BaseException:
        # the database rolled back: do not leave the object claiming the new status
        setattr(obj, machine.field, before)
        raise
    return obj


def _auto_now_fields(obj: models.Model) -> list[str]:
    return [
        f.name
        for f in obj._meta.concrete_fields
        if getattr(f, "auto_now", False)
    ]
