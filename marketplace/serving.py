"""The production web server's worker class: gunicorn manages the processes, each runs
uvicorn with the project's ASGI application (HTTP through Django, websockets through
Channels). See marketplace/gunicorn_conf.py and scripts/serve.sh."""

from uvicorn_worker import UvicornWorker


class Worker(UvicornWorker):
    # Django's ASGI handler has no lifespan protocol: off, instead of a warning per start.
    # ws "websockets" and http "httptools" come with uvicorn[standard].
    CONFIG_KWARGS = {"loop": "auto", "http": "auto", "ws": "auto", "lifespan": "off"}
