"""Figures and report.html for plast run directories (matplotlib, Debian python3 packages only)."""
