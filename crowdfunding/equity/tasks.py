"""Celery tasks of equity crowdfunding: none yet (onboarding sends its notices through
``notification_create``, which enqueues the mail itself). Offering settlement will add
its tasks here; services enqueue them by name."""
