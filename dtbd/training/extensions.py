"""What the class page shows from the apps above training (dtbd.core.extensions): they register here from their
AppConfig.ready.

- `class_page(request, training_class)` -> an HTML fragment (a panel) shown on the class page, or "" for nothing
  (e.g. the plans app's "Kinh phí" panel, shown to those who may read the class's costs)."""
from dtbd.core.extensions import Hook

class_page = Hook("training.class_page")
portal_page = Hook("training.portal_page")


def class_page_panels(request, training_class):
    """The non-empty panels of the registered functions, in registration order."""
    return [panel for panel in (function(request, training_class) for function in class_page) if panel]


def portal_page_panels(request, person):
    """The non-empty portal panels of the registered functions, in registration order."""
    return [panel for panel in (function(request, person) for function in portal_page) if panel]
