"""Payments: retries of provider calls, the daily reconciliation."""

from celery.schedules import crontab

from marketplace.settings.celery import CELERY_BEAT_SCHEDULE
from marketplace.settings.env import env

# Gateway faults (429, 5xx, timeouts, lost connections) are retried this many times in
# the calling process, waiting base * 2**n seconds (with jitter) between tries; every try
# sends the same idempotency key.
PAYMENTS_GATEWAY_RETRIES = env.int("PAYMENTS_GATEWAY_RETRIES", default=4)
PAYMENTS_GATEWAY_RETRY_BASE_SECONDS = env.float("PAYMENTS_GATEWAY_RETRY_BASE_SECONDS",
                                                default=0.5)
# An attempt, refund or payout whose provider call never got an answer (a crash, a
# provider outage) is sent again by the chronograph after this many seconds.
PAYMENTS_RESUME_AFTER_SECONDS = env.int("PAYMENTS_RESUME_AFTER_SECONDS", default=300)
# How far back the daily reconciliation compares our records with the provider's.
PAYMENTS_RECONCILE_DAYS = env.int("PAYMENTS_RECONCILE_DAYS", default=2)

CELERY_BEAT_SCHEDULE["payments-reconcile"] = {
    "task": "marketplace.payments.tasks.reconcile",
    "schedule": crontab(hour=env.int("PAYMENTS_RECONCILE_HOUR", default=3), minute=17),
}
