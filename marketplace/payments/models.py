"""Payment records: customers, saved cards, attempts, refunds, connected accounts, payouts,
offline treasury transfers, webhook events and reconciliation findings; the ledger's
accounts and journal live in ``marketplace.payments.ledger.models``.

Every ``status`` column changes only through its machine in ``payments.states``. What a
payer has paid, and whether an attempt is refunded or partially refunded, is derived from
the attempts and refunds (``payments.selectors``), never stored.

Idempotency keys are derived from each record's own UUID (``key``), so a retry after a
crash or a lost answer sends the same key, and two databases (a test run against Stripe's
test mode, a restored backup) never reuse one another's keys.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.core.money import amount_field, money_attribute
from marketplace.core.storage import private_storage
from marketplace.payments.ledger.models import (  # noqa: F401  (models of this app)
    JournalEntry,
    JournalLine,
    LedgerAccount,
)


class Provider(models.TextChoices):
    STRIPE = "stripe", _("Card (Stripe)")
    OFFLINE = "offline", _("Treasury transfer")


def _currency_field():
    return models.CharField(_("currency"), max_length=3)


class PaymentCustomer(models.Model):
    """A payer as the card provider knows them (a Stripe customer), one per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_customer",
        verbose_name=_("user"),
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider_customer_id = models.CharField(_("provider customer id"), max_length=100,
                                            blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment customer")

    def __str__(self):
        return self.provider_customer_id or f"customer of {self.user_id}"

    @property
    def key(self) -> str:
        return f"customer-{self.uid}"


class SavedPaymentMethod(models.Model):
    """A card saved for later use (a SetupIntent), with the owner's consent to charge it
    off-session. Only brand, last four digits and expiry are kept; never the number."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being set up")
        ACTIVE = "active", _("Ready")
        FAILED = "failed", _("Could not be saved")
        REMOVED = "removed", _("Removed")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_methods",
        verbose_name=_("owner"),
    )
    provider = models.CharField(max_length=20, choices=Provider.choices, default=Provider.STRIPE)
    provider_payment_method_id = models.CharField(max_length=100, blank=True, db_index=True)
    provider_setup_intent_id = models.CharField(max_length=100, blank=True, db_index=True)
    brand = models.CharField(_("brand"), max_length=30, blank=True)
    last4 = models.CharField(_("last four digits"), max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(_("expiry month"), null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(_("expiry year"), null=True, blank=True)
    off_session_consent = models.BooleanField(_("may be charged off-session"), default=False)
    consented_at = models.DateTimeField(null=True, blank=True)
    # what the page needs to finish 3-D Secure while the method is pending
    client_secret = models.CharField(max_length=200, blank=True)
    next_action_url = models.URLField(max_length=500, blank=True)
    failure_code = models.CharField(max_length=60, blank=True)
    # through payments.states.METHOD_STATES only
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saved card")
        verbose_name_plural = _("saved cards")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.brand} •••• {self.last4}" if self.last4 else f"card {self.pk}"

    @property
    def key(self) -> str:
        return f"setup-{self.uid}"


class PaymentAttempt(models.Model):
    """One try to collect money: one provider payment (a PaymentIntent, or an offline
    treasury transfer). A second try is a new attempt.

    ``scope`` names the escrow the money is held in (``crowdfunding.campaign:42``),
    ``reference`` what it pays for (``crowdfunding.pledge:7``).

        created -> requires_action -> processing -> succeeded | failed | canceled
    """

    class Status(models.TextChoices):
        CREATED = "created", _("Created")
        REQUIRES_ACTION = "requires_action", _("Waiting for the payer")
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Canceled")

    class Session(models.TextChoices):
        ON_SESSION = "on_session", _("Payer present")
        OFF_SESSION = "off_session", _("Saved card, payer absent")

    TERMINAL = (Status.SUCCEEDED, Status.FAILED, Status.CANCELED)

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="payment_attempts", verbose_name=_("payer"),
    )
    payer_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True,
        related_name="payment_attempts", verbose_name=_("paying organisation"),
    )
    scope = models.CharField(_("held for"), max_length=100, db_index=True)
    reference = models.CharField(_("pays for"), max_length=100, blank=True, db_index=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount_value = amount_field(_("amount"))
    currency = _currency_field()
    amount = money_attribute("amount_value", "currency")
    session = models.CharField(max_length=20, choices=Session.choices,
                               default=Session.ON_SESSION)
    capture_manually = models.BooleanField(_("authorise now, capture later"), default=False)
    payment_method = models.ForeignKey(
        SavedPaymentMethod, on_delete=models.PROTECT, null=True, blank=True,
        related_name="attempts", verbose_name=_("saved card"),
    )
    # a test payment method by name (pm_card_visa) or a card from Stripe Elements
    provider_payment_method_id = models.CharField(max_length=100, blank=True)
    provider_payment_id = models.CharField(_("provider payment id"), max_length=100,
                                           blank=True, db_index=True)
    provider_charge_id = models.CharField(max_length=100, blank=True)
    authorised = models.BooleanField(default=False)  # manual capture: waiting for capture
    client_secret = models.CharField(max_length=200, blank=True)
    next_action_url = models.URLField(max_length=500, blank=True)
    return_url = models.URLField(max_length=500, blank=True)
    failure_code = models.CharField(_("failure code"), max_length=60, blank=True)
    decline_code = models.CharField(_("decline code"), max_length=60, blank=True)
    # how many times the provider call was sent (a retry reuses the key)
    provider_calls = models.PositiveIntegerField(default=0)
    # through payments.states.ATTEMPT_STATES only
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.CREATED, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment attempt")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_value__gt=0),
                                   name="payment_attempt_amount_positive"),
        ]

    def __str__(self):
        return f"attempt {self.pk} {self.amount} ({self.status})"

    @property
    def key(self) -> str:
        return f"attempt-{self.uid}"

    @property
    def is_terminal(self) -> bool:
        return self.status in self.TERMINAL


class OfflineTransfer(models.Model):
    """The treasury side of an offline attempt: the paying agency's transfer reference, its
    document, who recorded it and the agency approver who confirmed it (with MFA)."""

    attempt = models.OneToOneField(PaymentAttempt, on_delete=models.PROTECT,
                                   related_name="offline_transfer")
    transfer_reference = models.CharField(_("treasury transfer reference"), max_length=100)
    document = models.FileField(_("transfer document"), upload_to="payments/offline/",
                                storage=private_storage, max_length=200)
    document_name = models.CharField(max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("treasury transfer")
        constraints = [
            models.UniqueConstraint(fields=["transfer_reference"],
                                    name="offline_transfer_reference_unique"),
        ]

    def __str__(self):
        return self.transfer_reference


class OfflinePayout(models.Model):
    """Money paid to a payee organisation by treasury transfer (no card, no connected
    account): e.g. the reimbursement of a voucher redemption to its service provider.
    It settles what the ledger owes the payee (its ``payee_payable`` account) for one
    ``cause`` (``vouchers.order:12``), an app's record registered in
    ``payments.payout_causes``. Someone allowed to record it records the transfer's
    reference and document; someone else allowed to approve it confirms it with MFA.

        recorded -> paid | rejected
    """

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Awaiting approval")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payee = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                              related_name="offline_payouts", verbose_name=_("payee"))
    cause = models.CharField(_("paid for"), max_length=100, db_index=True)
    currency = _currency_field()
    amount_value = amount_field(_("amount"))
    amount = money_attribute("amount_value", "currency")
    transfer_reference = models.CharField(_("treasury transfer reference"), max_length=100)
    document = models.FileField(_("transfer document"), upload_to="payments/offline_payouts/",
                                storage=private_storage, max_length=200)
    document_name = models.CharField(max_length=200, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    # through payments.states.OFFLINE_PAYOUT_STATES only
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.RECORDED, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("treasury payout")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_value__gt=0),
                                   name="offline_payout_amount_positive"),
            models.UniqueConstraint(fields=["transfer_reference"],
                                    name="offline_payout_reference_unique"),
            # one open or paid payout per cause: a cause is never paid twice
            models.UniqueConstraint(fields=["cause"], condition=~models.Q(status="rejected"),
                                    name="offline_payout_once_per_cause"),
        ]

    def __str__(self):
        return f"{self.cause} {self.amount}"


class Refund(models.Model):
    """Money given back from one succeeded attempt (full or partial).

        pending -> succeeded | failed
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.PROTECT, related_name="refunds")
    amount_value = amount_field(_("amount"))
    currency = _currency_field()
    amount = money_attribute("amount_value", "currency")
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    provider_refund_id = models.CharField(max_length=100, blank=True, db_index=True)
    failure_code = models.CharField(max_length=60, blank=True)
    provider_calls = models.PositiveIntegerField(default=0)
    # through payments.states.REFUND_STATES only
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("refund")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_value__gt=0),
                                   name="refund_amount_positive"),
        ]

    def __str__(self):
        return f"refund {self.pk} {self.amount} ({self.status})"

    @property
    def key(self) -> str:
        return f"refund-{self.uid}"


class ConnectedAccount(models.Model):
    """A payee's account at the provider (Stripe Connect Express), one per organisation.

        pending -> onboarding -> enabled <-> restricted
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Not created yet")
        ONBOARDING = "onboarding", _("Onboarding")
        ENABLED = "enabled", _("Can receive payouts")
        RESTRICTED = "restricted", _("Restricted")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT,
                                        related_name="connected_account",
                                        verbose_name=_("organisation"))
    provider_account_id = models.CharField(_("provider account id"), max_length=100,
                                           blank=True, db_index=True)
    country = models.CharField(max_length=2, blank=True)
    email = models.EmailField(blank=True)
    details_submitted = models.BooleanField(default=False)
    charges_enabled = models.BooleanField(_("charges enabled"), default=False)
    payouts_enabled = models.BooleanField(_("payouts enabled"), default=False)
    transfers_active = models.BooleanField(default=False)
    disabled_reason = models.CharField(max_length=100, blank=True)
    requirements_due = models.JSONField(default=list, blank=True)
    # through payments.states.ACCOUNT_STATES only
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payout account")

    def __str__(self):
        return self.provider_account_id or f"account of {self.organisation_id}"

    @property
    def key(self) -> str:
        return f"account-{self.uid}"

    @property
    def can_receive_payouts(self) -> bool:
        return self.status == self.Status.ENABLED


class Payout(models.Model):
    """Money released from an escrow to a payee's connected account (a Transfer), minus
    the platform's and the processing fees. Staff approve it before it is sent.

        pending -> approved -> paid | failed ; pending | approved -> canceled
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Canceled")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(ConnectedAccount, on_delete=models.PROTECT,
                                related_name="payouts", verbose_name=_("payout account"))
    scope = models.CharField(_("paid from"), max_length=100, db_index=True)
    currency = _currency_field()
    gross_value = amount_field(_("amount released"))
    gross = money_attribute("gross_value", "currency")
    platform_fee_value = amount_field(_("platform fee"))
    platform_fee = money_attribute("platform_fee_value", "currency")
    processing_fee_value = amount_field(_("processing fee"))
    processing_fee = money_attribute("processing_fee_value", "currency")
    provider_transfer_id = models.CharField(max_length=100, blank=True, db_index=True)
    failure_code = models.CharField(max_length=60, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    provider_calls = models.PositiveIntegerField(default=0)
    # through payments.states.PAYOUT_STATES only
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payout")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gross_value__gt=0, platform_fee_value__gte=0,
                                   processing_fee_value__gte=0)
                & models.Q(gross_value__gt=models.F("platform_fee_value")
                           + models.F("processing_fee_value")),
                name="payout_amounts_valid",
            ),
        ]

    def __str__(self):
        return f"payout {self.pk} {self.gross} ({self.status})"

    @property
    def key(self) -> str:
        return f"payout-{self.uid}"

    @property
    def net(self):
        return self.gross - self.platform_fee - self.processing_fee


class WebhookEvent(models.Model):
    """A provider event, stored once by its id; processing re-reads the object it names.

        received -> processed | ignored | failed ; failed -> processed | ignored
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Not ours")
        FAILED = "failed", _("Failed")

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=100, blank=True, db_index=True)
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    deliveries = models.PositiveIntegerField(default=1)
    error = models.CharField(max_length=500, blank=True)
    # through payments.states.EVENT_STATES only
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED,
                              db_index=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class ReconciliationRun(models.Model):
    """One comparison of our records with the provider's objects over a time window."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    checked = models.PositiveIntegerField(default=0)
    differences_found = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("reconciliation run")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"reconciliation {self.pk} ({self.differences_found} differences)"


class ReconciliationDifference(models.Model):
    """Something our records and the provider disagree on. Nothing fixes it silently:
    staff read it and act through the services."""

    class Kind(models.TextChoices):
        MISSING_AT_PROVIDER = "missing_at_provider", _("We have it, the provider does not")
        MISSING_HERE = "missing_here", _("The provider has it, we do not")
        STATUS = "status", _("Status differs")
        AMOUNT = "amount", _("Amount differs")

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE,
                            related_name="differences")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    object_type = models.CharField(max_length=30)  # attempt, refund, payout
    object_id = models.CharField(max_length=64, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    ours = models.JSONField(default=dict, blank=True)
    theirs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reconciliation difference")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.object_type} {self.object_id or self.provider_id}"
