"""What the staff page shows from the apps above people (dtbd.core.extensions): they register here from their
AppConfig.ready.

- `person_page(request, person, context)` -> a dict added to the staff page's context (e.g. the person's standing
  against the standards). `context` is the page's context so far (the loaded qualifications are in
  `context["qualification_groups"]`: a contribution reuses them instead of reading them again).
- `person_left(person, on_date, reason)`: called by services.record_leave inside its transaction, once the person is
  recorded as leaving (e.g. a broken service commitment opens a reimbursement case, docs/domain.md §14.3)."""
from dtbd.core.extensions import Hook

person_page = Hook("people.person_page")
person_left = Hook("people.person_left")


def person_page_context(request, person, context):
    extra = {}
    for function in person_page:
        extra.update(function(request, person, context))
    return extra


def notify_person_left(person, on_date, reason):
    for function in person_left:
        function(person, on_date, reason)
