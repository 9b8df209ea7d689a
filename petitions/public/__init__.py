"""The public pages: home, privacy, feeds, sharing, accessibility and feedback."""
