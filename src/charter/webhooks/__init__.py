"""Webhook delivery: the outbox worker that sends Charter's callbacks to customer URLs.

`signing` signs requests exactly as Twilio does (`X-Twilio-Signature`), `guard` keeps requests
off private networks (checked at connect time, on the address actually dialled), `delivery`
sends one attempt with httpx (injectable transport, no redirects, short timeouts), `backoff`
is the retry schedule and `worker` claims due events, delivers them and records every attempt.

Storage is reached only through `charter.domain.ports`; this package imports neither Starlette
nor SQLAlchemy.
"""
