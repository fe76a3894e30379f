"""Conversation statistics for managers."""
