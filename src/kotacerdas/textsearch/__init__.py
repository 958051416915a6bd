"""Text analysis for search, in plain Python (no Django).

For now this holds the folding used to search region names; the full Indonesian and
English analysis for the practice library grows here.
"""

from ._names import RegionQuery, fold, split_region_query, strip_region_prefix

__all__ = ["RegionQuery", "fold", "split_region_query", "strip_region_prefix"]
