"""OCDS 1.1 releases of first-purchase procedures, built from the rows.

Each published event of a request is one release with its tag: the notice is a
``tender`` (direct procurement of the listed product, status active); the supplier's
decline a ``tenderUpdate`` (unsuccessful); a cancellation after the notice a
``tenderCancellation``; the agreed price the ``award``; both signatures the ``contract``;
a terminated contract ``contractTermination``; the approved treasury transfer an
``implementation`` transaction. Every release carries the parties it names, so the
compiled release (``ocdsmerge``, merging by ``id``) holds them all.

OCDS amounts are JSON numbers: the models and the ledger keep ``Decimal``; only here, at
the publication boundary, an amount becomes an ``int`` (whole) or a ``float`` of its two
decimals (exact for any amount below 10^13).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from ocdsmerge import Merger

OCDS_VERSION = "1.1"
DEFAULT_PUBLISHER = "Makerspace Marketplace"

# The merge rules of the OCDS 1.1.5 release schema (ocdsmerge.rules.get_merge_rules),
# written down so the compiled release needs no schema download at run time; a test
# checks them against the official schema in ../shared/ocds-1.1/.
MERGE_RULES = {
    ("awards", "amendment", "changes"): "wholeListMerge",
    ("awards", "amendments", "changes"): "wholeListMerge",
    ("awards", "items", "additionalClassifications"): "wholeListMerge",
    ("awards", "suppliers", "additionalIdentifiers"): "wholeListMerge",
    ("buyer", "additionalIdentifiers"): "wholeListMerge",
    ("contracts", "amendment", "changes"): "wholeListMerge",
    ("contracts", "amendments", "changes"): "wholeListMerge",
    ("contracts", "implementation", "transactions", "payee", "additionalIdentifiers"):
        "wholeListMerge",
    ("contracts", "implementation", "transactions", "payer", "additionalIdentifiers"):
        "wholeListMerge",
    ("contracts", "items", "additionalClassifications"): "wholeListMerge",
    ("contracts", "relatedProcesses", "relationship"): "wholeListMerge",
    ("date",): "omitWhenMerged",
    ("id",): "omitWhenMerged",
    ("parties", "additionalIdentifiers"): "wholeListMerge",
    ("parties", "roles"): "wholeListMerge",
    ("relatedProcesses", "relationship"): "wholeListMerge",
    ("tag",): "omitWhenMerged",
    ("tender", "additionalProcurementCategories"): "wholeListMerge",
    ("tender", "amendment", "changes"): "wholeListMerge",
    ("tender", "amendments", "changes"): "wholeListMerge",
    ("tender", "items", "additionalClassifications"): "wholeListMerge",
    ("tender", "procuringEntity", "additionalIdentifiers"): "wholeListMerge",
    ("tender", "submissionMethod"): "wholeListMerge",
    ("tender", "tenderers", "additionalIdentifiers"): "wholeListMerge",
}

TAGS = ("tender", "tenderUpdate", "tenderCancellation", "award", "contract",
        "contractTermination", "implementation")


def publisher_name() -> str:
    return getattr(settings, "OCDS_PUBLISHER_NAME", DEFAULT_PUBLISHER)


def ocds_amount(amount: Decimal) -> int | float:
    value = Decimal(amount).quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


def _value(amount: Decimal, currency: str) -> dict:
    return {"amount": ocds_amount(amount), "currency": currency}


def party_id(organisation) -> str:
    return f"org-{organisation.pk}"


def _ref(organisation) -> dict:
    return {"id": party_id(organisation), "name": organisation.name}


def _party(organisation, roles: list[str]) -> dict:
    party = {**_ref(organisation), "roles": roles}
    credit_code = organisation.unified_credit_code or ""
    if credit_code:
        party["identifier"] = {"scheme": "CN-USCC", "id": credit_code,
                               "legalName": organisation.name}
    return party


def _items(request) -> list[dict]:
    item = {"id": "1", "description": request.product.name if request.product else request.title,
            "quantity": request.quantity}
    return [item]


def award_id(request) -> str:
    return f"{request.ocid}-award-1"


def _base(request, tag: str, release_id: str, date: datetime, parties: list[dict]) -> dict:
    return {
        "ocid": request.ocid,
        "id": release_id,
        "date": date.isoformat(),
        "tag": [tag],
        "initiationType": "tender",
        "language": "zh",
        "buyer": _ref(request.agency),
        "parties": parties,
    }


def _tender(request, status: str) -> dict:
    return {
        "id": f"{request.ocid}-tender",
        "title": request.title,
        "status": status,
        "procuringEntity": _ref(request.agency),
        "items": _items(request),
        "value": _value(request.ceiling_amount, request.currency),
        "procurementMethod": "direct",
        "procurementMethodDetails": "首购 (first purchase of a listed innovative product)",
        "mainProcurementCategory": "goods",
    }


def _award(request) -> dict:
    return {
        "id": award_id(request),
        "title": request.title,
        "status": "active",
        "date": request.price_agreed_at.isoformat() if request.price_agreed_at else None,
        "value": _value(request.agreed_amount, request.currency),
        "suppliers": [_ref(request.supplier)],
        "items": _items(request),
    }


def _contract(contract, status: str) -> dict:
    data = {
        "id": contract.number,
        "awardID": award_id(contract.request),
        "title": contract.request.title,
        "status": status,
        "value": _value(contract.amount_value, contract.currency),
        "items": _items(contract.request),
    }
    signed = [d for d in (contract.buyer_signed_at, contract.supplier_signed_at) if d]
    if len(signed) == 2:
        data["dateSigned"] = max(signed).isoformat()
    return data


def release_build(*, request, tag: str, release_id: str, date: datetime, contract=None,
                  payment=None) -> dict:
    """The release of ``request``'s event ``tag`` (one of ``TAGS``)."""
    buyer = _party(request.agency, ["buyer", "procuringEntity"])
    supplier_roles = ["tenderer"]
    if tag in ("award", "contract", "contractTermination", "implementation"):
        supplier_roles = ["tenderer", "supplier"]
    if tag == "implementation":
        buyer["roles"] = ["buyer", "procuringEntity", "payer"]
        supplier_roles = [*supplier_roles, "payee"]
    parties = [buyer]
    if request.supplier is not None:
        parties.append(_party(request.supplier, supplier_roles))
    release = _base(request, tag, release_id, date, parties)
    if tag == "tender":
        release["tender"] = _tender(request, "active")
    elif tag == "tenderUpdate":
        release["tender"] = _tender(request, "unsuccessful")
    elif tag == "tenderCancellation":
        release["tender"] = _tender(request, "cancelled")
    elif tag == "award":
        release["tender"] = {"id": f"{request.ocid}-tender", "status": "complete"}
        release["awards"] = [_award(request)]
    elif tag == "contract":
        release["contracts"] = [_contract(contract, "active")]
    elif tag == "contractTermination":
        release["contracts"] = [_contract(contract, "terminated")]
    elif tag == "implementation":
        body = _contract(contract, "terminated")  # OCDS: the contract is complete
        body["implementation"] = {"transactions": [{
            "id": f"{contract.number}-payment-{payment.pk}",
            "source": "treasury",
            "date": date.isoformat(),
            "value": _value(payment.amount_value, payment.currency),
            "payer": _ref(request.agency),
            "payee": _ref(request.supplier),
        }]}
        release["contracts"] = [body]
    else:
        raise ValueError(f"unknown OCDS release tag {tag!r}")
    if release.get("awards") and release["awards"][0]["date"] is None:
        release["awards"][0].pop("date")
    return release


def release_package(releases: list[dict], *, uri: str, published: datetime) -> dict:
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": published.isoformat(),
        "publisher": {"name": publisher_name()},
        "releases": releases,
    }


def record_package(ocid: str, releases: list[dict], *, uri: str, published: datetime) -> dict:
    """A record package of one procedure: its releases and the compiled release."""
    compiled = Merger(merge_rules=MERGE_RULES).create_compiled_release(releases)
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": published.isoformat(),
        "publisher": {"name": publisher_name()},
        "records": [{"ocid": ocid, "releases": releases, "compiledRelease": compiled}],
    }
