"""assistant.answer"""
