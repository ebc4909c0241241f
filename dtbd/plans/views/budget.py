"""Class costs, cost norms, roll-ups and the execution view."""
