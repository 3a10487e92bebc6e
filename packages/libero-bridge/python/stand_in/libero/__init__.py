"""STAND-IN for the `libero` package, used only by @rsd/libero-bridge's tests. Not LIBERO."""

__version__ = "stand-in"
