"""Paper signatures: the printable sheet, its entry and import by the secretariat."""
