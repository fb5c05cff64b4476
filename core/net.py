"""The client's address, as the proxies in front of us saw it."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The address of the client that sent the request.

    With ``TRUSTED_PROXY_COUNT`` = N (N reverse proxies in front of the app, each appending
    to ``X-Forwarded-For``), it is the N-th address from the right of that header: the one
    our outermost proxy saw. Addresses to its left are written by the client and may be
    forged, so they are never used. With no proxy (N = 0) it is ``REMOTE_ADDR``.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote  # not through all our proxies: the nearest hop is all we know
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
