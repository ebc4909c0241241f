"""The states of classes and enrolments the rules speak of: which moves a class may make, in which class statuses
requests are taken and seats move, which enrolments are active, which a learner may withdraw themselves."""
from .models import Enrollment, TrainingClass

Status = TrainingClass.Status
State = Enrollment.State

CLASS_TRANSITIONS = {
    Status.PLANNED: {Status.OPEN, Status.RUNNING, Status.CANCELLED},
    Status.OPEN: {Status.PLANNED, Status.RUNNING, Status.CANCELLED},
    Status.RUNNING: {Status.FINISHED, Status.CANCELLED},
    Status.FINISHED: {Status.CLOSED},
    Status.CLOSED: set(),
    Status.CANCELLED: set(),
}


REQUEST_STATUSES = {Status.PLANNED, Status.OPEN}


SEAT_STATUSES = {Status.PLANNED, Status.OPEN, Status.RUNNING}


ACTIVE_STATES = {State.REQUESTED, State.APPROVED, State.ENROLLED, State.WAITLISTED}


OWN_WITHDRAW_STATES = {State.REQUESTED, State.WAITLISTED, State.ENROLLED}


def status_label(value):
    return str(Status(value).label)


def state_label(value):
    return str(State(value).label)

