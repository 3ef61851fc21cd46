"""The site's URLs plus MEDIA_ROOT served under /media/, as ``runserver`` with DEBUG (and
any web server pointed at the media directory) does: a private document must not be
reachable this way."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from marketplace.urls import urlpatterns as site_urlpatterns


def serve_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [*site_urlpatterns, re_path(r"^media/(?P<path>.*)$", serve_media)]
