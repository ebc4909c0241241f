"""The forms of the training app, by part: catalogue, classes, enrolment, results."""
