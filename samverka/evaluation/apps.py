from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "samverka.evaluation"
    verbose_name = _("Evaluation of an agreement period")
