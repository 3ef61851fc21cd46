"""Currencies the fake accepts, and Stripe's minimum charge amounts.

Stripe's minimums apply in the settlement currency after conversion; the fake applies
them only to the currencies in ``MINIMUM_AMOUNT`` (amounts in minor units) and requires
just a positive amount elsewhere (documented as a simplification).
"""

from . import errors

SUPPORTED = frozenset(
    [
        "usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn",
        "bam", "bbd", "bdt", "bgn", "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp",
        "byn", "bzd", "cad", "cdf", "chf", "clp", "cny", "cop", "crc", "cve", "czk",
        "djf", "dkk", "dop", "dzd", "egp", "etb", "eur", "fjd", "fkp", "gbp", "gel",
        "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl", "htg", "huf", "idr", "ils",
        "inr", "isk", "jmd", "jpy", "kes", "kgs", "khr", "kmf", "krw", "kyd", "kzt",
        "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd", "mmk", "mnt",
        "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok",
        "npr", "nzd", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg", "qar", "ron",
        "rsd", "rub", "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sos",
        "srd", "std", "szl", "thb", "tjs", "top", "try", "ttd", "twd", "tzs", "uah",
        "ugx", "uyu", "uzs", "vnd", "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer",
        "zar", "zmw"
    ]
)

ZERO_DECIMAL = frozenset(
    [
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx",
        "vnd", "vuv", "xaf", "xof", "xpf"
    ]
)

MINIMUM_AMOUNT = {
    "usd": 50, "aud": 50, "brl": 50, "cad": 50, "chf": 50, "eur": 50, "inr": 50, "nzd": 50,
    "sgd": 50, "gbp": 30, "dkk": 250, "nok": 300, "sek": 300, "hkd": 400, "jpy": 50,
    "mxn": 1000, "pln": 200, "czk": 1500, "huf": 17500, "ron": 200, "bgn": 100, "aed": 200,
    "myr": 200, "thb": 1000,
}


def check(currency: str | None, param: str = "currency") -> str:
    if currency is None:
        raise errors.missing(param)
    value = currency.lower()
    if value not in SUPPORTED:
        raise errors.invalid(
            param,
            f"Invalid currency: {currency}. Stripe currently supports these currencies: "
            + ", ".join(sorted(SUPPORTED)),
            code="parameter_invalid_string",
        )
    return value


def check_charge_amount(amount: int, currency: str, param: str = "amount") -> None:
    minimum = MINIMUM_AMOUNT.get(currency, 1)
    if amount < minimum:
        shown = f"{minimum}" if currency in ZERO_DECIMAL else f"{minimum / 100:.2f}"
        raise errors.ParamError(
            f"Amount must be at least {shown} {currency}",
            code="amount_too_small",
            param=param,
        )
