"""Signing: the sign form, the street register, confirmation by e-mail, eligibility."""
