from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("samverka.shell.urls")),
    path("konto/", include("samverka.accounts.urls")),
    path("organisationer/", include("samverka.organizations.urls")),
    path("overenskommelser/", include("samverka.agreements.urls")),
    path("kallor/", include("samverka.sources.urls")),
    path("lagesbild/", include("samverka.situation.urls")),
    path("atgardsplan/", include("samverka.plans.urls")),
    path("medborgarloften/", include("samverka.promises.urls")),
    path("kommunikation/", include("samverka.communication.urls")),
    path("utvardering/", include("samverka.evaluation.urls")),
    path("", include("samverka.public.urls")),
    path("moten/", include("samverka.meetings.urls")),
    path("est/", include("samverka.est.urls")),
    path("logg/", include("samverka.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
