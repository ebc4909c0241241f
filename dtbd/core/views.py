"""Home page: the user's scope and headline counts, computed in the database."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dtbd.accounts.scope import scope_of
from dtbd.org import queries as org_queries
from dtbd.org.models import Unit


@login_required
def home(request):
    scope = scope_of(request.user)
    context = {"scope": scope}
    if scope.everything or scope.unit_path:
        counts = org_queries.headcounts(org_queries.current_staff(request.user))
        context.update(
            counts=counts,
            rows=org_queries.headcount_rows(counts),
            units=org_queries.unit_counts(Unit.objects.restrict(request.user)),
        )
    return render(request, "core/home.html", context)
