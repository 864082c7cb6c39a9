"""Read a new annual report against the catalogue and propose status updates (no FastAPI here).

sentences → mentions (known names, longest first) → classify (stage, year, milestone from the
report's language) → proposals; candidates and figures for unknown names and counted programmes;
apply makes chosen proposals changes through the app's one write path (app.edits.changes).
"""
