"""Writes to assessment data; each checks permissions and is audited."""
