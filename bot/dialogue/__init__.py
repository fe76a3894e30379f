"""The channel-agnostic dialogue core."""
