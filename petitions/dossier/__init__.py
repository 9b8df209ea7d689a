"""The certified dossier for the council: export, PDF, OParl paper, register check."""
