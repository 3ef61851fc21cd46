"""REST API of the catalogue (mounted under /api/catalog/)."""
