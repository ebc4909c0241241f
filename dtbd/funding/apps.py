from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dtbd.funding"
    verbose_name = _("Cử đi đào tạo, cam kết phục vụ, thu hút nhân tài, tạo nguồn")

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from auditlog.registry import auditlog

        from dtbd.people import extensions as people_extensions

        from . import models as m
        from . import services
        from .reminders import register_kinds
        from .views import staff_page_panel

        for model in (m.PostgradRule, m.Dispatch, m.DispatchCost, m.ReimbursementCase, m.Payment):
            auditlog.register(model)
        # Talent attraction and source cadres (docs/domain.md §14.4–14.5).
        for model in (m.Policy, m.PolicyItem, m.Attraction, m.AttractionPayment, m.Scheme, m.Candidate,
                      m.CandidateStep):
            auditlog.register(model)
        # A person leaving with a commitment unfinished opens a reimbursement case (docs/domain.md §14.3).
        people_extensions.person_left.register(services.person_left)
        # The staff page shows the person's dispatches, commitments, attractions and candidacy (docs/domain.md §14).
        people_extensions.person_page.register(staff_page_panel)
        # Reminders of returns due and commitments ending (docs/domain.md §19).
        register_kinds()
