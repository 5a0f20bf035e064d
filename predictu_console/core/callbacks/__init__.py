"""Callbacks: how an event travels from the transaction that causes it to the operator's server.

1. `events`: a platform action or a status change describes what happened as `DomainEvent`s.
2. `outbox`: `emit` writes each event as a `deliveries` row in the same transaction as the
   change, with the exact body that will be signed (a rolled-back change sends nothing, a
   committed one is never lost); an operator without a callback URL or a key gets the row as
   `skipped`, with the reason.
3. `delivery.claim_due` (a short transaction) leases due rows to a worker and reads each
   operator's URL and signing keys — the newest, and during a rotation the expiring one.
4. `signing` builds the headers: `X-Predictu-Signature` (and `-Previous` during a rotation)
   and the Standard Webhooks `webhook-id`, `webhook-timestamp`, `webhook-signature`.
5. `sender` POSTs over HTTPS with no transaction open: certificates verified, redirects never
   followed, the address connected to checked against private and special ranges, one
   deadline for the whole exchange; every failure is classified (`TIMEOUT`, `TLS_ERROR`, …).
6. `delivery.record_attempts` stores the attempt, settles or reschedules the row
   (`RETRY_DELAYS`), and `health` moves the operator's callback health; the worker does it
   in the transaction that claims its next batch.
7. `worker` runs steps 3–6 with bounded concurrency until told to stop; `delivery_log` is how
   admins read the rows and attempts, and redeliver.

The test callback (`ping`) takes the same path without the outbox: prepare (read the URL and
keys, build a PING or a `samples` event through the same builders as real events), sign,
send, record — one function, so no front end holds a transaction open while it waits on the
operator's server.
"""
