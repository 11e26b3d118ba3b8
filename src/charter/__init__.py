"""Charter: a self-hostable delegated-access platform with a Twilio-compatible API."""

__version__ = "0.1.0"
