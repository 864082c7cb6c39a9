"""Printed progress maps: PDF/PNG sheets, project tables and the township atlas.

No FastAPI here: the /print route and `tzmap print` both parse a PrintParameters (request), then
call fetch (data) and render (render). The package imports nothing itself: what a print asks for
is parsed without loading matplotlib and geopandas, which cost ~100 MB per worker.
"""
