"""The HTTP surface: Starlette, the Twilio wire format, authentication and the route table.

The only package that imports Starlette.
"""
