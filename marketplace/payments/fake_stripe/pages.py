"""The pages a customer or a connected account's owner would see at Stripe: 3-D Secure
(``/fake/3ds/{intent}``) and Connect onboarding (``/fake/connect/onboarding/{acct}``).

Each page is a plain HTML form; its buttons POST back and are answered with a 303 to the
``return_url`` (with Stripe's query parameters), so a test can drive them with urllib.
"""

from __future__ import annotations

from html import escape

from aiohttp import web

from . import connect, errors, intents, payment_intents, setup_intents

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1>{body}</body></html>"""


def _page(title: str, body: str, status: int = 200) -> web.Response:
    return web.Response(text=PAGE.format(title=escape(title), body=body), status=status,
                        content_type="text/html")


def _button(action: str, label: str) -> str:
    return (f'<form method="post" action="{escape(action)}">'
            f'<button type="submit">{escape(label)}</button></form>')


def _intent(request: web.Request) -> dict | None:
    fake = request.app["fake"]
    obj = fake.store.objects.get(request.match_info["intent"])
    if obj is None or obj.get("object") not in ("setup_intent", "payment_intent"):
        return None
    return obj


def authenticate(fake, intent: dict, succeeded: bool) -> None:
    """Complete or fail a pending 3-D Secure, for the page and the control API."""
    if intent["object"] == "setup_intent":
        setup_intents.authenticate(fake.ctx, intent, succeeded)
    else:
        payment_intents.authenticate(fake.ctx, intent, succeeded)


async def three_d_secure(request: web.Request) -> web.Response:
    intent = _intent(request)
    if intent is None:
        return _page("3D Secure", "<p>Unknown intent.</p>", 404)
    if intent["status"] != "requires_action":
        return _page("3D Secure", f"<p>Nothing to authenticate: {escape(intent['status'])}"
                     "</p>", 409)
    base = f"/fake/3ds/{intent['id']}"
    amount = ""
    if intent["object"] == "payment_intent":
        amount = f"<p>{intent['amount']} {escape(intent['currency'])}</p>"
    body = (f"<p>Test 3D Secure authentication for {escape(intent['id'])}</p>{amount}"
            + _button(base + "/complete", "Complete") + _button(base + "/fail", "Fail"))
    return _page("3D Secure", body)


async def three_d_secure_answer(request: web.Request) -> web.Response:
    fake = request.app["fake"]
    intent = _intent(request)
    if intent is None:
        return _page("3D Secure", "<p>Unknown intent.</p>", 404)
    succeeded = request.match_info["outcome"] == "complete"
    try:
        authenticate(fake, intent, succeeded)
    except errors.StripeError as exc:
        return _page("3D Secure", f"<p>{escape(exc.message)}</p>", 409)
    target = intents.redirect_target(fake.ctx, intent, succeeded)
    if target is None:
        return _page("3D Secure", f"<p>Authentication {'completed' if succeeded else 'failed'}."
                     "</p>")
    raise web.HTTPSeeOther(target)


def _account_and_link(request: web.Request) -> tuple[dict | None, dict]:
    fake = request.app["fake"]
    account = fake.store.objects.get(request.match_info["account"])
    if account is None or account.get("object") != "account":
        return None, {}
    links = fake.store.meta.get(account["id"], {}).get("links", {})
    link = links.get(request.query.get("link", ""))
    if link is None and links:
        link = list(links.values())[-1]
    return account, link or {}


async def onboarding(request: web.Request) -> web.Response:
    account, _ = _account_and_link(request)
    if account is None:
        return _page("Onboarding", "<p>Unknown account.</p>", 404)
    query = f"?link={escape(request.query.get('link', ''))}"
    base = f"/fake/connect/onboarding/{account['id']}"
    body = (f"<p>Connect onboarding for {escape(account['id'])}</p>"
            + _button(base + "/complete" + query, "Complete onboarding")
            + _button(base + "/refresh" + query, "Leave (refresh link)"))
    return _page("Onboarding", body)


async def onboarding_answer(request: web.Request) -> web.Response:
    fake = request.app["fake"]
    account, link = _account_and_link(request)
    if account is None:
        return _page("Onboarding", "<p>Unknown account.</p>", 404)
    if request.match_info["outcome"] == "complete":
        connect.onboard(fake.ctx, account)
        target = link.get("return_url")
    else:
        target = link.get("refresh_url")
    if not target:
        return _page("Onboarding", "<p>Done.</p>")
    raise web.HTTPSeeOther(target)


def register(app: web.Application) -> None:
    app.router.add_get("/fake/3ds/{intent}", three_d_secure)
    app.router.add_post("/fake/3ds/{intent}/{outcome:complete|fail}", three_d_secure_answer)
    app.router.add_get("/fake/connect/onboarding/{account}", onboarding)
    app.router.add_post("/fake/connect/onboarding/{account}/{outcome:complete|refresh}",
                        onboarding_answer)
