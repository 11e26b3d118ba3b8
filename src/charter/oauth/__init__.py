"""OAuth 2.0 protocol logic: token issuance and verification, the signing keys behind them,
introspection, revocation and metadata. Built on Authlib's server classes and joserfc; knows no
web framework (the web layer adapts requests to it) and reaches storage only through services.
"""
