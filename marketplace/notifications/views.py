from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from marketplace.notifications import selectors


@login_required
def notification_list(request):
    notes = selectors.notification_list(user=request.user)[:100]
    return render(request, "notifications/list.html", {"notifications": notes})
