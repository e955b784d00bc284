"""Kesu's offline triage engine for Chinese complaint text (pure Python, no Django)."""
