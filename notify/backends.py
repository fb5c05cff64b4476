"""Where a message goes: one interface, a backend per channel chosen by settings (NOTIFY_SMS_BACKEND,
NOTIFY_WHATSAPP_BACKEND).

``send(message)`` hands one message to its gateway and returns the gateway's id for it (the delivery receipts
name it). A failure that may pass (the gateway down, slow, throttling, a 5xx) raises ``TransientSendError`` and
the task retries; one that will not (the gateway refuses the number or the template, a 4xx) raises
``PermanentSendError`` and the message is failed at once.
"""

import json
import logging
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.utils.module_loading import import_string

from notify.models import Channel, Message
from notify.texts import TEMPLATES

logger = logging.getLogger(__name__)


class SendError(Exception):
    pass


class TransientSendError(SendError):
    pass


class PermanentSendError(SendError):
    pass


class Backend:
    def send(self, message: Message) -> str:
        raise NotImplementedError


def backend_for(channel: str) -> Backend:
    path = settings.NOTIFY_WHATSAPP_BACKEND if channel == Channel.WHATSAPP else settings.NOTIFY_SMS_BACKEND
    return import_string(path)()


class ConsoleBackend(Backend):
    """Development and tests: the message goes to the log, and as a JSON line to NOTIFY_FILE when set."""

    def send(self, message: Message) -> str:
        gateway_id = f"console-{uuid.uuid4().hex}"
        logger.info("message %s to %s (%s, %s): %s", message.pk, message.phone, message.channel, message.template,
                    message.text)
        if settings.NOTIFY_FILE:
            with open(settings.NOTIFY_FILE, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({"id": message.pk, "gateway_id": gateway_id, "phone": message.phone,
                                         "channel": message.channel, "template": message.template,
                                         "dlt_template_id": message.dlt_template_id, "text": message.text},
                                        ensure_ascii=False) + "\n")
        return gateway_id


def _post_json(url: str, body: dict, headers: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFY_TIMEOUT) as response:  # noqa: S310 (a setting)
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        detail = f"HTTP {exc.code}: {exc.read()[:200].decode(errors='replace')}"
        # 429 (throttled) and 5xx pass; any other 4xx is the gateway refusing this message.
        if exc.code == 429 or exc.code >= 500:
            raise TransientSendError(detail) from None
        raise PermanentSendError(detail) from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise TransientSendError(f"{type(exc).__name__}: {exc}") from None


def _phone_e164(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits if len(digits) > 10 else f"91{digits}"


class HttpSmsBackend(Backend):
    """A generic HTTP SMS gateway under India's DLT rules: the sender id (header), the entity id, the registered
    template id of this very text and the template's variables go with every message (TRAI: a text not matching
    its registered template is dropped). The gateway answers ``{"message_id": "…"}``."""

    def send(self, message: Message) -> str:
        if not settings.NOTIFY_SMS_URL:
            raise PermanentSendError("NOTIFY_SMS_URL is not set")
        if not message.dlt_template_id:
            raise PermanentSendError(f"no DLT template id for {message.template}.{message.language} "
                                     "(NOTIFY_DLT_TEMPLATE_IDS)")
        answer = _post_json(settings.NOTIFY_SMS_URL, {
            "to": _phone_e164(message.phone), "sender": settings.NOTIFY_SMS_SENDER,
            "entity_id": settings.NOTIFY_SMS_ENTITY_ID, "template_id": message.dlt_template_id,
            "variables": message.variables, "text": message.text,
            "unicode": message.language != "en", "reference": str(message.pk),
        }, {"Authorization": f"Bearer {settings.NOTIFY_SMS_API_KEY}"})
        gateway_id = str(answer.get("message_id") or "")
        if not gateway_id:
            raise TransientSendError(f"the gateway gave no message_id: {str(answer)[:200]}")
        return gateway_id


class WhatsAppBackend(Backend):
    """The WhatsApp Business (Cloud) API: a template message (``kesco_<template>``, approved by Meta in both
    languages) with the template's variables as the body's parameters, in the template's order."""

    def send(self, message: Message) -> str:
        if not settings.NOTIFY_WHATSAPP_URL:
            raise PermanentSendError("NOTIFY_WHATSAPP_URL is not set")
        parameters = [{"type": "text", "text": str(message.variables.get(name, ""))}
                      for name in TEMPLATES[message.template]["variables"]]
        answer = _post_json(settings.NOTIFY_WHATSAPP_URL, {
            "messaging_product": "whatsapp", "to": _phone_e164(message.phone), "type": "template",
            "template": {"name": f"kesco_{message.template}", "language": {"code": message.language},
                         "components": [{"type": "body", "parameters": parameters}]},
        }, {"Authorization": f"Bearer {settings.NOTIFY_WHATSAPP_TOKEN}"})
        try:
            return str(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError):
            raise TransientSendError(f"WhatsApp gave no message id: {str(answer)[:200]}") from None
