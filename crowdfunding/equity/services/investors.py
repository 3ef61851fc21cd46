"""Investor onboarding: the self-declaration and classification (reviewed by staff,
valid 2 years), the entry knowledge test (valid 2 years) and the risk warning.

    investor profile: submitted -> approved | refused
"""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from catalog.validators import CatalogValidationError, check_document
from crowdfunding.equity import onboarding, rulepacks
from crowdfunding.equity.errors import EquityValidationError, ProfileUnderReview
from crowdfunding.equity.models import (
    Classification,
    InvestorProfile,
    KnowledgeTestAttempt,
    RiskWarningAcknowledgement,
)
from crowdfunding.equity.rulepacks.errors import RulePackError
from crowdfunding.equity.rules import EquityPerm
from crowdfunding.equity.states import INVESTOR_PROFILE_STATES, EquityAction
from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.money import InvalidMoney, Money
from marketplace.core.permissions import require_perm
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from marketplace.notifications.services import notification_create

S = InvestorProfile.Status
VALIDITY = relativedelta(years=2)

_AMOUNTS = {
    "annual_income": _("The annual income"),
    "net_worth": _("The net worth"),
    "financial_assets": _("The financial assets"),
    "average_income_3y": _("The average annual income of the last 3 years"),
    "invested_elsewhere_12m": _("The crowdfunding investments elsewhere in the last 12 months"),
}


def valid_until(start: datetime) -> datetime:
    """Two years after ``start`` (29 February -> 28 February)."""
    return start + VALIDITY


def _clean_amounts(values: dict, currency: str) -> dict[str, Money]:
    """Each declared amount, in ``currency``, with at most its decimals; only the net
    worth may be negative (debts above assets)."""
    cleaned = {}
    for name, label in _AMOUNTS.items():
        value = values.get(name)
        if value is None or value == "":
            raise EquityValidationError(
                _("%(field)s is required.") % {"field": label}, data={"field": name})
        if isinstance(value, Money):
            if value.currency != currency:
                raise EquityValidationError(
                    _("%(field)s must be in %(currency)s.")
                    % {"field": label, "currency": currency}, data={"field": name})
            value = value.amount
        text = value if isinstance(value, float | bool) else str(value).strip()
        negative = name == "net_worth" and isinstance(text, str) and text.startswith("-")
        try:
            money = Money.from_input(text[1:] if negative else text, currency, label=label)
        except InvalidMoney as exc:
            raise EquityValidationError(exc.message, code="invalid_amount",
                                        data={"field": name}) from exc
        cleaned[name] = -money if negative else money
    return cleaned


def investor_profile_submit(*, actor, classification: str, amounts: dict,
                            evidence=None) -> InvestorProfile:
    """The investor declares income, net worth, financial assets and crowdfunding
    investments elsewhere in the active pack's currency, and claims a classification.
    Sophisticated and qualified claims need evidence (PDF, JPEG or PNG); a qualified
    claim under the ``cn`` pack must meet its asset or income threshold."""
    require_perm(actor, EquityPerm.SUBMIT_INVESTOR_PROFILE, None,
                 message=_("Log in to submit your investor profile."))
    if classification not in Classification.values:
        raise EquityValidationError(_("Choose a classification: retail, sophisticated or "
                                      "qualified."), data={"field": "classification"})
    pack = rulepacks.active()
    values = _clean_amounts(amounts or {}, pack.currency)
    if classification != Classification.RETAIL and not evidence:
        raise EquityValidationError(
            _("A sophisticated or qualified classification needs evidence (a PDF, JPEG or "
              "PNG document)."), code="evidence_required", data={"field": "evidence"})
    if classification == Classification.QUALIFIED and pack.code == "cn":
        try:
            qualified = pack.is_qualified(financial_assets=values["financial_assets"],
                                          average_income_3y=values["average_income_3y"],
                                          single_ticket=Money.zero(pack.currency))
        except RulePackError as exc:
            raise EquityValidationError(exc.message, data=exc.data) from exc
        if not qualified:
            raise EquityValidationError(
                _("A qualified investor needs financial assets of at least %(assets)s or an "
                  "average annual income over the last 3 years of at least %(income)s.")
                % {"assets": Money(pack.qualified_financial_assets, pack.currency).format(),
                   "income": Money(pack.qualified_average_income_3y, pack.currency).format()},
                code="not_qualified", data={"field": "classification"})
    checked = _check_evidence(evidence) if evidence else None  # before any write
    stored = None
    try:
        with transaction.atomic():
            if InvestorProfile.objects.filter(user=actor, status=S.SUBMITTED).exists():
                raise ProfileUnderReview()
            profile = InvestorProfile(user=actor, classification=classification,
                                      rule_pack=pack.code, currency=pack.currency)
            for name, money in values.items():
                setattr(profile, name, money)
            if checked:
                profile.evidence_name = (getattr(evidence, "name", "") or "")[-200:]
                profile.evidence_content_type = checked.content_type
                profile.evidence_size = checked.size
                profile.evidence.save(f"evidence.{checked.extension}", evidence, save=False)
                stored = profile.evidence
            with unique_conflicts(InvestorProfile, {
                "equity_profile_one_open_per_user": ProfileUnderReview(),
            }):
                profile.save()
            audit_log(actor=actor, action=EquityAction.INVESTOR_PROFILE_SUBMITTED, obj=profile,
                      data={"classification": classification, "rule_pack": pack.code,
                            "evidence": bool(checked)})
    except BaseException:
        if stored:
            stored.storage.delete(stored.name)
        raise
    return profile


def _check_evidence(upload):
    """A PDF, JPEG or PNG of at most 10 MB, recognised by its content (the catalogue's
    document rule), refused as this app's error naming the field."""
    try:
        return check_document(upload)
    except CatalogValidationError as exc:
        raise EquityValidationError(exc.message, code="invalid_evidence",
                                    data={"field": "evidence"}) from exc


def investor_profile_approve(*, actor, profile: InvestorProfile) -> InvestorProfile:
    """Staff approve a submitted profile (not their own); valid for 2 years from now."""
    require_perm(actor, EquityPerm.REVIEW_INVESTOR_PROFILE, profile,
                 message=_("Only staff other than the investor can review this profile."))
    now = timezone.now()
    with transaction.atomic():
        transition(
            profile, INVESTOR_PROFILE_STATES, S.APPROVED, actor=actor,
            action=EquityAction.INVESTOR_PROFILE_APPROVED,
            data={"classification": profile.classification},
            changes={"reviewer": actor, "decided_at": now, "valid_until": valid_until(now)},
        )
        _notify(profile, _("Your investor profile is approved"),
                _("You are classified as: %(classification)s, until %(until)s."))
    return profile


def investor_profile_refuse(*, actor, profile: InvestorProfile, reason: str) -> InvestorProfile:
    require_perm(actor, EquityPerm.REVIEW_INVESTOR_PROFILE, profile,
                 message=_("Only staff other than the investor can review this profile."))
    reason = clean_reason(reason, missing=_("Give the reason for the refusal."),
                          error=EquityValidationError)
    with transaction.atomic():
        transition(
            profile, INVESTOR_PROFILE_STATES, S.REFUSED, actor=actor,
            action=EquityAction.INVESTOR_PROFILE_REFUSED, data={"reason": reason},
            changes={"reviewer": actor, "decided_at": timezone.now(),
                     "decision_reason": reason},
        )
        _notify(profile, _("Your investor profile was refused"), _("Reason: %(reason)s"))
    return profile


def _notify(profile: InvestorProfile, title, body) -> None:
    user = profile.user
    with translation.override(user.preferred_language or "zh-hans"):
        values = {
            "classification": str(Classification(profile.classification).label),
            "until": profile.valid_until.date().isoformat() if profile.valid_until else "",
            "reason": profile.decision_reason,
        }
        notification_create(user=user, kind=f"equity.investor_profile.{profile.status}",
                            title=str(title)[:200], body=str(body) % values, email=True)


def knowledge_test_take(*, actor, answers: dict) -> KnowledgeTestAttempt:
    """Score one sitting: every question answered with one of its choices. Passed when
    the share of correct answers reaches the pass mark; a pass is valid 2 years."""
    require_perm(actor, EquityPerm.TAKE_KNOWLEDGE_TEST, None,
                 message=_("Log in to take the knowledge test."))
    if not isinstance(answers, dict):
        raise EquityValidationError(_("Answer every question."), data={"field": "answers"})
    keys = {q.key for q in onboarding.QUESTIONS}
    unknown = sorted(set(answers) - keys)
    if unknown:
        raise EquityValidationError(
            _("These are not questions of the test: %(keys)s.") % {"keys": ", ".join(unknown)},
            code="unknown_questions", data={"field": "answers", "keys": unknown})
    missing = [q.key for q in onboarding.QUESTIONS if q.key not in answers]
    if missing:
        raise EquityValidationError(_("Answer every question."), code="unanswered",
                                    data={"field": "answers", "keys": missing})
    for question in onboarding.QUESTIONS:
        if answers[question.key] not in question.choices:
            raise EquityValidationError(
                _("Choose one of the offered answers."),
                code="invalid_answer", data={"field": "answers", "keys": [question.key]})
    score = sum(answers[q.key] == q.correct for q in onboarding.QUESTIONS)
    total = len(onboarding.QUESTIONS)
    pass_mark = onboarding.pass_percent()
    passed = score * 100 >= pass_mark * total
    now = timezone.now()
    with transaction.atomic():
        attempt = KnowledgeTestAttempt.objects.create(
            user=actor, test_version=onboarding.KNOWLEDGE_TEST_VERSION,
            answers={k: answers[k] for k in sorted(keys)}, score=score, total=total,
            pass_mark=pass_mark, passed=passed, taken_at=now,
            valid_until=valid_until(now) if passed else None,
        )
        audit_log(actor=actor, action=EquityAction.KNOWLEDGE_TEST_TAKEN, obj=attempt,
                  data={"score": score, "total": total, "passed": passed,
                        "version": onboarding.KNOWLEDGE_TEST_VERSION})
    return attempt


def risk_warning_acknowledge(*, actor) -> RiskWarningAcknowledgement:
    """The investor acknowledges the current risk warning; once per version (again is a
    no-op returning the first acknowledgement)."""
    require_perm(actor, EquityPerm.ACKNOWLEDGE_RISK_WARNING, None,
                 message=_("Log in to acknowledge the risk warning."))
    version = onboarding.RISK_WARNING_VERSION
    existing = RiskWarningAcknowledgement.objects.filter(
        user=actor, warning_version=version).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            ack = RiskWarningAcknowledgement.objects.create(user=actor,
                                                            warning_version=version)
            audit_log(actor=actor, action=EquityAction.RISK_WARNING_ACKNOWLEDGED, obj=ack,
                      data={"version": version})
    except IntegrityError:  # a concurrent acknowledgement of the same version won
        return RiskWarningAcknowledgement.objects.get(user=actor, warning_version=version)
    return ack
