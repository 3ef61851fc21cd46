from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.notifications import selectors, services


@login_required
def notification_list(request):
    notes = selectors.notification_list(user=request.user)[:100]
    return render(
        request,
        "notifications/list.html",
        {
            "notifications": notes,
            "unread_count": selectors.notification_unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def notification_mark_all_read(request):
    marked = services.notification_mark_read(user=request.user)
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")
