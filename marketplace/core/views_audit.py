"""The public transparency page: the newest signed audit checkpoint (docs/audit.md).

The procurement portal will show the same checkpoint once it exists; both read it
through ``marketplace.core.audit.selectors``.
"""

from django.shortcuts import render

from marketplace.core.audit import selectors
from marketplace.core.audit.keys import verifying_keys


def transparency(request):
    checkpoint = selectors.checkpoint_latest()
    keys = sorted(verifying_keys().values(), key=lambda k: (not k.current, k.key_id))
    return render(request, "core/transparency.html", {
        "checkpoint": checkpoint,
        "checkpoint_count": selectors.checkpoint_list().count() if checkpoint else 0,
        "keys": keys,
    })
