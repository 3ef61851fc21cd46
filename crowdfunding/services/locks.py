"""Row reads that share a lock with other readers but not with a status change.

A pledge reads its campaign's status and deadline, and its tier's terms, with ``FOR KEY
SHARE``: pledges never wait for each other, but a campaign close (``FOR UPDATE``) or a
tier change waits for the pledges in flight, and a pledge that starts after them reads
the committed new values (READ COMMITTED re-reads a row once its lock is granted).
On other databases (SQLite: writes are serialised anyway) it is a plain read.
"""

from __future__ import annotations

from django.db import connection, models


def read_key_share(model: type[models.Model], pk: int, fields: list[str]) -> dict | None:
    if connection.vendor != "postgresql":
        return model._base_manager.filter(pk=pk).values(*fields).first()
    meta = model._meta
    columns = [meta.get_field(f).column for f in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    sql = f"SELECT {names} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s FOR KEY SHARE"  # noqa: S608, E501 (quoted names)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    return None if row is None else dict(zip(fields, row, strict=True))


def read_campaign_and_tier(campaign_id: int, tier_id: int) -> dict | None:
    """A pledge's one read: the campaign's status and deadline and the tier's quantity,
    both rows ``FOR KEY SHARE`` (one round trip on the pledge's hot path)."""
    from crowdfunding.models import Campaign, Tier

    if connection.vendor != "postgresql":
        campaign = read_key_share(Campaign, campaign_id, ["status", "ends_at"])
        tier = Tier.objects.filter(pk=tier_id, campaign_id=campaign_id).values("quantity").first()
        return None if campaign is None or tier is None else {**campaign, **tier}
    quote = connection.ops.quote_name
    campaigns, tiers = quote(Campaign._meta.db_table), quote(Tier._meta.db_table)
    sql = (f"SELECT c.status, c.ends_at, t.quantity FROM {campaigns} c "  # noqa: S608
           f"JOIN {tiers} t ON t.campaign_id = c.id WHERE c.id = %s AND t.id = %s "
           "FOR KEY SHARE")
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign_id, tier_id])
        row = cursor.fetchone()
    return None if row is None else dict(zip(("status", "ends_at", "quantity"), row, strict=True))
