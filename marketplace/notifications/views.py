from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def notification_list(request):
    notes = request.user.notifications.all()[:100]
    return render(request, "notifications/list.html", {"notifications": notes})
