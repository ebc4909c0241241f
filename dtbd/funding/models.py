"""Postgraduate study funded by the agency with its service commitment and reimbursement, talent attraction and
source-cadre schemes (docs/domain.md §14)."""
