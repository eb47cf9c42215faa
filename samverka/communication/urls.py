from django.urls import path

from samverka.communication import views

app_name = "communication"
urlpatterns = [
    path("", views.index, name="index"),
    path("avtal/<int:agreement_pk>/<int:year>/", views.plan, name="plan"),
    path("avtal/<int:agreement_pk>/<int:year>/ny/", views.activity_add, name="activity_add"),
    path("aktivitet/<int:pk>/", views.activity_edit, name="activity_edit"),
    path("aktivitet/<int:pk>/ta-bort/", views.activity_delete, name="activity_delete"),
    path("aktivitet/<int:pk>/godkann/", views.activity_approve, name="activity_approve"),
    path("aktivitet/<int:pk>/skickad/", views.activity_sent, name="activity_sent"),
    path(
        "medborgarlofte/<int:pk>/pressmeddelande.docx",
        views.press_release,
        name="press_release",
    ),
]
