"""The scheduled sweeps (registry and `jobs` commands) and the lease that runs each once."""
