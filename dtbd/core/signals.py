"""Signals of bulk writes, which send no model signals: the apps that keep derived data (the dashboard's summary tables,
reports.signals) listen to them, so the app that writes needs to know nothing of them."""
from django.dispatch import Signal

# Sent by the writer after a queryset UPDATE changed `rows` (model instances read before the change), sender = the
# model, inside the writer's transaction.
rows_updated = Signal()
