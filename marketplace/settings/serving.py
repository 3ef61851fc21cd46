"""Production serving (scripts/serve.sh, marketplace/gunicorn_conf.py).

The process manager's own sizing (WEB_WORKERS, WEB_TIMEOUT, ...) is read by the gunicorn
config before Django starts; the settings here are those the application itself reads.
"""

from marketplace.settings.env import env

# /bench/trivial/: a view that does nothing but pass the middleware, the baseline of
# bench/http.py. Off unless asked for; never set it in production.
BENCH_TRIVIAL_VIEW = env.bool("BENCH_TRIVIAL_VIEW", default=False)
