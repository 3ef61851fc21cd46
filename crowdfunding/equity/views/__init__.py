"""Equity pages: not built yet (the invest flow, portfolio and issuer dashboard come with
the offerings)."""
