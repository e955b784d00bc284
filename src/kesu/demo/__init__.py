"""Demo-data helpers for the 华启优选 demo organisation (pure Python, no Django imports)."""
