"""assistant.search"""
