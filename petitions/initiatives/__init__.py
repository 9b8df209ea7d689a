"""The life of an initiative: its rules, transitions, audit log, count log and sweeps."""
