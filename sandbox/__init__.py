"""Sandbox stand-ins for the council's source systems: real servers over simulated, deterministic worlds."""
