"""The decisions a drill accepts (public re-export of ``sim.engine.decisions``)."""

from .engine.decisions import *  # noqa: F403
from .engine.decisions import ALL, BY_KIND, Decision, Estimate, from_dict  # noqa: F401
