def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "celery_worker: starts a real Celery worker process (a few seconds; "
        "deselect with -m 'not celery_worker')",
    )
