"""The pages of the training app, by part: catalogue (programmes, providers, needs), classes, enrolment, results,
certificates, the learner portal."""
