from django.urls import path

from samverka.sources import preview_views, views

app_name = "sources"
urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("importera/", views.upload, name="upload"),
    path("befolkning/", views.population_upload, name="population"),
    path("omraden/", views.areas_upload, name="areas"),
    path("importera/granska/", views.import_confirm, name="import_confirm"),
    path("typer/", views.type_mapping, name="types"),
    path("mappningar/", views.mapping_list, name="mappings"),
    path("mappningar/ny/", views.mapping_start, name="mapping_start"),
    path("mappningar/ny/kolumner/", views.mapping_columns, name="mapping_columns"),
    path("import/<int:pk>/", views.job_detail, name="job"),
    path("import/<int:pk>/bekrafta/", preview_views.job_confirm, name="job_confirm"),
    path("<int:pk>/", views.dataset_detail, name="dataset"),
    path("<int:pk>/avvisade.csv", views.rejected_csv, name="rejected_csv"),
    path("<int:pk>/dra-tillbaka/", views.withdraw, name="withdraw"),
    path("<int:pk>/dela/", views.share, name="share"),
    path("<int:pk>/dela/<int:agreement_pk>/sluta/", views.unshare, name="unshare"),
]
