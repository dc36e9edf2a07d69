"""The package version, in a module of its own.

The SARIF renderer names the tool's version; importing it from here instead of
the package root keeps ``listingkit.output`` clear of the engine and the check
families that the root imports. Hatch reads the version from this file too.
"""

__version__ = "0.1.0"
