"""Home page: the user's scope and headline counts, computed in the database."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dtbd.accounts.scope import scope_of
from dtbd.org import queries as org_queries
from dtbd.org.models import Unit
from dtbd.people import queries as people_queries


@login_required
def home(request):
    scope = scope_of(request.user)
    context = {"scope": scope}
    if scope.sees_units:
        counts = people_queries.headcounts(people_queries.current_staff(request.user))
        context.update(
            counts=counts,
            rows=people_queries.headcount_rows(counts),
            units=org_queries.unit_counts(Unit.objects.restrict(request.user)),
        )
    return render(request, "home/home.html", context)
