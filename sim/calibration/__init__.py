"""Calibration: each figure a seed plan states about behaviour (a scenario's
``calibration:`` entries) beside the model's figure with a 95 % interval over
many seeds. ``drill calibrate SCENARIO`` prints them; the tests assert them."""

from __future__ import annotations

from .compute import Row, calibrate

__all__ = ["Row", "calibrate"]
