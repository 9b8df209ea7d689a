"""Mail: the outbox written with each change, its delivery, and who receives what."""
