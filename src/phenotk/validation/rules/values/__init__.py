"""Rules: values — peer-level checks of scalar values (defaults, ranges, control characters, VRS shape)."""
