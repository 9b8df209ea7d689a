"""Pure verification library: tokens, identities and eligibility.

Knows nothing of Flask or the database: keys, salts, ``now`` and data come in as
arguments, and failures are raised as this package's own exceptions.
"""
