"""The ledger: balanced entries posted once; PostgreSQL itself refuses an unbalanced entry,
an edit or deletion of a posted line and a line added to a posted entry; ledger_check
finds what is wrong."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, InternalError, connection, transaction

from marketplace.core.models import AppendOnlyError
from marketplace.core.money import Money
from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.ledger.models import AccountKind, EntryKind, JournalEntry, JournalLine
from marketplace.payments.ledger.posting import (
    UnbalancedEntry,
    entry_post,
    held_in_escrow,
    ledger_account,
    post_charge,
)
from marketplace.payments.models import PaymentAttempt
from tests.payments.factories import PaymentAttemptFactory

CNY = "CNY"
DB_REFUSALS = (IntegrityError, InternalError)


def _accounts():
    return (ledger_account(AccountKind.FUNDS_IN_TRANSIT, CNY),
            ledger_account(AccountKind.ESCROW, CNY, "crowdfunding.campaign:1"))


def _succeeded_attempt(amount="100.00"):
    return PaymentAttemptFactory(status=PaymentAttempt.Status.SUCCEEDED,
                                 amount_value=Decimal(amount))


@pytest.mark.django_db
def test_a_charge_posts_once_and_the_escrow_holds_it():
    attempt = _succeeded_attempt()
    first = post_charge(attempt)
    again = post_charge(attempt)
    assert first.pk == again.pk
    assert JournalLine.objects.filter(entry=first).count() == 2
    assert held_in_escrow("crowdfunding.campaign:1", CNY) == Money(Decimal("100.00"), CNY)
    assert ledger_problems() == []


@pytest.mark.django_db
def test_the_service_refuses_an_unbalanced_entry():
    cash, escrow = _accounts()
    with pytest.raises(UnbalancedEntry):
        entry_post(kind=EntryKind.CHARGE, source_type="attempt", source_id=1, scope="x:1",
                   lines=[(cash, Money(Decimal(10), CNY)), (escrow, Money(Decimal(-9), CNY))])
    assert not JournalEntry.objects.exists()


def _raw_unbalanced_entry():
    cash, escrow = _accounts()
    entry = JournalEntry.objects.create(kind=EntryKind.CHARGE, source_type="attempt",
                                        source_id=99, scope="crowdfunding.campaign:1")
    JournalLine.objects.bulk_create([
        JournalLine(entry=entry, account=cash, amount=Decimal("10"), currency=CNY),
        JournalLine(entry=entry, account=escrow, amount=Decimal("-9"), currency=CNY)])


@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_an_unbalanced_entry_at_commit(requires_postgres):
    with pytest.raises(DB_REFUSALS, match="does not balance"), transaction.atomic():
        _raw_unbalanced_entry()
    assert not JournalEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_an_entry_without_lines(requires_postgres):
    with pytest.raises(DB_REFUSALS, match="fewer than two lines"), transaction.atomic():
        JournalEntry.objects.create(kind=EntryKind.CHARGE, source_type="attempt", source_id=5,
                                    scope="crowdfunding.campaign:1")


@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_an_edit_or_deletion_of_a_posted_line(requires_postgres):
    entry = post_charge(_succeeded_attempt())
    line = entry.lines.first()
    with pytest.raises(AppendOnlyError):
        line.save()
    for sql in ("UPDATE payments_journalline SET amount = amount * 2 WHERE id = %s",
                "DELETE FROM payments_journalline WHERE id = %s",
                "UPDATE payments_journalentry SET scope = 'elsewhere:1' WHERE id = %s"):
        with pytest.raises(DB_REFUSALS, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql, [line.pk if "line" in sql else entry.pk])
    with pytest.raises(DB_REFUSALS, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("TRUNCATE payments_journalline CASCADE")
    assert entry.lines.count() == 2


@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_lines_added_to_a_posted_entry(requires_postgres):
    entry = post_charge(_succeeded_attempt())
    cash, escrow = _accounts()
    with pytest.raises(DB_REFUSALS, match="is posted"), transaction.atomic():
        # balanced on its own, but the entry was posted in another transaction
        JournalLine.objects.bulk_create([
            JournalLine(entry=entry, account=cash, amount=Decimal("5"), currency=CNY),
            JournalLine(entry=entry, account=escrow, amount=Decimal("-5"), currency=CNY)])
    assert entry.lines.count() == 2


@pytest.mark.django_db
def test_ledger_check_finds_a_charge_without_its_entry_and_an_entry_without_its_source():
    attempt = _succeeded_attempt()  # succeeded, never posted
    problems = ledger_problems()
    assert f"attempt {attempt.pk} (succeeded) has no charge entry" in problems
    assert any("charged 100.0000 != paid out" in p for p in problems)
    post_charge(attempt)
    assert ledger_problems() == []
    ghost = PaymentAttemptFactory(status=PaymentAttempt.Status.SUCCEEDED)
    post_charge(ghost)
    PaymentAttempt.objects.filter(pk=ghost.pk).update(status=PaymentAttempt.Status.FAILED)
    problems = ledger_problems()
    assert f"attempt {ghost.pk} (failed) should not have a charge entry" in problems


@pytest.mark.django_db
def test_ledger_check_finds_an_amount_that_differs_and_a_negative_escrow():
    attempt = _succeeded_attempt("50.00")
    post_charge(attempt)
    PaymentAttempt.objects.filter(pk=attempt.pk).update(amount_value=Decimal("60.00"))
    problems = ledger_problems()
    assert f"attempt {attempt.pk}: charge entry moved 50.0000, the record says 60.0000" in problems
    cash, escrow = _accounts()
    entry_post(kind=EntryKind.PAYOUT_PAID, source_type="payout", source_id=12345,
               scope="crowdfunding.campaign:1",
               lines=[(escrow, Money(Decimal(80), CNY)), (cash, Money(Decimal(-80), CNY))])
    problems = ledger_problems()
    assert any("is below zero" in p and "escrow" in p for p in problems)
    assert "payout 12345: entries without their source record" in problems


@pytest.mark.django_db
def test_ledger_check_command_exits_non_zero_naming_the_problem(capsys):
    call_command("ledger_check")
    assert "consistent" in capsys.readouterr().out
    attempt = _succeeded_attempt()
    with pytest.raises(CommandError, match="1 problem|problem"):
        call_command("ledger_check")
    assert f"attempt {attempt.pk}" in capsys.readouterr().err
