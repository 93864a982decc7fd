"""Campaign-wide figures: the rollups every Campaign keeps (rollups.py)."""
