"""Helpers for the Small Language Models course."""
