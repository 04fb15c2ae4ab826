"""Booking handoff (Article 6 of the terms): rules, form, payload, email, calendar and outbox.

`rules`, `form` and `payload` are pure and shared with the office service, so the client and the
office decide a booking with one implementation.
"""
