from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dtbd.people"
    verbose_name = "Cán bộ, công chức, viên chức"

    def ready(self):
        # Imported here: models and the modules using them load only once the app registry is ready.
        from auditlog.registry import auditlog

        from dtbd.org import extensions as org_extensions

        from . import models as m
        from . import queries, views

        auditlog.register(m.Person, exclude_fields=["name_folded", "updated_at"])
        auditlog.register(m.Qualification, exclude_fields=["level_order"])
        auditlog.register(m.AnnualAssessment)
        # The catalogues (ranks, ethnic groups, job positions) are data that managers edit: recorded like the rest.
        for model in (m.Rank, m.Ethnicity, m.JobPosition):
            auditlog.register(model)
        for model in (m.UnitAssignment, m.CategoryAssignment, m.RankAssignment, m.PostAssignment, m.JobAssignment, m.PlannedPost):
            auditlog.register(model)
        org_extensions.unit_rows.register(queries.with_staff_direct)
        org_extensions.unit_page.register(views.unit_headcounts)
