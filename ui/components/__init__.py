"""Small rendering pieces of the Streamlit app; each takes plain dicts from the API."""
