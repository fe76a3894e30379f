"""Handing a conversation to hotline operators and back."""
