"""precheck: device pre-check for Hello Work online counseling (オンライン職業相談)."""

__version__ = "0.1.0"
