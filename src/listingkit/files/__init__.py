"""The FILE family: input files that cannot be used at all."""
