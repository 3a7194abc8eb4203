"""Tascomi (Idox) planning API sandbox: a simulated world served over real HTTP."""

from sandbox.tascomi.server import Faults, TascomiSandbox
from sandbox.tascomi.world import TascomiWorld

__all__ = ["Faults", "TascomiSandbox", "TascomiWorld"]
