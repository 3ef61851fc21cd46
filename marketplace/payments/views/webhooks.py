"""The provider's webhook endpoint: ``POST /payments/stripe/webhook/``."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.payments.errors import InvalidWebhook, ProviderNotConfigured
from marketplace.payments.services.webhooks import webhook_receive

# Stripe's events are at most a few hundred kB; refuse anything far larger unread.
MAX_BODY = 1024 * 1024


@csrf_exempt  # authenticated by its signature, not a session
@require_POST
def stripe_webhook(request):
    """Verified by the endpoint secret: a bad or missing signature or a malformed body is a
    400 with a message and nothing stored; every verified event is answered 200 (one we
    do not know is recorded and ignored), so the provider stops retrying it."""
    if len(request.body) > MAX_BODY:
        return JsonResponse({"detail": "too large", "code": "too_large"}, status=413)
    try:
        event, first = webhook_receive(payload=request.body,
                                       signature=request.headers.get("Stripe-Signature", ""))
    except (InvalidWebhook, ProviderNotConfigured) as exc:
        return JsonResponse({"detail": str(exc.message), "code": exc.code},
                            status=400 if isinstance(exc, InvalidWebhook) else 503)
    return JsonResponse({"received": event.event_id, "duplicate": not first})
