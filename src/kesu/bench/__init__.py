"""Performance benchmarks behind ``kesu bench`` (``make bench``). They print figures; they never assert
timings. See docs/benchmarks.md for what is measured, how, and the latest results.

The orchestrating command runs in the developer's environment and starts one child process per
(benchmark, database, size) with its own ``KESU_DATA_DIR`` / ``KESU_DATABASE_URL``, so that each child is an
ordinary Kesu process configured for exactly one database. Loaded databases are cached under
``var/bench/`` (an SQLite file per size; a template database per size in PostgreSQL).
"""
