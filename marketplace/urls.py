from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from marketplace.core import views as core_views
from marketplace.core import views_audit

api_patterns = [
    path("", include("marketplace.accounts.api_urls")),
    path("", include("marketplace.notifications.api_urls")),
    path("", include("marketplace.payments.api_urls")),
    path("", include("catalog.api_urls")),
    path("", include("crowdfunding.api_urls")),
    path("", include("procurement.api_urls")),
    path("", include("vouchers.api_urls")),
    path("", include("crowdfunding.equity.api_urls")),
    path("", include("search.api_urls")),
    path("", include("marketplace.core.audit_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

# The admin has no login of its own: /admin/login/ sends people to allauth's login, which
# asks the one-time code of those who have MFA and applies the login rate limits. A
# password alone never yields a staff session. Set before ``admin.site.urls`` is read
# below: the admin binds its login view when it builds its URLs.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("dashboard/", core_views.dashboard, name="dashboard"),
    path("healthz", core_views.healthz, name="healthz"),
    path("status/", core_views.status_page, name="status"),
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
    path("transparency/", views_audit.transparency, name="transparency"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("", include("marketplace.accounts.urls")),
    path("notifications/", include("marketplace.notifications.urls")),
    path("payments/", include("marketplace.payments.urls")),
    path("catalog/", include("catalog.urls")),
    path("crowdfunding/", include("crowdfunding.urls")),
    path("procurement/", include("procurement.urls")),
    path("vouchers/", include("vouchers.urls")),
    path("search/", include("search.urls")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

handler400 = "marketplace.core.views.bad_request"
handler403 = "marketplace.core.views.permission_denied"
handler404 = "marketplace.core.views.page_not_found"
handler500 = "marketplace.core.views.server_error"

if settings.BENCH_TRIVIAL_VIEW:
    from marketplace.core.views_bench import trivial

    urlpatterns += [path("bench/trivial/", trivial, name="bench-trivial")]

if settings.DEBUG:
    # The embedded run serves uploads itself, and only what the production proxy serves
    # (docker/proxy.conf): the public upload folders.
    urlpatterns += [re_path(core_views.PUBLIC_MEDIA_PATH, core_views.public_media)]
