from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dtbd.people"
    verbose_name = "Cán bộ, công chức, viên chức"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models as m

        auditlog.register(m.Person, exclude_fields=["name_folded", "updated_at"])
        auditlog.register(m.Qualification, exclude_fields=["level_order"])
        for model in (m.UnitAssignment, m.CategoryAssignment, m.RankAssignment, m.PostAssignment, m.JobAssignment, m.PlannedPost):
            auditlog.register(model)
