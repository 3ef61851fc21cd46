"""Contracts and payments under concurrency on PostgreSQL (real threads, own connections):
one contract per request, both signatures at once still make it signed, one payment."""

import threading

import pytest
from django.db import connection

from marketplace.core.errors import DomainError
from procurement.models import Contract, ContractPayment, PurchaseRequest
from procurement.services.contracts import contract_generate, contract_sign
from procurement.services.payments import payment_record
from tests.catalog.factories import pdf_upload

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(calls):
    """Run each call in its own thread, released at once; the outcomes ("ok" or the
    error's code), in no particular order."""
    barrier = threading.Barrier(len(calls))
    results = []

    def run(call):
        try:
            barrier.wait()
            call()
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def test_one_contract_when_generated_at_once(requires_postgres, agreed, officer, owner,
                                             approver, tmp_path):
    # the loser's PDF is removed: one file is left (PRIVATE_MEDIA_ROOT is tmp_path/private)
    results = run_together([lambda who=who: contract_generate(actor=who, request=agreed)
                            for who in (officer, owner, approver)])
    assert results.count("ok") == 1 and len(results) == 3
    assert set(results) - {"ok"} == {"contract_exists"}
    assert Contract.objects.count() == 1
    stored = list((tmp_path / "private").rglob("*.pdf"))
    assert [p.name for p in stored] == [f"{Contract.objects.get().number}.pdf"]


def test_both_sides_signing_at_once_sign_the_contract(requires_postgres, contract,
                                                      buyer_signer, supplier_signer):
    results = run_together([lambda who=who: contract_sign(actor=who, contract=contract)
                            for who in (buyer_signer, supplier_signer)])
    assert results == ["ok", "ok"]
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED
    assert contract.buyer_signed_at and contract.supplier_signed_at
    assert PurchaseRequest.objects.get(pk=contract.request_id).status == "contracted"


def test_one_payment_when_recorded_at_once(requires_postgres, accepted, officer, owner):
    results = run_together([
        lambda who=who, n=n: payment_record(actor=who, request=accepted,
                                            transfer_reference=f"GK-{n}",
                                            document=pdf_upload())
        for n, who in enumerate((officer, owner))
    ])
    assert results == ["ok", "payment_pending"]
    assert ContractPayment.objects.count() == 1
