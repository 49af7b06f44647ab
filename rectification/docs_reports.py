"""The signed report as PDF (to be written)."""
