"""Catalogue pages (thin: forms in, services and selectors do the work)."""
