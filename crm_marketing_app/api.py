"""Whitelisted API whose paths DESIGN.md fixes; the work lives in each area's own module."""
