"""The permission names and audit action codes of the voucher programme."""

from marketplace.core.names import AuditAction, PermissionName


class VouchersPerm(PermissionName):
    MANAGE_PROGRAMME = "vouchers.manage_programme"
    APPLY_PILOT = "vouchers.apply_pilot"
    DECIDE_PILOT = "vouchers.decide_pilot"
    VIEW_PILOT = "vouchers.view_pilot"
    APPLY_VOUCHER = "vouchers.apply_voucher"
    ISSUE_VOUCHER = "vouchers.issue_voucher"
    VIEW_APPLICATION = "vouchers.view_application"
    VIEW_VOUCHER = "vouchers.view_voucher"
    VIEW_CAP = "vouchers.view_cap"
    MANAGE_SERVICES = "vouchers.manage_services"
    ORDER_SERVICE = "vouchers.order_service"
    VIEW_ORDER = "vouchers.view_order"
    DELIVER_ORDER = "vouchers.deliver_order"
    CONFIRM_ORDER = "vouchers.confirm_order"
    CLAIM_REDEMPTION = "vouchers.claim_redemption"
    APPROVE_REDEMPTION = "vouchers.approve_redemption"
    VIEW_INVOICE = "vouchers.view_invoice"
    VIEW_STATISTICS = "vouchers.view_statistics"


class VouchersAction(AuditAction):
    PROGRAMME_CREATED = "vouchers.programme.created"
    PILOT_APPLIED = "vouchers.pilot.applied"
    PILOT_ADMITTED = "vouchers.pilot.admitted"
    PILOT_REFUSED = "vouchers.pilot.refused"
    PILOT_SUSPENDED = "vouchers.pilot.suspended"
    APPLICATION_SUBMITTED = "vouchers.application.submitted"
    APPLICATION_ISSUED = "vouchers.application.issued"
    APPLICATION_REFUSED = "vouchers.application.refused"
    VOUCHER_ISSUED = "vouchers.voucher.issued"
    VOUCHER_SPENT = "vouchers.voucher.spent"
    VOUCHER_LAPSED = "vouchers.voucher.lapsed"
    SERVICE_CREATED = "vouchers.service.created"
    ORDER_PLACED = "vouchers.order.placed"
    ORDER_DELIVERED = "vouchers.order.delivered"
    ORDER_CONFIRMED = "vouchers.order.confirmed"
    ORDER_CLAIMED = "vouchers.order.claimed"
    ORDER_REDEEMED = "vouchers.order.redeemed"
