"""The equity API: not built yet. Onboarding's services and the readiness selector are
what its endpoints will call."""
