"""The rules of the training app, by seam — every write with business meaning is one of these functions, called by the
pages, the API, the imports and the jobs alike:

- (`training.states`: which moves a class may make, in which statuses requests are taken, which enrolments are active;)
- `classes`: the one status transition of a class (change_status) with its side effects; class lists, calendar;
- `enrolment`: request, approve, reject, withdraw, the waitlist, the seat counter, outcomes;
- `eligibility`: the one eligibility-and-conflict check of a person for a class, used by every door;
- `nomination`: nominating and assigning people, the requirements a programme satisfies;
- `notices`: what the people concerned are told;
- `results`, `roster`, `certificates`: attendance and results, the class roster file, certificates.

The functions most pages call are also named here (`services.approve(…)`)."""
from ..states import ACTIVE_STATES, CLASS_TRANSITIONS, OWN_WITHDRAW_STATES, REQUEST_STATUSES, SEAT_STATUSES
from .classes import change_status
from .eligibility import SelfRegistrationRefused, WarningsNotConfirmed
from .enrolment import approve, may_withdraw, record_outcome, reject, request_enrollment, waitlist, withdraw
from .nomination import (
    approve_many,
    missing_people,
    nominate_many,
    nomination_warnings,
    requirement_codes_for,
    warnings_for_many,
)
from .notices import portal_url

__all__ = [
    "ACTIVE_STATES", "CLASS_TRANSITIONS", "OWN_WITHDRAW_STATES", "REQUEST_STATUSES", "SEAT_STATUSES",
    "SelfRegistrationRefused", "WarningsNotConfirmed", "approve",
    "approve_many", "change_status", "may_withdraw", "missing_people", "nominate_many", "nomination_warnings", "portal_url",
    "record_outcome", "reject", "request_enrollment", "requirement_codes_for", "waitlist", "warnings_for_many",
    "withdraw",
]
