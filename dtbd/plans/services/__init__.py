"""The rules of the plans app, one module per seam: `needs` (register, requests), `workflow` (plan statuses,
revisions, consolidation, classes from lines), `budget` (costs, norms, roll-ups, warnings), `execution` (planned vs
actual). Views, the API, commands and jobs call these; none writes plan models itself."""
