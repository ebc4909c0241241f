"""Pages of the plans app, one module per area: `plans`, `needs`, `budget`."""
