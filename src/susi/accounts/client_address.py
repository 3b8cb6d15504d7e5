"""The client's address for login throttling, correct behind the documented reverse proxy.

A forwarded-for header is believed only when the request's own peer (REMOTE_ADDR) is one of the configured
trusted proxies; anyone else could write any address into it and dodge the per-address throttle. The proxy
sets the header itself (nginx: `proxy_set_header X-Real-IP $remote_addr;`). For an X-Forwarded-For header the
right-most entry is used: it is the one the trusted proxy appended.

axes' django-ipware route counts proxies in the header but cannot check that the peer is the proxy, so this
small callable is configured as AXES_CLIENT_IP_CALLABLE instead.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.SUSI_TRUSTED_PROXIES)


def client_ip(request) -> str | None:
    peer = request.META.get("REMOTE_ADDR")
    if not peer or not _is_trusted(peer):
        return peer
    forwarded = request.META.get(settings.SUSI_CLIENT_IP_HEADER, "")
    candidate = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer
