"""Indicators of a plan (issue 5 §3): targets with live or hand-entered actuals, their status, their pages."""
