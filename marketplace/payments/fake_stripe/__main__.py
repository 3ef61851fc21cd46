"""Command line: ``python -m marketplace.payments.fake_stripe --port 12111``.

Prints ``fake-stripe listening on http://HOST:PORT`` (one line, flushed) once it accepts
connections; ``--port 0`` picks a free port and prints it. Stops on SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import signal
import sys

from aiohttp import web

from .app import Options, create_app
from .webhooks import Settings


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m marketplace.payments.fake_stripe",
                                     description="A stateful fake of Stripe's API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--webhook-url", help="send every event here too (like stripe listen)")
    parser.add_argument("--webhook-secret", help="signing secret for --webhook-url "
                        "(default: a new whsec_..., printed at start)")
    parser.add_argument("--rate-limit", type=float, default=None,
                        help="requests per second before 429 (default: unlimited)")
    parser.add_argument("--webhook-duplicates", type=int, default=1,
                        help="deliver each event N times")
    parser.add_argument("--webhook-shuffle-window", type=int, default=0,
                        help="shuffle deliveries in windows of N")
    parser.add_argument("--webhook-retry-base", type=float, default=0.5,
                        help="seconds before the first retry (doubling after)")
    parser.add_argument("--webhook-max-attempts", type=int, default=6)
    parser.add_argument("--log-level", default="WARNING")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    secret = args.webhook_secret
    if args.webhook_url and not secret:
        secret = "whsec_" + secrets.token_hex(16)
        print(f"fake-stripe webhook secret {secret}", flush=True)
    settings = Settings(duplicates=args.webhook_duplicates,
                        shuffle_window=args.webhook_shuffle_window,
                        retry_base_seconds=args.webhook_retry_base,
                        max_attempts=args.webhook_max_attempts)
    app = create_app(Options(rate_limit=args.rate_limit, webhook_url=args.webhook_url,
                             webhook_secret=secret, webhooks=settings))
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.port, backlog=1024)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # the real port when --port 0
    url = f"http://{args.host}:{port}"
    app["fake"].set_base_url(url)
    print(f"fake-stripe listening on {url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
