"""Receipts: a signatory checks that their signature counts, or withdraws it."""
