"""REST API: /api/v1/ (DRF), OpenAPI schema at /api/schema/, Swagger UI at /api/docs/ (Redoc at
/api/redoc/), and /api/tokens/ where a user manages their API tokens (`dtbd api-token create USERNAME --days N
--name X` from the command line).

Authentication: `Authorization: Bearer <key>` (an ApiToken: hashed, expiring, revocable; acts with exactly its user's
scope) or the web session (browsable API). Every queryset comes from accounts.scope.scope_of and
training.permissions, every write from training.services / class_services / results: the API sees and does what
the web UI lets the same user see and do, no more (out of scope: 404; refused action: 403; refused input: 400)."""
