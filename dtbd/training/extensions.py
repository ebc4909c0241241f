"""What training pages show from the apps above training, and what those apps do when a class moves
(dtbd.core.extensions): they register here from their AppConfig.ready.

- `class_page(request, training_class)` -> an HTML fragment (a panel) shown on the class page, or "" for nothing
  (e.g. the plans app's "Kinh phí" panel, shown to those who may read the class's costs);
- `lecturer_page(request, lecturer)` -> a panel of the lecturer's page, or "" (e.g. the lecturer's survey results,
  dtbd.evaluation);
- `portal_page(request, person)` -> a panel of the learner portal, or "" (e.g. the surveys waiting for the learner);
- `class_status_changed(training_class, old_status, new_status, user)`: called inside the transaction of
  services.classes.change_status, after the move (e.g. a finished class opens its survey, dtbd.evaluation);
- `provider_page(request, provider)` -> a panel of the provider page, or "" (e.g. the year's evaluation coverage
  against the 20 % rule, dtbd.evaluation)."""
from dtbd.core.extensions import Hook

class_page = Hook("training.class_page")
lecturer_page = Hook("training.lecturer_page")
portal_page = Hook("training.portal_page")
class_status_changed = Hook("training.class_status_changed")
provider_page = Hook("training.provider_page")


def _panels(hook, *args):
    return [panel for panel in (function(*args) for function in hook) if panel]


def class_page_panels(request, training_class):
    """The non-empty panels of the registered functions, in registration order."""
    return _panels(class_page, request, training_class)


def lecturer_page_panels(request, lecturer):
    return _panels(lecturer_page, request, lecturer)


def portal_page_panels(request, person):
    return _panels(portal_page, request, person)


def status_changed(training_class, old_status, new_status, user=None):
    for function in class_status_changed:
        function(training_class, old_status, new_status, user)


def provider_page_panels(request, provider):
    """The non-empty panels of the functions registered on `provider_page`, in registration order."""
    return _panels(provider_page, request, provider)
