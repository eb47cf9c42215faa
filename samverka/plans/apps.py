from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "samverka.plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from samverka.audit.recorder import Scope, register
        from samverka.plans.models import ActionPlan, FollowUp, Goal, IndicatorReading, Measure
        from samverka.tenancy.access import Visibility

        def of_plan(obj: object) -> Scope:
            plan = obj.plan if hasattr(obj, "plan") else obj.goal.plan  # type: ignore[attr-defined]
            return Scope(plan.owner_id, plan.agreement_id, Visibility.SHARED)

        register(ActionPlan, exclude={"updated_at"})
        register(Goal, scope=of_plan)
        register(IndicatorReading, scope=of_plan)
        register(Measure, scope=of_plan, exclude={"reminded_on"})
        register(FollowUp, scope=of_plan, exclude={"snapshot"})
