"""Every API operation, declared once per resource; ``client.py`` assembles them."""
