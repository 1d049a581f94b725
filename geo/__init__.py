"""frontmap's geoparser: news text in, geocoded and classified events out, offline."""

__version__ = "0.1.0"
