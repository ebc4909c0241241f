"""Evidence the standards engine takes from the apps above standards (dtbd.core.extensions): they register here from
their AppConfig.ready.

- `programme_completions(programme_code, date, within_years)` -> a values queryset of `person_id`: the people who
  completed a class of the programme on or before `date` (within `within_years` years of it when set). The training
  app provides it (its classes and enrolments); requirement rows of kind PROGRAMME are met through it.
- `credit_sources(qualification_ids)`: the class behind each credited certificate, for the hours review."""
from dtbd.core.extensions import Hook

programme_completions = Hook("standards.programme_completions")


def completed_programme_people(programme_code, date, within_years=None):
    """person_id values of the people who completed programme `programme_code` (see programme_completions), or None
    when no app provides completions."""
    if not programme_completions:
        return None
    return programme_completions.only()(programme_code, date, within_years)


# `credit_sources(qualification_ids)` -> {qualification id: {"class_id", "class_code", "class_name"}}: the class whose
# certificate created each qualification (the training app). The hours review links each credited tiết to its class.
credit_sources = Hook("standards.credit_sources")


def classes_of_credits(qualification_ids):
    """{qualification id: class info} (see credit_sources); {} when no app provides it."""
    if not credit_sources or not qualification_ids:
        return {}
    return credit_sources.only()(qualification_ids)
