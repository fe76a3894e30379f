"""Thin adapters between messaging channels and the chat service."""
