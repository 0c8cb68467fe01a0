"""Podcasts: channels, episodes with hosted audio, and their public RSS feeds (a licensed module)."""
