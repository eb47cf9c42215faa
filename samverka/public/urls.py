from django.urls import path

from samverka.public import views

app_name = "public"
urlpatterns = [
    path("kommuner/", views.index, name="index"),
    path("kommuner/loften/", views.commitments, name="commitments"),
    path("kommun/<slug:slug>/", views.kommun_page, name="kommun"),
    path("kommun/<slug:slug>/flode.atom", views.feed, name="feed"),
    path("kommun/<slug:slug>/kort/", views.card, name="card"),
]
