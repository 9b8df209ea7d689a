"""The initiators' side: drafts, representatives, management links, their dashboard."""
