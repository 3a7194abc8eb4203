"""Tascomi (Idox) planning: daily change-only loads from the vendor REST API."""
