"""Template context: `unread_notices`, the number of the signed-in user's unread notices (one COUNT query, lazily —
only when a template uses it; nothing for anonymous visitors)."""
from django.utils.functional import SimpleLazyObject

from .services import unread_count


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        return unread_count(user)

    return {"unread_notices": SimpleLazyObject(count)}
