"""assistant.service"""
