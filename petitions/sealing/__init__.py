"""Keys, sealed signature records and envelopes: what the web server writes but cannot read."""
