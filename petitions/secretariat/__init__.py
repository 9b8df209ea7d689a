"""The council secretariat's pages and commands (staff accounts, every page checks the role)."""
