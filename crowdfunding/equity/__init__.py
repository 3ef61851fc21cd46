"""Equity crowdfunding (股权众筹): offerings, investor protection and the cap table.

The first part to land is ``rulepacks``: the three regulatory rule packs (``cn``,
``us_reg_cf``, ``eu_ecsp``) as plain Python, callable without a database or a request.
"""
