"""Pages of payments: thin views over services and selectors."""
