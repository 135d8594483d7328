"""Shared foundations: settings, Vietnamese text, document model, access rules, errors."""
