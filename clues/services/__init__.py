"""Every write to leads, findings and transfers goes through the modules of this package."""
