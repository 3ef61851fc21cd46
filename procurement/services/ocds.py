"""Storing the OCDS release of each published event, in the event's transaction (the
caller holds the request's row lock, so the releases of a procedure are numbered in
order). A rolled-back event leaves no release."""

from __future__ import annotations

from django.utils import timezone

from procurement.models import Release
from procurement.ocds import release_build


def release_record(*, request, tag: str, contract=None, payment=None) -> Release:
    sequence = Release.objects.filter(ocid=request.ocid).count() + 1
    release_id = f"{request.ocid}-{sequence:03d}-{tag}"
    date = timezone.now()
    data = release_build(request=request, tag=tag, release_id=release_id, date=date,
                         contract=contract, payment=payment)
    return Release.objects.create(ocid=request.ocid, release_id=release_id, tag=[tag],
                                  date=date, data=data, request=request)
