"""Writes of payments, one module per subdomain: methods (customers and saved cards),
attempts, refunds, accounts (payees' connected accounts), payouts, offline (treasury
transfers), webhooks, reconciliation. Provider calls go through ``gateway.provider_call``
(outside any transaction, retried); results are recorded through each record's
transition in a second short transaction."""
