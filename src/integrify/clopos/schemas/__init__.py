"""Pydantic models of the Clopos Open API, at the module paths the documentation gives."""
