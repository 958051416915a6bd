"""KotaCerdas: the working platform of a network of Indonesian smart-city regions."""

__version__ = "0.1.0"
