"""The desk's server-rendered views (desk.py, detail.py) and the public customer pages (public.py).
Views parse input, call one service or selector and render; rules live in services and selectors."""
