"""Writes of equity crowdfunding: one keyword-only function per use case."""
