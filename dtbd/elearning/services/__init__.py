"""The rules of the e-learning app (docs/domain.md §17), by seam:

- `content`: courses, modules, lessons (sanitised HTML), files and attachments;
- `serving`: sending a stored file to a browser (X-Accel-Redirect, a signed storage URL, or streamed with HTTP
  Range requests);
- `quizzes`: attempts (draw, time limit, attempts limit), answers saved one by one, grading;
- `questions_xlsx`: the question bank to and from .xlsx (all or nothing);
- `progress`: lessons seen, time spent, the completion rule, reminders;
- `scorm`: importing a SCORM 1.2 package and storing what its runtime reports."""
