#!/usr/bin/env python3
"""Print the current TOTP code (RFC 6238: SHA-1, 6 digits, 30 s) for a base32 secret.

The demo accounts that must use MFA (buyer, expert, staff) share the secret
JBSWY3DPEHPK3PXP; this saves reaching for a phone during a demo:

    python scripts/totp.py            # code for the demo secret
    python scripts/totp.py SECRET     # code for another secret
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import sys
import time

DEMO_SECRET = "JBSWY3DPEHPK3PXP"


def totp(secret: str, at: float | None = None, *, step: int = 30, digits: int = 6) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def main(argv: list[str]) -> int:
    secret = argv[1] if len(argv) > 1 else DEMO_SECRET
    remaining = 30 - int(time.time()) % 30
    print(f"{totp(secret)}  (valid for {remaining} more s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
