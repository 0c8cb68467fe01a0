"""podcasts: reads and writes of AWS: rows and objects in, domain objects out"""

from podcasts.store import channels, episodes, objects

__all__ = ["channels", "episodes", "objects"]
