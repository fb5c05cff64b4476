"""REST API for notices, drives and their stops, outcomes, reconnections and disputes (DESIGN.md, REST API).

One view per operation with its own input and output serializers: check the role (403), find the record
through the scoping selectors (another division's is a 404), validate, call one service, answer. Business
refusals are the services' DomainErrors, answered 409 {code, detail, field} by kesco.api. Every POST honours
`Idempotency-Key`: the field app retries from a queue on the phone, and a retry must never cut, note or
reconnect twice.
"""
