from django.urls import path

from samverka.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("overenskommelse/<int:pk>/", views.agreement_evaluation, name="agreement"),
    path("overenskommelse/<int:pk>/utvardering.pdf", views.agreement_evaluation_pdf, name="pdf"),
    path("overenskommelse/<int:pk>/utvardering.docx", views.agreement_evaluation_docx, name="docx"),
]
